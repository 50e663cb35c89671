"""The enrolment service API the UI and `fieldkit demo` call (Qt-free): unlock, drafts, review, sealing."""
