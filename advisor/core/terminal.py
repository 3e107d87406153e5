"""Text bound for a terminal or a log: a file name or a message that came from outside
(a path with an escape sequence in it) is shown, never obeyed."""

from __future__ import annotations


def printable(text: str) -> str:
    """One line for a terminal: control characters (escape sequences, newlines) shown, not obeyed."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def controls_escaped(text: str) -> str:
    """``text`` with its control characters (C0, DEL, C1, and the undecodable bytes of a file
    name that would be C1 controls) as their escapes; everything else as it is, a Latin-1 file
    name's other bytes included, so a file written with it names the file as the file system
    has it."""
    return "".join(repr(ch)[1:-1] if _control(ch) else ch for ch in text)


def _control(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xDC80 <= code <= 0xDC9F
