"""The Jinja2 templates of the reports (``reports/``): the decision records and the review.

Free text is data: templates never see user text as template source, and every value
printed by a template is Markdown-escaped unless a filter already made it Markdown. A
user's own template is rendered in a sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from advisor.core.errors import AdvisorError, InputError
from advisor.core.files import MAX_FILE_BYTES, read_text
from advisor.core.resources import shipped_dir

from . import formatting, markdown


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` is Markdown-escaped unless a filter already made it Markdown."""
    if isinstance(value, Markup):
        return value
    return markdown.inline(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "md": markdown.inline,
    # A list item inside a sentence: its first letter lowered, names and acronyms kept.
    "in_a_sentence": formatting.in_a_sentence,
    "cell": markdown.cell,
    "code": markdown.code,
    # ``like``: a figure read beside it, whose step it is shown in where coarser (a cost table's column).
    "usd": lambda value, like=0.0: markdown.inline(
        formatting.money_or_none(None if value is None else float(value), like=float(like or 0.0))
    ),
    # A saving against today, in the step of the larger of the two monthly costs (``like``).
    "saving": lambda value, like=0.0: markdown.inline(
        formatting.saving_cell(None if value is None else float(value), float(like or 0.0))
    ),
    "secs": lambda value: markdown.inline(formatting.seconds(float(value))),
    # A figure the advisor does not know (a rate limit nobody published) reads "unknown".
    "pct": lambda value: markdown.inline("unknown" if value is None else formatting.percent(float(value))),
    "num": lambda value: markdown.inline("unknown" if value is None else formatting.count(float(value))),
    # A volume from which something holds (batch's break-even): the first whole count at or above it.
    "num_from": lambda value: markdown.inline("unknown" if value is None else formatting.count_from(float(value))),
    "signed": lambda value: markdown.inline(formatting.signed(float(value))),
    # A value a field would be set to, as its user writes it: ``{{ c.value | setting(c.fact) }}``.
    "setting": lambda value, field="": markdown.inline(formatting.setting(value, str(field))),
    # Rate-limit headroom of a capacity (``{{ capacity | headroom }}``): never a negative share.
    "headroom": lambda cap: markdown.inline(
        formatting.headroom_words(None if cap["headroom"] is None else float(cap["headroom"]), bool(cap["over_limit"]))
    ),
}
_OPTIONS: dict[str, Any] = {
    "autoescape": False,  # Markdown, not HTML: _finalize escapes instead
    "finalize": _finalize,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Environment of the shipped templates (built once)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(shipped_dir("reports")), auto_reload=False, **_OPTIONS)
    env.filters.update(FILTERS)
    return env


# What a user's own template may take: the output of a decision record (a file advisor
# reads back, so no bigger than it reads), a few seconds, and some memory.
MAX_OUTPUT_CHARS = MAX_FILE_BYTES
TIME_LIMIT_S = 3.0
MEMORY_LIMIT_BYTES = 512 * 1024 * 1024


class _ContainedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, refusing the arithmetic that builds a huge value in one step
    (``'a' * 4000000000``, ``10 ** 10 ** 10``): no loop or output check could stop it."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = (int, float)
        sequences = (str, list, tuple)
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, sequences) and isinstance(times, int) and len(seq) * times > MAX_OUTPUT_CHARS:
                    raise SecurityError(f"a repetition of {len(seq) * times:,} items; at most {MAX_OUTPUT_CHARS:,}")
        elif operator == "**" and isinstance(left, numbers) and isinstance(right, numbers):
            if abs(left) > 1 and right > 1_000:
                raise SecurityError(f"a power with an exponent of {right} is too big to compute")
        elif (
            operator == "+" and isinstance(left, sequences) and isinstance(right, type(left))
            and len(left) + len(right) > MAX_OUTPUT_CHARS
        ):
            raise SecurityError(f"a value of more than {MAX_OUTPUT_CHARS:,} characters")
        return super().call_binop(context, operator, left, right)


@functools.lru_cache(maxsize=1)
def sandbox() -> ImmutableSandboxedEnvironment:
    """The Environment of users' own templates: no attribute games, no mutation, no file
    access, no single operation that builds a huge value."""
    env = _ContainedSandbox(loader=None, **_OPTIONS)
    env.filters.update(FILTERS)
    return env


def render_shipped(name: str, context: Mapping[str, Any]) -> str:
    """Render a template of ``reports/`` (e.g. ``madr.md.j2``)."""
    return environment().get_template(name).render(context)


