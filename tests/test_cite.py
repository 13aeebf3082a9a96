"""Citations: BibTeX, RIS and CSL-JSON that reference managers can import and trust.

Every bundled study is cited in every format and read back with real clients: bibtexparser
(v2) for BibTeX, rispy for RIS, and a JSON Schema of CSL data (jsonschema) for CSL-JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser import middlewares
from conftest import invoke

from stemcell_cli.cite import FORMATS, CitationFormat, Citations, citations
from stemcell_cli.cite.formats import protect_case
from stemcell_cli.cite.references import ENTRY_TYPES, references
from stemcell_cli.ctgov import descriptor_from_record
from stemcell_cli.errors import UsageError
from stemcell_cli.model.descriptor import Study
from stemcell_cli.safe import UNSAFE
from stemcell_cli.store.catalog import Catalog, bundled_dir, load_catalog

FIXTURES = Path(__file__).parent / "fixtures"
CTGOV = FIXTURES / "ctgov"
BUNDLED = sorted(p.stem for p in bundled_dir().glob("*.yaml"))

# The CSL data schema's rules for one item, restated for the fields CSL defines (types, name
# and date shapes, unknown fields rejected), after citation-style-language/schema
# (schemas/input/csl-data.json, MIT). If a copy of that file is put at
# tests/fixtures/csl-data.json, it is used as well.
_CSL_TYPES = [
    *("article", "article-journal", "article-magazine", "article-newspaper", "bill", "book"),
    *("broadcast", "chapter", "classic", "collection", "dataset", "document", "entry"),
    *("entry-dictionary", "entry-encyclopedia", "figure", "graphic", "hearing", "interview"),
    *("legal_case", "legislation", "manuscript", "map", "motion_picture", "musical_score"),
    *("pamphlet", "paper-conference", "patent", "performance", "periodical"),
    *("personal_communication", "post", "post-weblog", "regulation", "report", "review"),
    *("review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage"),
]
_TEXT_FIELDS = ("title", "container-title", "medium", "note", "DOI", "URL", "PMID", "PMCID")
_STRING = {"type": "string"}
_STRING_OR_NUMBER = {"type": ["string", "number"]}
_NAME = {
    "type": "object",
    "properties": {
        k: _STRING
        for k in ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
    }
    | {"literal": _STRING},
    "additionalProperties": False,
}
_DATE = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "minItems": 1,
            "maxItems": 2,
            "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": _STRING_OR_NUMBER},
        },
        "literal": _STRING,
        "raw": _STRING,
    },
    "additionalProperties": False,
}
CSL_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type"],
        "additionalProperties": False,
        "properties": {
            "id": _STRING_OR_NUMBER,
            "type": {"enum": _CSL_TYPES},
            "author": {"type": "array", "items": _NAME},
            "issued": _DATE,
            **{k: _STRING for k in _TEXT_FIELDS},
            **{k: _STRING_OR_NUMBER for k in ("volume", "issue", "page", "number")},
        },
    },
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([bundled_dir()])


@pytest.fixture(scope="module")
def everything(catalog: Catalog) -> dict[str, Citations]:
    """Every bundled study cited together, in each format."""
    return {
        fmt: citations([e.study for e in catalog.sorted_entries()], fmt) for fmt in CitationFormat
    }


def parse_bibtex(text: str) -> list[Any]:
    """Entries as bibtexparser v2 reads them (braces removed, authors split into parts)."""
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert library.failed_blocks == [], [b.error for b in library.failed_blocks]
    return library.entries


def raw_bibtex(text: str) -> list[Any]:
    """Entries as bibtexparser v2 reads them, values as written (braces kept)."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    assert library.failed_blocks == []
    return library.entries


def parse_ris(text: str) -> list[dict[str, Any]]:
    return rispy.loads(text)


def parse_csl(text: str) -> list[dict[str, Any]]:
    items = json.loads(text)
    jsonschema.validate(items, CSL_SCHEMA)
    official = FIXTURES / "csl-data.json"
    if official.exists():
        jsonschema.validate(items, json.loads(official.read_text(encoding="utf-8")))
    return items


def _whole(parts: Any) -> str:
    """A person's name as BibTeX split it, joined again in reading order."""
    return " ".join([*parts.first, *parts.von, *parts.last, *parts.jr])


def _family(parts: Any) -> str:
    """The family name (an organisation's name, braced whole in BibTeX, without its braces)."""
    name = " ".join([*parts.von, *parts.last])
    return name[1:-1] if name.startswith("{") and name.endswith("}") else name


