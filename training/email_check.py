"""email-validator, imported when an address is first checked rather than at start-up.

Importing it compiles its RFC grammar into regular expressions, about 30 ms of a worker's start
(issue 19, item 4) for a check only the registration, account and roster-import paths make.
``email_validator_module()`` imports it once, configured for Passerelle: the demo and test
accounts use the reserved ".test" domain (RFC 2606), which the validator is told to accept
(email-validator documents editing ``SPECIAL_USE_DOMAIN_NAMES``).
"""

from __future__ import annotations

from types import ModuleType

_configured: ModuleType | None = None


def email_validator_module() -> ModuleType:
    """The ``email_validator`` module, accepting addresses in the ".test" domain."""
    global _configured
    if _configured is None:
        import email_validator

        email_validator.SPECIAL_USE_DOMAIN_NAMES = [
            name for name in email_validator.SPECIAL_USE_DOMAIN_NAMES if name != "test"
        ]
        _configured = email_validator
    return _configured
