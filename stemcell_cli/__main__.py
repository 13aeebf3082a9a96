"""``python -m stemcell_cli`` and the ``stemcell`` console script: Ctrl-C is answered from the
first moment (while the command line's modules load, too), then the command runs."""

import sys

from .interrupts import INTERRUPTED, MESSAGE, Interrupted, answer_interrupts


def main() -> None:
    """Answer Ctrl-C, load the command line, run it."""
    answer_interrupts()
    try:
        from .cli import main as run
    except Interrupted:
        sys.stderr.write(f"{MESSAGE}\n")
        sys.exit(INTERRUPTED)
    run()


if __name__ == "__main__":
    main()
