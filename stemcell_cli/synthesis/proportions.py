"""The Wilson score interval for one proportion (events of a total), standard library only."""

from __future__ import annotations

import math

from .distributions import Z95


def wilson(events: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score 95 % interval for a proportion, as fractions in [0, 1].

    Never raises for counts the model accepts (a total below 10**10); 0 of n starts at
    exactly 0 and n of n ends at exactly 1.
    """
    if total <= 0 or not 0 <= events <= total:
        raise ValueError("need 0 <= events <= total and total > 0")
    p = events / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    low = 0.0 if events == 0 else min(p, max(0.0, centre - half))
    high = 1.0 if events == total else max(p, min(1.0, centre + half))
    return low, high
