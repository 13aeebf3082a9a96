"""``stemcell import``: registry records to descriptors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import command, say


@command
def import_ctgov(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="ClinicalTrials.gov API v2 JSON: a study or a page."
        ),
    ],
    *,
    out: Annotated[
        Path, typer.Option("--out", "-o", file_okay=False, help="Folder to write descriptors to.")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace descriptors that already exist.")
    ] = False,
) -> int:
    """Import ClinicalTrials.gov records as descriptors (one nctXXXXXXXX.yaml per study).

    Existing files are kept unless --force; each file is written atomically. Download a
    record with: curl -fsS -o rec.json https://clinicaltrials.gov/api/v2/studies/NCT00763412

    Example: stemcell import ctgov rec.json --out my-studies/
    """
    from ..ctgov import import_files

    report = import_files(files, out, force=force)
    for error in report.errors:
        say(error.message)
    for study in report.studies:
        for line in study.lines():
            say(line)
    say(report.summary())
    return report.exit_code
