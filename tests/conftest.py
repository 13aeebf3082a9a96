"""Shared helpers: a minimal valid descriptor, writing it to disk, invoking the CLI."""

from __future__ import annotations

import copy
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ctgov_server import Api, serve
from typer.testing import CliRunner

from stemcell_cli.cli.app import app
from stemcell_cli.store import indexer
from stemcell_cli.store.catalog import bundled_dir

BUNDLED = bundled_dir()
SEED_IDS = {  # the first nine studies: the fixed catalog of layout and output tests
    "t2d-bmsc",
    "ms-hsct",
    "pain-ipsc",
    "spms-hsct-qa",
    "ms-mist",
    "ms-ram-ms",
    "t2d-ucmsc-rct",
    "t2d-bmsc-bhansali",
    "pain-mge-mouse",
}
# the 45 studies of the five topic sheets, with the ids issue 24 gives them
TOPIC_IDS = {
    *("ssc-astis", "ssc-scot", "ssc-assist", "crohn-astic", "ms-astims"),
    *(f"covid-msc-{n}" for n in ("monsel", "bowdish", "realist", "lanzoni", "dilogo")),
    *(f"covid-msc-{n}" for n in ("shu", "shi", "ev", "rebelatto")),
    *(f"ami-{n}" for n in ("repair", "boost", "astami", "time", "latetime", "bami")),
    *(f"ami-{n}" for n in ("regenerate", "boost-2", "hebe", "swiss", "leuven")),
    *("koa-lamo-espinosa-2016", "koa-vega", "koa-gupta", "koa-bmsc-saline-2018", "koa-kuah"),
    *("koa-lee-2019", "koa-lu", "koa-bmsc-prgf-2020", "koa-chen", "koa-lee-2025"),
    *("t1d-zimislecel", "t1d-cipsc-islets", "pd-bemdaneprocel", "pd-kyoto-ipsc", "pd-a9-dpc"),
    *("crohn-admire-cd", "crohn-admire-cd-2", "crohn-darvadstrocel-japan"),
    *("lscd-ipsc-cornea", "hf-biovat"),
}
BUNDLED_IDS = SEED_IDS | TOPIC_IDS
MS_IDS = {"ms-hsct", "ms-mist", "ms-ram-ms", "spms-hsct-qa"}
T2D_IDS = {"t2d-bmsc", "t2d-bmsc-bhansali", "t2d-ucmsc-rct"}
PAIN_IDS = {"pain-ipsc", "pain-mge-mouse"}

DROP = object()  # an override value that removes the key

# A minimal valid descriptor as text, with known line numbers (see the comments) for loader tests.
VALID_YAML = """\
id: demo-study
title: A demo study
headline: Something happened
kind: clinical
condition:
  name: type 2 diabetes
design:
  type: randomized-trial
  allocation: RANDOMIZED
  control: placebo
  masking: DOUBLE
  follow_up:
    months: 24
population:
  species: human
  n: 120
sources:
  - key: paper
    kind: paper
    url: https://example.org/paper
intervention:
  name: Demo cells
"""
# line 2: title, 8: design.type, 11: design.masking, 16: population.n, 18: sources[0].key


def make_study(**overrides: Any) -> dict[str, Any]:
    """A minimal valid descriptor (level 2, certainty high, no flags) as a dict.

    ``design__control="none"`` sets a nested key; a value of ``DROP`` removes the key.
    """
    study: dict[str, Any] = yaml.safe_load(VALID_YAML)
    for name, value in overrides.items():
        *parents, last = name.split("__")
        target = study
        for part in parents:
            target = target.setdefault(part, {})
        if value is DROP:
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(value)
    return study


def write_study(directory: Path, name: str | None = None, **overrides: Any) -> Path:
    """Write ``make_study(**overrides)`` to ``directory/<id>.yaml`` (or ``name``)."""
    study = make_study(**overrides)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or f"{study['id']}.yaml")
    path.write_text(yaml.safe_dump(study, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    """Run the CLI in-process on a wide terminal; stdout and stderr stay separate."""
    env = {"COLUMNS": "250", **(env or {})}
    return CliRunner().invoke(app, list(args), env=env, input=input)


@pytest.fixture(autouse=True, scope="session")
def _no_user_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Even module-scoped fixtures never read or write the developer's own index cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("session-cache"))


@pytest.fixture(autouse=True)
def _clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests never see a catalog, debug switch or index cache from the developer's machine."""
    for name in ("STEMCELL_STUDIES_DIR", "STEMCELL_DEBUG", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def _seed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seed-catalog")
    for study_id in SEED_IDS:
        shutil.copy(BUNDLED / f"{study_id}.yaml", folder)
    return folder


@pytest.fixture
def seed_catalog(monkeypatch: pytest.MonkeyPatch, _seed_folder: Path) -> Path:
    """The catalog is the nine seed studies (copies of the bundled ones), so tests of layout
    and output do not change as the bundled catalog grows."""
    monkeypatch.setenv("STEMCELL_STUDIES_DIR", str(_seed_folder))
    return _seed_folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """An empty folder to put made-up descriptors in."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    return folder


TREE = Path(__file__).resolve().parent.parent


def bundled_env() -> dict[str, str]:
    """Environment for subprocesses: the developer's, minus stemcell switches, with this
    working tree first on the import path (so an installed console script runs the tree's
    code, not whatever copy was installed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEMCELL_")}
    if "STEMCELL_STUDIES_DIR" in os.environ:  # set by the seed_catalog fixture only
        env["STEMCELL_STUDIES_DIR"] = os.environ["STEMCELL_STUDIES_DIR"]
    env["COLUMNS"] = "250"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TREE), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's clock a minute ahead: every file written so far counts as settled (none
    changed within the last 2 s), so warm runs trust the stamps at once."""
    now = time.time_ns
    monkeypatch.setattr(indexer.time, "time_ns", lambda: now() + 60 * 10**9)


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's clock stopped now: every file the test writes counts as changed just now
    (within the last 2 s), however long the test takes."""
    now = time.time_ns()
    monkeypatch.setattr(indexer.time, "time_ns", lambda: now)


@pytest.fixture
def api() -> Iterator[Api]:
    """A local registry API for the test (``ctgov_server``); its URL is ``api.url``."""
    with serve() as served:
        yield served


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry waits the command asked for (nobody waits)."""
    from stemcell_cli.ctgov import api as ctgov_api

    asked: list[float] = []
    monkeypatch.setattr(ctgov_api, "pause", asked.append)
    return asked


def files_in(folder: Path) -> list[str]:
    """The names in ``folder``, sorted (none when it does not exist)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
