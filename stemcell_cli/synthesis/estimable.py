"""Why a figure could not be computed: raised by the synthesis library instead of a crash.

``NotEstimable`` (a ValueError, so existing callers that catch ValueError still do) carries a
sentence a reader can act on, e.g. "not estimable: Study 2 has zero sampling variance".
``NotConverged`` is the REML fit that did not settle within its iteration limit.
"""

from __future__ import annotations


class NotEstimable(ValueError):
    """The data are valid but this figure cannot be computed from them; the message says why."""


class NotConverged(NotEstimable):
    """An iterative fit (REML) did not converge within its iteration limit."""
