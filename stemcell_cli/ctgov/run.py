"""One import run: take each record (from files or the API), map it, write it, report it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..errors import StemcellError
from ..files import size_text
from ..store.loader import MAX_BYTES as MAX_DESCRIPTOR_BYTES
from .mapping import descriptor_from_record
from .read import read_records
from .record import nct_id_of
from .report import FileError, ImportReport, Status, StudyImport
from .write import to_yaml, write_descriptor

Progress = Callable[[int, int | None], None]  # studies done, total when known


class Importer:
    """Writes the records it is given into ``out_dir``, one report line per study.

    Never overwrites an existing descriptor unless ``force``; writes each file atomically;
    a bad record is reported and the rest carries on.
    """

    def __init__(
        self,
        out_dir: Path,
        *,
        force: bool = False,
        progress: Progress | None = None,
        report: ImportReport | None = None,
    ):
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StemcellError(
                f"cannot create the output folder {out_dir}: {error.strerror or error}"
            ) from None
        if not out_dir.is_dir():
            raise StemcellError(f"output folder {out_dir} is not a folder")
        self.out_dir = out_dir
        self.force = force
        self.progress = progress
        self.total: int | None = None
        self.report = ImportReport() if report is None else report
        self._done: set[str] = set()

    def target(self, nct: str) -> Path:
        """Where the study with this NCT id is written."""
        return self.out_dir / f"{nct.lower()}.yaml"

    def add(self, record: Any, source: Path | str, position: int | None = None) -> StudyImport:
        """Map and write one record (never raises for bad content)."""
        return self._record(self._import(record, StudyImport(source, position, nct_id_of(record))))

    def fail(self, source: Path | str, nct: str | None, reason: str) -> None:
        """A study that could not be fetched."""
        self._record(StudyImport(source, None, nct, reason=reason))

    def skip(self, source: Path | str, nct: str) -> None:
        """A study whose descriptor is already there (not fetched again without ``force``)."""
        path = self.target(nct)
        self._record(StudyImport(source, None, nct, path, Status.SKIPPED_EXISTS))

    def warn(self, message: str) -> None:
        """Something the user should know that is not a failure (a search cut at its cap)."""
        self.report.warnings.append(message)

    def error(self, source: Path | str, message: str) -> None:
        """A file or page that could not be read: nothing of it was written."""
        self.report.errors.append(FileError(source, message))

    def _record(self, study: StudyImport) -> StudyImport:
        self.report.studies.append(study)
        if self.progress:
            self.progress(len(self.report.studies), self.total)
        return study

    def _import(self, record: Any, study: StudyImport) -> StudyImport:
        try:
            descriptor, notes = descriptor_from_record(record)
            text = to_yaml(descriptor)
        except (ValueError, RecursionError) as error:
            return dataclasses.replace(study, reason=str(error))
        if len(text.encode("utf-8")) > MAX_DESCRIPTOR_BYTES:
            too_big = f"descriptor larger than {size_text(MAX_DESCRIPTOR_BYTES)}"
            return dataclasses.replace(study, reason=too_big)
        study = dataclasses.replace(
            study, path=self.out_dir / f"{descriptor['id']}.yaml", notes=tuple(notes)
        )
        if descriptor["id"] in self._done:
            return dataclasses.replace(study, status=Status.SKIPPED_DUPLICATE)
        self._done.add(descriptor["id"])
        return write_descriptor(study, text, force=self.force)


def add_files(importer: Importer, paths: Iterable[Path]) -> None:
    """Every study in the files; a file that cannot be read is one error."""
    for path in paths:
        try:
            records, paged = read_records(path)
        except StemcellError as error:
            importer.error(path, str(error))
            continue
        for index, record in enumerate(records, 1):
            importer.add(record, path, index if paged else None)


def import_files(
    paths: Iterable[Path], out_dir: Path, *, force: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import every study in the files into ``out_dir`` (created if missing)."""
    importer = Importer(out_dir, force=force, progress=progress)
    add_files(importer, paths)
    return importer.report
