"""The commented descriptor template ``stemcell new ID`` writes.

Every ``""`` is a placeholder that fails validation until it is filled, so a half-written
descriptor never passes ``stemcell validate`` by accident; the comments list the allowed
values, taken from the vocabularies themselves.
"""

from __future__ import annotations

from typing import Any, get_args

from . import vocab
from .schema import SCHEMA_FILE


def _values(kind: Any) -> str:
    return " | ".join(get_args(kind))


def descriptor_template(study_id: str) -> str:
    """A descriptor for ``study_id`` with placeholders and explanations."""
    return f"""\
# yaml-language-server: $schema={SCHEMA_FILE}
# A stemcell study descriptor. Replace every "" with what the sources say, delete lines the
# sources do not give (absent means "not given", never a guess), then check it with:
#   stemcell validate {study_id}.yaml
# For completion and checks in your editor, save the schema beside this file:
#   stemcell schema > {SCHEMA_FILE}
# Quote text YAML would read as something else ("NO", "yes", "1.10", "01234", p-values).
id: {study_id}                   # lowercase words joined by hyphens; the file is <id>.yaml
title: ""                      # short descriptive title
headline: ""                   # the main result in one line, with its caveat
kind: clinical                 # {_values(vocab.Kind)}
condition:
  name: ""                     # e.g. type 2 diabetes
  synonyms: []                 # other names and abbreviations, e.g. [T2D, diabetes]
design:
  type: randomized-trial       # {_values(vocab.DesignType)}
  allocation: RANDOMIZED       # {_values(vocab.Allocation)}
  control: placebo             # {_values(vocab.Control)}
  masking: DOUBLE              # {_values(vocab.Masking)}
  follow_up: {{months: 12, statistic: fixed}}   # mean | median | planned | fixed | maximum
publication:
  title: ""                    # the paper's own title
  journal: ""
  date: ""                     # "YYYY-MM-DD", "YYYY-MM" or "YYYY", a real date
  authors: []                  # as listed, e.g. ["Boffa G", "Massacesi L"]
sources:                       # every document the numbers come from
  - key: paper                 # a short name outcomes refer to
    kind: paper                # {_values(vocab.SourceKind)}
    url: ""                    # https://...
population:
  species: human               # {_values(vocab.Species)}
  n:                           # participants analysed or enrolled (leave empty if not given)
intervention:
  name: ""                     # e.g. Autologous bone-marrow MSC infusion
  cell_type: msc               # {_values(vocab.CellType)}
  cell_source: autologous      # {_values(vocab.CellSource)}
outcomes:
  - measure: ""                # what was measured
    group: ""                  # arm or subgroup; delete the line for everyone
    primary: true
    counts: {{events: 0, total: 0}}   # k of n: a Wilson 95% interval is computed
    source: paper              # the key of the source this comes from
limitations: []                # e.g. ["No control group"]
"""
