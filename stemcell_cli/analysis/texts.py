"""A list of texts kept compressed: what a study table of 100,000 ids and titles costs a few
bytes a text, read back in order (or now and then out of it)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from typing import overload

BLOCK = 128  # texts compressed together


class Texts(Sequence[str]):
    """An append-only sequence of texts, stored as zlib-compressed blocks of ``BLOCK``; the
    block last read is kept decompressed."""

    __slots__ = ("_blocks", "_open", "_read", "_read_at")

    def __init__(self) -> None:
        self._blocks: list[bytes] = []
        self._open: list[str] = []
        self._read: list[str] = []
        self._read_at = -1

    def append(self, text: str) -> int:
        """Add ``text``; its position."""
        self._open.append(text)
        if len(self._open) == BLOCK:
            packed = json.dumps(self._open, ensure_ascii=False).encode()
            self._blocks.append(zlib.compress(packed, 1))
            self._open = []
        return len(self) - 1

    def __len__(self) -> int:
        return len(self._blocks) * BLOCK + len(self._open)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        block, at = divmod(i, BLOCK)
        if block == self._read_at and i >= 0:
            return self._read[at]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("text index out of range")
        block, at = divmod(i, BLOCK)
        if block == len(self._blocks):
            return self._open[at]
        if block != self._read_at:
            self._read = json.loads(zlib.decompress(self._blocks[block]))
            self._read_at = block
        return self._read[at]

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]