# --- every bundled study, every format, real parsers ---------------------------------------


@pytest.mark.parametrize("study_id", BUNDLED)
def test_each_study_parses_in_every_format(catalog: Catalog, study_id: str) -> None:
    study = catalog.entry(study_id).study
    (ref,) = references([study])
    # a partial list: the authors before the first gap, then the format's "et al."
    named = [
        n.family or n.literal for n in (ref.authors.before if ref.authors.partial else ref.authors)
    ]
    et_al = ref.authors.partial and bool(named)

    (entry,) = parse_bibtex(citations([study], "bibtex").text)
    assert entry.entry_type == ref.type.bibtex
    parsed = entry.fields_dict["author"].value if named else []
    # a name kept whole ("Ellen A. Gorman") reads back whole; others by their family name
    names = list(ref.authors.before if ref.authors.partial else ref.authors)
    authors = [
        _whole(p) if n.literal and not n.organisation else _family(p)
        for n, p in zip(names, parsed, strict=False)
    ] + [_family(p) for p in parsed[len(names) :]]
    assert authors == ([*named, "others"] if et_al else named)

    (record,) = parse_ris(citations([study], "ris").text)
    assert record["type_of_reference"] == ref.type.ris
    assert [a.split(",")[0] for a in record.get("authors", [])] == named

    (item,) = parse_csl(citations([study], "csl-json").text)
    assert item["type"] == ref.type.csl
    csl = [a.get("family") or a.get("literal") for a in item.get("author", [])]
    assert csl == ([*named, "et al."] if et_al else named)

    note = ref.authors.omission_note()
    if note:  # a partial list is marked in every format
        assert note in entry.fields_dict["note"].value
        assert note in record["notes"]
        assert note in item["note"].splitlines()
    else:
        assert "incomplete" not in json.dumps(item) + str(record) + str(entry.fields_dict)


@pytest.mark.parametrize("study_id", BUNDLED)
def test_one_entry_type_per_study_across_formats(catalog: Catalog, study_id: str) -> None:
    study = catalog.entry(study_id).study
    (entry,) = parse_bibtex(citations([study], "bibtex").text)
    (record,) = parse_ris(citations([study], "ris").text)
    (item,) = parse_csl(citations([study], "csl-json").text)
    found = (entry.entry_type, record["type_of_reference"], item["type"])
    assert found in {(t.bibtex, t.ris, t.csl) for t in ENTRY_TYPES.values()}


@pytest.mark.parametrize("study_id", BUNDLED)
def test_key_is_the_same_alone_or_with_every_other_study(
    catalog: Catalog, study_id: str, everything: dict[str, Citations]
) -> None:
    study = catalog.entry(study_id).study
    alone = {
        parse_bibtex(citations([study], "bibtex").text)[0].key,
        parse_csl(citations([study], "csl-json").text)[0]["id"],
    }
    together = {e.key for e in parse_bibtex(everything[CitationFormat.BIBTEX].text)}
    ids = {i["id"] for i in parse_csl(everything[CitationFormat.CSL_JSON].text)}
    assert len(alone) == 1 and alone <= together and alone <= ids


@pytest.mark.parametrize("study_id", BUNDLED)
def test_title_is_only_ever_the_works_own(catalog: Catalog, study_id: str) -> None:
    study = catalog.entry(study_id).study
    (ref,) = references([study])
    title = study.publication.title
    if title is None and ref.type.name == "registry-record":  # named by the registry
        title = f"{study.registration.registry} record {study.registration.nct_id}"
    (item,) = parse_csl(citations([study], "csl-json").text)
    assert item.get("title") == title
    (record,) = parse_ris(citations([study], "ris").text)
    assert record.get("title") == title
    labels = [study.title] + [s.title for s in study.sources if s.title]
    for fmt in FORMATS:
        text = citations([study], fmt).text
        assert not [label for label in labels if label in text], fmt


def test_whole_catalog_parses_with_unique_keys(
    catalog: Catalog, everything: dict[str, Citations]
) -> None:
    n = len([e.study for e in catalog.sorted_entries()])
    keys = [e.key for e in parse_bibtex(everything[CitationFormat.BIBTEX].text)]
    assert len(set(keys)) == len(keys) == n and all(k.isascii() for k in keys)
    assert len(parse_ris(everything[CitationFormat.RIS].text)) == n
    assert [i["id"] for i in parse_csl(everything[CitationFormat.CSL_JSON].text)] == keys


