"""The advisor's version, recorded in every assessment and decision record.

The one place the version is written: pyproject.toml reads it from here (hatch), so
``advisor --version`` needs no package metadata lookup.
"""

__version__ = "0.1.0"
