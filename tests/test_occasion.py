"""The day a promise is for (`engine.occasion`), and what the site says once it has gone by.

Kestrel's "Build and enrol 12 laptops for the 1 December starters", due 27 Nov, read on 4 Dec
"7 days overdue… at risk if still open on 12 Dec", as if there were still time: the starters
had begun, with laptops or without them (an account manager's objection).
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from msgspec.structs import replace

from engine_factory import AS_OF, Source, ask, config, customer, d, promise, steady_history, touch
from playbook.engine import analyse
from playbook.engine.brief import handle_with_care
from playbook.engine.occasion import occasion
from playbook.engine.words import fmt_date
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
                    "it was for 15 Nov 2026). Check first whether it was done; if not, say what we will do now.")


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
    pricing = promise("Send the per-seat support pricing", due=d(10))
    note = replace(touch(15, 1, commitments=(p, pricing), summary="Sent the starter list and device order"),
                   body=f"Five starters, first day Monday {d(5).day} {d(5):%B}.\n")
    c = replace(customer(*steady_history(until_days_ago=30), note, since=LONG_AGO), dates=(starters,))
    r = analyse(c, config(), AS_OF)
    (a,) = [a for a in r.actions if a.title == p.text]
    assert a.why.endswith(f" It was for \u201cFirst day of the five starters\u201d (15 Nov 2026), which has gone by: "
                          f"if it was done, tick it in {os.path.basename(a.source.path)}; if not, tell Ann Lee what "
                          "we will do now.")
    # A promise that shares no word with the date or the note's summary is for no such day
    # (the reader's "Send Ben the per-seat support pricing", in the note naming a move's day).
    (other_work,) = [a for a in r.actions if a.title == pricing.text]
    assert "It was for" not in other_work.why and "It is for" not in other_work.why
    # A note that names another day, or none, ties the promise to nothing.
    other = replace(note, body="Five starters, first day Monday 16 November.\n")
    c2 = replace(c, interactions=tuple(i if i is not note else other for i in c.interactions))
    (b,) = [a for a in analyse(c2, config(), AS_OF).actions if a.title == p.text]
    assert "It was for" not in b.why and "It is for" not in b.why


def test_a_late_promise_and_the_call_to_confirm_all_is_ready_for_its_day_are_one_action():
    """Loomwork had "Send the device order confirmation to Marta" and "Call Marta Ruiz to confirm
    all is ready" for the same starters' first day, side by side."""
    starters = Event("First day of the starters", AS_OF + date.resolution * 3, "Ann Lee", 7,
                     Source("content/customers/x/customer.yaml", 12))
    p = promise("Send the device order confirmation", due=d(4))
    when = starters.on
    note = replace(touch(20, 1, commitments=(p,), summary="Sent the starter list and device order"),
                   body=f"First day Monday {when.day} {when:%B}.\n")
    c = replace(customer(*steady_history(until_days_ago=30), note, since=LONG_AGO), dates=(starters,))
    acts = analyse(c, config(), AS_OF).actions
    assert not [a for a in acts if a.kind == "prepare"]
    (a,) = [a for a in acts if a.title == p.text]
    assert [x.source for x in a.also] == [starters.source] and a.due == d(4)
    assert " It is for \u201cFirst day of the starters\u201d (23 Nov 2026), in 3 days." in a.why
    # Ticked, the call comes back on its own.
    done = replace(note, commitments=tuple(replace(x, done=True) for x in note.commitments))
    c2 = replace(c, interactions=tuple(done if i is note else i for i in c.interactions))
    assert [a.title for a in analyse(c2, config(), AS_OF).actions if a.kind == "prepare"] == [
        "Call Ann Lee to confirm all is ready: First day of the starters on Mon 23 Nov"]


def test_the_stage_says_the_day_a_late_promise_was_for_has_gone_by():
    """Kestrel on 4 Dec read "…7 days overdue; it puts the relationship at risk if still open on
    12 Dec", as if there were still time for the 1 December starters."""
    _, r = laptops(for_days_ago=5)
    assert [x.text for x in r.stage.reasons if "Build the laptops" in x.text] == [
        "Promise \u201cBuild the laptops for the 15 November starters\u201d was for 15 Nov 2026, which has gone by, "
        "and is 10 days overdue: if it was done, tick it; if not, it puts the relationship at risk if still open on "
        "25 Nov 2026."]
    _, r = laptops(for_days_ago=5, due_days_ago=20)   # late enough to put it at risk
    assert r.stage.id == "at-risk" and r.stage.reasons[0].text == (
        "Promise \u201cBuild the laptops for the 15 November starters\u201d was due 31 Oct 2026, 20 days overdue; "
        "it was for 15 Nov 2026.")


@pytest.mark.parametrize("renewal_in, expected", [(10, True), (-6, True), (70, False)])
def test_a_promise_about_the_renewal_is_for_it(renewal_in, expected):
    """Saltmarsh: "Follow up with Jo on the renewal quote", due 24 Nov, is for the renewal of
    14 Dec; once that has gone by, following up the quote is no longer the point."""
    p = promise("Follow up on the renewal quote", due=d(10))
    renewal = AS_OF + timedelta(days=renewal_in)
    c = customer(*steady_history(until_days_ago=30), touch(30, 1, commitments=(p,)), since=LONG_AGO,
                 renewal=renewal)
    (oc,) = analyse(c, config(), AS_OF).commitments
    assert (oc.occasion is not None and oc.occasion.text == f"the renewal of {fmt_date(renewal)}") is expected


def test_a_promise_in_doubt_is_said_not_charged_in_health_or_the_brief():
    """Lantern's tablet pricing, late while the ask for that pricing is marked done: health
    does not charge it, and the brief asks to check first rather than to say when it will come."""
    p = promise("Send the in-room tablet pricing", due=d(16))
    c = customer(*steady_history(until_days_ago=30), touch(40, 1, commitments=(p,)), since=LONG_AGO,
                 asks=(ask("Price for in-room tablets to replace the paper compendium", d(150), status="answered",
                           line=45),))
    r = analyse(c, config(), AS_OF)
    kept = next(f for f in r.health.factors if f.name == "Commitments kept")
    assert kept.effect >= 0 and kept.why.endswith(
        "1 more overdue, but the ask it answers is marked done: not counted.")
    (late,) = [t.text for t in handle_with_care(r) if t.text.startswith("We are late on")]
    assert late.endswith("(due 4 Nov 2026, 16 days ago; their ask for it is marked done). Check first whether it "
                         "was done; if not, say what we will do now.")
