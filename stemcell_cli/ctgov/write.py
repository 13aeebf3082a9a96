"""Descriptor YAML (a header saying it is imported, then safe YAML), written without clobbering.

The header's last line, ``# stemcell-import: sha256=<hex>``, is the hash of the YAML below it:
``--update`` tells a file nobody edited since (it may be refreshed) from one edited by hand.
The line before it keeps the tracked values as imported (``tracked``), so that ``--update``
compares the registry with what was imported, not with what a curator changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

import yaml

from ..files import write_atomic
from ..model.registry import CTGOV
from .record import Record
from .report import Status, StudyImport
from .tracked import imported_line

HEADER = f"# Imported from {CTGOV} record"
HASH_LINE = "# stemcell-import: sha256="
_PROVENANCE = re.compile(r"by\s+stemcell\s+import;\s+not\s+curated")  # mapping.PROVENANCE
_HASHED = re.compile(r"^# stemcell-import: sha256=([0-9a-f]{64})\n", re.MULTILINE)


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors or aliases (the loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(descriptor: dict[str, Any]) -> str:
    """Descriptor YAML text with a header saying it was imported and is not curated."""
    nct = Record(descriptor).get("registration.nct_id") or descriptor.get("id")
    header = (
        f"{HEADER} {nct} by stemcell import.\n"
        "# Not curated: check it against the registry record and the papers.\n"
    )
    body = yaml.dump(
        descriptor, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return f"{header}{imported_line(descriptor)}{HASH_LINE}{_digest(body)}\n{body}"


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def is_imported(text: str) -> bool:
    """Whether a descriptor was written by ``stemcell import``: its header, or, when a curator
    rewrote the file without it, its provenance sentence."""
    return text.startswith(HEADER) or _PROVENANCE.search(text) is not None


def unedited(text: str) -> bool:
    """Whether the YAML below the hash line is as stemcell wrote it (no line: not provable)."""
    found = _HASHED.search(text)
    return found is not None and _digest(text[found.end() :]) == found.group(1)


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
