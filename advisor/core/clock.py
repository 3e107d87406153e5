"""Today's date, in UTC: the default price date and a new decision record's date.

``ADVISOR_TODAY`` (YYYY-MM-DD), when set, fixes it. A run that must give the same output on
any day (a CI job, a test suite, a benchmark, a record regenerated for review) sets it; a
catalogue fact that takes effect on a date (a model's shutdown) then takes effect as it would
on that day. (Not SOURCE_DATE_EPOCH: build shells such as Nix's set that to 1980 for every
program in them.)
"""

from __future__ import annotations

import datetime
import os

from .errors import InputError

TODAY_ENV = "ADVISOR_TODAY"


def today() -> datetime.date:
    fixed = os.environ.get(TODAY_ENV)
    if not fixed:  # unset or empty: the clock's
        return datetime.datetime.now(datetime.UTC).date()
    try:
        return datetime.date.fromisoformat(fixed)
    except ValueError:
        raise InputError(f"expected a date as YYYY-MM-DD, got {fixed!r}", source=f"${TODAY_ENV}") from None