# --- what the issue reported ----------------------------------------------------------------


def test_a_partial_list_is_cited_as_first_author_et_al_with_the_last_in_the_note(
    catalog: Catalog,
) -> None:
    study = catalog.entry("ms-mist").study  # first and last of 23 authors
    (entry,) = parse_bibtex(citations([study], "bibtex").text)
    names = [_family(p) for p in entry.fields_dict["author"].value]
    assert names == ["Burt", "others"]  # Helenowski is not the second author
    gap = "authors omitted between Burt RK and Helenowski IB; last author Helenowski IB"
    assert gap in entry.fields_dict["note"].value
    (record,) = parse_ris(citations([study], "ris").text)
    assert record["authors"] == ["Burt, R. K."]
    assert any(gap in n for n in record["notes"])
    (item,) = parse_csl(citations([study], "csl-json").text)
    assert item["author"] == [{"family": "Burt", "given": "R. K."}, {"literal": "et al."}]
    assert gap in item["note"]


def test_a_complete_list_is_cited_whole_in_order(catalog: Catalog) -> None:
    study = catalog.entry("ms-hsct").study  # all 25 authors
    (record,) = parse_ris(citations([study], "ris").text)
    assert len(record["authors"]) == 25
    assert (record["authors"][0], record["authors"][-1]) == ("Boffa, G.", "Mancardi, G.")
    assert not any("incomplete" in n for n in record.get("notes", []))


def test_mist(catalog: Catalog) -> None:
    study = catalog.entry("ms-mist").study
    (entry,) = raw_bibtex(citations([study], "bibtex").text)
    fields = {f.key: f.value for f in entry.fields}
    assert (entry.entry_type, entry.key) == ("article", "burt2019")
    assert fields["author"] == "{Burt, R. K. and others}"
    assert fields["doi"] == "{10.1001/jama.2018.18743}"
    assert (fields["journal"], fields["year"], fields["month"]) == ("{JAMA}", "{2019}", "jan")
    assert (fields["volume"], fields["number"], fields["pages"]) == ("{321}", "{2}", "{165--174}")
    assert fields["title"].startswith("{Effect of {Nonmyeloablative}")
    (record,) = parse_ris(citations([study], "ris").text)
    assert (record["start_page"], record["end_page"]) == ("165", "174")
    assert "PMID: 30644983" in record["notes"]
    (item,) = parse_csl(citations([study], "csl-json").text)
    assert item["issued"] == {"date-parts": [[2019, 1, 15]]}
    assert (item["PMID"], item["PMCID"], item["page"]) == ("30644983", "PMC6439765", "165-174")


def test_pain_mge_mouse_is_an_article_everywhere_and_warns(catalog: Catalog) -> None:
    study = catalog.entry("pain-mge-mouse").study
    result = citations([study], "bibtex")
    assert result.text.startswith("@article{braz,")
    assert [w.message for w in result.warnings] == [
        "article citation has no title",
        "article citation has no journal",
        "article citation has no year",
    ]
    assert str(result.warnings[0]) == "pain-mge-mouse: article citation has no title"
    for fmt in FORMATS:  # the same warnings whatever the format
        assert citations([study], fmt).warnings == result.warnings


def test_complete_entries_do_not_warn(catalog: Catalog) -> None:
    assert citations([catalog.entry("pain-ipsc").study], "ris").warnings == []
    warned = {
        w.study_id
        for w in citations([e.study for e in catalog.sorted_entries()], "bibtex").warnings
    }
    assert "ms-hsct" not in warned and "ms-mist" not in warned and "t2d-bmsc" in warned


def test_registry_only_study_cites_its_registry_record(catalog: Catalog) -> None:
    study = catalog.entry("ms-ram-ms").study
    url = "https://clinicaltrials.gov/study/NCT03477500"
    (entry,) = raw_bibtex(citations([study], "bibtex").text)
    fields = {f.key: f.value for f in entry.fields}
    assert (entry.key, entry.entry_type) == ("ms-ram-ms", "misc")
    assert fields["howpublished"] == "{ClinicalTrials.gov}"
    assert fields["url"] == "{" + url + "}"
    assert fields["note"] == "{ClinicalTrials.gov identifier: NCT03477500}"
    assert fields["author"] == "{{Haukeland University Hospital (Norway)}}"
    (item,) = parse_csl(citations([study], "csl-json").text)
    assert (item["type"], item["URL"]) == ("webpage", url)
    assert item["author"] == [{"literal": "Haukeland University Hospital (Norway)"}]
    assert citations([study], "ris").warnings == []  # titled by the registry and its id
    assert item["title"] == "ClinicalTrials.gov record NCT03477500"


