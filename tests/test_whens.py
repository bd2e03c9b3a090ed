"""Dates as people type them (`--date yesterday`): a table of every form, counted from a
Friday, from a Monday and across month and year ends, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers import run_cli
from playbook.whens import FORMS, NotADate, parse_when

FRIDAY = date(2026, 11, 20)
MONDAY = date(2026, 11, 16)


@pytest.mark.parametrize("text, today, expected", [
    ("2026-11-02", FRIDAY, date(2026, 11, 2)),
    ("2027-01-05", FRIDAY, date(2027, 1, 5)),          # an ISO date is itself, future or not
    ("today", FRIDAY, FRIDAY),
    ("yesterday", FRIDAY, date(2026, 11, 19)),
    ("tomorrow", FRIDAY, date(2026, 11, 21)),
    ("Yesterday", FRIDAY, date(2026, 11, 19)),
    ("  YESTERDAY ", FRIDAY, date(2026, 11, 19)),
    ("yesterday", date(2026, 1, 1), date(2025, 12, 31)),
    # A weekday is the most recent one before today…
    ("mon", FRIDAY, date(2026, 11, 16)),
    ("monday", FRIDAY, date(2026, 11, 16)),
    ("thu", FRIDAY, date(2026, 11, 19)),
    ("thurs", FRIDAY, date(2026, 11, 19)),
    ("tues", FRIDAY, date(2026, 11, 17)),
    ("sat", FRIDAY, date(2026, 11, 14)),
    ("sunday", FRIDAY, date(2026, 11, 15)),
    # …so on a Friday, 'friday' and 'last friday' are a week ago, never today.
    ("fri", FRIDAY, date(2026, 11, 13)),
    ("last friday", FRIDAY, date(2026, 11, 13)),
    ("Last  Fri", FRIDAY, date(2026, 11, 13)),
    ("last monday", FRIDAY, date(2026, 11, 16)),
    ("monday", MONDAY, date(2026, 11, 9)),
    ("sunday", MONDAY, date(2026, 11, 15)),
    ("tue", MONDAY, date(2026, 11, 10)),
    # N units ago.
    ("3 days ago", FRIDAY, date(2026, 11, 17)),
    ("1 day ago", FRIDAY, date(2026, 11, 19)),
    ("a day ago", FRIDAY, date(2026, 11, 19)),
    ("0 days ago", FRIDAY, FRIDAY),
    ("two weeks ago", FRIDAY, date(2026, 11, 6)),
    ("1 week ago", FRIDAY, date(2026, 11, 13)),
    ("20 days ago", FRIDAY, date(2026, 10, 31)),
    ("a month ago", FRIDAY, date(2026, 10, 20)),
    ("1 month ago", date(2026, 3, 31), date(2026, 2, 28)),   # no 31 February: the month's last day
    ("1 month ago", date(2028, 3, 31), date(2028, 2, 29)),
    ("13 months ago", date(2026, 1, 15), date(2024, 12, 15)),
    ("a year ago", date(2028, 2, 29), date(2027, 2, 28)),
])
def test_forms(text: str, today: date, expected: date):
    assert parse_when(text, today) == expected


@pytest.mark.parametrize("text, message", [
    ("2026-02-30", "'2026-02-30' is not a date; write YYYY-MM-DD with a real month and day"),
    ("20/11/2026", f"'20/11/2026' is not a date; write {FORMS}"),
    ("last week", f"'last week' is not a date; write {FORMS}"),
    ("next friday", f"'next friday' is not a date; write {FORMS}"),
    ("frday", f"'frday' is not a date; write {FORMS}"),
    ("", f"'' is not a date; write {FORMS}"),
    ("-3 days ago", f"'-3 days ago' is not a date; write {FORMS}"),
    ("eleven days ago", "'eleven days ago': write the number in digits, e.g. '3 days ago'"),
    ("99999 years ago", "'99999 years ago' is too long ago"),
    ("99999 days ago", None),  # a date long ago is still a date (the command checks the range)
])
def test_refused(text: str, message: str | None):
    if message is None:
        assert parse_when(text, FRIDAY) == FRIDAY - timedelta(days=99999)
        return
    with pytest.raises(NotADate) as exc:
        parse_when(text, FRIDAY)
    assert str(exc.value) == message


def test_the_command_line_takes_them_and_checks_the_range():
    code, _, err = run_cli(["check", "--as-of", "99999 days ago"])
    assert code == 2 and "is out of range; give a date from 1900-01-01 to 2999-12-31" in err
    code, _, err = run_cli(["check", "--as-of", "someday"])
    assert code == 2 and f"'someday' is not a date; write {FORMS}" in err
