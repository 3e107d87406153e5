"""Files, read and written safely: the one place the advisor touches the disk.

Reading: a bounded UTF-8 text file, every problem an InputError naming the file.
Writing: whole or not at all, and never over a record that exists. Every file the advisor
writes (decision records, review reports, rule docs) goes through a temporary file in the
target folder, so a crash or a full disk leaves the old file intact and never a
half-written one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError

# Workloads, rule files, records and templates are small; anything bigger is a mistake.
MAX_FILE_BYTES = 1_000_000


# -- reading ------------------------------------------------------------------------------


def read_text(path: str | Path, *, what: str = "file", missing: str | None = None, field: str | None = None) -> str:
    """The text of a UTF-8 file of at most MAX_FILE_BYTES.

    ``what`` names the kind of file in messages ("YAML file", "template"); ``missing``
    replaces the message for a file that does not exist.
    """
    path = Path(path)
    source = str(path)
    try:
        if path.is_dir():
            raise InputError(f"is a folder, expected a {what}", source=source, field=field)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{what} is larger than {MAX_FILE_BYTES:,} bytes", source=source, field=field)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(missing or f"no such {what}", source=source, field=field) from None
    except PermissionError:
        raise InputError("permission denied", source=source, field=field) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", source=source, field=field) from None
    return decode_text(raw, source, what=what, field=field)


def decode_text(raw: bytes, source: str, *, what: str = "file", field: str | None = None) -> str:
    """Bytes from a file or an upload as text: bounded and UTF-8, or an InputError."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{what} is larger than {MAX_FILE_BYTES:,} bytes", source=source, field=field)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", source=source, field=field) from None


# -- writing ------------------------------------------------------------------------------


def _default_mode() -> int:
    # What open() would give a new file: 0666 less the umask (mkstemp's own is 0600).
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_temp(directory: Path, text: str, mode: int) -> Path:
    fd, name = tempfile.mkstemp(prefix=".advisor-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, mode)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _check_target(path: Path, field: str | None) -> None:
    if path.is_dir():
        raise InputError("is a folder; give a file name", source=str(path), field=field)
    if not path.parent.is_dir():
        raise InputError("the folder to write into does not exist", source=str(path), field=field)


def write_atomic(path: str | Path, text: str, *, field: str | None = None) -> None:
    """Write or replace ``path`` atomically, keeping an existing file's permissions."""
    target = Path(path)
    _check_target(target, field)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = _default_mode()
    try:
        temp = _write_temp(target.parent, text, mode)
        try:
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", source=str(target), field=field) from None


def create_exclusive(path: str | Path, text: str, *, what: str = "file") -> None:
    """Create ``path`` whole or not at all; an existing file is never overwritten."""
    target = Path(path)
    _check_target(target, None)
    exists = InputError(f"already exists; a {what} is never overwritten", source=str(target))
    try:
        temp = _write_temp(target.parent, text, _default_mode())
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", source=str(target)) from None
    try:
        os.link(temp, target)  # fails if the name exists: exclusive and atomic
    except FileExistsError:
        raise exists from None
    except OSError:
        # No hard links on this filesystem: exclusive create, then the same bytes.
        try:
            with open(target, "x", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except FileExistsError:
            raise exists from None
    finally:
        temp.unlink(missing_ok=True)
