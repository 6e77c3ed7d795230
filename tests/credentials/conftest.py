"""Credential tests run on the small course of the certificate tests, with their own issuer key
per test (so rotating or expiring it touches nothing else)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.certificates.conftest import course, courses_dir  # noqa: F401  (shared fixtures)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    from credentials import keys

    path = tmp_path / "keys" / "credential-keys.json"
    keys.generate(path)
    return path


@pytest.fixture
def app_config(courses_dir: Path, key_file: Path) -> dict[str, object]:  # noqa: F811
    return {"COURSES_DIR": str(courses_dir), "CREDENTIAL_KEY_FILE": str(key_file)}


@pytest.fixture
def learner(make_user):  # noqa: ANN001, ANN201
    return make_user("learner", email="Aicha.Benali@Example.test", full_name="Aïcha Benali-Durand")


@pytest.fixture
def certificate(learner, course):  # noqa: ANN001, ANN201, F811
    from certificates import services

    return services.issue(learner, course, overall_score=86.5)
