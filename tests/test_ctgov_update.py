"""``--update``: re-fetch a folder of imports, report changes, refresh only unedited files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import invoke
from ctgov_records import POSTED, record
from ctgov_server import Answer, Api, serve

from stemcell_cli.ctgov import api as ctgov_api
from stemcell_cli.ctgov.write import unedited

A, B, C, D = "NCT90000040", "NCT90000041", "NCT90000042", "NCT90000043"
MEASURE = {
    "type": "PRIMARY",
    "title": "Lung function",
    "unitOfMeasure": "litres",
    "groups": [{"id": "OG000", "title": "Cells"}],
    "classes": [
        {
            "title": "FEV1",
            "categories": [{"measurements": [{"groupId": "OG000", "value": "2.1"}]}],
        }
    ],
}
RESULTS = {**POSTED, "outcomeMeasuresModule": {"outcomeMeasures": [MEASURE]}}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with serve() as served:
        served.study(record(A, status="RECRUITING", enrollment=(100, "ESTIMATED")))
        served.study(record(B))
        served.study(record(C, status="RECRUITING"))
        served.study(record(D, status="RECRUITING"))
        ids = (A, B, C, D)
        assert (
            invoke("import", "ctgov", *ids, "-o", str(tmp_path), "--api-url", served.url).exit_code
            == 0
        )
        yield served


def _update(api: Api, folder: Path, *more: str) -> object:
    return invoke("import", "ctgov", "--update", str(folder), "--api-url", api.url, *more)


def test_changes_are_reported_unedited_files_refreshed_edited_ones_kept(
    api: Api, tmp_path: Path
) -> None:
    api.study(record(A, status="COMPLETED", enrollment=(96, "ACTUAL"), results=RESULTS))
    api.study(record(C, status="TERMINATED", why_stopped="Slow accrual"))
    api.study(record(D, status="WITHDRAWN", why_stopped="No funding", enrollment=(0, "ACTUAL")))
    edited = tmp_path / "nct90000042.yaml"
    edited.write_text(edited.read_text() + "# my note\n", encoding="utf-8")
    before_edit = edited.read_text()
    (tmp_path / "notes.yaml").write_text("id: mine\n", encoding="utf-8")  # not an import: left out

    result = _update(api, tmp_path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # B is unchanged: counted, not listed
    a_line = next(line for line in lines if A in line)
    assert "status: RECRUITING -> COMPLETED" in a_line
    assert "enrollment: 100 ESTIMATED -> 96 ACTUAL" in a_line
    assert "results newly posted" in a_line and a_line.endswith("[refreshed]")
    assert "primary outcomes" not in a_line  # posted results are not a change of outcomes
    c_line = next(line for line in lines if C in line)
    assert "status: RECRUITING -> TERMINATED" in c_line
    assert "why stopped: none -> Slow accrual" in c_line
    assert "not overwritten" in c_line
    assert "why stopped: none -> No funding" in next(line for line in lines if D in line)
    assert result.stderr.strip().endswith(
        "4 imported studies: 3 changed, 1 unchanged, 1 edited by hand and kept, 0 failed"
    )
    assert edited.read_text() == before_edit
    refreshed = (tmp_path / "nct90000040.yaml").read_text()
    assert "results: published" in refreshed and unedited(refreshed)
    shown = json.loads(
        invoke("show", "nct90000040", "--json", "--studies-dir", str(tmp_path)).stdout
    )
    assert shown["evidence"]["starting_point"] == "high"

    forced = _update(api, tmp_path, "--force")
    assert "replaced (--force)" in forced.stdout
    assert "my note" not in edited.read_text() and unedited(edited.read_text())


def test_json_report_and_nothing_to_do_the_second_time(api: Api, tmp_path: Path) -> None:
    api.study(record(B, status="COMPLETED", primary=["Lung function", "Exacerbations"]))
    data = json.loads(_update(api, tmp_path, "--json").stdout)
    assert data["changed"] == 1 and data["unchanged"] == 3 and data["failed"] == 0
    (study,) = data["studies"]
    assert study["nct_id"] == B and study["action"] == "refreshed"
    assert {"field": "primary outcomes", "before": ["Lung function"],
            "after": ["Exacerbations", "Lung function"]} in study["changes"]  # fmt: skip
    again = json.loads(_update(api, tmp_path, "--json").stdout)
    assert again == {"studies": [], "changed": 0, "unchanged": 4, "failed": 0}


def test_a_study_gone_from_the_registry_fails_alone(api: Api, tmp_path: Path) -> None:
    del api.routes[f"/api/v2/studies/{B}"]
    api.study(record(A, status="COMPLETED"))
    result = _update(api, tmp_path)
    assert result.exit_code == 1
    assert "nct90000041.yaml (NCT90000041): failed:" in result.stderr  # errors on stderr
    assert "not found" in result.stderr
    assert "status: RECRUITING -> COMPLETED" in result.stdout


def test_a_file_without_the_import_hash_counts_as_edited(api: Api, tmp_path: Path) -> None:
    old = tmp_path / "nct90000043.yaml"
    old.write_text("".join(x for x in old.read_text().splitlines(True) if "sha256" not in x))
    api.study(record(D, status="COMPLETED"))
    before = old.read_text()
    assert "not overwritten" in _update(api, tmp_path).stdout
    assert old.read_text() == before


def test_a_file_rewritten_without_its_header_is_still_an_import_and_kept(
    api: Api, tmp_path: Path
) -> None:
    old = tmp_path / "nct90000043.yaml"
    old.write_text("".join(x for x in old.read_text().splitlines(True) if not x.startswith("#")))
    api.study(record(D, status="COMPLETED"))
    before = old.read_text()
    assert "status: RECRUITING -> COMPLETED [edited by hand" in _update(api, tmp_path).stdout
    assert old.read_text() == before


def test_a_record_for_another_study_fails_and_the_file_is_kept(api: Api, tmp_path: Path) -> None:
    api.routes[f"/api/v2/studies/{B}"] = [record("NCT99999999", status="TERMINATED")]
    file = tmp_path / "nct90000041.yaml"
    before = file.read_text()
    result = _update(api, tmp_path)
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "nct90000041.yaml" in x)
    assert "failed" in line and "NCT99999999" in line
    assert file.read_text() == before
    assert invoke("validate", str(tmp_path)).exit_code == 0


@pytest.mark.parametrize(
    "bad", ["../../../admin/delete?all=1#", "NCT9000004\\r\\n1", "NCT9000004١"]
)
def test_a_hand_edited_nct_id_never_reaches_a_url_and_fails_alone(
    api: Api, tmp_path: Path, bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    waited: list[float] = []
    monkeypatch.setattr(ctgov_api, "pause", waited.append)
    for name in ("nct90000040.yaml", "nct90000041.yaml"):
        file = tmp_path / name
        nct = name[:11].upper()
        file.write_text(file.read_text().replace(f"nct_id: {nct}", f'nct_id: "{bad}"'))
    api.requests.clear()
    api.study(record(C, status="COMPLETED"))
    result = _update(api, tmp_path)
    assert result.exit_code == 1
    failed = [x for x in result.stderr.splitlines() if "failed:" in x]
    assert len(failed) == 2 and all("not an NCT id (NCT + 8 ASCII digits)" in x for x in failed)
    assert all("\n" not in x and "\r" not in x for x in failed)
    assert sorted(path for path, _, _ in api.requests) == [
        f"/api/v2/studies/{C}",
        f"/api/v2/studies/{D}",
    ]
    assert waited == [] and "status: RECRUITING -> COMPLETED" in result.stdout


def test_an_alias_bomb_in_an_imported_file_fails_that_file_alone(api: Api, tmp_path: Path) -> None:
    file = tmp_path / "nct90000041.yaml"
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 8)}]" for i in range(1, 6)]
    text = file.read_text().replace("status: COMPLETED", "status: *a5")
    file.write_text(text.replace("\nid: ", "\n" + "\n".join(lines) + "\nid: ", 1))
    api.study(record(A, status="COMPLETED"))
    result = _update(api, tmp_path)
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "nct90000041.yaml" in x)
    assert "anchors (&name) and aliases (*name) are not allowed" in line
    first = file.read_text().splitlines().index(lines[0]) + 1
    assert f"{file}:{first}:" in line and "lol" not in line
    assert "status: RECRUITING -> COMPLETED" in result.stdout


def test_a_hand_edit_that_breaks_the_yaml_is_reported_with_file_and_line(
    api: Api, tmp_path: Path
) -> None:
    file = tmp_path / "nct90000041.yaml"
    text = file.read_text()
    file.write_text(text.replace("status: COMPLETED", "status: [COMPLETED"))
    result = _update(api, tmp_path)
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "nct90000041.yaml" in x)
    assert "YAML syntax error" in line and f"{file}:" in line
    assert "no registration.nct_id" not in line


def test_a_hand_edit_is_not_a_registry_change_and_is_reported_apart(
    api: Api, tmp_path: Path
) -> None:
    file = tmp_path / "nct90000042.yaml"  # C: RECRUITING when imported, still in the registry
    file.write_text(file.read_text().replace("status: RECRUITING", "status: ACTIVE_NOT_RECRUITING"))
    result = _update(api, tmp_path)
    assert result.exit_code == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if C in x)
    assert "RECRUITING -> ACTIVE_NOT_RECRUITING" in line and "edited by hand" in line
    assert "no registry change" in line
    assert "ACTIVE_NOT_RECRUITING -> RECRUITING" not in result.stdout
    assert "0 changed" in result.stderr and "1 edited by hand" in result.stderr
    data = json.loads(_update(api, tmp_path, "--json").stdout)
    (study,) = data["studies"]
    assert study["changes"] == [] and study["hand_edits"] == [
        {"field": "status", "before": "RECRUITING", "after": "ACTIVE_NOT_RECRUITING"}
    ]

    api.study(record(C, status="COMPLETED"))  # now the registry moves too
    moved = next(x for x in _update(api, tmp_path).stdout.splitlines() if C in x)
    assert "status: RECRUITING -> COMPLETED" in moved  # imported -> registry, not file -> registry
    assert "ACTIVE_NOT_RECRUITING -> COMPLETED" not in moved
    assert file.read_text().count("ACTIVE_NOT_RECRUITING") == 1  # still kept
    assert not list(tmp_path.glob("*.imported*")) and not list(tmp_path.glob(".*"))


@pytest.mark.slow  # a real process
def test_ctrl_c_during_update_reports_what_was_done_then_exits_130(
    api: Api, tmp_path: Path
) -> None:
    api.study(record(A, status="COMPLETED"))
    api.routes[f"/api/v2/studies/{B}"] = [Answer(hang=True)]
    path = f"/api/v2/studies/{B}"  # asked once at import, then the hang
    code, stdout, stderr = api.import_then_ctrl_c(["--update", str(tmp_path)], path, times=2)
    assert code == 130, stderr
    assert "status: RECRUITING -> COMPLETED" in stdout and stdout.rstrip().endswith("[refreshed]")
    assert "1 imported studies: 1 changed" in stderr
    assert stderr.rstrip().endswith("stemcell: interrupted")
