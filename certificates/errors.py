"""The certificate feature's errors (a view turns NotAllowed into a 404)."""

from __future__ import annotations


class CertificateError(Exception):
    """A certificate operation that cannot be done (the message says why)."""


class NotAllowed(CertificateError):
    """The actor may not do this; views answer 404."""
