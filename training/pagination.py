"""Pages of a long list: which page a request asks for, and the links to the others.

``Pager.from_args(request.args, total)`` reads ``page`` and ``per_page`` (default 50, at most
200; anything else falls back to the default, never an error) and clamps the page to the
last one. ``pager.url(n)`` keeps every other query parameter (sort, filter, columns), so the
links work without JavaScript. The template macro ``pagination`` in ``macros/pagination.html``
draws previous/next with ``rel``, "page x of y" and the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import request, url_for
from werkzeug.datastructures import MultiDict

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


def _positive(value: Any, default: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return number if number >= 1 else default


def requested(
    args: MultiDict[str, str], default_per_page: int = DEFAULT_PER_PAGE
) -> tuple[int, int]:
    """(page, per page) as asked, before the total is known (``offset`` clamps the page)."""
    per_page = _positive(args.get("per_page"), default_per_page)
    if per_page > MAX_PER_PAGE:
        per_page = default_per_page
    return _positive(args.get("page"), 1), per_page


def offset(page: int, per_page: int, total: int) -> int:
    """The first row of ``page``, the page clamped to the last one (an empty list: row 0)."""
    pages = max(1, -(-total // per_page))
    return (min(page, pages) - 1) * per_page


@dataclass(frozen=True)
class Pager:
    page: int
    per_page: int
    total: int
    endpoint: str = ""
    view_args: dict[str, Any] = field(default_factory=dict)
    args: tuple[tuple[str, str], ...] = ()  # the other query parameters, kept in every link

    @classmethod
    def from_args(
        cls, args: MultiDict[str, str], total: int, *, default_per_page: int = DEFAULT_PER_PAGE
    ) -> Pager:
        """The page the query string asks for, within the request's endpoint."""
        page, per_page = requested(args, default_per_page)
        page = min(page, max(1, -(-total // per_page)))
        kept = tuple(
            (key, value) for key, value in args.items(multi=True) if key not in ("page", "per_page")
        )
        if per_page != default_per_page:
            kept += (("per_page", str(per_page)),)
        return cls(
            page, per_page, total, request.endpoint or "", dict(request.view_args or {}), kept
        )

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_shown(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_shown(self) -> int:
        return min(self.offset + self.per_page, self.total)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def url(self, page: int) -> str:
        """This list's URL at ``page``, every other parameter kept (page 1 leaves it out)."""
        query = list(self.args)
        if page > 1:
            query.append(("page", str(page)))
        base = url_for(self.endpoint, **self.view_args)
        return f"{base}?{urlencode(query)}" if query else base
