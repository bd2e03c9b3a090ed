"""Dates as people type them on the command line: `yesterday`, `mon`, `last friday`,
`3 days ago`, `2026-11-20`. Pure: the day they are counted from is passed in.

Written here rather than taken from a library: the few forms a note's date needs fit in a
table, and each has one meaning we can state. dateparser (the well-kept choice) reads
"friday" as the coming one or the last one depending on settings, and brings regex, pytz and
tzlocal and a second of import time to every command.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

WEEKDAYS: dict[str, int] = {}
for _n, _names in enumerate((("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
                             ("thu", "thur", "thurs", "thursday"), ("fri", "friday"),
                             ("sat", "saturday"), ("sun", "sunday"))):
    WEEKDAYS.update(dict.fromkeys(_names, _n))

_WORDS = {"today": 0, "yesterday": 1, "tomorrow": -1}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
_AGO = re.compile(r"^(\d{1,5}|[a-z]+)\s+(day|week|month|year)s?\s+ago$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: What to say when a text is not a date.
FORMS = "YYYY-MM-DD, today, yesterday, a weekday (mon, last friday) or '3 days ago'"


class NotADate(ValueError):
    """The text is no date in any form we read; the message says why."""


def _months_back(day: date, months: int) -> date:
    """The same day of the month `months` earlier, or that month's last day (31 March, one
    month back, is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        raise OverflowError
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def parse_when(text: str, today: date) -> date:
    """The date `text` names, counted from `today`:

    - `YYYY-MM-DD`;
    - `today`, `yesterday`, `tomorrow`;
    - a weekday (`mon`, `monday`, `last monday`): the most recent one before today, so on a
      Monday `monday` is a week ago;
    - `N days ago`, `N weeks ago`, `N months ago`, `N years ago` (N a number or a word up to
      ten, or `a`); a month back from the 31st lands on the month's last day.

    Case and extra spaces do not matter. Raises NotADate otherwise."""
    words = " ".join(text.split()).lower()
    if _ISO.match(words):
        try:
            return date.fromisoformat(words)
        except ValueError:
            raise NotADate(f"'{text}' is not a date; write YYYY-MM-DD with a real month and day") from None
    if words in _WORDS:
        return today - timedelta(days=_WORDS[words])
    weekday = words.removeprefix("last ").strip()
    if weekday in WEEKDAYS:
        back = (today.weekday() - WEEKDAYS[weekday]) % 7 or 7
        return today - timedelta(days=back)
    m = _AGO.match(words)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS.get(m.group(1))
        if n is None:
            raise NotADate(f"'{text}': write the number in digits, e.g. '3 days ago'")
        unit = m.group(2)
        try:
            if unit in ("day", "week"):
                return today - timedelta(days=n * (7 if unit == "week" else 1))
            return _months_back(today, n * (12 if unit == "year" else 1))
        except OverflowError:
            raise NotADate(f"'{text}' is too long ago") from None
    raise NotADate(f"'{text}' is not a date; write {FORMS}")
