"""stemcell: a command-line evidence summarizer for stem-cell therapy research.

Library first: ``models`` (descriptor), ``loader``/``catalog`` (reading files),
``query`` (filters, comparison), ``evidence`` (grading), ``render`` (output formats).
None of them imports the CLI.
"""

__version__ = "0.1.0"
