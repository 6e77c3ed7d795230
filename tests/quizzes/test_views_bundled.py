"""Every quiz of the bundled course renders its attempt page without leaking an answer, and
grades the key at 100 %."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizzes import services
from tests.conftest import AuthActions

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"COURSES_DIR": str(CONTENT)}


def key_of(question) -> object:
    if question.type == "single":
        return next(i for i, c in enumerate(question.choices) if c.correct)
    if question.type == "multiple":
        return [i for i, c in enumerate(question.choices) if c.correct]
    if question.type == "true_false":
        return question.answer
    if question.type == "short_answer":
        return question.answers[0]
    if question.type == "numeric":
        return str(question.min if question.answer is None else question.answer)
    if question.type == "matching":
        return {str(i): i for i in range(len(question.pairs))}
    return list(range(len(question.items)))


def test_bundled_quizzes_render_without_answers_and_grade_the_key(client, make_user):
    from courses.loader import get_course
    from courses.services import enrol

    course = get_course("cap-apm")
    assert course is not None and course.quizzes()
    learner = make_user()
    enrol(learner, course)
    AuthActions(client).login(learner.email)
    for module, quiz in course.quizzes():
        response = client.post(f"/courses/cap-apm/{module.stem}/quiz")
        assert response.status_code == 302, module.stem
        page = client.get(response.location).get_data(as_text=True)
        assert 'type="' in page
        for question in quiz.questions:
            for text in [question.explanation] + [c.feedback for c in question.choices]:
                if text.strip():
                    assert text.strip().splitlines()[0] not in page, (module.stem, question.id)
        assert not re.search(r"<[^>]*correct[^>]*>", page, re.IGNORECASE), module.stem
        attempt_id = int(response.location.rsplit("/", 1)[1])
        attempt = services.get_attempt(learner, attempt_id)
        answers = {qid: key_of(quiz.question(qid)) for qid in attempt.question_ids}
        graded = services.submit(learner, course, attempt_id, answers)
        assert graded.percent == 100.0, module.stem
        result = client.get(f"/courses/cap-apm/{module.stem}/quiz/attempts/{attempt_id}/result")
        assert result.status_code == 200 and "100%" in result.get_data(as_text=True)
