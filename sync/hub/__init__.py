"""The receiving hub: HTTP app, storage (SQLite or PostgreSQL), receipts, provisioning and USB import."""
