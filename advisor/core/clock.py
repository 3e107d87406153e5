"""Today's date, in UTC: the default price date and a new decision record's date.

``ADVISOR_TODAY`` (YYYY-MM-DD), when set, fixes it. A run that must give the same output on
any day (a CI job, a test suite, a benchmark, a record regenerated for review) sets it; a
catalogue fact that takes effect on a date (a model's shutdown) then takes effect as it would
on that day. (Not SOURCE_DATE_EPOCH: build shells such as Nix's set that to 1980 for every
program in them.)
"""

from __future__ import annotations

import calendar
import datetime
import os
import re

from .errors import InputError

TODAY_ENV = "ADVISOR_TODAY"
# The one form a date is taken in. date.fromisoformat alone also reads 20261101 and the ISO
# week date 2026-W44-1 (a Monday, 2026-10-26), which the messages and --help never offer.
_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# In English whatever the locale (calendar.month_name follows it).
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def today() -> datetime.date:
    fixed = os.environ.get(TODAY_ENV)
    if not fixed:  # unset or empty: the clock's
        return datetime.datetime.now(datetime.UTC).date()
    return as_date(fixed, source=f"${TODAY_ENV}")


def as_date(value: object, *, field: str | None = None, source: str | None = None) -> datetime.date:
    """A date as advisor takes one, on the command line, in $ADVISOR_TODAY and in the Python
    API alike: text YYYY-MM-DD, or a ``datetime.date``. Not a ``datetime``: its hour and zone
    would be dropped unseen (prices change at an hour, UTC). Anything else is an InputError
    naming ``field`` (or ``source``), worded the same wherever a date is taken."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        if _YYYY_MM_DD.fullmatch(value):
            impossible = not_on_the_calendar(value)
            if impossible is not None:  # written as asked, but no such day: say which part is off
                raise InputError(impossible, field=field, source=source)
            return datetime.date.fromisoformat(value)
        raise InputError(f"expected a date as YYYY-MM-DD, got {value!r}", field=field, source=source)
    raise InputError(
        f"expected a date as YYYY-MM-DD or a datetime.date, got {value!r}", field=field, source=source
    )


def not_on_the_calendar(text: str) -> str | None:
    """Why YYYY-MM-DD ``text`` names no day ("2026-02-30 is not a day on the calendar (February
    2026 has 28 days)"); None where it names one, or is not of that form: a user who wrote the
    form right is told what is wrong with the day, not to write the form."""
    if not _YYYY_MM_DD.fullmatch(text):
        return None
    year, month, day = (int(part) for part in text.split("-"))
    if year < datetime.MINYEAR:
        why = "the years start at 0001"
    elif not 1 <= month <= 12:
        why = "a year has 12 months, 01 to 12"
    else:
        last = calendar.monthrange(year, month)[1]
        if 1 <= day <= last:
            return None
        why = f"{_MONTHS[month - 1]} {year} has {last} days"
    return f"{text} is not a day on the calendar ({why})"
