"""What a learner's data export holds: one JSON document per kind, read from the real tables.

Contract: :func:`gather(user, now)` returns ``{file stem: JSON-able value}`` for the kinds in
:data:`KINDS`, each holding only rows of ``user`` (a trainer's reply to the learner's own
reflection names that trainer as the learner saw it, nothing more). Keys are stable
(snake_case, documented in the archive's README); dates and times are ISO 8601, times in UTC
with a ``Z``. Content titles come from the loaded courses when they still exist (``None``
otherwise: the stored slugs and ids are always there). Never writes; never raises for a
missing course, scenario or question.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from blocks.models import BlockAttestation
from certificates.issuing import verify_url
from certificates.models import Certificate
from cohorts.replies import ReflectionReply
from courses.extras_parse import PLACEMENT_STEM
from courses.loader import get_course
from courses.models import Enrolment, ModuleProgress
from courses.roleplay_models import RoleplayRun
from credentials.models import IssuedCredential
from notifications.preferences import MailOptOut
from proof.learning_time import breakdown, measure_of
from proof.models import LearningEvent
from quizzes.models import Attempt
from surveys.models import SurveyParticipation
from training.audit import AuditEvent
from training.extensions import db
from training.models import Cohort, CohortInvitation, CohortMember, User
from training.session_models import UserSession

KINDS = (
    "profile",
    "enrolments",
    "progress",
    "attempts",
    "roleplays",
    "cohorts",
    "certificates",
    "activity_time",
)


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def _rows(model: Any, *where: Any, order: Any) -> list[Any]:
    return list(db.session.scalars(select(model).where(*where).order_by(order)))


def _course_title(slug: str) -> str | None:
    course = get_course(slug)
    return course.title if course is not None else None


def profile(user: User) -> dict[str, Any]:
    sessions = _rows(UserSession, UserSession.user_id == user.id, order=UserSession.id)
    opt_outs = _rows(MailOptOut, MailOptOut.user_id == user.id, order=MailOptOut.kind)
    surveys = _rows(
        SurveyParticipation, SurveyParticipation.user_id == user.id, order=SurveyParticipation.id
    )
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "full_name": user.full_name,
            "role": user.role,
            "language": user.language,
            "created_at": iso(user.created_at),
            "email_verified_at": iso(user.email_verified_at),
            "last_login_at": iso(user.last_login_at),
            "privacy_notice_version": user.privacy_notice_version,
            "privacy_accepted_at": iso(user.privacy_accepted_at),
        },
        "mail_opt_outs": [{"kind": o.kind, "since": iso(o.created_at)} for o in opt_outs],
        "sessions": [
            {
                "device": s.user_agent,
                "started_at": iso(s.created_at),
                "last_seen_at": iso(s.last_seen_at),
                "ended_at": iso(s.ended_at),
                "expires_at": iso(s.expires_at),
            }
            for s in sessions
        ],
        "history": history(user),
        # The answers themselves are stored without any identity (surveys.models): only the
        # fact that the learner answered is theirs.
        "survey_participations": [
            {"course_slug": p.course_slug, "answered_at": iso(p.answered_at)} for p in surveys
        ],
    }


def history(user: User) -> list[dict[str, Any]]:
    """The audit-log events about the learner (who acted is said only when it was them: a
    trainer's or an admin's address is theirs, not the learner's)."""
    events = _rows(AuditEvent, AuditEvent.subject_user_id == user.id, order=AuditEvent.id)
    return [
        {
            "at": iso(e.at),
            "action": e.action,
            "by_you": e.actor_id == user.id,
            "course_slug": e.course_slug,
            "cohort_id": e.cohort_id,
            "reason": e.reason,
            "detail": e.detail or {},
        }
        for e in events
    ]


def enrolments(user: User) -> list[dict[str, Any]]:
    return [
        {
            "course_slug": e.course_slug,
            "course_title": _course_title(e.course_slug),
            "enrolled_at": iso(e.enrolled_at),
            "cohort_id": e.cohort_id,
        }
        for e in _rows(Enrolment, Enrolment.user_id == user.id, order=Enrolment.id)
    ]


def progress(user: User) -> list[dict[str, Any]]:
    rows = _rows(ModuleProgress, ModuleProgress.user_id == user.id, order=ModuleProgress.id)
    return [
        {
            "course_slug": p.course_slug,
            "module_stem": p.module_stem,
            "first_opened_at": iso(p.first_opened_at),
            "last_opened_at": iso(p.last_opened_at),
            "completed_at": iso(p.completed_at),
        }
        for p in rows
    ]


def _quiz(course_slug: str, stem: str) -> Any:
    course = get_course(course_slug)
    for module in course.modules if course is not None else ():
        if module.stem == stem:
            return module.quiz
    if course is not None and course.placement is not None and stem == PLACEMENT_STEM:
        return course.placement
    return None


def attempts(user: User) -> list[dict[str, Any]]:
    result = []
    for a in _rows(Attempt, Attempt.user_id == user.id, order=Attempt.id):
        quiz = _quiz(a.course_slug, a.quiz_stem)
        questions = []
        for entry in a.questions or ():
            question = quiz.question(entry["id"]) if quiz is not None else None
            questions.append(
                {
                    "id": entry["id"],
                    "prompt": question.prompt if question is not None else None,
                    "answer": (a.answers or {}).get(entry["id"]),
                }
            )
        result.append(
            {
                "id": a.id,
                "course_slug": a.course_slug,
                "quiz_stem": a.quiz_stem,
                "number": a.number,
                "practice": a.practice,
                "status": a.status,
                "started_at": iso(a.started_at),
                "submitted_at": iso(a.submitted_at),
                "late": a.late,
                "score_points": a.score_points,
                "max_points": a.max_points,
                "percent": a.percent,
                "passed": a.passed,
                "questions": questions,
            }
        )
    return result


def _choices(run: RoleplayRun) -> list[dict[str, Any]]:
    course = get_course(run.course_slug)
    scenario = course.roleplay(run.scenario_slug) if course is not None else None
    steps = []
    for node_id, index in run.steps:
        node = scenario.nodes.get(node_id) if scenario is not None else None
        choice = node.choices[index] if node is not None and index < len(node.choices) else None
        steps.append({"node": node_id, "choice": index, "text": choice.text if choice else None})
    return steps


def roleplays(user: User) -> list[dict[str, Any]]:
    runs = _rows(RoleplayRun, RoleplayRun.user_id == user.id, order=RoleplayRun.id)
    replies = {
        r.run_id: r
        for r in db.session.scalars(
            select(ReflectionReply).where(ReflectionReply.run_id.in_([run.id for run in runs]))
        )
    }
    result = []
    for run in runs:
        reply = replies.get(run.id)
        result.append(
            {
                "id": run.id,
                "course_slug": run.course_slug,
                "scenario_slug": run.scenario_slug,
                "started_at": iso(run.started_at),
                "finished_at": iso(run.finished_at),
                "steps": _choices(run),
                "outcome": run.outcome,
                "points_total": run.points_total,
                "percent": run.percent,
                "competency_points": run.competency_points,
                "critical": run.critical,
                "reflection": run.reflection,
                "reflection_saved_at": iso(run.reflection_saved_at),
                "trainer_reply": None
                if reply is None
                else {
                    "trainer": reply.trainer_label,
                    "body": reply.body,
                    "created_at": iso(reply.created_at),
                    "updated_at": iso(reply.updated_at),
                },
            }
        )
    return result


def cohorts(user: User) -> dict[str, Any]:
    members = db.session.execute(
        select(CohortMember, Cohort)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id == user.id)
        .order_by(CohortMember.id)
    ).all()
    invitations = db.session.execute(
        select(CohortInvitation, Cohort)
        .join(Cohort, Cohort.id == CohortInvitation.cohort_id)
        .where(CohortInvitation.user_id == user.id)
        .order_by(CohortInvitation.id)
    ).all()

    def cohort(c: Cohort) -> dict[str, Any]:
        return {
            "id": c.id,
            "name": c.name,
            "course_slug": c.course_slug,
            "starts_on": iso(c.starts_on),
            "ends_on": iso(c.ends_on),
        }

    return {
        "memberships": [{**cohort(c), "joined_at": iso(m.joined_at)} for m, c in members],
        "invitations": [
            {
                **cohort(c),
                "status": i.status,
                "invited_at": iso(i.created_at),
                "responded_at": iso(i.responded_at),
            }
            for i, c in invitations
        ],
    }


