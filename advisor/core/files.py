"""Files, read and written safely: the one place the advisor touches the disk.

Reading: regular files only (a device, a FIFO or a socket is refused before a byte is
read), at most MAX_FILE_BYTES counted while reading (a size the file system reports can
be 0 for a device), UTF-8 text; every problem an InputError naming the file.

Writing: whole or not at all. Every file the advisor writes (decision records, review
reports, rule docs, starter workloads) goes through a temporary file in the target folder
and an atomic rename, so a crash or a full disk leaves the old file intact and never a
half-written one. ``write_output`` is what a command's ``-o FILE`` goes through: it never
replaces an existing file unless forced, never one of the command's own inputs even when
forced, and never a symbolic link.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError

# Workloads, rule files, records and templates are small; anything bigger is a mistake.
MAX_FILE_BYTES = 1_000_000
_CHUNK = 64 * 1024


# -- reading ------------------------------------------------------------------------------


# A path a Python caller built with a NUL in it: the OS refuses it with a ValueError, not an
# OSError (a command line cannot hold one).
NUL_IN_PATH = "the path holds a NUL byte, which no file name can"


def link_problem(path: Path) -> str | None:
    """What is wrong with ``path`` as a symbolic link: dangling, or a loop (else None)."""
    if not path.is_symlink():
        return None
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop this way
        return "is a symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link loop"
        return f"is a symbolic link to {os.readlink(path)}, which does not exist"
    return None


def _not_regular(mode: int, does: str = "reads") -> str:
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"is {kind}, not a regular file; advisor {does} files only"


def _open_error(exc: OSError, path: Path, what: str, missing: str | None) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symbolic link loop"
    if exc.errno in (errno.ENXIO, errno.ENODEV, errno.EOPNOTSUPP):  # a socket, or a device without a driver
        try:
            return _not_regular(path.stat().st_mode)
        except OSError:
            pass
    if isinstance(exc, FileNotFoundError):
        return link_problem(path) or missing or f"no such {what}"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, NotADirectoryError):
        return missing or f"no such {what} (a part of the path is a file, not a folder)"
    return f"cannot read {what}: {exc.strerror or exc}"


def read_bytes(path: str | Path, *, what: str = "file", missing: str | None = None, field: str | None = None) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES.

    Opened without blocking (a FIFO with no writer would wait forever) and checked with
    ``fstat`` on the open file, so what is read is what was checked. The cap is counted
    while reading: ``/dev/zero`` or a file that grows cannot make it read more.
    """
    if not isinstance(path, Path):  # a Path as is (parsing it again: 37,000 instructions a review file)
        path = Path(path)
    source = str(path)
    if "\0" in source:
        raise InputError(NUL_IN_PATH, source=source, field=field)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(_open_error(exc, path, what, missing), source=source, field=field) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"is a folder, expected a {what}", source=source, field=field)
        if not stat.S_ISREG(mode):
            raise InputError(_not_regular(mode), source=source, field=field)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(_CHUNK, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", source=source, field=field) from None
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise InputError(f"{what} is larger than {MAX_FILE_BYTES:,} bytes", source=source, field=field)
    return b"".join(chunks)


def read_text(path: str | Path, *, what: str = "file", missing: str | None = None, field: str | None = None) -> str:
    """The text of a regular UTF-8 file of at most MAX_FILE_BYTES.

    ``what`` names the kind of file in messages ("YAML file", "template"); ``missing``
    replaces the message for a file that does not exist.
    """
    raw = read_bytes(path, what=what, missing=missing, field=field)
    return decode_text(raw, str(path), what=what, field=field)


def decode_text(raw: bytes, source: str, *, what: str = "file", field: str | None = None) -> str:
    """Bytes from a file or an upload as text: bounded and UTF-8, or an InputError."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{what} is larger than {MAX_FILE_BYTES:,} bytes", source=source, field=field)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} is not UTF-8 text (byte {exc.start + 1:,} is not valid UTF-8)", source=source, field=field
        ) from None


def folder_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be used as a folder to read, in words (None when it can)."""
    path = Path(path)
    if "\0" in str(path):
        return NUL_IN_PATH
    if (link := link_problem(path)) is not None:
        return link
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such folder"
    except PermissionError:
        return "permission denied"
    except NotADirectoryError:
        return "a part of the path is a file, not a folder"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return None if stat.S_ISDIR(mode) else "is a file, not a folder"


# -- finding files in folders ---------------------------------------------------------------

# Why a folder was not searched: a hidden one (.git, .github); verify and review say so.
HIDDEN_FOLDER = "hidden folder, not searched"


class FileFinder:
    """Walks the given paths: the files wanted, and every file passed over with why.

    A folder is searched in name order, with its subfolders unless ``recurse`` is off; a
    symbolic link to a folder is followed, and each folder is searched once (a link back up
    the tree, or a folder given twice, is said, not walked again). Hidden files and folders
    are passed over; so are dangling links and link loops. The same file reached under two
    names is taken once. ``wanted`` says why a file of a folder is not taken (None: take it);
    a file named directly is always taken. A path that does not exist, or a folder that
    cannot be listed, is an error, not a stop.
    """

    # How a second name of a file already taken is said: "the same file as X, <once>".
    once = "taken once"

    def __init__(self, recurse: bool = True):
        self.recurse = recurse
        self.files: list[Path] = []
        self.skipped: list[tuple[Path, str]] = []
        self.errors: list[tuple[Path, str]] = []
        self._seen_files: dict[object, Path] = {}
        self._seen_folders: set[Path] = set()

    def wanted(self, name: str, folder_names: frozenset[str]) -> str | None:
        """Why a file called ``name`` in a folder holding ``folder_names`` is not taken, or None."""
        return None

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append((path, reason))

    def add(self, path: Path, identity: tuple[int, int] | None = None) -> None:
        # The same file under two names (a link, a path given twice): its device and inode,
        # from the folder listing where there is one (no path walk per file).
        key: object = identity if identity is not None else _file_key(path)
        first = self._seen_files.get(key)
        if first is not None:
            self.skip(path, f"the same file as {first}, {self.once}")
            return
        self._seen_files[key] = path
        self.files.append(path)

    def given(self, path: Path) -> None:
        """A path named on the command line: a folder to search, or a file to take as is."""
        problem = folder_problem(path)
        if problem is None:
            self.folder(path)
        elif problem == "is a file, not a folder":
            self.add(path)
        else:
            self.errors.append((path, "no such file or folder" if problem == "no such folder" else problem))

    def folder(self, folder: Path) -> None:
        key = folder.resolve()
        if key in self._seen_folders:
            self.skip(folder, "a folder already searched (through a link or given twice)")
            return
        self._seen_folders.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            self.errors.append((folder, f"cannot list the folder: {exc.strerror or exc}"))
            return
        names = frozenset(e.name for e in entries)
        for entry in entries:
            path = folder / entry.name  # (cheaper than parsing entry.path again)
            if entry.name.startswith("."):
                self.skip(path, HIDDEN_FOLDER if entry.is_dir() else "hidden file")
                continue
            if entry.is_symlink() and (problem := link_problem(path)) is not None:
                self.skip(path, problem.removeprefix("is "))
                continue
            if entry.is_dir():
                if self.recurse:
                    self.folder(path)
                else:
                    self.skip(path, "a subfolder, not searched (--no-recurse)")
            elif (reason := self.wanted(entry.name, names)) is not None:
                self.skip(path, reason)
            elif not entry.is_file():
                self.skip(path, "not a regular file")
            else:
                info = entry.stat()
                self.add(path, (info.st_dev, info.st_ino))


def _file_key(path: Path) -> tuple[int, int] | Path:
    try:
        info = path.stat()
    except OSError:  # reported when it is read
        return path.resolve()
    return info.st_dev, info.st_ino


# -- writing ------------------------------------------------------------------------------


def _write_temp(directory: Path, text: str | Iterable[str], mode: int | None = None) -> Path:
    """A new hidden file in ``directory`` holding ``text``, flushed to disk, with ``mode``
    (None: what open() gives a new file, 0666 less the umask, which the kernel applies; the
    umask is never read, since reading it means setting it, for every thread at once)."""
    # A random name (as mkstemp's, whose files are 0600 whatever the umask), created exclusively
    # and, while it is written, never more open than the file it becomes.
    name = os.path.join(directory, f".advisor-{os.urandom(12).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(name, flags, 0o666 if mode is None else mode)
    try:
        # surrogateescape: a file name that is not UTF-8 (Python holds its undecodable bytes as
        # lone surrogates) is written back as the bytes the file system has, so a link to it works.
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:  # written as it is made: a long report is never held whole
                for chunk in text:
                    handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(name, mode)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _file_target(path: str | Path, field: str | None) -> Path:
    """The path of a file to write. A name that ends in a slash names a folder: Path() would
    drop the slash and a file would be written under the name without it."""
    text = os.fspath(path)
    if text.endswith(tuple(sep for sep in (os.sep, os.altsep) if sep)):
        raise InputError(
            "ends in a slash, so it names a folder; give the name of the file to write", source=text, field=field
        )
    return Path(text)


def _check_target(path: Path, field: str | None) -> None:
    if path.is_symlink():
        # Replacing the link would turn it into a file; writing through it would change a
        # file somewhere else. Neither is what the user asked for.
        target = os.readlink(path)
        raise InputError(
            f"is a symbolic link (to {target}); advisor never replaces a link or writes through it: "
            "give the file's own path or another name",
            source=str(path), field=field,
        )
    if path.is_dir():
        raise InputError("is a folder; give a file name", source=str(path), field=field)
    try:
        mode: int | None = path.lstat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # A rename over a device, a FIFO or a socket would put a file in its place (run as
        # root, /dev/null itself).
        raise InputError(_not_regular(mode, "writes"), source=str(path), field=field)
    problem = folder_problem(path.parent if str(path.parent) else ".")
    if problem is not None:
        where = path.parent if str(path.parent) else Path(".")
        if problem == "no such folder":
            raise InputError(f"the folder to write into ({where}) does not exist", source=str(path), field=field)
        said = f"it {problem}" if problem.startswith("is ") else problem  # "it is a file", "permission denied"
        raise InputError(f"cannot write into {where}: {said}", source=str(path), field=field)


def write_atomic(path: str | Path, text: str | Iterable[str], *, field: str | None = None) -> None:
    """Write or replace ``path`` atomically, keeping an existing file's permissions.

    A symbolic link is never replaced (an InputError says so).
    """
    target = _file_target(path, field)
    _check_target(target, field)
    try:
        mode: int | None = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = None
    try:
        temp = _write_temp(target.parent, text, mode)
        try:
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", source=str(target), field=field) from None


def create_exclusive(
    path: str | Path,
    text: str | Iterable[str],
    *,
    what: str = "file",
    field: str | None = None,
    exists_message: str | None = None,
) -> None:
    """Create ``path`` whole or not at all; an existing file (or link) is never overwritten.

    ``exists_message``: what to say when the file exists (default: that a ``what`` is never
    overwritten, true of a decision record)."""
    target = _file_target(path, field)
    exists = InputError(
        exists_message or f"already exists; a {what} is never overwritten", source=str(target), field=field
    )
    if os.path.lexists(target) and not target.is_dir():
        raise exists
    _check_target(target, field)
    try:
        temp = _write_temp(target.parent, text)
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", source=str(target), field=field) from None
    try:
        os.link(temp, target)  # fails if the name exists, even as a dangling link: exclusive and atomic
    except FileExistsError:
        raise exists from None
    except OSError:
        # No hard links on this filesystem: exclusive create, then the same bytes; a copy that
        # fails (a full disk) takes the name away again, so no half file is left under it.
        try:
            handle = open(target, "xb")  # noqa: SIM115 - closed below, before the name may go
        except FileExistsError:
            raise exists from None
        except OSError as exc:
            raise InputError(f"cannot write here: {exc.strerror or exc}", source=str(target), field=field) from None
        try:
            with handle, open(temp, "rb") as written:
                shutil.copyfileobj(written, handle)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException as exc:
            target.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise InputError(
                    f"cannot write here: {exc.strerror or exc}", source=str(target), field=field
                ) from None
            raise
    finally:
        temp.unlink(missing_ok=True)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def check_output(
    path: str | Path,
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    field: str | None = "--output",
    what: str = "file",
) -> None:
    """Refuse an output path before any work is done (``write_output`` checks again).

    A folder, a symbolic link, a missing folder to write into, one of the command's
    ``inputs`` (even with ``force``, whatever path names it: a link, ``..``, a hard link),
    and, without ``force``, anything that already exists.
    """
    target = _file_target(path, field)
    _check_target(target, field)
    mine = _identity(target)
    if mine is not None:
        for given in inputs:
            if _identity(Path(given)) == mine:
                raise InputError(
                    f"is one of this command's inputs ({given}); advisor never writes over its input, "
                    "even with --force",
                    source=str(target), field=field,
                )
    if not force and os.path.lexists(target):
        raise InputError(f"already exists; pass --force to replace the {what}", source=str(target), field=field)


def write_output(
    path: str | Path,
    text: str | Iterable[str],
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    field: str | None = "--output",
    what: str = "file",
) -> None:
    """Write a command's output file, losing nothing a user has (see ``check_output``).

    ``text`` may come in pieces (a report written as it is made). Through a temporary file
    and an atomic rename: whole or not at all. Without ``force``
    the file is created exclusively, so a file that appears meanwhile is kept, not replaced.
    """
    inputs = list(inputs)
    check_output(path, inputs=inputs, force=force, field=field, what=what)
    if force:
        write_atomic(path, text, field=field)
    else:
        # Checked above: a file there now was made meanwhile (by another run); --force would replace it.
        create_exclusive(
            path, text, what=what, field=field,
            exists_message=f"already exists (it appeared while this {what} was being made); pass --force to replace it",
        )
