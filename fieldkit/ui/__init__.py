"""The Qt desktop UI. The only package that imports Qt; it calls the Qt-free core and duplicates none of it."""

from fieldkit.ui import pyside_workarounds  # noqa: F401  (before any signal is emitted; see the module)
