"""Writing files safely: whole or not at all, and never over a record that exists.

Every file the advisor writes (decision records, review reports, rule docs) goes through a
temporary file in the target folder, so a crash or a full disk leaves the old file intact
and never a half-written one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError


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
