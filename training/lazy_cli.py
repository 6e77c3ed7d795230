"""Command-line groups imported when they run, not when a web worker starts.

The ``flask`` commands' modules import what only they need (the GIFT converters, the course
checker's drawing tools, the key management of credentials…). ``LazyCommand`` stands in for
one of them: ``flask --help`` lists it with its help line, and running it (``--help``
included) hands over to the real command, imported then, with the same options and
subcommands. The web app never imports them.
"""

from __future__ import annotations

import importlib
from typing import Any

import click


class LazyCommand(click.Command):
    """``target`` is ``"module:attribute"``, the real click command or group."""

    def __init__(self, name: str, target: str, help: str) -> None:  # noqa: A002 - click's name
        super().__init__(name=name, help=help)
        self.target = target

    def real(self) -> click.Command:
        module, attribute = self.target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> click.Context:
        return self.real().make_context(info_name, args, parent=parent, **extra)


#: (name, target, help line) of every command group the app registers lazily.
COMMANDS = (
    ("users", "training.cli:users_cli", "Manage user accounts."),
    ("demo", "training.cli:demo_command", "Load demo data (idempotent) and print the logins."),
    ("quizzes", "quizzes.cli:quizzes_cli", "Quiz tools."),
    ("certificates", "certificates.cli:certificates_cli",
     "Issue, export, verify and revoke certificates."),
    ("courses", "courses.cli:courses_cli", "Course content tools."),
    ("credentials", "credentials.cli:credentials_cli",
     "Signing keys and verification of Open Badges credentials."),
)  # fmt: skip


def lazy_commands() -> list[LazyCommand]:
    return [LazyCommand(name, target, help_line) for name, target, help_line in COMMANDS]
