"""Signing tokens: a SoftHSM2 stand-in for a supervisor's PKCS#11 token (the real tokens need no driver of
ours: fieldkit.security.token talks PKCS#11 to the vendor's module)."""
