"""Casework: what happens to a request, whoever triggers it (applicant, staff or system)."""
