"""The Qt desktop UI. The only package that imports Qt; it calls the Qt-free core and duplicates none of it."""
