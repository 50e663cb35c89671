"""The enrolment domain: records, their status machine, validation. Qt-free."""