def certificates(user: User) -> dict[str, Any]:
    certs = _rows(Certificate, Certificate.user_id == user.id, order=Certificate.id)
    credentials = {
        c.certificate_id: c
        for c in db.session.scalars(
            select(IssuedCredential).where(
                IssuedCredential.certificate_id.in_([c.id for c in certs])
            )
        )
    }
    blocks = _rows(BlockAttestation, BlockAttestation.user_id == user.id, order=BlockAttestation.id)
    return {
        "certificates": [
            {
                "code": c.code,
                "course_slug": c.course_slug,
                "title": c.certificate_title,
                "course_title": c.course_title,
                "holder_name": c.holder_name,
                "hours": c.hours,
                "score_percent": c.score_percent,
                "completed_on": iso(c.completed_on),
                "issued_at": iso(c.issued_at),
                "status": c.status,
                "revoked_at": iso(c.revoked_at),
                "revoke_reason": c.revoke_reason,
                "verification_url": verify_url(c.code),
                "pdf": f"pdfs/certificate-{c.code}.pdf",
                "pdf_sha256": c.pdf_sha256,
                "credential_id": credentials[c.id].credential_id if c.id in credentials else None,
            }
            for c in certs
        ],
        "block_attestations": [
            {
                "code": b.code,
                "course_slug": b.course_slug,
                "block_id": b.block_id,
                "block_title": b.block_title,
                "score_percent": b.score_percent,
                "attained_on": iso(b.attained_on),
                "issued_at": iso(b.issued_at),
                "status": b.status,
                "revoked_at": iso(b.revoked_at),
                "verification_url": verify_url(b.code),
                "pdf": f"pdfs/attestation-block-{b.code}.pdf",
                "pdf_sha256": b.pdf_sha256,
            }
            for b in blocks
        ],
    }


