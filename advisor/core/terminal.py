"""Text bound for a terminal or a log: a file name or a message that came from outside
(a path with an escape sequence in it) is shown, never obeyed."""

from __future__ import annotations


def printable(text: str) -> str:
    """One line for a terminal: control characters (escape sequences, newlines) shown, not obeyed."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
