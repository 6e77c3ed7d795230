"""Learners' data rights and the platform's memory: export, erasure, retention (issue 21)."""
