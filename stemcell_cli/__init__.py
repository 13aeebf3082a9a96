"""stemcell: a command-line evidence summarizer for stem-cell therapy research.

The folders are the layers, each importing only those listed before it:

- the package root: errors, the cleaners of unsafe text (``safe``), JSON text, filters
  (``query``), short lists in words (``words``), progress and Ctrl-C handling;
- ``model``: the descriptor (pydantic models, vocabularies, schema, template);
- ``evidence``: grading one study; ``synthesis``: pure statistics on plain numbers (imports
  nothing else of stemcell); ``analysis``: comparisons and pooled bodies of evidence;
- ``views``: what each output shows of a study, as plain data;
- ``store``: files, the folder walk, the SQLite index of stored views, the catalog;
- ``render``: one renderer per output format; ``cite`` and ``ctgov``: citations and the
  registry importer;
- ``cli``: typer commands (parse, call the library, render, exit). Nothing else imports typer.
"""

__version__ = "0.1.0"
