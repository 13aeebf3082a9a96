"""Computed two-arm effects as people read them: the ``show`` section and ``compare`` cells.

The numbers come from :mod:`stemcell_cli.analysis.comparisons` (JSON carries them unrounded);
here they are rounded for reading, and every figure says whether it was computed or published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.comparisons import comparisons
from . import describe

if TYPE_CHECKING:
    from ..model.descriptor import Study

TITLE = "Effects (computed)"
HEADERS = ("Outcome", "Effect", "Estimate", "Where from")


def num(value: float) -> str:
    """A rounded figure: 1,882 · 17.42 · 0.70 · 0.088 · 0.00012."""
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 0.1 or size == 0:
        return f"{value:.2f}"
    return f"{value:.2g}" if size >= 1e-4 else f"{value:.1e}"


def interval(
    estimate: float | None, lower: float | None, upper: float | None, fmt: Any = num
) -> str:
    """``0.088 (95% CI 0.029 to 0.27)`` or ``not estimable``; ``fmt`` rounds."""
    if estimate is None or lower is None or upper is None:
        return "not estimable"
    return f"{fmt(estimate)} (95% CI {fmt(lower)} to {fmt(upper)})"


def points(value: float) -> str:
    """A risk difference in percentage points, one decimal."""
    return f"{100 * value:.1f}"


def whole(value: float) -> str:
    """A count per 1,000, whole."""
    return f"{value:,.0f}"


def one(value: float) -> str:
    """A number needed, one decimal."""
    return f"{value:.1f}"


def effect_line(effect: dict[str, Any]) -> str:
    """``RR 0.088 (95% CI 0.029 to 0.27)``; an RD in percentage points."""
    parts = (effect["estimate"], effect["lower"], effect["upper"])
    if effect["measure"] == "RD":
        return f"RD {interval(*parts, points)} percentage points"
    return f"{effect['measure']} {interval(*parts)}"


def absolute_line(c: dict[str, Any]) -> str:
    """``per 1,000: 618 with DMT, 55 (95% CI 18 to 167) with HSCT``."""
    a = c["absolute"]
    text = f"per 1,000: {whole(a['comparator'])} with {c['comparator']['group']}"
    if a["intervention"] is None:
        return text
    found = interval(a["intervention"], a["lower"], a["upper"], whole)
    return f"{text}, {found} with {c['experimental']['group']}"


def published_line(p: dict[str, Any]) -> str:
    """``HR 0.07 (95% CI 0.02–0.24), HSCT vs DMT`` exactly as published."""
    text = describe.EFFECTS.get(p["measure"], p["measure"])
    if p["value"] is not None:
        text += f" {describe.number(p['value'])}"
    if p["lower"] is not None:
        lower, upper = describe.number(p["lower"]), describe.number(p["upper"])
        text += f" ({describe.number(p['level'])}% CI {lower} to {upper})"
    if p["comparison"]:
        text += f", {p['comparison']}"
    return text


def _label(c: dict[str, Any]) -> str:
    return ", ".join(x for x in (c["outcome"], c["timepoint"]) if x)


def effect_rows(study: Study) -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows (see HEADERS) and notes of 'Effects (computed)': each two-arm comparison's
    effects, published ones beside."""
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for c in comparisons(study):
        if not c["computed"]:
            if c["reason"]:
                notes.append(f"{_label(c)}: {c['reason']}")
            continue
        first = f"{_label(c)} ({c['compared']})"
        marks = {
            describe.source_text(study, arm["source"])
            for arm in (c["experimental"], c["comparator"])
            if arm.get("source")
        }
        secondary = "; ".join(sorted(m for m in marks if "[secondary:" in m))
        if secondary:
            first += f" [counts from {secondary}]"
        for effect in c["effects"]:
            estimate = effect_line(effect).removeprefix(effect["measure"] + " ")
            how = f"computed: {effect['method']}" + (
                f"; {effect['note']}" if effect["note"] else ""
            )
            rows.append((first, effect["name"].capitalize(), estimate, how))
            first = ""
        nn = c["number_needed"]
        if nn is not None:  # counts: a number needed and absolute effects per 1,000
            rows.append(("", nn_name(nn), nn_text(nn), "computed: 1/|RD|"))
            rows.append(("", "Absolute effect", absolute_line(c), f"computed: {_abs(c)}"))
        for p in c["published"]:
            where = describe.source_text(study, p["source"]) if p.get("source") else "?"
            rows.append(("", "Published", published_line(p), f"published [{where}]"))
        notes += c["notes"]
    return rows, notes


def nn_name(nn: dict[str, Any]) -> str:
    """``NNT (benefit)``, ``NNH (harm)`` or ``Number needed`` (direction not recorded)."""
    return nn["text"].partition(":")[0] if nn["kind"] else "Number needed"


def nn_text(nn: dict[str, Any]) -> str:
    """``1.8 (95% CI 1.5 to 2.5): 1 fewer with the event for every 1.8 treated``."""
    if nn["estimate"] is None:
        return nn["text"]
    sentence = nn["text"].partition(": ")[2] if nn["kind"] else nn["text"]
    return f"{interval(nn['estimate'], nn['lower'], nn['upper'], one)}: {sentence}"


def _abs(c: dict[str, Any]) -> str:
    return c["absolute"]["method"]


def compare_cells(study: Study) -> list[tuple[str, str | None, str, str]]:
    """The computed effects for ``compare``: [measure, timepoint, text, bar] items, aligned
    with the outcome they compute (``views.compare.outcome_item``)."""
    items = []
    for c in comparisons(study):
        if not c["computed"]:
            continue
        first, _, *rest = c["effects"]  # RR, OR, RD; or MD, SMD
        shown = [first, *rest[-1:]]
        text = f"computed, {c['compared']}: " + "; ".join(effect_line(e) for e in shown)
        if c["number_needed"] and c["number_needed"]["kind"]:
            text += f"; {c['number_needed']['kind']} {one(c['number_needed']['estimate'])}"
        text += "".join(f"; published {published_line(p)}" for p in c["published"])
        items.append((c["outcome"], c["timepoint"], text, ""))
    return items
