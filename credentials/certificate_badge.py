"""The achievement of a course certificate, for its Open Badges credential. Pure.

It is built from the certificate's frozen snapshot (title, hours, modules, competencies) and,
when the course still loads, from the course (its summary and completion rules), in the
certificate's language: the credential speaks the language its PDF prints. Its ``alignment``
lists the competency blocks the course declares (``course.yaml`` ``blocks``), each pointing at its
certification in the RNCP register. A block attestation
(issue 15) builds its own :class:`~credentials.openbadges.Achievement` (``achievementType``
``"Competency"``, its RNCP alignment) and goes through the same
:func:`credentials.services.prepare`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from credentials.openbadges import Achievement, Alignment

#: The public page of a certification in France Compétences' national register (RNCP).
RNCP_URL = "https://www.francecompetences.fr/recherche/rncp/{number}/"
#: Open Badges ``targetType`` of a competency block ("bloc de compétences") of a certification.
BLOCK_TARGET_TYPE = "ext:CompetencyBlock"

TEXT = {
    "en": {
        "hours": "{hours} hours of training.",
        "intro": "To earn this certificate, the learner:",
        "modules": "completed the {count} modules: {names};",
        "modules_count": "completed {count} modules;",
        "quizzes": "passed the quizzes of {count} modules (pass mark {mark} %);",
        "roleplays": (
            "completed {count} role-plays with a score of at least {score} % and no critical"
            " mistake;"
        ),
        "competencies": "Competencies assessed: {names}.",
        "score": "Overall score",
        "decimal": ".",
    },
    "fr": {
        "hours": "{hours} heures de formation.",
        "intro": "Pour obtenir ce certificat, la personne a\u00a0:",
        "modules": "suivi les {count} modules\u00a0: {names}\u00a0;",
        "modules_count": "suivi {count} modules\u00a0;",
        "quizzes": (
            "réussi les quiz de {count} modules (seuil de réussite\u00a0: {mark}\u00a0%)\u00a0;"
        ),
        "roleplays": (
            "mené {count} mises en situation avec au moins {score}\u00a0% et sans erreur"
            " critique\u00a0;"
        ),
        "competencies": "Compétences évaluées\u00a0: {names}.",
        "score": "Résultat global",
        "decimal": ",",
    },
}


def achievement_for_certificate(
    snapshot: Any,
    course: Any | None,
    language: str,
    base_url: str,
    image_url: str | None = None,
    alignments: Sequence[Alignment] | None = None,
) -> Achievement:
    """The :class:`Achievement` of ``snapshot`` (a certificate's ``CertificateSnapshot``),
    aligned with the course's competency blocks unless ``alignments`` are given."""
    text = TEXT.get(language, TEXT["en"])
    course_url = f"{base_url.rstrip('/')}/courses/{snapshot.course_slug}"
    rules = getattr(course, "completion", None)
    scored = snapshot.score_percent is not None or bool(rules and rules.quizzes)
    return Achievement(
        id=f"{course_url}#achievement",
        name=snapshot.course_title,
        description=(getattr(course, "summary", "") or snapshot.certificate_title).strip(),
        criteria=criteria_narrative(snapshot, rules, text),
        achievement_type="CertificateOfCompletion",
        language=language if language in TEXT else "en",
        criteria_url=course_url,
        image_url=image_url,
        tags=tuple(snapshot.competencies),
        alignments=tuple(
            block_alignments(course, course_url) if alignments is None else alignments
        ),
        score_label=text["score"] if scored else None,
    )


def block_alignments(course: Any | None, course_url: str) -> list[Alignment]:
    """One ``Alignment`` per competency block the course declares (``course.yaml`` ``blocks``):
    its RNCP page when the block names its certification, else the course page."""
    alignments = []
    for block in getattr(course, "blocks", ()) or ():
        number = re.sub(r"\D", "", block.rncp or "")
        alignments.append(
            Alignment(
                target_name=block.title,
                target_url=RNCP_URL.format(number=number) if number else course_url,
                target_code=block.id,
                target_framework=block.rncp or None,
                target_type=BLOCK_TARGET_TYPE,
            )
        )
    return alignments


def criteria_narrative(snapshot: Any, rules: Any | None, text: dict[str, str]) -> str:
    """Markdown: the hours, then what the course requires (or the modules, without rules)."""
    lines = [text["hours"].format(hours=_number(snapshot.hours, text)), "", text["intro"]]
    required = len(snapshot.modules) if rules is None else len(rules.modules)
    if required and required == len(snapshot.modules):
        names = "; ".join(snapshot.modules)
        lines.append("- " + text["modules"].format(count=required, names=names))
    elif required:
        lines.append("- " + text["modules_count"].format(count=required))
    if rules is not None:
        if rules.quizzes:
            mark = _number(rules.pass_mark, text)
            lines.append("- " + text["quizzes"].format(count=len(rules.quizzes), mark=mark))
        if rules.roleplays:
            score = _number(rules.roleplay_min_score, text)
            lines.append("- " + text["roleplays"].format(count=len(rules.roleplays), score=score))
    if lines[-1] == text["intro"]:
        lines = lines[:1]
    else:
        lines[-1] = lines[-1].rstrip(" \u00a0;") + "."
    if snapshot.competencies:
        lines += ["", text["competencies"].format(names=", ".join(snapshot.competencies))]
    return "\n".join(lines)


def _number(value: float, text: dict[str, str]) -> str:
    number = float(value)
    shown = str(int(number)) if number.is_integer() else f"{number:g}"
    return shown.replace(".", text["decimal"])
