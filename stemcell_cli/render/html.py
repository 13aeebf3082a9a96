"""The evidence brief as one self-contained HTML page: inline CSS and SVG, no script, no
request to any other address (a Content-Security-Policy says so to the browser too).

Every piece of catalog text goes through :func:`text` (``safe.xml_text``), every link target
through :func:`href` (http and https only), so a hostile descriptor renders as inert text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..analysis.outcome import DRAW_LIMIT
from ..evidence.grading import CAUTION, LEVEL_MEANING, LEVEL_SCALE, level_word
from ..safe import markdown_url, one_line, xml_text
from ..views.show import Section, certainty_text
from .brief import CARD_SECTIONS, NOT_GIVEN
from .forest import ForestFrame, ci_text, forest_svg
from .html_style import STYLE
from .pool_text import SOF_HEADERS, block, drawn, sof_table

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..cite.references import Reference
    from .brief import Report, StudyBrief

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
POOLING = {
    "reml": "random effects by REML (as metafor)",
    "dl": "random effects by DerSimonian-Laird",
    "fixed": "fixed effect by inverse variance",
}


def text(value: object) -> str:
    """Catalog text as HTML character data (also safe in a quoted attribute)."""
    return xml_text(str(value))


def href(url: str | None) -> str | None:
    """A link target: an http(s) URL, percent-encoded and escaped; None for anything else."""
    target = markdown_url(url) if url else None  # the same rule as Markdown links
    return text(target) if target else None


def link(label: str, url: str | None) -> str:
    """``label`` linked to ``url`` when it is a web address, else the label alone."""
    target = href(url)
    if target is None:
        return text(label)
    return f'<a href="{target}" rel="noopener noreferrer">{text(label)}</a>'


def tag(name: str, body: str, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<{name}{attr}>{body}</{name}>"


def bullets(items: Iterable[str], cls: str | None = None) -> str:
    """An unordered list of already-escaped items ("" when there are none)."""
    body = "".join(f"<li>{item}</li>" for item in items)
    return tag("ul", body, cls) if body else ""


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str | None = None) -> str:
    """A table with header cells (the first cell of each row a row header), in a wrapper
    that scrolls sideways on a narrow screen rather than overflowing the page."""
    head = "".join(f'<th scope="col">{text(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{text(c)}</th>' if i == 0 else f"<td>{text(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{text(caption)}</caption>" if caption else ""
    return (
        f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def section_html(section: Section, level: str = "h4") -> str:
    """One section of ``show``: pairs as a definition list, its table, bullets, links."""
    parts = [tag(level, text(section.title))]
    if section.pairs:
        pairs = "".join(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in section.pairs)
        parts.append(tag("dl", pairs))
    if section.rows:
        parts.append(table(section.headers, section.rows))
    parts.append(bullets(text(b) for b in section.bullets))
    parts.append(bullets(link(label, url) for label, url in section.links))
    return tag("section", "".join(parts))


# --- the parts of the page ----------------------------------------------------------------


def _sof(report: Report) -> str:
    findings = report.findings
    if findings is None or not findings.rows:
        why = (report.no_findings or "no two-arm comparison in the selected studies").removeprefix(
            "nothing to pool: "
        )
        return (
            '<section id="findings"><h2>Summary of findings</h2>'
            f"<p>No summary of findings: {text(why)}.</p></section>"
        )
    rows, notes = sof_table(findings)
    return (
        '<section id="findings"><h2>Summary of findings</h2>'
        + table(SOF_HEADERS, rows, "Computed from the descriptors' counts (GRADEpro layout)")
        + bullets((text(n) for n in notes), "notes")
        + "</section>"
    )


def forest_figure(a: Analysis, number: int, limit: int | None = DRAW_LIMIT) -> str:
    """One pooled outcome: the SVG forest plot with a title and description for screen
    readers, then the same numbers as a table (the plot's text alternative). Over ``limit``
    studies, both show those of the largest weights and count the rest, as ``pool`` does."""
    plot = drawn(a, limit, with_counts=True)
    rows, summary, shown, hidden = plot.rows, plot.summary, plot.frame, plot.hidden
    p = a.pooled
    title = one_line(f"{a.outcome} ({a.label}); computed, {a.certainty.final} certainty") or ""
    svg = forest_svg(
        rows,
        summary,
        log_scale=p.is_ratio,
        title=title,
        # the brief's plots carry no frame; a bounded one says what it leaves out
        frame=ForestFrame(below=shown.below[:1]) if hidden else None,
        measure_label=p.measure,
    )
    svg = svg[svg.index("<svg") :]  # inline: no XML declaration
    gives = "the numbers drawn" if hidden else "every number"
    label = (
        f"Forest plot {number}: {title}. Pooled {p.measure} "
        f"{ci_text(p.estimate, p.lower, p.upper)}; the table below gives {gives}."
    )
    opening_end = svg.index(">")
    svg = (
        f'<svg role="img" aria-labelledby="forest-{number}-title" '
        + svg[len("<svg ") : opening_end + 1]
        + f'<title id="forest-{number}-title">{text(label)}</title>'
        + svg[opening_end + 1 :]
    )
    numbers = [
        (
            r.label,
            *(r.counts or ("", "")),
            "" if r.weight is None else f"{r.weight:.1f}%",
            ci_text(r.estimate, r.lower, r.upper),
        )
        for r in drawn(a, limit).rows
    ]
    if hidden:
        share = plot.hidden_weight
        rest = f"{hidden:,} more {'study' if hidden == 1 else 'studies'} ({share:.1f}% of the "
        numbers.append((rest + "weight), pooled but not drawn", "", "", f"{share:.1f}%", ""))
    if summary is not None:  # one study is not pooled
        numbers.append((summary.label, "", "", "100%", ci_text(p.estimate, p.lower, p.upper)))
    headers = (
        "Study",
        "Experimental (events/total)",
        "Comparator",
        "Weight",
        f"{p.measure} [95% CI]",
    )
    b = block(a, limit=limit)
    return (
        f'<figure class="forest" id="forest-{number}"><figcaption>{text(b.heading)}</figcaption>'
        f'<div class="plot">{svg}</div>'
        + table(headers, numbers, f"The numbers of forest plot {number}")
        + bullets(text(n) for n in b.notes)
        + "</figure>"
    )


def _forests(report: Report) -> str:
    if not report.analyses:
        return ""
    figures = "".join(
        forest_figure(a, i, report.draw_limit) for i, a in enumerate(report.analyses, 1)
    )
    notes = bullets(text(n) for n in report.pool_notes)
    legend = (
        "<p>Squares: each study's effect, their area proportional to its weight; lines: 95% "
        "confidence intervals; diamond: the pooled effect; dashed line: no effect.</p>"
    )
    return f'<section id="forests"><h2>Pooled outcomes</h2>{legend}{figures}{notes}</section>'


def rated_lines(
    analyses: Iterable[Analysis], where: dict[int, str] | None = None, limit: int = DRAW_LIMIT
) -> list[str]:
    """The certainty of each rated outcome a study is part of (``analyses``), with its
    reasons, as HTML. Over ``limit`` studies (reasons that name other studies), the line names
    the domains and links to where the reasons are given (``where``: by ``id()`` of the
    analysis, the anchor of its forest plot; else the summary of findings' notes)."""
    out = []
    for a in analyses:
        c = a.certainty
        rating = f"{a.outcome} ({a.label}): {c.symbols} ({c.label}); started {c.start}"
        downs = [d for d in c.downgrades if d.levels]
        if a.pooled.k <= limit or not downs:
            why = "; ".join(f"down {d.levels} for {d.domain}: {d.reason}" for d in downs)
            out.append(text(rating + (f"; {why}" if why else "; no downgrade")))
            continue
        why = ", ".join(f"down {d.levels} for {d.domain}" for d in downs)
        anchor = (where or {}).get(id(a), "findings")
        place = (
            f"under forest plot {anchor.removeprefix('forest-')}"
            if anchor != "findings"
            else "in the notes of the summary of findings"
        )
        out.append(
            f"{text(f'{rating}; {why}')}: the reasons, over {a.pooled.k:,} studies, are "
            f'given <a href="#{anchor}">{place}</a>'
        )
    return out


def _discrepancies(study: StudyBrief) -> str:
    """What the headline or news said beside what the paper or registry says."""
    if not study.discrepancies:
        return ""
    kinds = {s.key: s.kind for s in study.sources}
    parts = ["<h4>What was said, and what the study found</h4>"]
    for d in study.discrepancies:
        rows = [(f"{c.source} ({kinds.get(c.source, 'source')})", c.says) for c in d.claims]
        parts.append(table(("Source", "What it says"), rows, f"Sources disagree: {d.topic}"))
        if d.note:
            parts.append(f"<p>{text(d.note)}</p>")
    return tag("section", "".join(parts))


def card(
    study: StudyBrief, analyses: Sequence[Analysis], where: dict[int, str] | None = None
) -> str:
    """One study: the verdict first, then what it found and how far to trust it
    (``analyses``: the rated outcomes it is part of; ``where``: see :func:`rated_lines`)."""
    evidence = study.evidence
    level = evidence.level
    badge = f"Evidence level {level_word(level)}"
    found = ["<h4>What it found</h4>", f'<p class="headline">{text(study.headline)}</p>']
    if study.summary:
        found.append(f"<p>{text(study.summary)}</p>")
    rated = rated_lines(analyses, where)
    strength = [
        f"<dt>Level</dt><dd>{text(level_word(level))} (1 strongest … 5 weakest, not a score): "
        f"{text(LEVEL_MEANING[level])}</dd>",
        f"<dt>Certainty</dt><dd>{text(certainty_text(evidence.certainty))}</dd>",
    ]
    cautions = [
        f"<strong>{text(CAUTION[f.code])}</strong>: {text(f.reason)}" for f in evidence.flags
    ]
    sections = study.sections
    body = [
        f'<article class="card" id="study-{text(study.id)}">',
        f"<h3>{text(study.title)} <code>{text(study.id)}</code></h3>",
        f'<p class="badges"><span class="badge level-{text(level)}">{text(badge)}</span></p>',
        bullets(text(x) for x in study.facts),
        *found,
        "<section><h4>How strong is this evidence?</h4>",
        tag("dl", "".join(strength)),
        (
            "<p>Rated certainty of the outcomes it contributes to:</p>" + bullets(rated)
            if rated
            else ""
        ),
        (
            "<p>Cautions:</p>" + bullets(cautions, "cautions")
            if cautions
            else "<p>Cautions: none flagged.</p>"
        ),
        "</section>",
        _discrepancies(study),
        *(section_html(sections[t]) for t in CARD_SECTIONS if t in sections),
        section_html(sections.get(NOT_GIVEN) or Section(NOT_GIVEN, bullets=["nothing listed"])),
        "</article>",
    ]
    return "".join(body)


def reference_html(ref: Reference, study: StudyBrief) -> str:
    """One citation: the reference in words, then its links (DOI, PubMed, sources)."""
    words = study.citation
    if words == "—":
        words = ". ".join(x for x in (ref.title, ref.container) if x) or study.title
    links = []
    if ref.doi:
        links.append(link(f"doi:{ref.doi}", f"https://doi.org/{ref.doi}"))
    if ref.pmid:
        links.append(link(f"PMID {ref.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"))
    seen = {ref.url} if ref.url else set()
    if ref.url:
        links.append(link(ref.url, ref.url))
    for s in study.sources:
        if s.url and s.url not in seen:
            seen.add(s.url)
            links.append(link(f"{s.key} ({s.kind})", s.url))
    return (
        f'<li id="ref-{text(study.id)}"><code>[{text(ref.key)}]</code> {text(words)} '
        f'(<a href="#study-{text(study.id)}">{text(study.id)}</a>)'
        + (f"<br>{' · '.join(links)}" if links else "")
        + "</li>"
    )


def _methods(report: Report) -> str:
    items = [
        "Evidence level: " + LEVEL_SCALE + ".",
        "Certainty of a study: the GRADE starting point for its design (randomized: high; "
        "observational: low; animal studies and opinion: very low or not applicable).",
        "Certainty of an outcome: a transparent first rating by fixed rules from the GRADE "
        "domains (risk of bias, inconsistency, imprecision, publication bias), each downgrade "
        "with its reason; not a panel's judgement.",
        "Effects from counts: risk ratio and odds ratio by the log method with Wald 95% "
        "intervals, risk difference with the Newcombe hybrid score interval, absolute effects "
        "per 1,000 as the comparator risk times the risk ratio; proportions from counts with a "
        "Wilson 95% interval, marked computed. Published intervals are shown as published.",
        f"Pooling: {POOLING[report.method]}, with Q, I², tau² and (random effects) a "
        "prediction interval; randomized and non-randomized comparisons, and human and animal "
        "studies, are never pooled together.",
    ]
    return (
        '<section id="methods"><h2>How each number was computed</h2>'
        + bullets(text(i) for i in items)
        + "</section>"
    )


def rated_by_study(report: Report) -> tuple[dict[str, list[Analysis]], dict[int, str]]:
    """Each study's rated outcomes (the summary of findings' rows, then the other outcomes
    drawn), in one pass over the analyses; and the anchor of each drawn one."""
    analyses = list(report.findings.rows) if report.findings else []
    analyses += [a for a in report.analyses if a not in analyses]
    rated: dict[str, list[Analysis]] = {}
    for a in analyses:
        for study_id in dict.fromkeys(c.study_id for c in a.studies):
            rated.setdefault(study_id, []).append(a)
    drawn = {id(a): f"forest-{i}" for i, a in enumerate(report.analyses, 1)}
    for a in analyses:  # a summary row drawn as an equal analysis (with --measure)
        if id(a) not in drawn and a in report.analyses:
            drawn[id(a)] = f"forest-{report.analyses.index(a) + 1}"
    return rated, drawn


def brief_parts(report: Report) -> list[str]:
    """The page in pieces, one per card and citation among them, to be written one after
    another (a page of thousands of studies is never copied whole)."""
    rated, where = rated_by_study(report)
    contents = bullets(
        f'<a href="#{anchor}">{name}</a>'
        for anchor, name in (
            ("findings", "Summary of findings"),
            ("forests", "Pooled outcomes"),
            ("studies", "The studies"),
            ("citations", "Citations"),
            ("methods", "How each number was computed"),
        )
        if anchor != "forests" or report.analyses
    )
    head = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<title>Evidence brief: {text(report.question)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<p class="kicker">Evidence brief · stemcell {text(report.version)} · {text(report.date)}</p>
<h1>{text(report.question)}</h1>
<p>Asked as <code>{text(report.command)}</code>: {len(report.studies)} of {report.total}
studies in the catalog. Every figure below is computed from the study descriptors by fixed
rules, and says where it came from; a study's level describes its design, not a score.</p>
<nav aria-label="Contents">{contents}</nav>
</header>
<main>
{_sof(report)}
{_forests(report)}
<section id="studies"><h2>The studies</h2>"""
    foot = f"""
{_methods(report)}
</main>
<footer><p>Made on {text(report.date)} by stemcell {text(report.version)}. A summary to read
with the sources, not medical advice.</p></footer>
</body>
</html>
"""
    return [
        head,
        *(card(s, rated.get(s.id, []), where) for s in report.studies),
        '</section>\n<section id="citations"><h2>Citations</h2><ol class="refs">',
        *(reference_html(r, s) for r, s in zip(report.references, report.studies, strict=True)),
        "</ol></section>",
        foot,
    ]
