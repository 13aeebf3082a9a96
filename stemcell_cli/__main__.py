"""``python -m stemcell_cli``."""

from .cli import main

main()
