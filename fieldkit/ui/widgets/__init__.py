"""Small reusable widgets: camera preview with overlay, hand diagram, image helpers."""
