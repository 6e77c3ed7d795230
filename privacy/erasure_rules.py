"""What erasing an account does to each table: the one documented place (issue 21).

An erased account becomes a **pseudonymous tombstone**: the ``users`` row stays (learning
records, cohort memberships and certificates point to it, and the trainers' aggregates —
counts, averages, score distributions, the yearly BPF summary — are computed from them), but it
holds nothing of the person: its address becomes ``erased-<random>@erased.invalid``, both names
become "Erased account", the password is unusable, the role is learner and every mail is off.
Everything the person *wrote* (free text) and everything that could reach them (sessions,
links, mails) is deleted. What the learner *did* (which module was read when, which quiz
answer was picked, how a role-play ended) stays, detached from any identity, so the anonymous
aggregates in the trainers' pages do not change.

Issued certificates are never silently changed. The holder chooses, at deletion:

- **keep**: each certificate and block attestation stays verifiable exactly as issued (its
  frozen snapshot, with the printed name, its PDF and its signed credential); nothing else of
  the person is kept;
- **revoke**: each is revoked with the reason "holder's request" (the verification page says
  so) and its copy of the person is removed: the printed name becomes "Erased account", the
  stored PDF is deleted and the signed credential is replaced by its SHA-256. The code, the
  course, the dates and both digests stay, so a copy still held by someone verifies as revoked.

What must be kept for funders (proof that a training action took place: dated learning
events and results, which OPCO, CPF and France Travail audits ask for) is kept, pseudonymised,
for ``DATA_RETENTION_EVIDENCE_DAYS`` (default six years) after the event, then purged by the
retention task (``privacy.retention``). So that an auditor's question about a named trainee can
still be answered, the erasure request keeps a keyed hash of the former address
(``funder_digest``, HMAC-SHA256 with the app's secret key) until ``funder_keep_until`` (the
last recorded activity + ``DATA_RETENTION_EVIDENCE_DAYS``); the erasure task then clears it.

:data:`RULES` is the same, per table, and docs/data-retention.md ("Erasure") prints it for
readers; tests fail when a table has no rule or the page and the rules disagree, so a new table
cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass

DELETE = "delete"  # the person's rows are deleted
PSEUDONYMISE = "pseudonymise"  # rows stay; personal values are replaced by placeholders
SCRUB = "scrub"  # rows stay; free text written by or about the person is removed
KEEP = "keep"  # rows stay as they are (they hold nothing personal, or only a pseudonymous id)
CERTIFICATE = "certificate"  # the holder's choice: keep verifiable, or revoke (see above)

ERASED_NAME = "Erased account"
ERASED_DOMAIN = "erased.invalid"
HOLDERS_REQUEST = "holder's request"


@dataclass(frozen=True)
class Rule:
    action: str
    what: str
    kept_for: str = ""


RULES: dict[str, Rule] = {
    "users": Rule(
        PSEUDONYMISE,
        "address → erased-<random>@erased.invalid, names → 'Erased account', password "
        "unusable, role learner, unconfirmed, session version bumped",
        "as long as the records pointing to it",
    ),
    "user_sessions": Rule(DELETE, "every session of the account"),
    "remember_tokens": Rule(DELETE, "every remember-me token"),
    "one_time_tokens": Rule(DELETE, "every reset, invitation and confirmation link"),
    "login_throttles": Rule(DELETE, "the failed-login counter of the address"),
    "cohort_invitations": Rule(DELETE, "invitations to the account (pending, answered)"),
    "cohort_trainers": Rule(DELETE, "an erased trainer no longer trains any cohort"),
    "mail_opt_outs": Rule(PSEUDONYMISE, "replaced by 'every kind off': no mail ever goes"),
    "outbox_messages": Rule(
        DELETE,
        "mails to the account; in other people's mails (a trainer's digest) the address and "
        "names are replaced by 'Erased account'; the file outbox's .eml copies of those "
        "mails are deleted",
    ),
    "roleplay_runs": Rule(
        SCRUB,
        "the reflection (free text) is removed; path, outcome and scores stay, pseudonymous",
        "with the results (trainers' aggregates)",
    ),
    "reflection_replies": Rule(
        DELETE,
        "trainers' replies to the learner's reflections; an erased trainer's own replies to "
        "others stay with the label 'Erased account'",
    ),
    "overrides": Rule(
        SCRUB,
        "a grant to the learner stays (the completion rule counts it), its free-text reason "
        "is removed; an erased trainer's label becomes 'Erased account'",
        "with the results",
    ),
    "audit_events": Rule(
        PSEUDONYMISE,
        "events stay (append-only history); the address or names as actor label, in the "
        "reason or in the details become 'Erased account'",
        "the audit-log retention period (certificate events for good)",
    ),
    "certificates": Rule(CERTIFICATE, "keep verifiable, or revoke (reason: holder's request)"),
    "block_attestations": Rule(CERTIFICATE, "as certificates"),
    "credentials": Rule(
        CERTIFICATE, "kept with a kept certificate; only the JWT's SHA-256 when revoked"
    ),
    "credential_status_entries": Rule(KEEP, "status bits: no personal data"),
    "quiz_attempts": Rule(
        KEEP, "answers and scores, pseudonymous (quiz statistics)", "with the results"
    ),
    "module_progress": Rule(KEEP, "reading progress, pseudonymous", "with the results"),
    "enrolments": Rule(KEEP, "which course, which cohort", "with the results"),
    "cohort_members": Rule(KEEP, "membership, pseudonymous (cohort aggregates)"),
    "cohorts": Rule(KEEP, "no personal data"),
    "learner_standings": Rule(
        KEEP, "figures computed from the results (a cache), pseudonymous", "with the results"
    ),
    "insight_graded_answers": Rule(
        KEEP, "each answer's grade (a cache of quiz_attempts), pseudonymous", "with the results"
    ),
    "insight_snapshots": Rule(KEEP, "a cohort's counts: no personal data"),
    "learning_events": Rule(
        KEEP,
        "dated actions, pseudonymous: the funders' proof of realisation",
        "DATA_RETENTION_EVIDENCE_DAYS after the event (retention task)",
    ),
    "survey_participations": Rule(KEEP, "that the survey was answered (no content)"),
    "survey_responses": Rule(KEEP, "already anonymous: no user id, no time"),
    "erasure_requests": Rule(
        PSEUDONYMISE,
        "the record of the erasure; a keyed hash of the former address for funders' audits",
        "the hash until funder_keep_until, the row for ever",
    ),
    "data_export_requests": Rule(DELETE, "the person's data exports (their ZIP archives)"),
    "inactivity_warnings": Rule(DELETE, "the record of an inactivity warning (retention)"),
    "task_runs": Rule(KEEP, "no personal data"),
    "alembic_version": Rule(KEEP, "no personal data"),
}
