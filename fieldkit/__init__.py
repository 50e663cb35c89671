"""FieldKit: offline-first ID-enrolment field kit (Qt-free core; the Qt UI lives in fieldkit.ui)."""

__version__ = "0.1.0"
