"""Benchmark stemcell on synthetic catalogs, as whole processes, against the YAML parse floor.

    python bench/run.py                      # 1,000 and 10,000 descriptors, 3 runs each
    python bench/run.py --sizes 1000,10000,100000 --runs 5
    python bench/run.py --sizes 10000 --clone ms-hsct   # 10,000 copies of a bundled study
    python bench/run.py --only-pool --pool-sizes 1000,10000,100000   # pool at registry scale

Prints one table per catalog size: the median wall time of each command, its ratio to the bare
parse floor measured in the same run (load every file with yaml.CSafeLoader, nothing else), its
CPU time (user + system) and the peak memory of the process. Then the warm figures against the
SQLite-read floor (a plain script that stats every file and writes the stored JSON records out
of the index: as stored, unpacked, run alternately with the warm listing at least 7 times each;
and from a plain-JSON copy of the records), the size of the index against the catalog's own
bytes, and a cold build interrupted halfway (SIGINT) then run again. The bundled-catalog rows
are compared with a bare import of the dependencies instead. Catalogs are generated from the
model (varied conditions, designs, sizes) under a temporary folder and removed afterwards; the
index cache lives in its own folder. The package's modules are compiled first, as
``pip install`` does, so that no run is timed compiling them. Where valgrind is installed, the
warm listing and that floor are also counted in instructions, which no other load on the
machine can disturb. First of all, ``pool`` over catalogs of two-arm trials: its CPU and peak
memory against a warm ``list --json`` of the same catalog, the size of its bounded forest plot,
and ``report`` of 1,000 studies against ``pool`` of them.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

CONDITIONS = [
    ("multiple sclerosis", ["MS"]),
    ("type 2 diabetes", ["T2D", "diabetes"]),
    ("type 1 diabetes", ["T1D", "diabetes"]),
    ("neuropathic pain", ["pain"]),
    ("knee osteoarthritis", ["OA", "osteoarthritis"]),
    ("heart failure", ["HF"]),
    ("spinal cord injury", ["SCI"]),
    ("Parkinson's disease", ["PD", "Parkinson"]),
    ("stroke", ["ischaemic stroke"]),
    ("Crohn's disease", ["Crohn", "IBD"]),
]
DESIGNS = [
    ("randomized-trial", "RANDOMIZED", "placebo", "DOUBLE"),
    ("randomized-trial", "RANDOMIZED", "active", "NONE"),
    ("non-randomized-trial", "NON_RANDOMIZED", "standard-care", "NONE"),
    ("single-group-trial", "NA", "none", "NONE"),
    ("retrospective-cohort", "NA", "none", None),
    ("case-series", "NA", "none", None),
]
CELLS = [("msc", "bone-marrow"), ("msc", "umbilical-cord"), ("hsc", None), ("ipsc-derived", None)]

BUNDLED = Path(__file__).resolve().parent.parent / "studies"
IMPORT_BASELINE = "import typer, rich.console, rich.table, pydantic, yaml"
PARSE_FLOOR = """
import os, sys, yaml
for root, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith('.yaml'):
            with open(os.path.join(root, name), encoding='utf-8') as f:
                yaml.load(f, Loader=yaml.CSafeLoader)
"""


SQLITE_FLOOR = """
import os, sqlite3, sys, zlib
pending = [sys.argv[1]]
while pending:
    with os.scandir(pending.pop()) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            else:
                entry.stat()
db = sqlite3.connect(sys.argv[2])
query = "SELECT record FROM files WHERE study_id IS NOT NULL ORDER BY study_id, path"
write = sys.stdout.write
if sys.argv[3] == "plain":
    for (record,) in db.execute(query):
        write(record + ",\\n")
else:
    zdict = db.execute("SELECT value FROM meta WHERE key = 'zdict'").fetchone()[0]
    for (record,) in db.execute(query):
        write(zlib.decompressobj(-15, zdict=zdict).decompress(record).decode() + ",\\n")
