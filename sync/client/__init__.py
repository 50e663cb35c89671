"""The kit's sync client: a Qt-free background worker that delivers sealed packets to the hub."""
