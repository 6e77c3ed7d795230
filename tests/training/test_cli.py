"""The command line: users create / set-role, demo."""

from __future__ import annotations

from training import accounts
from training.demo import DEMO_PASSWORD, DEMO_USERS


def test_users_create_with_password_stdin(runner):
    result = runner.invoke(
        args=["users", "create", "Cli@Example.test", "--name", "Cli", "--role", "trainer",
              "--password-stdin"],
        input="a fine password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = accounts.find_user_by_email("cli@example.test")
    assert user.role == "trainer"
    assert accounts.authenticate("cli@example.test", "a fine password") is not None


def test_users_create_with_prompt_and_duplicate(runner):
    args = ["users", "create", "p@example.test", "--name", "P"]
    assert runner.invoke(args=args, input="a fine password\na fine password\n").exit_code == 0
    again = runner.invoke(args=args, input="a fine password\na fine password\n")
    assert again.exit_code == 1
    assert "already uses this email" in again.output


def test_users_create_rejects_short_password(runner):
    result = runner.invoke(
        args=["users", "create", "s@example.test", "--name", "S", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert accounts.find_user_by_email("s@example.test") is None


def test_set_role(runner, make_user):
    user = make_user()
    result = runner.invoke(args=["users", "set-role", user.email, "admin"])
    assert result.exit_code == 0
    assert accounts.find_user_by_email(user.email).role == "admin"
    assert runner.invoke(args=["users", "set-role", "nobody@example.test", "admin"]).exit_code == 1
    assert runner.invoke(args=["users", "set-role", user.email, "emperor"]).exit_code == 2


def test_demo_is_idempotent_and_prints_logins(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    for _, email, _, _, role, _ in DEMO_USERS:
        assert email in first.output
        user = accounts.find_user_by_email(email)
        assert user.role == role
        assert accounts.authenticate(email, DEMO_PASSWORD) is not None
    assert DEMO_PASSWORD in first.output
