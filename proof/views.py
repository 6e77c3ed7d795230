"""Downloads of the proof feature: certificat de réalisation, attestation de fin de formation,
evidence pack (one learner), and a cohort's certificats de réalisation (ZIP).

Who may download a learner's documents: the learner (enrolled in the course), the trainers of a
cohort of that course the learner joined or accepted (``training.cohort_access``), and admins.
Anyone else gets a 404, exactly like an unknown learner.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click
from flask import Blueprint, abort, request, stream_with_context
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from certificates.export import safe_filename_part
from certificates.zipstream import ZipStream
from cohorts import services as cohort_services
from courses.catalogue import Course
from courses.loader import get_course
from courses.sections import Section, register_course_section
from courses.services import is_enrolled
from proof import evidence, pdfs, retention
from proof import models as _models  # noqa: F401  (registers the table)
from proof.documents import proof_facts
from proof.durations import format_duration, init_durations
from proof.learning_time import learning_time
from proof.recording import init_recording, record
from training.cohort_access import trainer_follows
from training.extensions import db
from training.forms import EmptyForm
from training.models import CohortMember, User
from training.timeutil import utcnow

bp = Blueprint("proof", __name__)
PING_REPEAT = timedelta(seconds=10)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    init_recording(state.app)
    init_durations(state.app)


def _learner_or_404(course_slug: str, user_id: int) -> tuple[Course, User]:
    course = get_course(course_slug)
    learner = db.session.get(User, user_id)
    if course is None or learner is None:
        abort(404)
    if current_user.id == learner.id:
        if not is_enrolled(learner.id, course.slug):
            abort(404)
    elif not trainer_follows(current_user, learner.id, course.slug):
        abort(404)
    return course, learner


def _filename(kind: str, learner: User, course: Course, ext: str) -> str:
    name = safe_filename_part(learner.full_name or learner.display_name or str(learner.id))
    return f"{kind}-{safe_filename_part(course.slug)}-{name}.{ext}"


def _download(data: Any, mimetype: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/proof/<course_slug>/<int:user_id>/realisation.pdf")
@login_required
def realisation(course_slug: str, user_id: int) -> Response:
    course, learner = _learner_or_404(course_slug, user_id)
    pdf = pdfs.realisation_pdf(proof_facts(learner, course))
    return _download(pdf, "application/pdf", _filename("realisation", learner, course, "pdf"))


@bp.get("/proof/<course_slug>/<int:user_id>/attestation.pdf")
@login_required
def attestation(course_slug: str, user_id: int) -> Response:
    course, learner = _learner_or_404(course_slug, user_id)
    pdf = pdfs.attestation_pdf(proof_facts(learner, course))
    return _download(pdf, "application/pdf", _filename("attestation", learner, course, "pdf"))


@bp.get("/proof/<course_slug>/<int:user_id>/evidence.zip")
@login_required
def evidence_pack(course_slug: str, user_id: int) -> Response:
    course, learner = _learner_or_404(course_slug, user_id)
    chunks = evidence.evidence_chunks(learner, course)
    return _download(
        stream_with_context(chunks),
        "application/zip",
        _filename("evidence", learner, course, "zip"),
    )


@bp.get("/cohorts/<int:cohort_id>/realisation.zip")
@login_required
def cohort_realisations(cohort_id: int) -> Response:
    """Every member's certificat de réalisation, one PDF each (rendered as the ZIP streams)."""
    cohort = cohort_services.cohort_for(current_user, cohort_id)
    course = get_course(cohort.course_slug) if cohort is not None else None
    if cohort is None or course is None:
        abort(404)
    member_ids = list(
        db.session.scalars(
            select(CohortMember.user_id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(CohortMember.user_id)
        )
    )
    now = utcnow()

    def chunks() -> Any:
        stream = ZipStream()
        for user_id in member_ids:
            learner = db.session.get(User, user_id)
            if learner is None:
                continue
            pdf = pdfs.realisation_pdf(proof_facts(learner, course, now))
            name = _filename(f"realisation-{learner.id}", learner, course, "pdf")
            yield from stream.entry(name, pdf, now)
            db.session.expunge(learner)
        yield from stream.finish()

    filename = f"realisation-{safe_filename_part(course.slug)}-cohort-{cohort.id}.zip"
    return _download(stream_with_context(chunks()), "application/zip", filename)


@bp.post("/proof/ping/<course_slug>/<stem>")
@login_required
def ping(course_slug: str, stem: str) -> Response:
    """A module page says it is still visible, or was hidden (``static/js/learning-ping.js``).

    Refines reading time (``proof.timeline``); recorded only for an enrolled learner."""
    course = get_course(course_slug)
    if course is None or course.module(stem) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    state = request.form.get("state")
    if state not in ("visible", "hidden"):
        abort(400)
    action = "ping" if state == "visible" else "hidden"
    # Pings come every 45 seconds: only a duplicate sent at once is dropped.
    record(current_user.id, course.slug, "module", stem, action, repeat_window=PING_REPEAT)
    return Response(status=204)


def _time_section(user: Any, course: Any) -> Section | None:
    """The learner's measured time and documents on the course page."""
    if not getattr(user, "is_authenticated", False) or not is_enrolled(user.id, course.slug):
        return None
    return Section(
        "proof/_course_section.html",
        {"time": learning_time(user.id, course), "course": course, "learner_id": user.id},
        order=60,
    )


register_course_section(_time_section)


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted, delete nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete learning events older than DATA_RETENTION_EVIDENCE_DAYS (default six years)."""
    if dry_run:
        click.echo(f"{retention.expired_count()} learning events past retention (none deleted)")
        return
    click.echo(f"{retention.purge()} learning events past retention deleted")


@bp.cli.command("time")
@click.argument("email")
@click.argument("course_slug", metavar="COURSE")
def time_command(email: str, course_slug: str) -> None:
    """Print the measured learning time of the learner EMAIL in COURSE."""
    from training.accounts import find_user_by_email

    user = find_user_by_email(email)
    course = get_course(course_slug)
    if user is None or course is None:
        raise click.ClickException("no such learner or course")
    time = learning_time(user.id, course)
    click.echo(f"measured: {format_duration(time.total)} in {time.sessions} sessions "
               f"(declared duration: {course.hours:g} h)")  # fmt: skip
    for stem, seconds in time.modules.items():
        click.echo(f"module {stem}: {format_duration(seconds)}")
    for stem, seconds in time.quizzes.items():
        click.echo(f"quiz {stem}: {format_duration(seconds)}")
    for slug, seconds in time.roleplays.items():
        click.echo(f"roleplay {slug}: {format_duration(seconds)}")
    for block, seconds in time.blocks.items():
        click.echo(f"block {block}: {format_duration(seconds)}")
