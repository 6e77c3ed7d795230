"""The evidence pack: one learner's proof of a training action, as a ZIP for a funder's audit.

Files (the README in the archive says the same, in French and English):

- ``README.txt``: what each file holds, how time is measured, how long evidence is kept.
- ``activity.csv``: every dated action of the learner in the course, oldest first: recorded
  requests (page views, quiz starts and answers, role-play turns), each quiz attempt (start,
  submission, score, passed) and each role-play run (start, end, outcome, score, critical).
- ``sessions.csv``: the work sessions (start, end, measured minutes).
- ``time.csv``: measured minutes per module, quiz, role-play and competency block.
- ``certificat-de-realisation.pdf`` and ``attestation-de-fin-de-formation.pdf``.
- ``certificate-<code>.pdf``: the course certificate's stored bytes, when one was issued.

Times are UTC. Kept ``DATA_RETENTION_EVIDENCE_DAYS`` days (default six years).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from certificates.models import Certificate
from certificates.zipstream import ZipStream
from cohorts.gradebook import neutralise
from courses.roleplay_models import RoleplayRun
from proof import pdfs
from proof.documents import ProofFacts, proof_facts
from proof.durations import format_duration
from proof.learning_time import measure_of
from proof.models import LearningEvent
from quizzes.models import Attempt
from training.extensions import db
from training.timeutil import utcnow

ACTIVITY_HEADER = [
    "at_utc",
    "kind",
    "activity",
    "key",
    "title",
    "action",
    "attempt_or_run",
    "score_percent",
    "passed_or_outcome",
    "detail",
]


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _titles(course: Any) -> dict[tuple[str, str], str]:
    titles = {("course", ""): course.title}
    for module in course.modules:
        titles[("module", module.stem)] = module.title
        if module.quiz is not None:
            titles[("quiz", module.stem)] = module.quiz.title or module.title
    for scenario in course.roleplays:
        titles[("roleplay", scenario.slug)] = scenario.title
    return titles


def activity_rows(user_id: int, course: Any) -> list[list[str]]:
    """The dated activity log (see the module), sorted by time."""
    titles = _titles(course)
    rows: list[tuple[datetime, int, list[str]]] = []
    for e in db.session.scalars(
        select(LearningEvent).where(
            LearningEvent.user_id == user_id, LearningEvent.course_slug == course.slug
        )
    ):
        title = titles.get((e.activity, e.key), e.key)
        ref = str(e.ref_id) if e.ref_id is not None else ""
        rows.append(
            (e.at, 0, [_when(e.at), "request", e.activity, e.key, title, e.action, ref, "", "", ""])
        )
    for a in db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.course_slug == course.slug)
    ):
        title = titles.get(("quiz", a.quiz_stem), a.quiz_stem)
        kind = "practice" if a.practice else f"attempt {a.number}"
        score = "" if a.percent is None else f"{a.percent:.1f}"
        passed = "" if a.passed is None else ("passed" if a.passed else "not passed")
        detail = f"{kind}; submitted {_when(a.submitted_at) or 'not yet'}"
        if a.late:
            detail += "; late"
        rows.append(
            (
                a.started_at,
                1,
                [
                    _when(a.started_at),
                    "quiz_attempt",
                    "quiz",
                    a.quiz_stem,
                    title,
                    a.status,
                    str(a.id),
                    score,
                    passed,
                    detail,
                ],
            )
        )
    for r in db.session.scalars(
        select(RoleplayRun).where(
            RoleplayRun.user_id == user_id, RoleplayRun.course_slug == course.slug
        )
    ):
        title = titles.get(("roleplay", r.scenario_slug), r.scenario_slug)
        score = "" if r.percent is None else f"{r.percent:.1f}"
        detail = f"finished {_when(r.finished_at) or 'not yet'}; {r.step} choices"
        if r.critical:
            detail += "; critical choice"
        rows.append(
            (
                r.started_at,
                2,
                [
                    _when(r.started_at),
                    "roleplay_run",
                    "roleplay",
                    r.scenario_slug,
                    title,
                    "finished" if r.finished_at else "in_progress",
                    str(r.id),
                    score,
                    r.outcome or "",
                    detail,
                ],
            )
        )
    rows.sort(key=lambda row: (row[0], row[1]))
    return [row for _at, _order, row in rows]


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def sessions_csv(user_id: int, course: Any, now: datetime) -> bytes:
    sessions = measure_of(user_id, now).sessions(course.slug)
    rows = [
        [_when(s.start), _when(s.end), f"{s.seconds / 60:.1f}", format_duration(s.seconds)]
        for s in sessions
    ]
    return _csv(["start_utc", "end_utc", "measured_minutes", "measured"], rows)


def time_csv(facts: ProofFacts, course: Any) -> bytes:
    t = facts.time
    rows: list[list[Any]] = [["course", course.slug, course.title, f"{t.total / 60:.1f}"]]
    rows.append(["course_page", "", course.title, f"{t.course_pages / 60:.1f}"])
    for module in course.modules:
        rows.append(["module", module.stem, module.title, f"{t.modules[module.stem] / 60:.1f}"])
    for module, quiz in course.quizzes():
        title = quiz.title or module.title
        rows.append(["quiz", module.stem, title, f"{t.quizzes.get(module.stem, 0) / 60:.1f}"])
    for s in course.roleplays:
        rows.append(["roleplay", s.slug, s.title, f"{t.roleplays[s.slug] / 60:.1f}"])
    for block in course.blocks:
        rows.append(["block", block.id, block.title, f"{t.blocks.get(block.id, 0) / 60:.1f}"])
    return _csv(["kind", "key", "title", "measured_minutes"], rows)


def readme(facts: ProofFacts, certificate_file: str | None) -> bytes:
    config = current_app.config
    days = int(config.get("DATA_RETENTION_EVIDENCE_DAYS") or 2192)
    years = f"{round(days / 365.25, 1):g}"
    idle = config.get("LEARNING_IDLE_MINUTES", 10)
    lines = [
        f"Dossier de preuves / Evidence pack — {facts.learner_name} <{facts.learner_email}>",
        f"Action : {facts.action_title} ({facts.course_slug})",
        f"Organisme / Organisation : {facts.organisation.name}"
        f" — déclaration n° {facts.organisation.declaration_number or '—'}",
        f"Établi le / Made on : {facts.made_at:%Y-%m-%d %H:%M} UTC",
        "",
        "Durée réalisée mesurée / Measured realised duration : "
        f"{format_duration(facts.realised_seconds)}"
        f" (durée prévue au programme / declared duration : {facts.declared_hours:g} h)",
        "",
        "Fichiers / Files",
        "- activity.csv : chaque action datée (UTC) du bénéficiaire : pages consultées, quiz "
        "commencés et rendus avec leur score, mises en situation avec leur issue. / Every dated "
        "action (UTC): pages viewed, quiz attempts with scores, role-play runs with outcomes.",
        "- sessions.csv : les sessions de travail et leur durée mesurée. / Work sessions and "
        "their measured time.",
        "- time.csv : minutes mesurées par module, quiz, mise en situation et bloc de "
        "compétences. / Measured minutes per module, quiz, role-play and competency block.",
        "- certificat-de-realisation.pdf : le certificat de réalisation (modèle du ministère du "
        "Travail). / The certificate of completion of the training action.",
        "- attestation-de-fin-de-formation.pdf : objectifs, nature, durée et résultats. / "
        "End-of-training statement: objectives, nature, duration, results.",
    ]
    if certificate_file:
        lines.append(
            f"- {certificate_file} : le certificat du cours tel qu'émis (vérifiable en ligne). "
            "/ The course certificate as issued (verifiable online)."
        )
    lines += [
        "",
        "Mesure du temps / How time is measured",
        f"Le temps entre deux actions compte pour la première, dans la limite de {idle} min "
        "d'inactivité ; deux onglets ne comptent jamais deux fois ; un quiz chronométré compte "
        "du début à la remise, dans la limite du temps imparti. / The time between two actions "
        f"counts for the first, up to {idle} minutes of inactivity; two tabs never count twice; "
        "a timed quiz counts from start to submission, within its time limit.",
        "",
        f"Conservation / Retention : {years} ans / years ({days} jours / days, "
        "DATA_RETENTION_EVIDENCE_DAYS).",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


def evidence_chunks(user: Any, course: Any, now: datetime | None = None) -> Iterator[bytes]:
    """The pack's ZIP, file after file (PDFs rendered first, so a render error is raised
    before any byte is sent)."""
    now = now or utcnow()
    facts = proof_facts(user, course, now)
    realisation = pdfs.realisation_pdf(facts)
    attestation = pdfs.attestation_pdf(facts)
    certificate = db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_slug == course.slug)
        .order_by(Certificate.issued_at.desc())
    ).first()
    certificate_file = f"certificate-{certificate.code}.pdf" if certificate else None
    files = [
        ("README.txt", readme(facts, certificate_file)),
        ("activity.csv", _csv(ACTIVITY_HEADER, activity_rows(user.id, course))),
        ("sessions.csv", sessions_csv(user.id, course, now)),
        ("time.csv", time_csv(facts, course)),
        ("certificat-de-realisation.pdf", realisation),
        ("attestation-de-fin-de-formation.pdf", attestation),
    ]
    if certificate is not None and certificate_file:
        files.append((certificate_file, certificate.pdf))
    return _zip(files, now)


def _zip(files: list[tuple[str, bytes]], now: datetime) -> Iterator[bytes]:
    stream = ZipStream()
    for name, data in files:
        yield from stream.entry(name, data, now)
    yield from stream.finish()
