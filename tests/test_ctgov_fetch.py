"""Fetching from the registry: ids, paged searches, retries, failures; against a local server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import files_in, invoke
from ctgov_records import POSTED, record
from ctgov_server import Answer, Api

from stemcell_cli import __version__
from stemcell_cli.ctgov import api as ctgov_api
from stemcell_cli.ctgov.api import ApiError, Client, api_base


def test_ids_are_fetched_retried_and_reported_one_line_each(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    api.study(record("NCT90000020", results=POSTED))
    api.study(record("NCT90000021"), Answer(429, {"message": "slow down"}, {"Retry-After": "3"}))
    api.study(record("NCT90000022"), Answer(500, b"oops"))
    api.routes["/api/v2/studies/NCT90000024"] = [Answer(200, b"<html>maintenance</html>")]
    out = tmp_path / "out"
    ids = ["NCT90000020", "nct90000021", "NCT90000022", "NCT90000023", "NCT90000024"]
    result = invoke("import", "ctgov", *ids, "--out", str(out), "--api-url", api.url)
    assert result.exit_code == 1
    assert files_in(out) == ["nct90000020.yaml", "nct90000021.yaml", "nct90000022.yaml"]
    assert waits == [3.0, 1.0]  # Retry-After honoured; backoff starts at 1 s
    lines = result.stderr.splitlines()
    assert any(
        line.startswith("ClinicalTrials.gov: NCT90000023: failed: ") and "not found" in line
        for line in lines
    )
    assert any("NCT90000024: failed: " in line and "not JSON" in line for line in lines)
    assert lines[-1] == "3 written, 0 skipped, 2 failed"
    agents = {headers.get("User-Agent") for _, _, headers in api.requests}
    assert agents == {ctgov_api.USER_AGENT} and f"stemcell/{__version__}" in ctgov_api.USER_AGENT


def test_a_rerun_skips_what_is_there_without_fetching_it(api: Api, tmp_path: Path) -> None:
    api.study(record("NCT90000020"))
    out = tmp_path / "out"
    args = ("import", "ctgov", "NCT90000020", "--out", str(out), "--api-url", api.url)
    assert invoke(*args).exit_code == 0
    again = invoke(*args)
    assert again.exit_code == 0 and "skipped: exists" in again.stderr
    assert api.asked("/api/v2/studies/NCT90000020") == 1


def _page(*ncts: str, token: str | None = None, total: int | None = None) -> dict:
    # field-filtered search results: no designModule
    page: dict = {"studies": [record(nct, study_type=None) for nct in ncts]}
    if token:
        page["nextPageToken"] = token
    if total is not None:
        page["totalCount"] = total
    return page


def test_a_search_pages_until_there_is_no_next_token(
    api: Api, waits: list[float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.routes["/api/v2/studies"] = [_page("NCT90000030", "NCT90000031", token="p2", total=5)]
    api.routes["/api/v2/studies?pageToken=p2"] = [
        Answer(429, {}, {"Retry-After": "2"}),
        _page("NCT90000032", "NCT90000033", token="p3"),
    ]
    api.routes["/api/v2/studies?pageToken=p3"] = [_page("NCT90000034")]
    out = tmp_path / "out"
    monkeypatch.setenv("STEMCELL_CTGOV_API", api.url)  # no --api-url: the environment's
    result = invoke(
        "import", "ctgov", "--query", "mesenchymal", "--condition", "ms", "--intervention",
        "msc", "--status", "recruiting,completed", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert len(files_in(out)) == 5 and waits == [2.0]
    first = api.requests[0][1]
    assert first == {
        "query.term": "mesenchymal",
        "query.cond": "ms",
        "query.intr": "msc",
        "filter.overallStatus": "RECRUITING,COMPLETED",
        "pageSize": "100",
        "countTotal": "true",
    }
    assert [q.get("pageToken") for _, q, _ in api.requests] == [None, "p2", "p2", "p3"]
    shown = json.loads(invoke("list", "--json", "--studies-dir", str(out)).stdout)
    assert {s["evidence"]["level"] for s in shown} == {None}  # no design module: unknown


def test_max_stops_the_search(api: Api, tmp_path: Path) -> None:
    api.routes["/api/v2/studies"] = [_page("NCT90000030", "NCT90000031", token="p2")]
    api.routes["/api/v2/studies?pageToken=p2"] = [_page("NCT90000032", "NCT90000033", token="p3")]
    out = tmp_path / "out"
    args = ("--query", "x", "--max", "3", "--out", str(out), "--api-url", api.url)
    assert invoke("import", "ctgov", *args).exit_code == 0
    assert len(files_in(out)) == 3
    assert api.requests[0][1]["pageSize"] == "3"
    assert api.asked("/api/v2/studies") == 2  # two pages, never the third


def test_a_page_token_handed_out_twice_ends_the_search_with_an_error(
    api: Api, tmp_path: Path
) -> None:
    api.routes["/api/v2/studies"] = [_page("NCT90000030", token="p2")]
    api.routes["/api/v2/studies?pageToken=p2"] = [_page("NCT90000031", token="p2")]
    args = ("--query", "x", "--out", str(tmp_path), "--api-url", api.url)
    result = invoke("import", "ctgov", *args)
    assert result.exit_code == 1
    assert "handed out page token 'p2' again after page 2" in result.stderr
    assert len(api.requests) == 2 and len(files_in(tmp_path)) == 2


def test_an_interrupted_search_keeps_what_it_wrote_and_a_rerun_continues(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    api.routes["/api/v2/studies"] = [_page("NCT90000030", "NCT90000031", token="p2")]
    api.routes["/api/v2/studies?pageToken=p2"] = [Answer(503, b"down")]
    out = tmp_path / "out"
    args = ("import", "ctgov", "--query", "x", "--out", str(out), "--api-url", api.url)
    failed = invoke(*args)
    assert failed.exit_code == 1
    assert "HTTP 503 after 5 tries" in failed.stderr
    assert files_in(out) == ["nct90000030.yaml", "nct90000031.yaml"]
    assert waits == [1.0, 2.0, 4.0, 8.0]
    api.routes["/api/v2/studies?pageToken=p2"] = [_page("NCT90000032")]
    again = invoke(*args)
    assert again.exit_code == 0
    assert again.stderr.count("skipped: exists") == 2
    assert len(files_in(out)) == 3


def test_offline_every_study_fails_in_one_line_and_nothing_is_written(
    waits: list[float], tmp_path: Path
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    out = tmp_path / "out"
    url = f"http://127.0.0.1:{port}/api/v2"
    result = invoke(
        "import", "ctgov", "NCT90000020", "NCT90000021", "--out", str(out), "--api-url", url
    )
    assert result.exit_code == 1
    failures = [line for line in result.stderr.splitlines() if "failed: cannot reach" in line]
    assert len(failures) == 2
    assert len(waits) == 8  # each retried (the server is left alone after 3 in a row)
    assert files_in(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nothing-here", "--out", "o"], "neither an existing file nor an NCT id"),
        (["NCT90000020"], "missing --out"),
        (["NCT90000020", "--max", "2", "--out", "o"], "--max limits a search"),
        (["--query", "x", "--status", "DONE", "--out", "o"], "unknown --status DONE"),
        (["--out", "o"], "give FILEs, NCT ids, or a search"),
        (["NCT90000020", "--update", "o"], "--update DIR takes no FILE"),
        (["NCT90000020", "--api-url", "ftp://x", "--out", "o"], "not an http(s) URL"),
    ],
)
def test_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = invoke("import", "ctgov", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_client_waits_as_told_backs_off_and_decodes(api: Api) -> None:
    api.routes["/api/v2/a"] = [
        Answer(503, b"", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),  # a date long past
        Answer(500, b""),
        Answer(502, b""),
        {"ok": True},
    ]
    waited: list[float] = []
    client = Client(api.url + "/", sleep=waited.append)
    assert client.get("a") == {"ok": True}
    assert waited == [0.0, 2.0, 4.0]
    with pytest.raises(ApiError, match="HTTP 400"):
        api.routes["/api/v2/b"] = [Answer(400, b"bad")]
        client.get("b")
    assert api.asked("/api/v2/b") == 1  # a client error is not retried


def test_api_base_prefers_the_option_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEMCELL_CTGOV_API", raising=False)
    assert api_base() == "https://clinicaltrials.gov/api/v2"
    monkeypatch.setenv("STEMCELL_CTGOV_API", "http://mirror.example/api/v2/")
    assert api_base() == "http://mirror.example/api/v2"
    assert api_base("http://other.example") == "http://other.example"


def test_a_recorded_registry_answer_imports_as_from_a_file(api: Api, tmp_path: Path) -> None:
    recorded = Path(__file__).parent / "fixtures" / "ctgov" / "ctgov-v2-NCT00763412.json"
    api.study(json.loads(recorded.read_text(encoding="utf-8")))
    args = ("NCT00763412", "--api-url", api.url)
    assert invoke("import", "ctgov", *args, "--out", str(tmp_path / "live")).exit_code == 0
    assert invoke("import", "ctgov", str(recorded), "--out", str(tmp_path / "file")).exit_code == 0
    live = (tmp_path / "live" / "nct00763412.yaml").read_text(encoding="utf-8")
    assert live == (tmp_path / "file" / "nct00763412.yaml").read_text(encoding="utf-8")
    assert "n: 8" in live and "control: placebo" in live


@pytest.mark.slow  # a real process
def test_a_real_process_reads_the_api_from_the_environment(api: Api, tmp_path: Path) -> None:
    api.study(record("NCT90000020"), Answer(429, {}, {"Retry-After": "0"}))
    env = {**os.environ, "STEMCELL_CTGOV_API": api.url}
    command = [sys.executable, "-m", "stemcell_cli", "import", "ctgov", "NCT90000020"]
    result = subprocess.run(
        [*command, "--out", str(tmp_path)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr.endswith("1 written, 0 skipped, 0 failed\n")
    assert files_in(tmp_path) == ["nct90000020.yaml"]
