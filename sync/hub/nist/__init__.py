"""ANSI/NIST-ITL 1-2011 transactions for the AFIS: `fieldkit-hub export --format nist` (docs/sync.md).

`encoding` writes tagged-field records (the standard's traditional encoding), `images` reads the facts a
record header needs from the image bytes (size, compression), `transaction` maps one opened packet onto
Type-1/2/10/14 records, `export` writes one file per received packet.
"""