def activity_time(user: User, now: datetime) -> dict[str, Any]:
    measure = measure_of(user.id, now)
    courses = []
    for enrolment in _rows(Enrolment, Enrolment.user_id == user.id, order=Enrolment.id):
        course = get_course(enrolment.course_slug)
        if course is None:
            seconds = measure.seconds(enrolment.course_slug)
            courses.append({"course_slug": enrolment.course_slug, "total_seconds": seconds})
            continue
        t = breakdown(course, measure)
        courses.append(
            {
                "course_slug": course.slug,
                "total_seconds": round(t.total),
                "course_page_seconds": round(t.course_pages),
                "modules_seconds": {k: round(v) for k, v in t.modules.items()},
                "quizzes_seconds": {k: round(v) for k, v in t.quizzes.items()},
                "roleplays_seconds": {k: round(v) for k, v in t.roleplays.items()},
                "blocks_seconds": {k: round(v) for k, v in t.blocks.items()},
                "sessions": t.sessions,
            }
        )
    events = _rows(LearningEvent, LearningEvent.user_id == user.id, order=LearningEvent.at)
    return {
        "courses": courses,
        "sessions": [
            {
                "start": iso(s.start),
                "end": iso(s.end),
                "seconds": round(s.seconds),
                "courses": list(s.courses),
            }
            for s in measure.sessions()
        ],  # fmt: skip
        "events": [
            {
                "at": iso(e.at),
                "course_slug": e.course_slug,
                "activity": e.activity,
                "key": e.key,
                "action": e.action,
                "ref_id": e.ref_id,
            }
            for e in events
        ],  # fmt: skip
    }


def gather(user: User, now: datetime) -> dict[str, Any]:
    """Every kind of the learner's data (see the module)."""
    return {
        "profile": profile(user),
        "enrolments": enrolments(user),
        "progress": progress(user),
        "attempts": attempts(user),
        "roleplays": roleplays(user),
        "cohorts": cohorts(user),
        "certificates": certificates(user),
        "activity_time": activity_time(user, now),
    }
