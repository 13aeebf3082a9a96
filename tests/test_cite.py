"""Citations: BibTeX, RIS and CSL-JSON that reference managers can import."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import invoke

from stemcell_cli.catalog import Catalog, bundled_dir, load_catalog
from stemcell_cli.cite import FORMATS, cite, parse_author, references
from stemcell_cli.ctgov import descriptor_from_record
from stemcell_cli.errors import UsageError
from stemcell_cli.models import Study

FIXTURES = Path(__file__).parent / "fixtures" / "ctgov"
RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([bundled_dir()])


def _balanced(text: str) -> bool:
    """Whether unescaped braces pair up (``\\{`` and ``\\}`` do not count)."""
    depth = 0
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "{}":
            depth += 1 if char == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def _bibtex_entries(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """``{key: (type, {field: raw value})}`` from our one-field-per-line BibTeX."""
    found = {}
    for block in text.strip().split("\n\n"):
        head = re.match(r"@(\w+)\{([^,]+),\n", block)
        assert head, block
        assert block.endswith("\n}"), block
        fields = dict(re.findall(r"^  (\w+) = (.*),$", block, re.MULTILINE))
        found[head.group(2)] = (head.group(1), fields)
    return found


def _ris_records(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip("\n").split("\n\n")]


def test_mist_bibtex(catalog: Catalog) -> None:
    text = cite([catalog.entry("ms-mist").study], "bibtex")
    assert _balanced(text)
    (key, (kind, fields)), *_ = _bibtex_entries(text).items()
    assert key == "burt2019" and key.isascii()
    assert kind == "article"
    assert fields["doi"] == "{10.1001/jama.2018.18743}"
    assert fields["journal"] == "{JAMA}"
    assert fields["year"] == "{2019}"
    assert fields["month"] == "jan"
    assert fields["pages"] == "{165--174}"
    assert (fields["volume"], fields["number"]) == ("{321}", "{2}")
    assert fields["author"] == "{Burt and others}"  # "..." in the descriptor
    assert fields["pmid"] == "{30644983}" and fields["pmcid"] == "{PMC6439765}"
    assert fields["url"] == "{https://pmc.ncbi.nlm.nih.gov/articles/PMC6439765}"
    assert "title" not in fields  # the descriptor does not give the paper's title


def test_mist_ris(catalog: Catalog) -> None:
    text = cite([catalog.entry("ms-mist").study], "ris")
    assert text.startswith("TY  - JOUR\n")
    assert text.rstrip("\n").endswith("ER  - ")
    (record,) = _ris_records(text)
    assert all(RIS_LINE.match(line) for line in record)
    tags = [line[:2] for line in record]
    assert tags == [
        "TY",
        "AU",
        "T2",
        "PY",
        "DA",
        "VL",
        "IS",
        "SP",
        "EP",
        "DO",
        "UR",
        "N1",
        "N1",
        "ER",
    ]
    assert "DO  - 10.1001/jama.2018.18743" in record
    assert "AU  - Burt" in record and not [line for line in record if "..." in line]
    assert (record[7], record[8]) == ("SP  - 165", "EP  - 174")
    assert "N1  - PMID: 30644983" in record


def test_mist_csl_json(catalog: Catalog) -> None:
    items = json.loads(cite([catalog.entry("ms-mist").study], "csl-json"))
    assert isinstance(items, list) and len(items) == 1
    (item,) = items
    assert item["DOI"] == "10.1001/jama.2018.18743"
    assert item["type"] == "article-journal"
    assert item["id"] == "burt2019"
    assert item["container-title"] == "JAMA"
    assert item["author"] == [{"family": "Burt"}]
    assert item["issued"] == {"date-parts": [[2019, 1, 15]]}
    assert (item["volume"], item["issue"], item["page"]) == ("321", "2", "165-174")
    assert (item["PMID"], item["PMCID"]) == ("30644983", "PMC6439765")
    assert "title" not in item


@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_catalog_gives_unique_ascii_keys(catalog: Catalog, fmt: str) -> None:
    studies = [e.study for e in catalog.sorted_entries()]
    text = cite(studies, fmt)  # type: ignore[arg-type]
    keys = [e.key for e in references(studies)]
    assert len(set(keys)) == len(keys) == len(studies)
    assert all(re.fullmatch(r"[a-z0-9-]+", key) for key in keys)
    if fmt == "bibtex":
        assert _balanced(text)
        assert list(_bibtex_entries(text)) == keys
    elif fmt == "ris":
        records = _ris_records(text)
        assert len(records) == len(studies)
        assert all(r[0].startswith("TY  - ") and r[-1] == "ER  - " for r in records)
        assert all(RIS_LINE.match(line) for r in records for line in r)
    else:
        assert [item["id"] for item in json.loads(text)] == keys


def test_clashing_keys_get_letter_suffixes(catalog: Catalog) -> None:
    mist = catalog.entry("ms-mist").study
    twins = [mist, mist.model_copy(update={"id": "ms-mist-2"}), catalog.entry("ms-hsct").study]
    assert [e.key for e in references(twins)] == ["burt2019a", "burt2019b", "boffa2021"]
    assert set(_bibtex_entries(cite(twins, "bibtex"))) == {"burt2019a", "burt2019b", "boffa2021"}


def test_registry_only_study_cites_its_registry_record(catalog: Catalog) -> None:
    study = catalog.entry("ms-ram-ms").study
    url = "https://clinicaltrials.gov/study/NCT03477500"
    (key, (kind, fields)), *_ = _bibtex_entries(cite([study], "bibtex")).items()
    assert (key, kind) == ("ms-ram-ms", "misc")
    assert fields["howpublished"] == "{ClinicalTrials.gov}"
    assert fields["url"] == "{" + url + "}"
    assert fields["note"] == "{ClinicalTrials.gov identifier: NCT03477500}"
    assert fields["author"] == "{{Haukeland University Hospital (Norway)}}"
    ris = cite([study], "ris")
    assert ris.startswith("TY  - ELEC\n") and f"UR  - {url}" in ris
    (item,) = json.loads(cite([study], "csl-json"))
    assert (item["type"], item["URL"]) == ("webpage", url)
    assert item["author"] == [{"literal": "Haukeland University Hospital (Norway)"}]


def test_accented_author_gives_an_ascii_key(catalog: Catalog) -> None:
    study = catalog.entry("pain-mge-mouse").study
    (entry,) = references([study])
    assert entry.key == "braz" and entry.key.isascii()
    bibtex = cite([study], "bibtex")
    assert bibtex.startswith("@misc{braz,")  # no journal in the descriptor
    assert "Bráz" in bibtex and "PMC3361692" in bibtex


def test_expert_opinion_cites_its_page(catalog: Catalog) -> None:
    study = catalog.entry("spms-hsct-qa").study
    (_, (kind, fields)), *_ = _bibtex_entries(cite([study], "bibtex")).items()
    assert kind == "misc"
    assert fields["url"] == "{https://shift.ms/msreporters-video/will-hsct-work-spmsers}"
    assert fields["title"].startswith("{Shift.ms MS Reporters video Q\\&A")
    assert cite([study], "ris").startswith("TY  - ELEC\n")
    assert json.loads(cite([study], "csl-json"))[0]["type"] == "webpage"


def test_bibtex_specials_are_escaped(catalog: Catalog) -> None:
    study = catalog.entry("ms-hsct").study
    title = "R&D: 50% of {cells} cost $5 #1 a_b ~x^2 \\n"
    odd = study.model_copy(
        update={"publication": study.publication.model_copy(update={"title": title})}
    )
    text = cite([odd], "bibtex")
    assert _balanced(text)
    expected = (
        r"R\&D: 50\% of \{cells\} cost \$5 \#1 a\_b \textasciitilde{}x\textasciicircum{}2 "
        r"\textbackslash{}n"
    )
    assert "  title = {" + expected + "}," in text


def test_imported_registry_record_is_cited_as_such() -> None:
    record = json.loads((FIXTURES / "no-results.json").read_text(encoding="utf-8"))
    study = Study.model_validate(descriptor_from_record(record)[0])
    ris = _ris_records(cite([study], "ris"))[0]
    assert ris[0] == "TY  - ELEC"
    assert "AU  - Example Cell Therapy Institute" in ris
    assert "UR  - https://clinicaltrials.gov/study/NCT90000002" in ris
    assert "PY  - 2024" in ris  # first posted
    assert ris[-1] == "ER  - "


@pytest.mark.parametrize(
    ("name", "family", "given", "literal"),
    [
        ("Boffa G", "Boffa", "G.", None),
        ("Littleboy JB", "Littleboy", "J. B.", None),
        ("Burt", "Burt", None, None),
        ("Smith, Jane", "Smith", "Jane", None),
        ("Jane Q. Public", None, None, "Jane Q. Public"),
    ],
)
def test_author_names(
    name: str, family: str | None, given: str | None, literal: str | None
) -> None:
    author = parse_author(name)
    assert author is not None
    assert (author.family, author.given, author.literal) == (family, given, literal)
    assert parse_author("...") is None


def test_unknown_format_is_a_usage_error(catalog: Catalog) -> None:
    with pytest.raises(UsageError, match="unknown citation format"):
        cite([catalog.entry("ms-mist").study], "endnote")  # type: ignore[arg-type]


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
