"""The summary of findings as GRADEpro prints it, as plain text cells every format lays out.

Columns: outcome (measure, timepoint, kind, studies) · risk with the comparator · risk
difference with the intervention · relative effect (95% CI) · participants (studies) ·
certainty (⊕⊕◯◯ LOW with footnote letters) · comments (published effects beside the crude
ratio, how the comparator risk was taken). Footnotes give each downgrade with its reason.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..analysis.anticipated import anticipated, difference_text
from ..analysis.certainty import LABEL, SYMBOLS
from ..views.effect_lines import interval, num, points, published_line, whole
from ..words import SHOWN, listed

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.columns import LeftOut
    from ..analysis.findings import Findings

SOF_HEADERS = (
    "Outcome",
    "Risk with comparator",
    "Risk difference with intervention (95% CI)",
    "Relative effect (95% CI)",
    "Participants (studies)",
    "Certainty",
    "Comments",
)
# The terminal's columns: the two anticipated absolute effects share one.
SOF_COLUMNS = (
    ("Outcome", 2, None),
    ("Anticipated absolute effects (95% CI)", 2, None),
    ("Relative effect (95% CI)", 2, None),
    ("Participants (studies)", None, 12),
    ("Certainty", None, 13),
    ("Comments", 2, None),
)
BETTER = {
    "hazard-ratio": "the paper's estimate, better than the crude ratio: it accounts for "
    "follow-up time"
}
LEGEND = "GRADE certainty: " + "; ".join(
    f"{symbols} {level}" for level, symbols in reversed(SYMBOLS.items())
)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 study``, ``2 studies``; ``1 outcome``, ``4 outcomes``."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def people(participants: int | None) -> str:
    """``1,234``, or ``not given`` when no pooled study gives its arms' sizes."""
    return "not given" if participants is None else f"{participants:,}"


def relative_text(a: Analysis) -> str:
    """``RR 0.49 (95% CI 0.34 to 0.70)``; an RD in percentage points."""
    p = a.pooled
    fmt = points if p.measure == "RD" else num
    text = f"{p.measure} {interval(p.estimate, p.lower, p.upper, fmt)}"
    return text + (" percentage points" if p.measure == "RD" else "")


def letter(n: int) -> str:
    """Footnote letters: a … z, then aa, ab, …"""
    letters = string.ascii_lowercase
    return letters[n] if n < len(letters) else letters[n // 26 - 1] + letters[n % 26]


def outcome_cell(a: Analysis) -> str:
    """The measure, when it was assessed, the follow-up, the kind of evidence and the studies."""
    times = list(dict.fromkeys(s.timepoint for s in a.used.shapes() if s.timepoint))
    when = f"; assessed {', '.join(times)}" if times else ""
    spans = list(dict.fromkeys(s.follow_up for s in a.used.shapes() if s.follow_up))
    followed = f"; follow-up {', '.join(spans)}" if spans else ""
    ids = listed(a.used.ids)
    return f"{a.outcome}{when}{followed} ({a.label}; {ids})"


def comments(a: Analysis) -> str:
    """Published effects beside the crude ratio; how the comparator risk and the absolute
    effect were taken; pooled or one study."""
    x = anticipated(a)
    p = a.pooled
    parts = []
    published = (
        f"{study_id}: published {published_line(p)} ({BETTER.get(p['measure'], 'published')})"
        for study_id, p in a.used.published()
    )
    if said := listed(published, sep=". ", more="more published effects"):
        parts.append(said)
    how = f"Pooled, {p.label}" if p.k >= 2 else "One study, not pooled"
    if x is None:
        parts.append(how)
    else:
        parts.append(f"{how}; comparator risk: {x.comparator_basis}")
        if x.comparator == 0:
            parts.append(f"Absolute effect: {x.method}")
    return ". ".join(parts) + "."


def sof_table(findings: Findings) -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows under SOF_HEADERS, and the footnotes (a, b, …: each downgrade with its reason)
    and notes."""
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for a in findings.rows:
        marks = []
        for d in a.certainty.downgrades:
            mark = letter(len(notes))
            notes.append(f"{mark}. {a.outcome} ({a.label}), {d.domain}: {d.reason}")
            marks.append(mark)
        x = anticipated(a)
        rows.append(
            (
                outcome_cell(a),
                "—" if x is None else f"{whole(x.comparator)} per 1,000",
                a.absolute["text"] if x is None else difference_text(x),
                relative_text(a),
                f"{people(a.participants)} ({plural(a.pooled.k, 'study', 'studies')})",
                " ".join([a.certainty.symbols, ",".join(marks)]).strip(),
                comments(a),
            )
        )
    notes.append(
        "Risk with comparator: the median control-group risk of the pooled studies (a "
        "study's own for one study). Risk difference with intervention: that risk times the "
        "relative effect and its CI limits, minus it; where it is 0, the risk difference."
    )
    notes.append(f"{LEGEND}.")
    notes.append(f"Computed by stemcell from the descriptors' figures; certainty is {LABEL}.")
    notes += left_out_lines(findings.left_out)
    if findings.not_computed:
        ids = listed(dict.fromkeys(x.study_id for x in findings.not_computed))
        count = plural(len(findings.not_computed), "two-arm outcome")
        was = "was" if len(findings.not_computed) == 1 else "were"
        notes.append(
            f"{count} {was} not computed (no counts in both arms, or arms not clear) in {ids}: "
            "`stemcell show ID` says why."
        )
    return rows, notes


def left_out_lines(left_out: Sequence[LeftOut]) -> list[str]:
    """``Left out: ID: why``, one line each for the first few, then how many more."""
    lines = [f"Left out: {x.study_id}: {x.reason}" for x in left_out[:SHOWN]]
    if len(left_out) > SHOWN:
        lines.append(
            f"Left out: {len(left_out) - SHOWN:,} more (stemcell pool --json lists every one)"
        )
    return lines


def terminal_row(row: tuple[str, ...]) -> tuple[str, ...]:
    """A row under SOF_HEADERS as the terminal's SOF_COLUMNS."""
    outcome, comparator, difference, relative, people, certainty, comment = row
    risks = f"Risk with comparator: {comparator}\nDifference: {difference}"
    return outcome, risks, relative, people, certainty, comment
