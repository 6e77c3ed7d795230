"""Markdown to safe HTML: Python-Markdown for the syntax, nh3 (ammonia) for the allowlist.

Rendering happens when content is loaded, never per request. Callers that need to rewrite links
(module-to-module links, media images) pass ``rewrite_url``, applied to every href and src while
sanitising, so a rewritten URL can never smuggle anything past the allowlist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["tables", "footnotes", "admonition", "toc", "sane_lists", "fenced_code", "attr_list"]
EXTENSION_CONFIGS = {
    "toc": {"permalink": False, "toc_depth": "2-3"},
    "footnotes": {"BACKLINK_TITLE": "Back to the text"},
}

UrlRewriter = Callable[[str, str, str], str | None]


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    toc: list[TocEntry] = field(default_factory=list)


def _flatten_toc(tokens: list[dict], out: list[TocEntry]) -> list[TocEntry]:
    for token in tokens:
        out.append(TocEntry(token["level"], token["id"], token["name"]))
        _flatten_toc(token.get("children", []), out)
    return out


def render(text: str, rewrite_url: UrlRewriter | None = None) -> RenderedMarkdown:
    """Render and sanitise Markdown; ``rewrite_url(tag, attr, value)`` may change or drop URLs."""
    converter = md.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    raw_html = converter.convert(text)

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src") and rewrite_url is not None:
            return rewrite_url(tag, attribute, value)
        return value

    safe_html = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return RenderedMarkdown(safe_html, _flatten_toc(getattr(converter, "toc_tokens", []), []))


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML (quiz prompts, feedback, role-play text)."""
    return render(text).html


def render_inline(text: str) -> str:
    """Short Markdown (a choice, a feedback line) without the wrapping paragraph."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
