"""The kit's audit log: hash-chained, device-signed, verified by `fieldkit audit verify`."""
