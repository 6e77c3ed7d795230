"""Lists and fences as authors write them, by CommonMark's block rules.

Python-Markdown nests a list only when it is indented by four spaces (its ``tab_length``);
CommonMark, GitHub and most editors nest it when it starts under the parent item's text, which
for ``- item`` is two spaces. Setting ``tab_length`` to 2 would turn every four-space paragraph
inside a list item into code, so instead this preprocessor re-indents the lines of a list before
the parser sees them: each line that belongs to an item (by CommonMark's rule, indented at least
to the item's text) is moved to four spaces per nesting level, keeping any extra indentation
beyond the item's text. Four-space lists come out unchanged. Lines inside fenced code blocks
outside lists are left alone. (mdx_truly_sane_lists does the same but has not been released
since 2022; this is the one rule we need from it.)

Two more CommonMark rules need a blank line that Python-Markdown wants and authors leave out: a
bullet list (or one starting at 1) and a code fence may start right after a paragraph line, and
a new item ends the paragraph of the item before. The preprocessor inserts that blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
_FENCE = re.compile(r"^ *(```|~~~)")
TAB = 4


@dataclass(frozen=True)
class _Item:
    marker_indent: int  # where the marker starts in the source
    content_col: int  # where the item's text starts in the source
    out_indent: int  # where the marker goes in the output
    kind: str  # "-", "*", "+", "." or ")": items of one list share it


def _expand_tabs(line: str) -> str:
    return line.expandtabs(TAB) if "\t" in line[: len(line) - len(line.lstrip())] else line


def reindent_lists(lines: list[str]) -> list[str]:
    """The same lines with nested list content moved to four spaces per level."""
    out: list[str] = []
    stack: list[_Item] = []
    fence: str | None = None  # a fenced block outside any list: copied as it is
    list_fence: str | None = None  # a fenced block inside a list item: re-indented only
    previous_blank = True
    previous_item = False  # the last line was a list item's first line
    second_paragraph = False  # the last line is in a paragraph that follows a blank in an item

    def blank_before() -> None:
        """CommonMark lets this line interrupt the paragraph above; Python-Markdown needs a gap."""
        if not previous_blank and not previous_item:
            out.append("")

    for raw in lines:
        line = _expand_tabs(raw)
        if fence is not None:
            out.append(raw)
            if line.strip().startswith(fence):
                fence = None
            continue
        if not line.strip():
            out.append(raw)
            previous_blank = True
            if not stack:
                second_paragraph = False
            previous_item = False
            continue
        indent = len(line) - len(line.lstrip(" "))
        if list_fence is not None and stack:
            top = stack[-1]
            shift = max(indent - top.content_col, 0)
            out.append(" " * (top.out_indent + TAB + shift) + line.lstrip(" "))
            previous_blank = previous_item = False
            if line.strip() == list_fence:
                list_fence = None
                out.append("")  # the stashed fence must not swallow the next line
                previous_blank = True
            continue
        item = _ITEM.match(line)
        if (
            item
            and not previous_blank
            and not _may_interrupt(item)
            and not _continues_list(stack, indent, item)
        ):
            # It goes on the paragraph above ("… 3 December\n1998. It was …"): escaped, so
            # that the re-indented line cannot read as a nested list either.
            digits = item.group(2)[:-1]
            line = f"{' ' * indent}{digits}\\{line[indent + len(digits) :]}"
            item = None
        in_list = bool(stack)
        while stack and indent < stack[-1].content_col:
            if item is None and not previous_blank:
                break  # a lazy continuation line of the item's paragraph
            stack.pop()
        if item is not None and (stack or indent < TAB):
            parent = stack[-1] if stack else None
            if parent is None or indent >= parent.content_col:
                if second_paragraph or not in_list:
                    blank_before()
                out_indent = parent.out_indent + TAB if parent else 0
                spaces = item.group(3) or " "
                content_col = indent + len(item.group(2)) + len(spaces)
                stack.append(_Item(indent, content_col, out_indent, _kind(item)))
                out.append(" " * out_indent + line.lstrip(" "))
                previous_blank, previous_item, second_paragraph = False, True, False
                continue
        opens_fence = _FENCE.match(line)
        if opens_fence and not previous_blank:
            out.append("")  # a fence may interrupt a paragraph or follow an item's first line
        if stack and indent >= stack[-1].content_col:
            top = stack[-1]
            second_paragraph = second_paragraph or previous_blank
            if opens_fence:
                list_fence = opens_fence.group(1)
            out.append(" " * (top.out_indent + TAB + indent - top.content_col) + line.lstrip(" "))
        else:
            if not stack and opens_fence:
                fence = opens_fence.group(1)
            out.append(raw)
            if indent == 0 and previous_blank:
                stack.clear()
        previous_blank = previous_item = False
    return out


def _kind(item: re.Match[str]) -> str:
    return item.group(2)[-1]


def _continues_list(stack: list[_Item], indent: int, item: re.Match[str]) -> bool:
    """The line is the next item of a list already open at its indentation."""
    kind = _kind(item)
    return any(e.kind == kind and e.marker_indent <= indent < e.content_col for e in stack)


def _may_interrupt(item: re.Match[str]) -> bool:
    """A bullet, or an ordered list starting at 1, may start right after a paragraph line."""
    marker = item.group(2)
    return bool(item.group(3)) and (marker in "-*+" or marker[:-1] == "1")


class _ListIndentPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return reindent_lists(lines)


class CommonMarkListIndent(Extension):
    """Registers the preprocessor before Python-Markdown's own block parsing."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        # After normalize_whitespace (30), before pymdownx.superfences stashes fences (25).
        md.preprocessors.register(_ListIndentPreprocessor(md), "commonmark_list_indent", 29)
