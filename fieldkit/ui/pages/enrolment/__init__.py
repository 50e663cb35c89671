"""The officer's enrolment wizard: card QR + form, face, fingerprints, review the citizen confirms, slip."""
