"""Who may reach every endpoint: one row per (endpoint, method), one outcome per role.

``test_access_matrix.py`` walks ``app.url_map`` × the six roles below with real ids filled in,
and fails on any mismatch and on any endpoint without a row here. **Adding an endpoint?** Add
its row (``"blueprint.view METHOD": row(...)``), and, if its URL has an argument name that
:data:`ARGS` does not know yet, say which world value fills it (``args={...}``).

Roles (the world is built in ``test_access_matrix.py``):

- ``anonymous``: nobody signed in;
- ``learner``: joined cohort C (by code) and owns its data: a quiz attempt, a role-play run, a
  certificate earned in C, a pending invitation to cohort D; enrolled in the closed course;
- ``other_learner``: enrolled in the course on their own, in no cohort;
- ``cohort_trainer``: trains cohort C;
- ``other_trainer``: trains cohort D (same course), not C;
- ``admin``.

Outcomes:

- ``OK``: the view ran for this role: a 2xx, a redirect anywhere but the login page, or, for a
  POST, the 400/422 of a form refused. The walk sends POSTs *without* a CSRF token while
  CSRF checking is deferred to the forms (``WTF_CSRF_CHECK_DEFAULT=False``): an allowed role
  reaches the view and its form refuses the request, so nothing changes, and a view that
  checked the form before the access would show up here as a 400 where a 404 is expected.
- ``LOGIN``: redirected to the login page;
- ``FORBIDDEN``: 403 (a role that may never use the page: learners on trainer pages);
- ``HIDDEN``: 404 (someone else's cohort, learner, attempt or certificate: it looks like
  nothing is there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", "403", "404"
ROLES = ("anonymous", "learner", "other_learner", "cohort_trainer", "other_trainer", "admin")


@dataclass(frozen=True)
class Row:
    expect: dict[str, str]
    args: dict[str, str] = field(default_factory=dict)  # URL argument → key of the world


def row(
    anonymous: str,
    learner: str,
    other_learner: str,
    cohort_trainer: str,
    other_trainer: str,
    admin: str,
    **args: str,
) -> Row:
    values = (anonymous, learner, other_learner, cohort_trainer, other_trainer, admin)
    return Row(dict(zip(ROLES, values, strict=True)), dict(args))


#: Default world value for each URL argument name (a row's ``args`` overrides it).
ARGS = {
    "cohort_id": "cohort_id",
    "user_id": "learner_id",
    "code": "certificate_code",
    "slug": "course_slug",
    "course_slug": "course_slug",
    "stem": "module_stem",
    "attempt_id": "attempt_id",
    "run_id": "run_id",
    "invitation_id": "invitation_id",
    "filename": "static_file",
    "token": "reset_token",
    "list_number": "status_list",
    "block_id": "block_id",
}

EVERYONE = dict.fromkeys(ROLES, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK)
COHORT_PAGE = (LOGIN, FORBIDDEN, FORBIDDEN, OK, HIDDEN, OK)
TRAINERS = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK)
OWNER_ONLY = (LOGIN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN)

MATRIX: dict[str, Row] = {
    # Public pages
    "main.index GET": row(*EVERYONE.values()),
    "main.health GET": row(*EVERYONE.values()),
    "static GET": row(*EVERYONE.values()),
    "courses.catalogue GET": row(*EVERYONE.values()),
    "courses.course GET": row(*EVERYONE.values()),
    "cohorts.join_form GET": row(*EVERYONE.values()),
    "cohorts.join GET": row(*EVERYONE.values(), code="join_code"),
    "cohorts.join POST": row(*SIGNED_IN, code="join_code"),
    "certificates.verify GET": row(*EVERYONE.values()),
    # The issuer's published keys and status lists: what wallets and verifiers fetch.
    "credentials.did_document GET": row(*EVERYONE.values()),
    "credentials.jwks GET": row(*EVERYONE.values()),
    "credentials.status GET": row(*EVERYONE.values()),
    "certificates.verify_json GET": row(*EVERYONE.values()),
    "certificates.verify_form GET": row(*EVERYONE.values()),
    "certificates.verify_upload POST": row(*EVERYONE.values()),
    # Accounts
    "auth.login GET": row(*EVERYONE.values()),
    "auth.login POST": row(*EVERYONE.values()),
    "auth.register GET": row(*EVERYONE.values()),
    "auth.register POST": row(*EVERYONE.values()),
    "auth.forgot_password GET": row(*EVERYONE.values()),
    "auth.forgot_password POST": row(*EVERYONE.values()),
    "auth.resend_confirmation GET": row(*EVERYONE.values()),
    "auth.resend_confirmation POST": row(*EVERYONE.values()),
    "auth.confirm_email GET": row(*EVERYONE.values(), token="verify_token"),
    "auth.confirm_email POST": row(*EVERYONE.values(), token="verify_token"),
    "auth.reset_password GET": row(*EVERYONE.values()),
    "auth.reset_password POST": row(*EVERYONE.values()),
    "auth.accept_invite GET": row(*EVERYONE.values(), token="invite_token"),
    "auth.accept_invite POST": row(*EVERYONE.values(), token="invite_token"),
    "auth.set_language POST": row(*EVERYONE.values()),
    "auth.logout POST": row(*SIGNED_IN),
    # Mail preferences (issue 17): the signed token is the authority, for anyone holding it.
    "notifications.unsubscribe GET": row(*EVERYONE.values(), token="unsubscribe_token"),
    "notifications.unsubscribe POST": row(*EVERYONE.values(), token="unsubscribe_token"),
    "notifications.resubscribe POST": row(*EVERYONE.values(), token="unsubscribe_token"),
    "notifications.save_preferences POST": row(*SIGNED_IN),
    "auth.account GET": row(*SIGNED_IN),
    "auth.account POST": row(*SIGNED_IN),
    # Erasure (issue 21): the holder asks and cancels; the mail link works without a login.
    "erasure.request_page GET": row(*SIGNED_IN),
    "erasure.request_page POST": row(*SIGNED_IN),
    "erasure.cancel POST": row(*SIGNED_IN),
    "erasure.confirm GET": row(*EVERYONE.values(), token="erasure_token"),
    "erasure.confirm POST": row(*EVERYONE.values(), token="erasure_token"),
    # Personal data (privacy/): the notice is public; the export link is its owner's only.
    "privacy.notice GET": row(*EVERYONE.values()),
    "privacy.request_export POST": row(*SIGNED_IN),
    "privacy.download_export GET": row(*OWNER_ONLY, token="export_token"),
    # Learning
    "courses.dashboard GET": row(*SIGNED_IN),
    "courses.enrol POST": row(*SIGNED_IN),
    "courses.module GET": row(*SIGNED_IN),
    "courses.mark_done POST": row(*SIGNED_IN),
    "courses.media GET": row(
        HIDDEN, OK, HIDDEN, OK, OK, OK, slug="closed_slug", filename="media_file"
    ),
    "courses.glossary GET": row(HIDDEN, OK, HIDDEN, OK, OK, OK, slug="closed_slug"),
    "courses.switch_edition GET": row(*SIGNED_IN),
    "courses.switch_edition POST": row(*SIGNED_IN),
    "quizzes.start GET": row(*SIGNED_IN),
    "quizzes.begin POST": row(*SIGNED_IN),
    "quizzes.practise POST": row(*SIGNED_IN),
    "quizzes.attempt GET": row(*OWNER_ONLY),
    "quizzes.answer POST": row(*OWNER_ONLY),
    "quizzes.result GET": row(*OWNER_ONLY),
    "quizzes.review_page GET": row(*OWNER_ONLY),
    "quizzes.submit_reviewed POST": row(*OWNER_ONLY),
    "roleplays.intro GET": row(*SIGNED_IN, slug="roleplay_slug"),
    "roleplays.start POST": row(*SIGNED_IN, slug="roleplay_slug"),
    "roleplays.play GET": row(*OWNER_ONLY, slug="roleplay_slug"),
    "roleplays.choose POST": row(*OWNER_ONLY, slug="roleplay_slug"),
    "roleplays.reflect POST": row(*OWNER_ONLY, slug="roleplay_slug"),
    "roleplays.debrief GET": row(*OWNER_ONLY, slug="roleplay_slug"),
    # Certificates
    "certificates.mine GET": row(*SIGNED_IN),
    "certificates.reissue POST": row(*SIGNED_IN),
    "certificates.download GET": row(HIDDEN, OK, HIDDEN, OK, HIDDEN, OK),
    # The signed credential beside the PDF: the same people as the PDF.
    "certificates.credential_jwt GET": row(HIDDEN, OK, HIDDEN, OK, HIDDEN, OK),
    "certificates.credential_json GET": row(HIDDEN, OK, HIDDEN, OK, HIDDEN, OK),
    "certificates.revoke POST": row(LOGIN, HIDDEN, HIDDEN, OK, HIDDEN, OK),
    "certificates.cohort_zip GET": row(HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, OK),
    # Block attestations (issue 15): the learner asks for their own (enrolled learners only);
    # the PDF is the holder's, their cohort's trainers' and admins', like a certificate.
    "blocks.issue POST": row(LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN),
    "blocks.download GET": row(HIDDEN, OK, HIDDEN, OK, HIDDEN, OK, code="block_code"),
    # Placement and survey (issue 15). The survey opens to an enrolled learner at the end of
    # the course: the world's learner is not there yet, so everyone is refused.
    "surveys.survey GET": row(LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "surveys.answer POST": row(LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "surveys.cohort_placement GET": row(*COHORT_PAGE),
    "surveys.cohort_survey GET": row(*COHORT_PAGE),
    # Quality indicators and the yearly BPF summary (issue 15): admins only.
    "quality.index GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "quality.indicators_csv GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "quality.bpf_summary GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "quality.bpf_csv GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Groups, the learner's side
    "membership.invitations GET": row(*SIGNED_IN),
    "membership.accept POST": row(*OWNER_ONLY),
    "membership.decline POST": row(*OWNER_ONLY),
    "membership.leave POST": row(*OWNER_ONLY),
    # Cohorts, the trainer's side
    "cohorts.index GET": row(*TRAINERS),
    "cohorts.new GET": row(*TRAINERS),
    "cohorts.new POST": row(*TRAINERS),
    "cohorts.dashboard GET": row(*COHORT_PAGE),
    "cohorts.edit GET": row(*COHORT_PAGE),
    "cohorts.edit POST": row(*COHORT_PAGE),
    "cohorts.archive POST": row(*COHORT_PAGE),
    "cohorts.unarchive POST": row(*COHORT_PAGE),
    "cohorts.regenerate_code POST": row(*COHORT_PAGE),
    "cohorts.import_roster GET": row(*COHORT_PAGE),
    "cohorts.import_roster POST": row(*COHORT_PAGE),
    "cohorts.import_done GET": row(*COHORT_PAGE),
    "cohorts.learner GET": row(*COHORT_PAGE),
    "cohorts.grant_second_chance POST": row(*COHORT_PAGE),
    "cohorts.group_insight GET": row(*COHORT_PAGE),
    # Issue 17: replies to reflections, quiz statistics (the cohort's or the whole course's).
    "cohorts.reply_to_reflection POST": row(*COHORT_PAGE),
    "cohorts.quiz_statistics_index GET": row(*COHORT_PAGE),
    "cohorts.quiz_statistics_page GET": row(*COHORT_PAGE),
    "cohorts.gradebook_csv GET": row(*COHORT_PAGE),
    "membership.invite_one POST": row(*COHORT_PAGE),
    "membership.remove POST": row(*COHORT_PAGE),
    # Administration
    "admin.users GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "admin.audit_log GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "admin.change_role POST": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "erasure.admin_erase GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "erasure.admin_erase POST": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "courses_admin.index GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "courses_admin.course GET": row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Proof of a training action (issue 15): the learner, their cohort trainers, admins.
    "proof.realisation GET": row(LOGIN, OK, HIDDEN, OK, HIDDEN, OK),
    "proof.attestation GET": row(LOGIN, OK, HIDDEN, OK, HIDDEN, OK),
    "proof.evidence_pack GET": row(LOGIN, OK, HIDDEN, OK, HIDDEN, OK),
    "proof.cohort_realisations GET": row(LOGIN, HIDDEN, HIDDEN, OK, HIDDEN, OK),
    # The visibility ping of a module page (recorded only for an enrolled learner).
    "proof.ping POST": row(*SIGNED_IN),
}