"""


def descriptor(i: int, rng: random.Random) -> dict:
    """One valid synthetic descriptor, varied by index."""
    name, synonyms = CONDITIONS[i % len(CONDITIONS)]
    design, allocation, control, masking = DESIGNS[rng.randrange(len(DESIGNS))]
    cell_type, tissue = CELLS[rng.randrange(len(CELLS))]
    n = rng.randint(8, 400)
    treated = max(1, n // 2)
    events = rng.randint(0, treated)
    study = {
        "id": f"syn-{i:06d}",
        "title": f"Synthetic {cell_type} study {i} in {name}",
        "headline": f"{events} of {treated} improved; synthetic benchmark data",
        "summary": f"Generated descriptor number {i} for timing stemcell; not a real study.",
        "kind": "clinical",
        "condition": {"name": name, "synonyms": synonyms},
        "design": {
            "type": design,
            "allocation": allocation,
            "control": control,
            "masking": masking,
            "follow_up": {"months": rng.choice([6, 12, 24, 60]), "statistic": "median"},
        },
        "publication": {"journal": "Journal of Synthetic Data", "date": f"{2000 + i % 25}-06"},
        "sources": [{"key": "paper", "kind": "paper", "url": f"https://example.org/syn/{i}"}],
        "population": {"species": "human", "n": n},
        "intervention": {
            "name": f"{cell_type} cells",
            "cell_type": cell_type,
            "tissue_origin": tissue,
            "cell_source": rng.choice(["autologous", "allogeneic"]),
            "doses": rng.randint(1, 3),
        },
        "outcomes": [
            {
                "measure": "Responders",
                "group": "treated",
                "timepoint": "12 months",
                "primary": True,
                "counts": {"events": events, "total": treated},
                "source": "paper",
            },
            {
                "measure": "Change in score",
                "timepoint": "12 months",
                "estimate": {
                    "value": round(rng.uniform(-5, 5), 2),
                    "unit": "points",
                    "interval": {"lower": -6.0, "upper": 6.0},
                },
                "source": "paper",
            },
        ],
        "limitations": ["Synthetic data."],
    }
    study["design"] = {k: v for k, v in study["design"].items() if v is not None}
    study["intervention"] = {k: v for k, v in study["intervention"].items() if v is not None}
    return study


def two_arm_descriptor(i: int, rng: random.Random) -> dict:
    """One synthetic randomized trial of cells against placebo in type 2 diabetes: counts and
    means with SD in both arms, varied by index (so that pooling them finds heterogeneity)."""
    study = descriptor(i, rng)
    n = rng.randint(20, 400)
    arms = {"treated": (n // 2, 0.2 + 0.5 * rng.random()), "placebo": (n - n // 2, 0.2)}
    study["id"] = f"two-arm-{i:06d}"
    study["condition"] = {"name": "type 2 diabetes", "synonyms": ["T2D", "diabetes"]}
    study["design"] |= {"type": "randomized-trial", "allocation": "RANDOMIZED"}
    study["design"] |= {"control": "placebo", "masking": "DOUBLE"}
    study["population"]["n"] = n
    study["arms"] = [
        {"key": "treated", "label": "Cells", "role": "EXPERIMENTAL", "n": arms["treated"][0]},
        {"key": "placebo", "label": "Placebo", "role": "PLACEBO_COMPARATOR"},
    ]
    study["arms"][1]["n"] = arms["placebo"][0]
    study["outcomes"] = [
        outcome
        for group, (size, risk) in arms.items()
        for outcome in (
            {
                "measure": "Responders",
                "group": group,
                "timepoint": "12 months",
                "primary": True,
                "counts": {"events": sum(rng.random() < risk for _ in range(size)), "total": size},
                "events_are": "desirable",
                "source": "paper",
            },
            {
                "measure": "Change in HbA1c",
                "group": group,
                "timepoint": "12 months",
                "estimate": {
                    "value": round(rng.gauss(-0.8 if group == "treated" else -0.3, 0.3), 2),
                    "statistic": "mean",
                    "sd": round(rng.uniform(0.6, 1.4), 2),
                    "n": size,
                    "unit": "%",
                    "measured_as": "change",
                },
                "source": "paper",
            },
        )
    ]
    return study


def build_catalog(
    folder: Path, size: int, clone: str | None = None, make: Callable[..., dict] = descriptor
) -> list[str]:
    """Write ``size`` descriptors into ``folder`` (made by ``make``, or copies of a bundled
    one)."""
    rng = random.Random(size)
    folder.mkdir(parents=True)
    original = (BUNDLED / f"{clone}.yaml").read_text(encoding="utf-8") if clone else ""
    ids = []
    for i in range(size):
        if clone:
            study_id = f"{clone}-{i:06d}"
            text = original.replace(f"id: {clone}\n", f"id: {study_id}\n", 1)
        else:
            study = make(i, rng)
            study_id = study["id"]
            text = yaml.safe_dump(study, sort_keys=False, allow_unicode=True)
        (folder / f"{study_id}.yaml").write_text(text, encoding="utf-8")
        ids.append(study_id)
    return ids


MEASURE = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
print(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time (s), CPU time (user + system, s) and peak RSS (MiB) of one process; its exit
    code must be 0 or 1. The process is started by a small Python process (not forked from
    this one, whose memory would otherwise count in the child's peak)."""
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr[-500:]}")
    elapsed, cpu, maxrss = proc.stderr.splitlines()[-1].split()
    return float(elapsed), float(cpu), int(maxrss) // 1024


