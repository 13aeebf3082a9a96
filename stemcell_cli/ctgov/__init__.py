"""Import ClinicalTrials.gov API v2 JSON records as study descriptors (imported, not curated).

Input is what the API serves, fetched live (``fetch``) or saved to a file, for example::

    curl -fsS -o NCT00763412.json 'https://clinicaltrials.gov/api/v2/studies/NCT00763412'
    curl -fsS -o page.json \\
      'https://clinicaltrials.gov/api/v2/studies?query.term=mesenchymal&pageSize=20'

A file holds one study record (``{"protocolSection": ...}``) or a search page
(``{"studies": [...], "nextPageToken": ...}``). Each study becomes one descriptor,
``<out>/nct01234567.yaml``. The parts, each with one job:

- ``read``: input files to records, with clear errors;
- ``record``: typed reading of one record by dotted path, tolerant of any JSON shape;
- ``mapping``: record -> descriptor (a table of plain fields and a few named decisions),
  validated once; ``design`` (design, arms, intervention) and ``results`` (the
  resultsSection) serve it;
- ``arms``: arm groups as the record means them (one per label, with their interventions);
- ``write``: YAML text with a hash line (edited-by-hand detection) and atomic writes;
- ``report``: per-study ``Status`` and the run's summary; ``run``: the import itself;
- ``api``: the HTTP client (standard library: one deadline per request, retries, clear
  errors), ``deadline`` keeping that deadline and the redirect policy; ``fetch``: studies by
  NCT id (checked, and the answer checked to be that study) and paged searches (capped);
  ``update``: re-fetch a folder and report changes against ``tracked``, the values as imported.
"""

from .design import NO_INTERVENTION
from .mapping import descriptor_from_record, plain_descriptor
from .read import read_records
from .record import nct_id_of
from .report import FileError, ImportReport, Status, StudyImport
from .results import NO_RESULT
from .run import import_files
from .write import to_yaml

__all__ = [
    "NO_INTERVENTION",
    "NO_RESULT",
    "FileError",
    "ImportReport",
    "Status",
    "StudyImport",
    "descriptor_from_record",
    "import_files",
    "nct_id_of",
    "plain_descriptor",
    "read_records",
    "to_yaml",
]