def test_imported_registry_record_cites_the_registrys_titles() -> None:
    record = json.loads((CTGOV / "no-results.json").read_text(encoding="utf-8"))
    study = Study.model_validate(descriptor_from_record(record)[0])
    ident = record["protocolSection"]["identificationModule"]
    (ris,) = parse_ris(citations([study], "ris").text)
    assert ris["type_of_reference"] == "ELEC"
    assert ris["title"] == ident["officialTitle"]
    assert ris["authors"] == ["Example Cell Therapy Institute"]
    assert ris["urls"] == ["https://clinicaltrials.gov/study/NCT90000002"]
    assert ris["year"] == "2024"  # first posted
    brief = study.model_copy(
        update={"publication": study.publication.model_copy(update={"title": None})}
    )
    (item,) = parse_csl(citations([brief], "csl-json").text)
    assert item["title"] == ident["briefTitle"]
    registration = brief.registration
    assert registration is not None and registration.brief_title == ident["briefTitle"]
    without = registration.model_copy(update={"brief_title": None})
    curated = brief.model_copy(update={"registration": without})  # our own title: never cited
    (item,) = parse_csl(citations([curated], "csl-json").text)
    assert item["title"] == "ClinicalTrials.gov record NCT90000002"


def test_expert_opinion_cites_its_page_without_our_label(catalog: Catalog) -> None:
    study = catalog.entry("spms-hsct-qa").study
    result = citations([study], "bibtex")
    (entry,) = parse_bibtex(result.text)
    assert entry.entry_type == "misc" and "title" not in entry.fields_dict
    url = "https://shift.ms/msreporters-video/will-hsct-work-spmsers"
    assert entry.fields_dict["url"].value == url
    assert [w.message for w in result.warnings] == ["web-page citation has no title"]


# --- keys ---------------------------------------------------------------------------------


def test_clashing_keys_take_the_study_id_whatever_the_order(catalog: Catalog) -> None:
    mist = catalog.entry("ms-mist").study
    twin = mist.model_copy(update={"id": "ms-mist-2"})
    hsct = catalog.entry("ms-hsct").study
    forward = [e.key for e in references([mist, twin, hsct])]
    assert forward == ["burt2019-ms-mist", "burt2019-ms-mist-2", "boffa2021"]
    backward = [e.key for e in references([hsct, twin, mist])]
    assert backward == forward[::-1]
    keys = {e.key for e in parse_bibtex(citations([mist, twin, hsct], "bibtex").text)}
    assert keys == set(forward)


def test_universe_keeps_a_key_stable_whatever_is_cited(catalog: Catalog) -> None:
    mist = catalog.entry("ms-mist").study
    twin = mist.model_copy(update={"id": "ms-mist-2"})
    universe = [mist, twin, catalog.entry("ms-hsct").study]
    alone = citations([mist], "csl-json", universe=universe)
    together = citations([twin, mist], "csl-json", universe=universe)
    assert parse_csl(alone.text)[0]["id"] == "burt2019-ms-mist"
    assert parse_csl(together.text)[1]["id"] == "burt2019-ms-mist"


def test_accented_author_gives_an_ascii_key(catalog: Catalog) -> None:
    (entry,) = parse_bibtex(citations([catalog.entry("pain-mge-mouse").study], "bibtex").text)
    assert entry.key == "braz"
    assert _family(entry.fields_dict["author"].value[0]) == "Bráz"


# --- BibTeX text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        ("Long-term outcomes of HSCT in RRMS", "Long-term outcomes of {HSCT} in {RRMS}"),
        ("Human iPSC-derived GABAergic cells", "Human {iPSC}-derived {GABAergic} cells"),
        ("An Italian cohort", "An {Italian} cohort"),
        ("Trial: A randomized study", "Trial: A randomized study"),
        ("UC-MSCs in type 2 diabetes", "{UC}-{MSCs} in type 2 diabetes"),
        ("HSCT works", "{HSCT} works"),
        (r"Cost \textbackslash{}n", r"Cost \textbackslash{}n"),
    ],
)
def test_titles_protect_acronyms_and_names(title: str, protected: str) -> None:
    assert protect_case(title) == protected


def test_protected_title_survives_a_real_parser(catalog: Catalog) -> None:
    (entry,) = raw_bibtex(citations([catalog.entry("pain-ipsc").study], "bibtex").text)
    title = next(f.value for f in entry.fields if f.key == "title")
    assert "{GABAergic}" in title and title.startswith("{Human induced")


