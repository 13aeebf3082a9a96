"""Shell completion of values: study ids and condition names, read from the active catalog.

Completion runs in the shell's own process for every Tab press, so it must stay quiet and
quick: the index is used, and any problem simply means no suggestions.
"""

from __future__ import annotations

import typer


def _entries(ctx: typer.Context) -> list:
    from ..catalog import catalog_dirs, load_catalog

    try:
        catalog = load_catalog(catalog_dirs(ctx.params.get("studies_dir")), cache=True)
    except Exception:
        return []
    return catalog.sorted_entries()


def study_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids of the catalog's studies that start with what was typed (any case)."""
    start = incomplete.casefold()
    return [e.id for e in _entries(ctx) if e.id.startswith(start)]


def condition_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """Condition names and synonyms that start with what was typed (any case)."""
    start = incomplete.casefold()
    names = {n for e in _entries(ctx) for n in e.facets.conditions}
    return sorted(n for n in names if n.casefold().startswith(start))
