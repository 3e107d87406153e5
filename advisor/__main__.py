"""``python -m advisor``: the same as the ``advisor`` command (and ``python -m advisor.cli``)."""

from advisor.cli import run

run()
