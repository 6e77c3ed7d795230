"""Quiz pages: intro (start/resume, history), the attempt form, the result and review.

Every state change is a POST followed by a redirect; the attempt page never contains the right
answers, feedback or explanations (they exist only in the result page, as ``show_answers``
allows).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

import quizzes.sections  # noqa: F401 - registers the course-page and dashboard sections
from quizzes import models as _models  # noqa: F401  (registers the tables)
from quizzes import services
from quizzes.forms import AttemptForm, answers_from_form, layout
from quizzes.models import Attempt
from quizzes.review import answer_display, right_answer_display
from quizzes.steps import REVIEW, parse_step, review
from training.cohort_access import has_a_trainer
from training.dates import format_time
from training.forms import EmptyForm

bp = Blueprint("quizzes", __name__, url_prefix="/courses/<course_slug>/<stem>/quiz")


def _quiz(course_slug: str, stem: str) -> tuple[Any, Any]:
    try:
        return services.quiz_for(current_user, course_slug, stem)
    except LookupError:
        abort(404)


def _attempt(course: Any, stem: str, attempt_id: int) -> Attempt:
    try:
        attempt = services.get_attempt(current_user, attempt_id)
    except services.AttemptNotFound:
        abort(404)
    if attempt.course_slug != course.slug or attempt.quiz_stem != stem:
        abort(404)
    return attempt


@bp.get("")
@login_required
def start(course_slug: str, stem: str) -> str:
    course, quiz = _quiz(course_slug, stem)
    attempts = services.attempts_for(current_user.id, course.slug, stem)
    practice = services.attempts_for(current_user.id, course.slug, stem, practice=True)
    standing = services.standing(current_user.id, course, stem, quiz)
    missed = services.missed_question_ids(current_user.id, course.slug, stem, quiz)
    current = next((a for a in attempts if a.status == "in_progress"), None)
    current_practice = next((a for a in practice if a.status == "in_progress"), None)
    return render_template(
        "quizzes/start.html",
        course=course,
        module=course.module(stem),
        quiz=quiz,
        stem=stem,
        attempts=attempts,
        practice_attempts=[a for a in practice if a.status == "submitted"],
        current=current,
        current_practice=current_practice,
        standing=standing,
        pass_mark=services.pass_mark(course, quiz),
        missed=missed,
        has_trainer=has_a_trainer(current_user.id, course.slug),
        form=EmptyForm(),
    )


@bp.post("")
@login_required
def begin(course_slug: str, stem: str) -> Response:
    course, _quiz_ = _quiz(course_slug, stem)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_or_resume(current_user, course, stem)
    except services.QuizError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".start", course_slug=course.slug, stem=stem))
    return redirect(_attempt_url(attempt))


@bp.post("/practice")
@login_required
def practise(course_slug: str, stem: str) -> Response:
    course, _quiz_ = _quiz(course_slug, stem)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_practice(current_user, course, stem)
    except services.QuizError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".start", course_slug=course.slug, stem=stem))
    return redirect(_attempt_url(attempt))


def _attempt_url(attempt: Attempt, endpoint: str = ".attempt") -> str:
    return url_for(
        endpoint,
        course_slug=attempt.course_slug,
        stem=attempt.quiz_stem,
        attempt_id=attempt.id,
    )


def _open_attempt(course: Any, stem: str, attempt_id: int) -> Attempt | Response:
    """The attempt in progress, or a redirect to its result (submitted, or its time is up:
    then it is graded now on what was saved, marked late)."""
    current = _attempt(course, stem, attempt_id)
    if current.status != "in_progress":
        return redirect(_attempt_url(current, ".result"))
    if services.is_expired(current):
        services.submit(current_user, course, current.id)
        return redirect(_attempt_url(current, ".result"))
    return current


def _step_url(attempt: Attempt, step: int, *, anchor: bool = False) -> str:
    url = url_for(
        ".attempt",
        course_slug=attempt.course_slug,
        stem=attempt.quiz_stem,
        attempt_id=attempt.id,
        q=step if step > 1 or anchor else None,
    )
    return f"{url}#question-{step}" if anchor else url


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(course_slug: str, stem: str, attempt_id: int) -> str | Response:
    """Every question on one page; ``?q=N`` is the step a narrow screen shows (CSS hides the
    others there, and the step buttons post the whole form, so each step saves)."""
    course, quiz = _quiz(course_slug, stem)
    current = _open_attempt(course, stem, attempt_id)
    if isinstance(current, Response):
        return current
    questions = layout(current, quiz)
    return render_template(
        "quizzes/attempt.html",
        course=course,
        module=course.module(stem),
        quiz=quiz,
        stem=stem,
        attempt=current,
        questions=questions,
        step=parse_step(request.args.get("q"), len(questions)),
        progress=review(questions, current.answers),
        seconds_left=services.seconds_left(current),
        form=AttemptForm(),
    )


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review_page(course_slug: str, stem: str, attempt_id: int) -> str | Response:
    """The last step: what is answered, what is not (with links back), then Submit."""
    course, quiz = _quiz(course_slug, stem)
    current = _open_attempt(course, stem, attempt_id)
    if isinstance(current, Response):
        return current
    return render_template(
        "quizzes/review.html",
        course=course,
        module=course.module(stem),
        quiz=quiz,
        stem=stem,
        attempt=current,
        progress=review(layout(current, quiz), current.answers),
        seconds_left=services.seconds_left(current),
        form=EmptyForm(),
    )


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit_reviewed(course_slug: str, stem: str, attempt_id: int) -> Response:
    """Submit from the review page: grades the saved draft (the page posts no answers)."""
    course, _quiz_ = _quiz(course_slug, stem)
    current = _attempt(course, stem, attempt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.submit(current_user, course, current.id)
    return redirect(_attempt_url(current, ".result"))


@bp.post("/attempts/<int:attempt_id>")
@login_required
def answer(course_slug: str, stem: str, attempt_id: int) -> Response:
    """The attempt form: "Save" (also the autosave script, which asks for JSON), a step
    ("goto": the previous or next question), "Review" (the review page) or "Submit".
    Every one of them saves the answers posted first."""
    course, quiz = _quiz(course_slug, stem)
    current = _attempt(course, stem, attempt_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    if not AttemptForm().validate_on_submit():
        if wants_json:
            return jsonify(saved=False, error="csrf"), 400
        abort(400)
    answers = answers_from_form(current, quiz, request.form)
    action = request.form.get("action")
    if action == "submit":
        services.submit(current_user, course, current.id, answers)
        return redirect(_attempt_url(current, ".result"))
    outcome = services.save_answers(current_user, course, current.id, answers)
    if wants_json:
        saved_at = outcome.attempt.saved_at
        return jsonify(
            saved=outcome.saved,
            saved_at=format_time(saved_at) if saved_at else None,
            answered=review(layout(outcome.attempt, quiz), outcome.attempt.answers).answered,
            result_url=None if outcome.saved else _attempt_url(current, ".result"),
        )
    if not outcome.saved:
        return redirect(_attempt_url(current, ".result"))
    total = len(current.questions)
    goto = request.form.get("goto")
    if action == REVIEW or goto == REVIEW:
        return redirect(_attempt_url(current, ".review_page"))
    if goto is not None:
        return redirect(_step_url(current, parse_step(goto, total), anchor=True))
    flash(_("Your answers are saved. You can come back and finish later."), "success")
    return redirect(_step_url(current, parse_step(request.form.get("step"), total)))


@bp.get("/attempts/<int:attempt_id>/result")
@login_required
def result(course_slug: str, stem: str, attempt_id: int) -> str | Response:
    course, quiz = _quiz(course_slug, stem)
    current = _attempt(course, stem, attempt_id)
    if current.status != "submitted":
        return redirect(_attempt_url(current))
    graded = services.grade_attempt(current, quiz)
    standing = services.standing(current_user.id, course, stem, quiz)
    reveal = services.key_visible(quiz, standing)
    review = []
    for view in layout(current, quiz):
        question_result = graded.result_for(view.question.id)
        review.append(
            {
                "position": view.position,
                "question": view.question,
                "result": question_result,
                "answer_html": answer_display(view.question, current.answers.get(view.question.id)),
                "right_html": right_answer_display(
                    view.question,
                    question_result.correct_answer_display if question_result else "",
                ),
            }
        )
    return render_template(
        "quizzes/result.html",
        course=course,
        module=course.module(stem),
        quiz=quiz,
        stem=stem,
        attempt=current,
        pass_mark=services.pass_mark(course, quiz),
        reveal=reveal,
        show_answers=quiz.settings.show_answers,
        review=review,
        standing=standing,
        has_trainer=has_a_trainer(current_user.id, course.slug),
        missed=services.missed_question_ids(current_user.id, course.slug, stem, quiz),
        form=EmptyForm(),
    )
