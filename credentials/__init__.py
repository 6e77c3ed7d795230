"""Verifiable credentials: Open Badges 3.0 (W3C VC Data Model 2.0) signed as VC-JWT."""
