"""The advisor's version, recorded in every assessment and decision record."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("advisor")
except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
    __version__ = "0.0.0+checkout"
