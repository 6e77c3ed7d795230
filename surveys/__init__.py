"""Placement results and the end-of-course satisfaction survey (answers kept apart from names)."""
