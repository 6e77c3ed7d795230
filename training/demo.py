"""Idempotent demo data: one admin, one trainer, three learners (and what features add).

Features register extra loaders in DEMO_LOADERS; each gets the accounts by key and returns
lines to print.
"""

from __future__ import annotations

from collections.abc import Callable

from training import accounts
from training.models import User

DEMO_PASSWORD = "passerelle-demo"  # noqa: S105 - printed on purpose for the demo

DEMO_USERS = [
    ("admin", "admin@passerelle.test", "Alex Admin", "Alexandra Martin", "admin", "en"),
    ("trainer", "trainer@passerelle.test", "Fatou", "Fatou Ndiaye", "trainer", "fr"),
    ("learner1", "amina@passerelle.test", "Amina", "Amina Haddad", "learner", "fr"),
    ("learner2", "lucas@passerelle.test", "Lucas", "Lucas Moreau", "learner", "en"),
    ("learner3", "sofia@passerelle.test", "Sofia", "Sofia Pereira-Lopes", "learner", "en"),
    ("learner4", "james@passerelle.test", "James", "James O'Brien", "learner", "en"),
]

DemoLoader = Callable[[dict[str, User]], list[str]]
DEMO_LOADERS: list[DemoLoader] = []


def ensure_demo_users() -> dict[str, User]:
    people: dict[str, User] = {}
    for key, email, display, full, role, language in DEMO_USERS:
        user = accounts.find_user_by_email(email)
        if user is None:
            user = accounts.create_user(
                email, display_name=display, full_name=full, password=DEMO_PASSWORD, role=role,
                language=language,
            )  # fmt: skip
        people[key] = user
    return people


def load_demo() -> list[str]:
    people = ensure_demo_users()
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {role:<8} {email}" for _, email, _, _, role, _ in DEMO_USERS]
    for loader in DEMO_LOADERS:
        lines += loader(people)
    return lines