def test_bibtex_specials_are_escaped(catalog: Catalog) -> None:
    study = catalog.entry("ms-hsct").study
    title = "R&D: 50% of {cells} cost $5 #1 a_b ~x^2 \\n"
    odd = study.model_copy(
        update={"publication": study.publication.model_copy(update={"title": title})}
    )
    (entry,) = raw_bibtex(citations([odd], "bibtex").text)
    expected = (
        r"{R\&{D}: 50\% of \{cells\} cost \$5 \#1 a\_b \textasciitilde{}x\textasciicircum{}2 "
        r"\textbackslash{}n}"
    )
    assert next(f.value for f in entry.fields if f.key == "title") == expected


# --- hostile text -------------------------------------------------------------------------

OSC8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"


def test_no_format_lets_terminal_controls_through(catalog: Catalog) -> None:
    study = catalog.entry("ms-mist").study
    hostile = study.model_copy(
        update={
            "publication": study.publication.model_copy(
                update={
                    "authors": [f"Burt{OSC8}", "\x9b31mEvil \u202eX", "…"],
                    "title": f"Title\x1b[2J\u2066{OSC8}",
                    "journal": "JAMA\x07",
                    "doi": "10.1001/jama\x1b]8;;x\x07",
                }
            ),
            "sources": [
                study.sources[0].model_copy(update={"url": f"https://x.example/{OSC8}"}),
                *study.sources[1:],
            ],
        }
    )
    for fmt in FORMATS:
        text = citations([hostile], fmt).text
        assert not UNSAFE.search(text), (fmt, UNSAFE.findall(text))
    (entry,) = parse_bibtex(citations([hostile], "bibtex").text)
    assert entry.fields_dict["url"].value.startswith("https://x.example/%1B]8;;")
    assert parse_ris(citations([hostile], "ris").text)[0]["doi"] == "10.1001/jama%1B]8;;x%07"


# --- formats and the CLI ------------------------------------------------------------------


def test_formats_are_defined_once() -> None:
    assert FORMATS == ("bibtex", "ris", "csl-json") == tuple(CitationFormat)
    assert CitationFormat("csl-json") is CitationFormat.CSL_JSON


def test_unknown_format_is_a_usage_error(catalog: Catalog) -> None:
    with pytest.raises(UsageError, match="unknown citation format 'endnote'; choose one of"):
        citations([catalog.entry("ms-mist").study], "endnote")


@pytest.mark.parametrize(
    ("fmt", "start"), [("bibtex", "@article{burt2019,"), ("ris", "TY  - JOUR"), ("csl-json", "[")]
)
def test_cite_command_prints_each_format(fmt: str, start: str) -> None:
    result = invoke("cite", "ms-mist", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(start)
    assert "10.1001/jama.2018.18743" in result.stdout


def test_cite_command_unknown_id_is_an_error() -> None:
    result = invoke("cite", "ms-mistt")
    assert result.exit_code == 1
    assert "did you mean ms-mist" in result.stderr


def test_every_entry_type_maps_to_known_types() -> None:
    for entry_type in ENTRY_TYPES.values():
        assert entry_type.bibtex in {"article", "misc"}  # standard BibTeX types only
        assert entry_type.ris in rispy.TYPE_OF_REFERENCE_MAPPING
        assert entry_type.csl in _CSL_TYPES
        assert set(entry_type.required) <= {"author", "title", "journal", "year", "url"}


def test_a_study_known_only_from_the_news_is_a_document(catalog: Catalog) -> None:
    study = catalog.entry("ms-hsct").study
    news = next(s for s in study.sources if s.kind == "news")
    bare = study.model_copy(
        update={
            "publication": study.publication.model_copy(update={"title": None, "journal": None}),
            "sources": [news.model_copy(update={"url": "https://news.example/hsct"})],
        }
    )
    (ref,) = references([bare])
    assert ref.type is ENTRY_TYPES["document"]
    assert parse_bibtex(citations([bare], "bibtex").text)[0].entry_type == "misc"
    assert parse_ris(citations([bare], "ris").text)[0]["type_of_reference"] == "GEN"
    (item,) = parse_csl(citations([bare], "csl-json").text)
    assert item["type"] == "document" and "title" not in item
    assert item["URL"] == "https://news.example/hsct"
    assert [w.message for w in citations([bare], "ris").warnings] == [
        "document citation has no title"
    ]