def render_user_template(path: str, context: Mapping[str, Any], shipped: Sequence[str] = ("madr", "nygard")) -> str:
    """Render a user's own template file in the sandbox, within limits; every failure names
    the template.

    The template runs in a child process (where the system can fork) with a memory limit,
    a time limit of TIME_LIMIT_S and an output limit of MAX_OUTPUT_CHARS: a loop of loops,
    a runaway value or an endless output ends in an InputError, never a hang.
    """
    names = " or ".join(shipped)
    use = f"use {names} (the shipped templates, named in lower case) or the path of your own Jinja2 template"
    meant = str(path).lower()
    if meant in shipped:  # NYGARD, Madr: a shipped template's name in another case
        missing = f"no such template file; did you mean {meant}? Template names are case-sensitive: {use}"
    else:
        missing = f"no such template file; {use}"
    # A byte-order mark is how an editor marked the file UTF-8, not text the record starts with
    # (before {{ inputs_block }}, it hid the fence that verify reads back).
    text = read_text(path, what="template", field="--template", missing=missing).removeprefix("\ufeff")
    try:
        tree = sandbox().parse(text)  # syntax only: compiling computes constant expressions, outside the limits
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax error on line {exc.lineno}: {exc.message}", source=path) from None
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        # The sandbox has no loader: a template of one's own reads no other file.
        raise InputError(
            f"line {node.lineno}: a template of your own is one file; include, import and extends "
            "cannot load another template",
            source=path,
        )
    if not hasattr(os, "fork"):  # pragma: no cover - no fork: the sandbox and the output limit only
        status, body = _render_limited(text, context)
    else:
        status, body = _render_in_child(text, context)
    if status == _OK:
        return body
    if status == _SECURITY:
        raise AdvisorError(f"the template tried something the sandbox does not allow: {body}", source=path)
    raise InputError(body, source=path)


_OK, _SECURITY, _FAILED = "0", "1", "2"


def _render_limited(text: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Compile and render: (status, the output or what went wrong), the output cut off at
    MAX_OUTPUT_CHARS."""
    parts: list[str] = []
    size = 0
    try:
        for part in sandbox().from_string(text).generate(context):
            size += len(part)
            if size > MAX_OUTPUT_CHARS:
                return _FAILED, f"the template's output is larger than {MAX_OUTPUT_CHARS:,} characters"
            parts.append(part)
    except SecurityError as exc:
        return _SECURITY, str(exc)
    except jinja2.UndefinedError as exc:
        return _FAILED, f"template uses an undefined value: {exc.message}"
    except MemoryError:
        return _FAILED, f"the template needs more than {MEMORY_LIMIT_BYTES // 2**20:,} MB of memory"
    except RecursionError:
        return _FAILED, "the template nests too deeply"
    except Exception as exc:
        return _FAILED, f"template failed: {type(exc).__name__}: {exc}"
    return _OK, "".join(parts)


def _render_in_child(text: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Render in a forked child under the limits; the parent waits at most TIME_LIMIT_S."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, report, exit without running the parent's clean-up
        code = 0
        try:
            os.close(read_end)
            _limit_memory()
            status, body = _render_limited(text, context)
            data = (status + body).encode("utf-8", "surrogatepass")
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
        except BaseException:  # pragma: no cover - the parent reports a child that says nothing
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + TIME_LIMIT_S
    limit = 4 * MAX_OUTPUT_CHARS + 1  # UTF-8 bytes of the largest output allowed, and the status
    problem: str | None = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                problem = f"the template took longer than {TIME_LIMIT_S:g} s (a loop too long?)"
                break
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                problem = f"the template's output is larger than {MAX_OUTPUT_CHARS:,} characters"
                break
    finally:
        os.close(read_end)
        if problem is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, wait_status = os.waitpid(pid, 0)
    if problem is not None:
        return _FAILED, problem
    raw = b"".join(chunks)
    if not raw:
        killed = os.WIFSIGNALED(wait_status)
        return _FAILED, (
            f"the template needs more than {MEMORY_LIMIT_BYTES // 2**20:,} MB of memory" if killed
            else "the template could not be rendered"
        )
    text = raw.decode("utf-8", "surrogatepass")
    return text[0], text[1:]


def _limit_memory() -> None:
    """In the child: at most MEMORY_LIMIT_BYTES more address space than it starts with."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = used + MEMORY_LIMIT_BYTES
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):  # pragma: no cover - no such limit here: time and output still hold
        pass
