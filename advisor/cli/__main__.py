"""``python -m advisor.cli``: the same as the ``advisor`` command."""

from advisor.cli import run

run()
