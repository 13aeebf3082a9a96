"""Completion candidates made safe for the shell that receives them (issue 18 item 8, 22).

Candidates come from catalog text (condition names, measures), so they may hold spaces or
characters a shell acts on. Each shell gets them in the form it needs:

- bash inserts a candidate as it is: each one is escaped as a shell word (``type\\ 2\\
  diabetes``), or, after a quote the user opened, escaped for inside that quote; a candidate
  that cannot be written there (a ``'`` inside single quotes) is left out;
- zsh evaluates typer's ``_arguments '*: :(("value"))'`` line, so a candidate holding any of
  ``$ ` \\ " ' :`` is left out (never escaped: nothing in it is ever evaluated);
- fish reads one candidate per line and quotes it itself;
- a candidate with a control character (a line break) is offered to no shell.
"""

from __future__ import annotations

import os
import re
from typing import Any

import click
from click.shell_completion import CompletionItem
from typer._completion_classes import BashComplete, FishComplete, ZshComplete

_BASH_PLAIN = re.compile(r"[\w@%+=:,./-]")  # what a bash word holds unescaped
_ZSH_UNSAFE = re.compile(r"[$`\\\"':]")
_IN_DOUBLE_QUOTES = re.compile(r"([$`\\\"])")


def printable(value: str) -> bool:
    """Whether ``value`` is one line of visible text (no control characters)."""
    return value.isprintable()


def bash_word(value: str, quote: str = "") -> str | None:
    """``value`` as bash inserts it: escaped as a word, or for inside an open ``quote``;
    None when it cannot be written there."""
    if not printable(value):
        return None
    if quote == "'":
        return None if "'" in value else value
    if quote == '"':
        return _IN_DOUBLE_QUOTES.sub(r"\\\1", value)
    return "".join(c if _BASH_PLAIN.fullmatch(c) else "\\" + c for c in value)


def zsh_safe(value: str) -> bool:
    """Whether ``value`` may be put in typer's zsh completion line (nothing to evaluate)."""
    return printable(value) and not _ZSH_UNSAFE.search(value)


def open_quote(line: str) -> str:
    """The quote still open at the end of a command line (``"`` or ``'``), else ""."""
    quote = ""
    escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote = char
    return quote


class SafeBash(BashComplete):
    """bash: candidates escaped for where they are inserted."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        quote = open_quote(os.environ.get("COMP_WORDS", ""))
        out = []
        for item in super().get_completions(args, incomplete):
            word = bash_word(item.value, quote)
            if word is not None:
                out.append(CompletionItem(word, type=item.type, help=item.help))
        return out


class SafeZsh(ZshComplete):
    """zsh: only candidates with nothing the shell would evaluate."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return [i for i in super().get_completions(args, incomplete) if zsh_safe(i.value)]


class SafeFish(FishComplete):
    """fish: one candidate per line, so none with a line break."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return [i for i in super().get_completions(args, incomplete) if printable(i.value)]


def use_safe_completion() -> None:
    """Answer bash, zsh and fish completion requests with the classes above."""
    classes: dict[str, Any] = {"bash": SafeBash, "zsh": SafeZsh, "fish": SafeFish}
    for shell, cls in classes.items():
        click.shell_completion.add_completion_class(cls, shell)
