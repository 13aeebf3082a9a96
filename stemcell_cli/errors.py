"""Domain errors: a user-facing message and the exit code the CLI turns them into."""


class StemcellError(Exception):
    """A data or runtime error the user can act on (exit code 1)."""

    exit_code = 1


class UsageError(StemcellError):
    """A bad option value or combination (exit code 2)."""

    exit_code = 2
