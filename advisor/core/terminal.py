"""Text bound for a terminal or a log: a file name or a message that came from outside
(a path with an escape sequence in it) is shown, never obeyed."""

from __future__ import annotations


def printable(text: str) -> str:
    r"""One line for a terminal: control characters (escape sequences, newlines) shown, not obeyed.
    A byte of a file name that is not UTF-8 (a Latin-1 "caf\xe9.yaml") is shown as that byte,
    ``\xe9``, not as the stand-in Python decodes it to (``\udce9``, which names no byte)."""
    return "".join(ch if ch.isprintable() else _escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape: the undecodable byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return repr(ch)[1:-1]


def controls_escaped(text: str) -> str:
    """``text`` with its control characters (C0, DEL, C1, and the undecodable bytes of a file
    name that would be C1 controls) as their escapes; everything else as it is, a Latin-1 file
    name's other bytes included, so a file written with it names the file as the file system
    has it."""
    return "".join(repr(ch)[1:-1] if _control(ch) else ch for ch in text)


def _control(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xDC80 <= code <= 0xDC9F
