"""The technician's hardware lab (issue 3 item 8): devices only, never personal data."""