Figures = tuple[float, float, int]


def median_of(runs: int, once: Callable[[], Figures]) -> Figures:
    """Median wall and CPU time and highest peak memory over ``runs`` calls."""
    results = [once() for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        max(r[2] for r in results),
    )


def report(title: str, rows: list[tuple[str, float, float, int]], base: float, name: str) -> None:
    """Print one table of figures and ratios."""
    print(f"\n{title}")
    print(f"{'command':<46}{'median s':>10}{'x ' + name:>16}{'CPU s':>8}{'peak MiB':>10}")
    for command, seconds, cpu, mib in rows:
        print(f"{command:<46}{seconds:>10.3f}{seconds / base:>16.2f}{cpu:>8.3f}{mib:>10}")


def catalog_bytes(folder: Path) -> int:
    """The catalog's own bytes: the sizes of its descriptor files."""
    return sum(p.stat().st_size for p in folder.rglob("*.yaml"))


def plain_copy(index: Path, copy: Path) -> None:
    """The index with its records stored as plain JSON text (what the floor would read if
    records were kept uncompressed)."""
    import zlib

    shutil.copy(index, copy)
    db = sqlite3.connect(copy)
    zdict = db.execute("SELECT value FROM meta WHERE key = 'zdict'").fetchone()[0]
    rows = db.execute("SELECT path, record FROM files WHERE study_id IS NOT NULL").fetchall()
    unpack = lambda b: zlib.decompressobj(-15, zdict=zdict).decompress(b).decode()  # noqa: E731
    db.executemany("UPDATE files SET record = ? WHERE path = ?", [(unpack(r), p) for p, r in rows])
    db.commit()
    db.close()


def interrupted_build(argv: list[str], env: dict[str, str], cache: Path, after: float) -> float:
    """Start a cold build, send SIGINT to its process group after ``after`` seconds, and
    return the wall time of the run that follows (which continues from the stored batches)."""
    shutil.rmtree(cache, ignore_errors=True)
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    time.sleep(after)
    os.killpg(proc.pid, signal.SIGINT)
    if proc.wait(timeout=30) != 130:
        raise SystemExit(f"interrupted build exited {proc.returncode}, not 130")
    return run(argv, env)[0]


def warm_against_floor(
    listing: list[str], folder: Path, index: Path, env: dict[str, str], runs: int
) -> tuple[float, float, int]:
    """Median CPU of a warm ``list --json`` and of the SQLite-read floor (records as stored),
    run alternately so that a busy machine weighs on both alike, and how many of each."""
    time.sleep(2.1)  # the last edit settles, so the listing proves the folder current at once
    run(listing, env)
    floor = [sys.executable, "-c", SQLITE_FLOOR, str(folder), str(index), "stored"]
    count = max(runs, 7)
    pairs = [(run(listing, env)[1], run(floor, env)[1]) for _ in range(count)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs), count


