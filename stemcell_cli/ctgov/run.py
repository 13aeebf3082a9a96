"""One import run: read each file, map each record, write each descriptor, report each study."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import StemcellError
from ..files import size_text
from ..loader import MAX_BYTES as MAX_DESCRIPTOR_BYTES
from .mapping import descriptor_from_record
from .read import read_records
from .record import nct_id_of
from .report import FileError, ImportReport, Status, StudyImport
from .write import to_yaml, write_descriptor


def import_files(paths: Iterable[Path], out_dir: Path, *, force: bool = False) -> ImportReport:
    """Import every study in the files into ``out_dir`` (created if missing).

    Never overwrites an existing descriptor unless ``force``; writes each file atomically;
    an unreadable file or a bad study is reported and the rest carries on.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StemcellError(
            f"cannot create the output folder {out_dir}: {error.strerror or error}"
        ) from None
    if not out_dir.is_dir():
        raise StemcellError(f"output folder {out_dir} is not a folder")
    report = ImportReport()
    done: set[str] = set()
    for path in paths:
        try:
            records, paged = read_records(path)
        except StemcellError as error:
            report.errors.append(FileError(path, str(error)))
            continue
        for index, record in enumerate(records, 1):
            study = StudyImport(path, index if paged else None, nct_id_of(record))
            report.studies.append(_import_one(record, study, out_dir, force, done))
    return report


def _import_one(
    record: Any, study: StudyImport, out_dir: Path, force: bool, done: set[str]
) -> StudyImport:
    """Map and write one record; never raises for bad content."""
    try:
        descriptor, notes = descriptor_from_record(record)
        text = to_yaml(descriptor)
    except (ValueError, RecursionError) as error:
        return dataclasses.replace(study, reason=str(error))
    if len(text.encode("utf-8")) > MAX_DESCRIPTOR_BYTES:
        too_big = f"descriptor larger than {size_text(MAX_DESCRIPTOR_BYTES)}"
        return dataclasses.replace(study, reason=too_big)
    study = dataclasses.replace(
        study, path=out_dir / f"{descriptor['id']}.yaml", notes=tuple(notes)
    )
    if descriptor["id"] in done:
        return dataclasses.replace(study, status=Status.SKIPPED_DUPLICATE)
    done.add(descriptor["id"])
    return write_descriptor(study, text, force=force)
