"""Verification is rate-limited (one budget shared by its pages) and uploads are size-limited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest


@pytest.fixture
def app_config(courses_dir: Path) -> dict[str, object]:
    return {
        "COURSES_DIR": str(courses_dir),
        "VERIFY_RATE_LIMIT": "3 per minute",
        "MAX_CONTENT_LENGTH": 4096,
    }


def test_verify_pages_share_one_rate_limit(client):
    assert client.get("/verify/unknowncode").status_code == 404
    assert client.get("/verify/unknowncode.json").status_code == 404
    assert client.get("/verify").status_code == 200
    limited = client.get("/verify/anothercode")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    assert client.get("/verify/unknowncode.json").status_code == 429


def test_upload_larger_than_the_limit_is_refused(client):
    response = client.post(
        "/verify",
        data={"pdf": (io.BytesIO(b"%PDF" + b"x" * 10_000), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
