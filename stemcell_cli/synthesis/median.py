"""The median of many values without sorting a copy of them: quickselect in place."""

from __future__ import annotations

from collections.abc import MutableSequence


def median(values: MutableSequence[float]) -> float:
    """The median, as ``statistics.median`` gives it (the mean of the two middle values for
    an even count). ``values`` is reordered: the middle is selected in place (Hoare's
    quickselect), so a million values need no sorted copy."""
    if not values:
        raise ValueError("the median of no values")
    half = len(values) // 2
    upper = _select(values, half)
    if len(values) % 2:
        return upper
    return (max(values[i] for i in range(half)) + upper) / 2


def _select(a: MutableSequence[float], k: int) -> float:
    """The k-th smallest value (from 0), left at a[k] with every value before it no larger."""
    lo, hi = 0, len(a) - 1
    while lo < hi:
        pivot = sorted((a[lo], a[(lo + hi) // 2], a[hi]))[1]
        i, j = lo, hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                a[i], a[j] = a[j], a[i]
                i, j = i + 1, j - 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            break
    return a[k]
