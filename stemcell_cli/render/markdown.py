"""Markdown for GitHub: headings, pipe tables, the evidence section, sources as links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from ..evidence.grading import LEVEL_SCALE, level_word
from ..safe import markdown_text, markdown_url, visible
from ..views.compare import Comparison
from ..views.listing import SUMMARY_HEADERS
from ..views.show import Section, view_sections

if TYPE_CHECKING:
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult
    from ..store.entry import Entry


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell or line: shown literally, never a link."""
    return markdown_text(text)


def link(text: str, url: str) -> str:
    """A list item linking ``text`` to ``url`` (when it is a safe http(s) URL)."""
    target = markdown_url(url)
    return f"- [{cell(text)}]({target})" if target else f"- {cell(text)}"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], label: Callable[[str], str] = cell
) -> str:
    """A GitHub pipe table; ``label`` writes the first cell of each row (escaped)."""
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    for first, *rest in rows:
        lines.append(
            "| " + " | ".join([label(first) or " "] + [cell(c) or " " for c in rest]) + " |"
        )
    return "\n".join(lines) + "\n"


def section_text(section: Section) -> str:
    """One section as Markdown."""
    parts = [f"## {cell(section.title)}\n"]
    if section.pairs:
        parts.append("\n".join(f"- **{cell(k)}:** {cell(v)}" for k, v in section.pairs) + "\n")
    if section.rows:
        parts.append(table(section.headers, section.rows))
    if section.bullets:
        parts.append("\n".join(f"- {cell(b)}" for b in section.bullets) + "\n")
    if section.links:
        parts.append("\n".join(link(text, url) for text, url in section.links) + "\n")
    return "\n".join(parts)


class MarkdownRenderer:
    """An evidence brief that renders well on GitHub."""

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None:
        self.out = out

    def studies(self, entries: Sequence[Entry]) -> None:
        level = SUMMARY_HEADERS.index("Level")
        rows = [
            (*e.summary[:level], level_word(e.summary[level]), *e.summary[level + 1 :])
            for e in entries
        ]
        self.out.write(table(SUMMARY_HEADERS, rows))
        if rows:
            self.out.write(f"\n{cell(LEVEL_SCALE)}\n")

    def study(self, entry: Entry) -> None:
        view = entry.show_view
        head = f"# {cell(view['title'])} (`{cell(view['id'])}`)\n\n> {cell(view['headline'])}\n"
        body = [head] + ([cell(view["summary"]) + "\n"] if view["summary"] else [])
        self.out.write("\n".join(body + [section_text(s) for s in view_sections(view)]))

    def findings(self, findings: Findings) -> None:
        from .pool_text import SOF_HEADERS, sof_table

        rows, notes = sof_table(findings)
        body = "\n".join(f"{cell(n)}\n" for n in notes)
        self.out.write(f"# Summary of findings\n\n{table(SOF_HEADERS, rows)}\n{body}")

    def pooled(self, result: PoolResult) -> None:
        from .pool_text import blocks

        for b in blocks(result):
            forest = "\n".join(visible(line) for line in b.forest)
            notes = "\n".join(f"- {cell(n)}" for n in b.notes)
            self.out.write(f"## {cell(b.heading)}\n\n```text\n{forest}\n```\n\n{notes}\n\n")

    def comparison(self, comparison: Comparison) -> None:
        headers = ["", *(e.id for e in comparison.entries)]
        rows = [(r.label, *r.cells) for r in comparison.rows]
        bold = lambda text: f"**{cell(text)}**"  # noqa: E731
        self.out.write("# Comparison\n\n" + table(headers, rows, bold))
