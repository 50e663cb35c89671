"""One module per page; each page takes the AppContext and calls the core through it."""
