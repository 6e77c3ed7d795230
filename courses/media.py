"""Serving a course's media files: only regular files inside its media/ folder, known types."""

from __future__ import annotations

import os

from flask import send_file
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from courses.catalogue import Course

MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".vtt": "text/vtt",
}
# Even an SVG opened on its own may run nothing and load nothing.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def media_file(course: Course, filename: str) -> str:
    """The real path of ``filename`` inside the course's media/, or NotFound.

    Refuses traversal (``..``), absolute paths, hidden files and symlinks leading outside.
    """
    root = os.path.realpath(course.media_dir)
    if any(part.startswith(".") for part in filename.replace("\\", "/").split("/")):
        raise NotFound()
    joined = safe_join(root, filename)
    if joined is None:
        raise NotFound()
    real = os.path.realpath(joined)
    if os.path.commonpath([root, real]) != root or not os.path.isfile(real):
        raise NotFound()
    if os.path.splitext(real)[1].lower() not in MEDIA_TYPES:
        raise NotFound()
    return real


def send_media(course: Course, filename: str) -> Response:
    path = media_file(course, filename)
    response = send_file(
        path,
        mimetype=MEDIA_TYPES[os.path.splitext(path)[1].lower()],
        max_age=3600,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    return response
