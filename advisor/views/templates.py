"""The Jinja2 templates of the reports (``reports/``): the decision records and the review.

Free text is data: templates never see user text as template source, and every value
printed by a template is Markdown-escaped unless a filter already made it Markdown. A
user's own template is rendered in a sandbox.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from advisor.core.errors import AdvisorError, InputError
from advisor.core.files import read_text
from advisor.core.resources import shipped_dir

from . import formatting, markdown


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` is Markdown-escaped unless a filter already made it Markdown."""
    if isinstance(value, Markup):
        return value
    return markdown.inline(value)


FILTERS = {
    "md": markdown.inline,
    "cell": markdown.cell,
    "code": markdown.code,
    "usd": lambda value: markdown.inline(formatting.money_or_none(None if value is None else float(value))),
    "saving": lambda value: markdown.inline(formatting.saving_cell(None if value is None else float(value))),
    "secs": lambda value: markdown.inline(formatting.seconds(float(value))),
    "pct": lambda value: markdown.inline(formatting.percent(float(value))),
    "num": lambda value: markdown.inline(formatting.count(float(value))),
    "signed": lambda value: markdown.inline(formatting.signed(float(value))),
    # Rate-limit headroom of a capacity (``{{ capacity | headroom }}``): never a negative share.
    "headroom": lambda cap: markdown.inline(formatting.headroom_words(float(cap["headroom"]), bool(cap["over_limit"]))),
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


@functools.lru_cache(maxsize=1)
def sandbox() -> ImmutableSandboxedEnvironment:
    """The Environment of users' own templates: no attribute games, no mutation, no file access."""
    env = ImmutableSandboxedEnvironment(loader=None, **_OPTIONS)
    env.filters.update(FILTERS)
    return env


def render_shipped(name: str, context: Mapping[str, Any]) -> str:
    """Render a template of ``reports/`` (e.g. ``madr.md.j2``)."""
    return environment().get_template(name).render(context)


def render_user_template(path: str, context: Mapping[str, Any]) -> str:
    """Render a user's own template file in the sandbox; every failure names the template."""
    text = read_text(
        path, what="template", field="--template",
        missing="no such template file; use madr, nygard or the path of your own Jinja2 template",
    )
    try:
        compiled = sandbox().from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax error on line {exc.lineno}: {exc.message}", source=path) from None
    try:
        return compiled.render(context)
    except SecurityError as exc:
        raise AdvisorError(f"the template tried something the sandbox does not allow: {exc}", source=path) from None
    except jinja2.UndefinedError as exc:
        raise InputError(f"template uses an undefined value: {exc.message}", source=path) from None
    except Exception as exc:
        raise InputError(f"template failed: {type(exc).__name__}: {exc}", source=path) from None
