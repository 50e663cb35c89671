"""Supervisor review: the list of records with filters and search, and one record's detail with actions."""
