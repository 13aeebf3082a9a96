"""A registry that lies or stalls, and ids nobody checked: each fails its own study, on time.

Everything runs against a real local HTTP server (``ctgov_server``) playing the hostile
registry; deadlines and caps are made small through the command's options (or, for the
paging caps, the module's constants) so that no test waits long.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import files_in, invoke
from ctgov_records import record
from ctgov_server import Answer, Api
from hypothesis import given
from hypothesis import strategies as st

from stemcell_cli.ctgov import api as ctgov_api
from stemcell_cli.ctgov import fetch
from stemcell_cli.ctgov.api import api_base
from stemcell_cli.errors import UsageError
from stemcell_cli.model.registry import checked_nct, is_nct_id


def _import(api: Api, out: Path, *args: str) -> object:
    return invoke("import", "ctgov", *args, "--out", str(out), "--api-url", api.url)


# --- ids: checked before they become a URL or a file name -----------------------------------


def test_a_record_for_another_study_fails_that_study_and_writes_nothing(
    api: Api, tmp_path: Path
) -> None:
    api.routes["/api/v2/studies/NCT90000001"] = [record("NCT99999999")]
    api.study(record("NCT90000003"))
    result = _import(api, tmp_path, "NCT90000001", "NCT90000003")
    assert result.exit_code == 1
    assert files_in(tmp_path) == ["nct90000003.yaml"]
    failed = next(line for line in result.stderr.splitlines() if "NCT90000001" in line)
    assert "failed" in failed and "NCT99999999" in failed


@pytest.mark.parametrize("bad", ["NCT0000000١", "NCT9000000²", "nct9000000𝟙", "NCT900000011"])
def test_an_id_that_is_not_nct_and_eight_ascii_digits_fails_alone(
    api: Api, waits: list[float], tmp_path: Path, bad: str
) -> None:
    api.study(record("NCT90000003"))
    result = _import(api, tmp_path, bad, "NCT90000003")
    assert result.exit_code == 1, result.stderr
    assert "internal error" not in result.stderr
    assert files_in(tmp_path) == ["nct90000003.yaml"]
    assert "not an NCT id (NCT + 8 ASCII digits)" in result.stderr
    assert [path for path, _, _ in api.requests] == ["/api/v2/studies/NCT90000003"]
    assert result.stderr.splitlines()[-1] == "1 written, 0 skipped, 1 failed"


@given(st.text(max_size=14) | st.from_regex(r"[Nn][Cc][Tt]\d{8}", fullmatch=True))
def test_only_nct_and_eight_ascii_digits_pass(text: str) -> None:
    well_formed = re.fullmatch(r"[Nn][Cc][Tt][0-9]{8}", text) is not None and text.isascii()
    assert is_nct_id(text) == (well_formed and text.startswith("NCT"))
    if well_formed:
        assert checked_nct(text) == text.upper()
    else:
        with pytest.raises(ValueError, match="not an NCT id"):
            checked_nct(text)


# --- odd answers and options -----------------------------------------------------------------


@pytest.mark.parametrize("header", ["²", "-1", "1e3", "soon", "１０", "Mon, 99 Foo 2015 07:28:00"])
def test_an_odd_retry_after_falls_back_to_the_normal_back_off(
    api: Api, waits: list[float], tmp_path: Path, header: str
) -> None:
    api.study(record("NCT90000003"), Answer(503, b"busy", {"Retry-After": header}))
    result = _import(api, tmp_path, "NCT90000003")
    assert result.exit_code == 0, result.stderr
    assert waits == [1.0] and files_in(tmp_path) == ["nct90000003.yaml"]


def test_a_retry_after_past_the_deadline_is_not_waited_for(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    long = Answer(503, b"busy", {"Retry-After": "99999999999999999999999"})
    api.study(record("NCT90000003"), long)
    result = _import(api, tmp_path, "NCT90000003")
    assert result.exit_code == 1 and waits == []
    assert "HTTP 503 after 1 try" in result.stderr and "past the 60 s deadline" in result.stderr


@pytest.mark.parametrize(
    "url", ["http://[::1/x", "http://127.0.0.1:99999/api", "http://exa mple.org", "ftp://x/api"]
)
def test_a_malformed_api_url_is_a_usage_error(url: str, tmp_path: Path) -> None:
    result = invoke("import", "ctgov", "NCT90000003", "--out", str(tmp_path), "--api-url", url)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("stemcell: error: ") and "--api-url" in result.stderr
    assert "internal error" not in result.stderr


@given(st.text(max_size=40))
def test_any_retry_after_is_a_wait_or_nothing(header: str) -> None:
    wait = ctgov_api._retry_after(header)
    assert wait is None or (wait >= 0 and wait == wait)


@given(st.text(max_size=40) | st.builds("http://{}".format, st.text(max_size=30)))
def test_any_api_url_is_taken_or_a_usage_error(url: str) -> None:
    try:
        base = api_base(url or "x")
    except UsageError:
        return
    assert base.startswith(("http://", "https://")) and base.isascii() and " " not in base


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e9"])
def test_a_timeout_that_is_not_a_usable_number_of_seconds_is_a_usage_error(
    value: str, tmp_path: Path
) -> None:
    result = invoke("import", "ctgov", "NCT90000003", "--out", str(tmp_path), "--timeout", value)
    assert result.exit_code == 2 and "--timeout" in result.stderr
    assert "internal error" not in result.stderr


# --- time: one deadline per study, retries included ------------------------------------------


def test_a_slowloris_answer_ends_at_the_deadline_as_timed_out_while_reading(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    api.study(record("NCT90000003"), Answer(200, b'{"protocolSection": {}}' * 50, drip=0.05))
    result = _import(api, tmp_path, "NCT90000003", "--timeout", "0.5")
    assert result.exit_code == 1
    assert "timed out while reading" in result.stderr and "cannot reach" not in result.stderr
    assert "0.5 s" in result.stderr
    assert api.asked("/api/v2/studies/NCT90000003") == 1 and files_in(tmp_path) == []


def test_a_server_that_never_answers_is_timed_out_not_unreachable(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    api.routes["/api/v2/studies/NCT90000003"] = [Answer(hang=True)]
    api.study(record("NCT90000004"))
    result = _import(api, tmp_path, "NCT90000003", "NCT90000004", "--timeout", "0.3")
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "NCT90000003" in x)
    assert "timed out while reading" in line and "cannot reach" not in line
    assert files_in(tmp_path) == ["nct90000004.yaml"]  # one slow study does not sink the next


def test_retries_stop_when_the_next_wait_would_pass_the_deadline(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    api.routes["/api/v2/studies/NCT90000003"] = [Answer(503, b"busy")]
    result = _import(api, tmp_path, "NCT90000003", "--timeout", "3.5")
    assert result.exit_code == 1
    assert waits == [1.0, 2.0]  # 1 + 2 fit in 3.5 s; 4 more would not
    assert "HTTP 503 after 3 tries" in result.stderr and "3.5 s deadline" in result.stderr


def test_a_redirect_to_ftp_is_refused_at_once(api: Api, waits: list[float], tmp_path: Path) -> None:
    api.routes["/api/v2/studies/NCT90000003"] = [
        Answer(302, b"", {"Location": "ftp://127.0.0.1:1/pub/study.json"})
    ]
    api.routes["/api/v2/studies/NCT90000004"] = [
        Answer(301, b"", {"Location": "/api/v2/moved/NCT90000004"})
    ]
    api.routes["/api/v2/moved/NCT90000004"] = [record("NCT90000004")]
    result = _import(api, tmp_path, "NCT90000003", "NCT90000004")
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "NCT90000003" in x)
    assert "redirected to ftp://127.0.0.1:1/pub/study.json" in line
    assert "only http(s) redirects are followed" in line
    assert waits == [] and api.asked("/api/v2/studies/NCT90000003") == 1
    assert files_in(tmp_path) == ["nct90000004.yaml"]  # an http redirect is followed


def test_after_three_ids_in_a_row_fail_on_every_try_the_server_is_left_alone(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    for n in range(1, 6):
        api.routes[f"/api/v2/studies/NCT9000000{n}"] = [Answer(500, b"oops")]
    ids = ["NCT90000001", "NCT90000002", "NCTxx", "NCT90000003", "NCT90000004", "NCT90000005"]
    result = _import(api, tmp_path, *ids)
    assert result.exit_code == 1
    assert len(waits) == 3 * 4  # three ids tried 5 times each (the bad id does not count)
    assert api.asked("/api/v2/studies/NCT90000004") == 0
    assert api.asked("/api/v2/studies/NCT90000005") == 0
    stopped = [x for x in result.stderr.splitlines() if "stopped asking" in x]
    assert len(stopped) == 2 and "3 requests in a row failed on every try" in stopped[0]


def test_a_study_the_server_answered_breaks_the_run_of_failures(
    api: Api, waits: list[float], tmp_path: Path
) -> None:
    for n in (1, 2, 4, 5):
        api.routes[f"/api/v2/studies/NCT9000000{n}"] = [Answer(500, b"oops")]
    ids = ["NCT90000001", "NCT90000002", "NCT90000003", "NCT90000004", "NCT90000005"]
    result = _import(api, tmp_path, *ids)  # NCT90000003: 404, the server answered
    assert "stopped asking" not in result.stderr
    assert api.asked("/api/v2/studies/NCT90000005") == 5


# --- searches: caps, repeated tokens -----------------------------------------------------------


def _page(*ncts: str, token: str | None = None) -> dict:
    page: dict = {"studies": [record(nct, study_type=None) for nct in ncts]}
    if token:
        page["nextPageToken"] = token
    return page


def test_endless_page_tokens_stop_at_the_page_cap_and_say_so(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "MAX_PAGES", 4)
    served = iter(range(90000100, 90001000))

    def endless(path: str, query: dict[str, str]) -> dict:
        return _page(f"NCT{next(served)}", token=f"t{len(api.requests)}")

    api.fallback = endless
    result = _import(api, tmp_path, "--query", "x")
    assert len(api.requests) == 4 and len(files_in(tmp_path)) == 4
    assert "stopped after 4 pages (the cap without --max" in result.stderr
    assert result.exit_code == 0


def test_the_study_cap_stops_a_search_without_max(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "MAX_STUDIES", 3)
    api.routes["/api/v2/studies"] = [_page("NCT90000030", "NCT90000031", token="p2")]
    api.routes["/api/v2/studies?pageToken=p2"] = [_page("NCT90000032", "NCT90000033", token="p3")]
    result = _import(api, tmp_path, "--query", "x")
    assert len(files_in(tmp_path)) == 3 and api.asked("/api/v2/studies") == 2
    assert "stopped after 3 studies (the cap without --max" in result.stderr


def test_the_documented_caps() -> None:
    assert (fetch.MAX_STUDIES, fetch.MAX_PAGES) == (10_000, 1_000)
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "10,000 studies or 1,000 pages" in readme and "60 s" in readme


# --- what is said: one line per piece of registry text ---------------------------------------


def test_registry_text_in_notes_stays_on_one_line(api: Api, tmp_path: Path) -> None:
    hostile = record("NCT90000003")
    hostile["protocolSection"]["designModule"]["phases"] = [
        "PHASE2\n::error file=README.md,line=1::forged"
    ]
    hostile["protocolSection"]["statusModule"]["overallStatus"] = "X\n::stop-commands::zzz"
    api.study(hostile)
    result = _import(api, tmp_path, "NCT90000003")
    lines = result.stderr.splitlines()
    assert not [x for x in lines if x.startswith("::")], result.stderr
    assert any("PHASE2\\n::ERROR FILE=README.MD,LINE=1::FORGED" in x for x in lines)
    assert any("X\\n::STOP-COMMANDS::ZZZ" in x for x in lines)


# --- Ctrl-C: what was written is said, then exit 130 -----------------------------------------


@pytest.mark.slow  # a real process
def test_ctrl_c_reports_what_was_written_then_exits_130(api: Api, tmp_path: Path) -> None:
    api.study(record("NCT90000003"))
    api.routes["/api/v2/studies/NCT90000004"] = [Answer(hang=True)]
    args = ["NCT90000003", "NCT90000004", "--out", str(tmp_path)]
    # Ctrl-C once the second is asked for: the first is written by then
    code, _, stderr = api.import_then_ctrl_c(args, "/api/v2/studies/NCT90000004")
    assert code == 130, stderr
    assert "NCT90000003 -> " in stderr and "nct90000003.yaml: written" in stderr
    assert "1 written" in stderr and stderr.rstrip().endswith("stemcell: interrupted")
    assert files_in(tmp_path) == ["nct90000003.yaml"]
