"""The day a promise is for (`engine.occasion`), and what the site says once it has gone by.

Kestrel's "Build and enrol 12 laptops for the 1 December starters", due 27 Nov, read on 4 Dec
"7 days overdue… at risk if still open on 12 Dec", as if there were still time: the starters
had begun, with laptops or without them (an account manager's objection).
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from msgspec.structs import replace

from engine_factory import AS_OF, Source, config, customer, d, promise, steady_history, touch
from playbook.engine import analyse
from playbook.engine.brief import handle_with_care
from playbook.engine.occasion import occasion
from playbook.model import Event

LONG_AGO = d(800)
NOV_18, NOV_27 = date(2026, 11, 18), date(2026, 11, 27)


@pytest.mark.parametrize("text, made_on, due, expected", [
    ("Build and enrol 12 laptops for the 1 December starters", NOV_18, NOV_27, (date(2026, 12, 1), None)),
    ("Laptops ready for the starters on Dec 1st", NOV_18, NOV_27, (date(2026, 12, 1), None)),
    # No feasts: a hotel's "pre-Christmas" check is for the party season, weeks before 25 Dec.
    ("Book the pre-Christmas Wi-Fi health check", date(2026, 10, 29), NOV_27, None),
    ("Accounts for the 5 January starters", date(2026, 12, 20), date(2026, 12, 30), (date(2027, 1, 5), None)),
    # An event gone by when the promise was made is what the work is about, not what it is for.
    ("Send root-cause report for the 3 November outage", date(2026, 11, 6), date(2026, 11, 13), None),
    ("Send the pricing by 27 November", NOV_18, NOV_27, None),   # the deadline said twice
    ("Review the contract after 1 December", NOV_18, NOV_27, None),
    ("Call them in the new year", NOV_18, NOV_27, None),
    ("Send the 31 February figures", NOV_18, NOV_27, None),
    ("Order 12 laptops and 3 docks", NOV_18, NOV_27, None),
    ("Plan for 2 December, then the 9 December go-live", NOV_18, NOV_27, (date(2026, 12, 2), None)),  # the first
])
def test_the_day_a_promise_is_for(text, made_on, due, expected):
    assert occasion(text, made_on, due) == expected


def laptops(for_days_ago: int, due_days_ago: int = 10):
    text = f"Build the laptops for the {d(for_days_ago).day} {d(for_days_ago):%B} starters"
    p = promise(text, due=d(due_days_ago))
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p,)), since=LONG_AGO)
    r = analyse(c, config(), AS_OF)
    return next(a for a in r.actions if a.title == text), r


def test_once_the_day_it_was_for_has_gone_by_it_says_tick_it_or_say_what_now():
    a, r = laptops(for_days_ago=5)   # late by 10 days, short of the 14 that bring "tick it" otherwise
    note = os.path.basename(a.source.path)
    assert a.why.endswith(f" It was for 15 Nov 2026, which has gone by: if it was done, tick it in {note}; "
                          "if not, tell Ann Lee what we will do now.")
    assert "when it will come" not in a.why
    (late,) = [t.text for t in handle_with_care(r) if t.text.startswith("We are late on")]
    assert late == ("We are late on: Build the laptops for the 15 November starters (due 10 Nov 2026, 10 days ago; "
                    "it was for 15 Nov 2026). Check first whether it was done in time; if not, say what we will do now.")


def test_while_the_day_it_is_for_is_still_to_come_it_says_how_soon():
    a, r = laptops(for_days_ago=-5)
    assert a.why.endswith(" It is for 25 Nov 2026, in 5 days.")
    assert any(t.text.endswith("Say when it will come.") for t in handle_with_care(r))


def test_a_promise_not_yet_late_says_nothing_of_it():
    a, _ = laptops(for_days_ago=-20, due_days_ago=-5)
    assert " It is for" not in a.why and " It was for" not in a.why


def test_a_promise_made_in_a_note_naming_one_of_their_dates_is_for_that_date():
    """Loomwork: "Send the device order confirmation to Marta" was made in Marta's note of the
    starters' "first day Monday 7 December", the day customer.yaml's `dates` gives them; it read
    26 days overdue a fortnight after they began, as if still useful."""
    starters = Event("First day of the five starters", d(5), "Ann Lee", 7, Source("content/customers/x/customer.yaml", 12))
    p = promise("Send the device order confirmation", due=d(10))
    note = replace(touch(15, 1, commitments=(p,)), body=f"Five starters, first day Monday {d(5).day} {d(5):%B}.\n")
    c = replace(customer(*steady_history(until_days_ago=30), note, since=LONG_AGO), dates=(starters,))
    r = analyse(c, config(), AS_OF)
    (a,) = [a for a in r.actions if a.title == p.text]
    assert a.why.endswith(f" It was for \u201cFirst day of the five starters\u201d (15 Nov 2026), which has gone by: "
                          f"if it was done, tick it in {os.path.basename(a.source.path)}; if not, tell Ann Lee what "
                          "we will do now.")
    # A note that names another day, or none, ties the promise to nothing.
    other = replace(note, body="Five starters, first day Monday 16 November.\n")
    c2 = replace(c, interactions=tuple(i if i is not note else other for i in c.interactions))
    (b,) = [a for a in analyse(c2, config(), AS_OF).actions if a.title == p.text]
    assert "It was for" not in b.why and "It is for" not in b.why
