"""Sequences whose items are computed when read, so that 100,000 of them are never built at
once (ids read back from a compressed store, "Study 3", a study's risk-of-bias facts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class Lazy(Sequence[T]):
    """``of(key)`` for each of ``keys``, computed each time it is read."""

    __slots__ = ("_keys", "_of")

    def __init__(self, keys: Sequence[int], of: Callable[[int], T]) -> None:
        self._keys = keys
        self._of = of

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Lazy[T]: ...
    def __getitem__(self, i: int | slice) -> T | Lazy[T]:
        if isinstance(i, slice):
            return Lazy(self._keys[i], self._of)
        return self._of(self._keys[i])

    def __iter__(self) -> Iterator[T]:
        return map(self._of, self._keys)
