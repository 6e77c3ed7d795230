"""``flask certificates issue | pdf | verify | revoke``."""

from __future__ import annotations

import hashlib

from certificates import services


def test_issue_pdf_verify_revoke(runner, make_user, course, tmp_path):
    learner = make_user("learner", email="lea@example.test", full_name="Léa Martin")
    make_user("trainer", email="coach@example.test")

    result = runner.invoke(
        args=["certificates", "issue", "lea@example.test", "mini", "--by", "coach@example.test"]
    )
    assert result.exit_code == 0, result.output
    code = result.stdout.strip()
    certificate = services.get_by_code(code)
    assert certificate is not None and certificate.user_id == learner.id
    assert certificate.issued_by_id is not None
    [entry] = services.audit_entries(certificate)
    assert (entry.action, entry.actor_label) == ("certificate.issue", "coach@example.test")

    # Issuing again keeps the same certificate.
    again = runner.invoke(
        args=["certificates", "issue", "lea@example.test", "mini", "--by", "coach@example.test"]
    )
    assert again.exit_code == 0 and again.stdout.strip() == code

    out = tmp_path / "cert.pdf"
    result = runner.invoke(args=["certificates", "pdf", code, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == certificate.pdf
    assert hashlib.sha256(out.read_bytes()).hexdigest() in result.output

    result = runner.invoke(args=["certificates", "verify", code])
    assert result.exit_code == 0
    assert result.output.startswith("valid: Léa Martin — Mini mediation course")

    result = runner.invoke(args=["certificates", "revoke", code, "--reason", "Issued by mistake"])
    assert result.exit_code == 0, result.output
    entries = services.audit_entries(services.get_by_code(code))
    assert [(e.action, e.actor_id, e.actor_label) for e in entries][-1] == (
        "certificate.revoke",
        None,
        "CLI",
    )

    result = runner.invoke(args=["certificates", "verify", code])
    assert result.exit_code == 1
    assert result.output.startswith("revoked:")
    assert "Issued by mistake" in result.output

    result = runner.invoke(args=["certificates", "revoke", code, "--reason", "Twice"])
    assert result.exit_code != 0 and "already revoked" in result.output


def test_issue_needs_a_trainer_and_known_names(runner, make_user, course):
    make_user("learner", email="lea@example.test")
    make_user("learner", email="peer@example.test")
    result = runner.invoke(
        args=["certificates", "issue", "lea@example.test", "mini", "--by", "peer@example.test"]
    )
    assert result.exit_code != 0 and "not a trainer" in result.output
    result = runner.invoke(
        args=["certificates", "issue", "nobody@example.test", "mini", "--by", "peer@example.test"]
    )
    assert result.exit_code != 0 and "no learner" in result.output
    make_user("admin", email="boss@example.test")
    result = runner.invoke(
        args=["certificates", "issue", "lea@example.test", "nocourse", "--by", "boss@example.test"]
    )
    assert result.exit_code != 0 and "no valid course" in result.output


def test_verify_unknown_exits_1_and_revoke_needs_a_reason(runner):
    result = runner.invoke(args=["certificates", "verify", "nosuchcode"])
    assert result.exit_code == 1 and result.output.startswith("unknown")
    result = runner.invoke(args=["certificates", "revoke", "nosuchcode"])
    assert result.exit_code != 0 and "--reason" in result.output
