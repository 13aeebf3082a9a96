"""Descriptor YAML (a header saying it is imported, then safe YAML), written without clobbering."""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from ..files import write_atomic
from ..registry import CTGOV
from .record import Record
from .report import Status, StudyImport


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors or aliases (the loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(descriptor: dict[str, Any]) -> str:
    """Descriptor YAML text with a header saying it was imported and is not curated."""
    nct = Record(descriptor).get("registration.nct_id") or descriptor.get("id")
    header = (
        f"# Imported from {CTGOV} record {nct} by stemcell import.\n"
        "# Not curated: check it against the registry record and the papers.\n"
    )
    body = yaml.dump(
        descriptor, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return header + body


def write_descriptor(study: StudyImport, text: str, *, force: bool) -> StudyImport:
    """Write ``text`` to ``study.path`` atomically; an existing file is kept unless ``force``."""
    target = study.path
    assert target is not None
    existed = target.exists() or target.is_symlink()
    if existed and not force:
        return dataclasses.replace(study, status=Status.SKIPPED_EXISTS)
    try:
        write_atomic(target, text, replace=force)
    except FileExistsError:
        return dataclasses.replace(study, status=Status.SKIPPED_EXISTS)
    except OSError as error:
        reason = f"cannot write {target}: {error.strerror or error}"
        return dataclasses.replace(study, status=Status.FAILED, reason=reason)
    notes = (*study.notes, "replaced (--force)") if existed else study.notes
    return dataclasses.replace(study, status=Status.WRITTEN, notes=notes)