def instructions(argv: list[str], env: dict[str, str]) -> int | None:
    """Instructions one process executes, counted by valgrind (None when it is not installed):
    a figure that no other load on the machine can disturb."""
    if shutil.which("valgrind") is None:
        return None
    count = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv]
    proc = subprocess.run(count, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    found = [line for line in proc.stderr.decode().splitlines() if "Collected :" in line]
    return int(found[-1].split()[-1]) if found else None


def bench_size(size: int, runs: int, work: Path, clone: str | None) -> None:
    """Time every command on a catalog of ``size`` descriptors."""
    folder = work / f"catalog-{size}"
    started = time.perf_counter()
    ids = build_catalog(folder, size, clone)
    kind = f"copies of {clone}" if clone else "synthetic descriptors"
    print(f"\n# {size:,} {kind} (generated in {time.perf_counter() - started:.1f} s)")
    time.sleep(2.1)  # past the index's "changed just now" window, so warm runs are warm
    cache = work / f"cache-{size}"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), STEMCELL_STUDIES_DIR=str(folder))
    stemcell = [sys.executable, "-m", "stemcell_cli"]
    listing = [*stemcell, "list", "--json"]

    def cold() -> Figures:
        shutil.rmtree(cache, ignore_errors=True)
        return run(listing, env)

    def edited() -> Figures:
        victim = folder / f"{ids[len(ids) // 2]}.yaml"
        victim.write_text(victim.read_text().replace("synthetic", "edited"), encoding="utf-8")
        return run(listing, env)

    floor = median_of(runs, lambda: run([sys.executable, "-c", PARSE_FLOOR, str(folder)], env))
    cold_runs = 1 if size >= 50_000 else runs
    rows = [
        ("bare parse floor (CSafeLoader, every file)", *floor),
        ("list --json, cold", *median_of(cold_runs, cold)),
    ]
    run(listing, env)  # make sure the index is warm
    warm = {
        "list --json, warm": ["list", "--json"],
        "list -f jsonl, warm": ["list", "-f", "jsonl"],
        "list -f csv, warm": ["list", "-f", "csv"],
        "list --condition ms --json, warm": ["list", "--condition", "ms", "--json"],
        f"show {ids[size // 3]}, warm": ["show", ids[size // 3]],
        "compare of 5 ids, warm": ["compare", *ids[:: max(1, size // 5)][:5]],
    }
    figures = {}
    for name, args in warm.items():
        figures[name] = median_of(runs, lambda a=args: run([*stemcell, *a], env))
        rows.append((name, *figures[name]))
    rows.append(("list --json after editing one file", *median_of(runs, edited)))
    run(listing, env)
    (index,) = (cache / "stemcell").glob("index-*.sqlite")
    plain = work / f"plain-{size}.sqlite"
    plain_copy(index, plain)
    floors = {
        kind: median_of(
            runs,
            lambda k=kind, db=db: run(
                [sys.executable, "-c", SQLITE_FLOOR, str(folder), str(db), k], env
            ),
        )
        for kind, db in (("stored", index), ("plain", plain))
    }
    rows.append(("SQLite-read floor (records as stored)", *floors["stored"]))
    rows.append(("SQLite-read floor (records as plain JSON)", *floors["plain"]))
    report(f"{size:,} {kind}", rows, floor[0], "floor")
    warm_cpu, floor_cpu, pairs = warm_against_floor(listing, folder, index, env, runs)
    print(
        f"warm list --json CPU: {warm_cpu:.3f} s = {warm_cpu / floor_cpu:.2f}x the SQLite-read "
        f"floor as stored ({floor_cpu:.3f} s; medians of {pairs} alternating runs), "
        f"{warm_cpu / floors['plain'][1]:.2f}x with plain-JSON records ({floors['plain'][1]:.3f} s)"
    )
    floor_argv = [sys.executable, "-c", SQLITE_FLOOR, str(folder), str(index), "stored"]
    counted = instructions(listing, env), instructions(floor_argv, env)
    if None not in counted:
        mine, least = counted
        print(
            f"warm list --json instructions (valgrind): {mine / 1e9:.2f} G = {mine / least:.2f}x "
            f"the SQLite-read floor as stored ({least / 1e9:.2f} G)"
        )
    own = catalog_bytes(folder)
    print(
        f"index {index.stat().st_size / 2**20:.1f} MiB for {own / 2**20:.1f} MiB of descriptors: "
        f"{index.stat().st_size / own:.2f}x (plain-JSON records: {plain.stat().st_size / own:.2f}x)"
    )
    whole = cold()[0]  # measured again next to the interrupted one, in the same conditions
    again = interrupted_build(listing, env, cache, after=whole / 2)
    print(
        f"cold build interrupted (SIGINT) at {whole / 2:.1f} s, then run again: {again:.2f} s "
        f"(a whole cold build just before: {whole:.2f} s)"
    )


def bench_bundled(runs: int, work: Path) -> None:
    """The everyday commands on the bundled catalog against a bare import of the dependencies,
    in wall time and (where valgrind is installed) in instructions; then piped output."""
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache-bundled"))
    env.pop("STEMCELL_STUDIES_DIR", None)
    stemcell = [sys.executable, "-m", "stemcell_cli"]
    baseline = [sys.executable, "-c", IMPORT_BASELINE]
    base = median_of(runs, lambda: run(baseline, env))
    rows = [("bare import of typer, rich, pydantic, yaml", *base)]
    run([*stemcell, "list", "--json"], env)
    everyday = (
        ["show", "ms-hsct"],
        ["list", "--json"],
        ["compare", "--condition", "ms"],
        ["pool", "--condition", "diabetes"],
    )
    for args in everyday:
        rows.append((" ".join(args), *median_of(runs, lambda a=args: run([*stemcell, *a], env))))
    report("bundled catalog", rows, base[0], "import")
    least = instructions(baseline, env)
    if least is not None:
        print(f"instructions (valgrind) against the bare import ({least / 1e9:.2f} G):")
        for args in everyday:
            mine = instructions([*stemcell, *args], env) or 0
            print(f"  {' '.join(args):<40}{mine / 1e9:>8.2f} G {mine / least:>6.2f}x")
    piped_against_file(stemcell, env, work)


def bench_data(runs: int, work: Path) -> None:
    """``pool --data`` of 1,000 rows of counts (random effects, REML), whole process."""
    rng = random.Random(1)
    table = work / "rows.csv"
    lines = ["study,events_exp,total_exp,events_ctl,total_ctl"]
    for i in range(1000):
        n1, n2 = rng.randint(20, 400), rng.randint(20, 400)
        lines.append(f"s{i},{rng.randint(1, n1 // 3)},{n1},{rng.randint(1, n2 // 2)},{n2}")
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache-data"))
    argv = [sys.executable, "-m", "stemcell_cli", "pool", "--data", str(table), "--json"]
    seconds, cpu, mib = median_of(runs, lambda: run(argv, env))
    print(f"\npool --data of 1,000 rows: {seconds:.3f} s ({cpu:.3f} s CPU, {mib} MiB); target 1 s")


def output_of(argv: list[str], env: dict[str, str]) -> str:
    """What a command writes to stdout."""
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout


def bench_pool(sizes: list[int], runs: int, work: Path) -> None:
    """``pool`` at registry scale, on catalogs of two-arm trials (all of one condition): a warm
    summary of findings against a warm ``list --json`` of the same catalog (CPU and peak
    memory), how its peak memory grows with the catalog, the bounded forest plot of one
    outcome (text lines, SVG size), and ``report`` of 1,000 studies against ``pool`` of them."""
    stemcell = [sys.executable, "-m", "stemcell_cli"]
    summary = [*stemcell, "pool", "--condition", "diabetes"]
    forest = [*stemcell, "pool", "--measure", "responders"]
    print("\n# pool over catalogs of two-arm trials (warm index; medians, highest peak)")
    print(f"{'studies':>9}{'list CPU s':>12}{'pool CPU s':>12}{'x list':>8}", end="")
    print(f"{'list MiB':>10}{'pool MiB':>10}{'x list':>8}{'forest lines':>14}{'svg KiB':>9}")
    peaks = {}
    for size in sizes:
        folder = work / f"two-arm-{size}"
        build_catalog(folder, size, make=two_arm_descriptor)
        env = dict(os.environ, XDG_CACHE_HOME=str(work / f"cache-two-arm-{size}"))
        env["STEMCELL_STUDIES_DIR"] = str(folder)
        listing = [*stemcell, "list", "--json"]
        run(listing, env)  # the cold build
        time.sleep(2.1)  # past the index's "changed just now" window, so the runs are warm
        run(listing, env)
        listed = median_of(runs, lambda a=listing, e=env: run(a, e))
        pooled = median_of(runs, lambda e=env: run(summary, e))
        peaks[size] = pooled[2]
        lines = output_of(forest, env).count("\n")
        svg = len(output_of([*forest, "-f", "svg"], env).encode()) / 1024
        print(
            f"{size:>9,}{listed[1]:>12.3f}{pooled[1]:>12.3f}{pooled[1] / listed[1]:>8.2f}"
            f"{listed[2]:>10}{pooled[2]:>10}{pooled[2] / listed[2]:>8.2f}{lines:>14}{svg:>9.0f}"
        )
        if size == 10_000:
            pool_count, list_count = instructions(summary, env), instructions(listing, env)
            if pool_count is not None and list_count is not None:
                print(
                    f"{'':>9}in instructions (valgrind): pool {pool_count / 1e9:.2f} G, "
                    f"list --json {list_count / 1e9:.2f} G: {pool_count / list_count:.2f}x"
                )
        if size == 1000:
            brief = [*stemcell, "report", "--condition", "diabetes"]
            reported = median_of(runs, lambda b=brief, e=env: run(b, e))
            print(
                f"{'':>9}report of the 1,000: {reported[0]:.2f} s = {reported[0] / pooled[0]:.2f}x "
                f"the warm pool ({pooled[0]:.2f} s); {reported[2]} MiB"
            )
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(
            f"pool's peak memory from {low:,} to {high:,} studies: {peaks[low]} to {peaks[high]} "
            f"MiB ({peaks[high] - peaks[low]} MiB apart; target under 20)"
        )


def piped_against_file(stemcell: list[str], env: dict[str, str], work: Path) -> None:
    """Wall time of ``list --json | cat`` against ``list --json > file`` (medians of 11
    alternating runs, each through the same shell)."""
    command = " ".join([*stemcell, "list", "--json"])
    shell = {
        "piped": f"{command} | cat > /dev/null",
        "to a file": f"{command} > {work / 'out.json'}",
    }
    times: dict[str, list[float]] = {name: [] for name in shell}
    for _ in range(11):
        for name, line in shell.items():
            times[name].append(run(["/bin/sh", "-c", line], env)[0])
    piped, to_file = (statistics.median(times[name]) for name in shell)
    print(
        f"list --json | cat: {piped:.3f} s, > file: {to_file:.3f} s: {piped / to_file:.2f}x "
        "(medians of 11 alternating runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated catalog sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--clone", metavar="ID", help="copy this bundled descriptor instead")
    parser.add_argument(
        "--pool-sizes", default="1000,10000", help="sizes of the two-arm catalogs pool is run on"
    )
    parser.add_argument("--only-pool", action="store_true", help="run the pool figures alone")
    args = parser.parse_args()
    package = importlib.util.find_spec("stemcell_cli").submodule_search_locations[0]
    compileall.compile_dir(package, quiet=1)  # as pip install does: no run is timed compiling
    with tempfile.TemporaryDirectory(prefix="stemcell-bench-") as tmp:
        work = Path(tmp)
        bench_pool([int(s) for s in args.pool_sizes.split(",")], args.runs, work)
        if args.only_pool:
            return
        bench_bundled(args.runs, work)
        bench_data(args.runs, work)
        for size in (int(s) for s in args.sizes.split(",")):
            bench_size(size, args.runs, work, args.clone)


if __name__ == "__main__":
    main()
