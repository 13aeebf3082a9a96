"""Commands about descriptor files themselves: validate, schema."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..store.catalog import MISSING, catalog_dirs, load_paths
from .app import command, say
from .options import StudiesDir


class ReportFormat(StrEnum):
    """How validate reports problems."""

    text = "text"
    json = "json"
    github = "github"


@command
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH...",
            help="Descriptor files or folders (default: the active catalog).",
        ),
    ] = None,
    *,
    studies_dir: StudiesDir = None,
    format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text (file:line:col: field: message), json, or github (GitHub Actions "
            "annotations on the pull request's lines).",
        ),
    ] = ReportFormat.text,
) -> int:
    """Check descriptors; every problem as file:line:col: field: message.

    Exit 0 when all are valid, 1 when any problem was found. Unknown fields get the closest
    valid name, patterns are explained in words.

    \b
    Example: stemcell validate my-studies/
    Example: stemcell validate --format github studies/   (in CI)
    """
    catalog = load_paths(paths) if paths else load_paths(catalog_dirs(studies_dir))
    bad = len({p.path for p in catalog.problems})
    if format == ReportFormat.json:
        from ..jsontext import dumps

        report = {
            "valid": len(catalog.entries),
            "with_problems": bad,
            "problems": [p.as_dict() for p in catalog.problems],
        }
        typer.echo(dumps(report, indent=2))
    for problem in catalog.problems if format != ReportFormat.json else ():
        if format == ReportFormat.github:
            say(problem.github(), err=False)
        elif problem.message == MISSING and problem.line is None:  # a bad argument, no report
            say(f"stemcell: error: {problem}")
        else:
            say(str(problem), err=False)
    say(f"{len(catalog.entries)} valid, {bad} with problems")
    return 1 if catalog.problems else 0


@command
def new(
    study_id: Annotated[
        str, typer.Argument(metavar="ID", help="The new study's id, e.g. my-trial.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", metavar="DIR", file_okay=False, help="Folder to write it in."),
    ] = Path("."),
) -> int:
    """Write a commented descriptor template, ID.yaml, that validates once filled in.

    An existing file is never replaced.

    Example: stemcell new my-trial --out my-studies/
    """
    from ..errors import StemcellError, UsageError
    from ..files import write_atomic
    from ..model.fields import ID_PATTERN
    from ..model.template import descriptor_template
    from ..store.loader import PATTERN_WORDS

    if not re.fullmatch(ID_PATTERN, study_id):
        raise UsageError(f"the id {PATTERN_WORDS[ID_PATTERN]} (got '{study_id[:80]}')")
    target = out / f"{study_id}.yaml"
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(target, descriptor_template(study_id), replace=False)
    except FileExistsError:
        raise StemcellError(f"{target} exists already; it was left as it is") from None
    except OSError as error:
        raise StemcellError(f"cannot write {target}: {error.strerror or error}") from None
    say(f'wrote {target}; fill in every "", then: stemcell validate {target}')
    return 0


@command
def schema() -> None:
    """Print the descriptor's JSON Schema, Draft 2020-12 (for editors and other tools).

    Save it and point your editor's YAML plugin at it, e.g. with a first line
    '# yaml-language-server: $schema=study.schema.json' (see stemcell new).

    Example: stemcell schema > study.schema.json
    """
    from ..jsontext import dumps
    from ..model.descriptor import descriptor_schema

    typer.echo(dumps(descriptor_schema(), indent=2))
