"""Personal data: export, privacy notice, erasure and retention (issue 21)."""
