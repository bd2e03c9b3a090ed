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
from playbook.engine.occasion import impossible_days, occasion, season_for
from playbook.engine.words import fmt_date
from playbook.model import Event

LONG_AGO = d(800)
NOV_18, NOV_27 = date(2026, 11, 18), date(2026, 11, 27)


@pytest.mark.parametrize("text, made_on, due, expected", [
    ("Build and enrol 12 laptops for the 1 December starters", NOV_18, NOV_27, date(2026, 12, 1)),
    ("Laptops ready for the starters on the 1st Dec", NOV_18, NOV_27, date(2026, 12, 1)),
    ("Laptops ready for the starters on December 1st", NOV_18, NOV_27, date(2026, 12, 1)),
    ("Badges for the 18th of December", NOV_18, NOV_27, date(2026, 12, 18)),
    ("AV for the 1-4 December conference", NOV_18, NOV_27, date(2026, 12, 1)),   # it starts on the 1st
    ("Accounts for the 5 January starters", date(2026, 12, 20), date(2026, 12, 30), date(2027, 1, 5)),
    ("Plan for 2 December, then the 9 December go-live", NOV_18, NOV_27, date(2026, 12, 2)),  # the first
    # No feasts: a hotel's "pre-Christmas" check is for the party season, weeks before 25 Dec.
    ("Book the pre-Christmas Wi-Fi health check", date(2026, 10, 29), NOV_27, None),
    # An event gone by when the promise was made is what the work is about, not what it is for;
    # so is one whose year has gone by.
    ("Send root-cause report for the 3 November outage", date(2026, 11, 6), date(2026, 11, 13), None),
    ("Send the logs from the 12 December 2025 outage", NOV_18, NOV_27, None),
    ("Send the pricing by 27 November", NOV_18, NOV_27, None),   # the deadline said twice
    # A start or a bound, not what the work is for.
    ("Review the contract after 1 December", NOV_18, NOV_27, None),
    ("Cover the rota from Mon 21 December", NOV_18, NOV_27, None),
    ("Clean-up plan for after the 18 December party", NOV_18, NOV_27, None),
    ("Hand over to Dan: Aisha is on leave until 7 December", NOV_18, NOV_27, None),
    # Not days: a modal "may", a person called Jan, a day no month has, numbers of things.
    ("Confirm which of the 5 may need new chargers", NOV_18, NOV_27, None),
    ("Call Jan 1st thing Monday", NOV_18, NOV_27, None),
    ("Send the 31 February figures", NOV_18, NOV_27, None),
    ("Order 12 laptops and 3 docks", NOV_18, NOV_27, None),
    ("Call them in the new year", NOV_18, NOV_27, None),
])
def test_the_day_a_promise_is_for(text, made_on, due, expected):
    assert occasion(text, made_on, due) == expected


def laptops(for_days_ago: int, due_days_ago: int = 10):
    text = f"Build the laptops for the {d(for_days_ago).day} {d(for_days_ago):%B} starters"
    p = promise(text, due=d(due_days_ago))
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p,)), since=LONG_AGO)
    r = analyse(c, config(), AS_OF)
    return next(a for a in r.actions if a.title.endswith(text)), r


def test_once_the_day_it_was_for_has_gone_by_it_says_tick_it_or_say_what_now():
    a, r = laptops(for_days_ago=5)   # late by 10 days, short of the 14 that bring "tick it" otherwise
    note = os.path.basename(a.source.path)
    assert a.why.endswith(f" It was for 15 Nov 2026, which has gone by: if it was done, tick it in {note}; "
                          "if not, tell Ann Lee what we will do now.")
    assert "when it will come" not in a.why
    assert a.priority == "medium" and a.check   # a check to make, not work ranked above the renewal call
    assert "a check: done, or past helping? (+10)" in a.score_reasons and "10 days overdue (+3)" in a.score_reasons
    assert laptops(for_days_ago=-5)[0].priority == "high"   # still ahead: late work still helps
    # Not "We are late on" of what nothing logged says was late, as the profile counts it no risk
    # (Kestrel's brief three months on, a thirtieth blind read).
    (late,) = [t.text for t in handle_with_care(r) if t.text.startswith("Past due, not ticked")]
    assert late == ("Past due, not ticked: Build the laptops for the 15 November starters (due 10 Nov 2026, 10 days "
                    "ago; it was for 15 Nov 2026). Check first whether it was done; if not, say what we will do now.")
    assert not any(t.text.startswith("We are late on") for t in handle_with_care(r))
    # Once most likely missed, it is owned: we are late on it.
    (owned,) = [t.text for t in handle_with_care(laptops(for_days_ago=5, due_days_ago=25)[1])
                if "laptops" in t.text]
    assert owned.startswith("We are late on: Build the laptops") and "most likely missed" in owned, owned


def test_while_the_day_it_is_for_is_still_to_come_it_says_how_soon():
    a, r = laptops(for_days_ago=-5)
    assert a.why.endswith(" It is for 25 Nov 2026, in 5 days.")
    # Before its day, the brief says to deliver it before then, not "say when it will come".
    assert any(t.text.endswith("it is for 25 Nov 2026, in 5 days). Deliver it before then.") for t in handle_with_care(r))


def test_a_promise_not_yet_late_says_nothing_of_it():
    a, _ = laptops(for_days_ago=-20, due_days_ago=-5)
    assert " It is for" not in a.why and " It was for" not in a.why


def test_a_late_promise_naming_one_of_their_dates_and_the_readiness_call_for_it_are_one_action():
    """Loomwork had "Order the laptops for the 7 December starters" (a reader's note) and "Call
    Marta Ruiz to confirm all is ready" for the same first day, side by side. Only what the
    promise says ties it: a day named elsewhere in its note ("Aisha is on leave until 7
    December") tied unrelated work, and hid the call."""
    starters = Event("First day of the starters", AS_OF + date.resolution * 3, "Ann Lee", 7,
                     Source("content/customers/x/customer.yaml", 12))
    when = starters.on
    p = promise(f"Order the laptops for the {when.day} {when:%B} starters", due=d(4))
    pilot = promise("Send the zero-trust pilot plan", due=d(4))
    note = replace(touch(20, 1, commitments=(p, pilot), summary="Sent the starter list and device order"),
                   body=f"First day Monday {when.day} {when:%B}; Aisha is on leave until {when.day} {when:%B}.\n")
    c = replace(customer(*steady_history(until_days_ago=30), note, since=LONG_AGO), dates=(starters,))
    acts = analyse(c, config(), AS_OF).actions
    assert not [a for a in acts if a.kind == "prepare"]
    (a,) = [a for a in acts if a.title == p.text]
    assert [x.source for x in a.also] == [starters.source] and a.due == d(4)
    assert " It is for \u201cFirst day of the starters\u201d (23 Nov 2026), in 3 days." in a.why
    (b,) = [a for a in acts if a.title == pilot.text]
    assert "It is for" not in b.why and not b.also
    # Ticked, the call comes back on its own.
    done = replace(note, commitments=tuple(replace(x, done=True) if x.text == p.text else x
                                           for x in note.commitments))
    c2 = replace(c, interactions=tuple(done if i is note else i for i in c.interactions))
    assert [a.title for a in analyse(c2, config(), AS_OF).actions if a.kind == "prepare"] == [
        "Call Ann Lee to confirm all is ready: First day of the starters on Mon 23 Nov"]


def test_a_late_promise_for_today_ranks_as_that_day_and_says_deliver_it_today():
    """Kestrel on 1 Dec (an eleventh blind read): "Build and enrol 12 laptops for the 1 December
    starters" came second, under an answer 42 days late, and its stage reason said "deliver it
    before then" on the day itself. Late work for a day days off gains as the day comes, to the
    day itself's 30, as a readiness check does; once the day has gone by, nothing."""
    a, r = laptops(for_days_ago=0, due_days_ago=4)
    assert "for their day, today (+30)" in a.score_reasons
    assert [x.text for x in r.stage.reasons if "Build the laptops" in x.text] == [
        "Promise \u201cBuild the laptops for the 20 November starters\u201d is 4 days overdue, and is for 20 Nov "
        "2026, today: deliver it today."]
    assert "their day is in 3 days (+19)" in laptops(for_days_ago=-3, due_days_ago=4)[0].score_reasons
    for far_or_gone in (-9, 1):
        assert not [x for x in laptops(for_days_ago=far_or_gone, due_days_ago=4)[0].score_reasons
                    if x.startswith(("for their day", "their day"))]


def test_the_stage_says_the_day_a_late_promise_was_for_has_gone_by():
    """Kestrel on 4 Dec read "…7 days overdue; it puts the relationship at risk if still open on
    12 Dec", as if there were still time for the 1 December starters."""
    # Its day went by before it was late enough to count: whether it was done is not known, and
    # it is said, not counted (Kestrel, just won, read "at risk" over it: an account manager's
    # objection). Before the day, no "at risk if still open on 25 Nov" that would never come.
    _, r = laptops(for_days_ago=5)
    assert r.stage.id != "at-risk"
    assert [x.text for x in r.stage.reasons if "Build the laptops" in x.text] == [
        "Promise \u201cBuild the laptops for the 15 November starters\u201d was for 15 Nov 2026, which has gone by, "
        "and nothing logged says whether it was done: not counted as a risk. Tick it if it was; if not, tell them "
        "what we will do now."]
    kept = next(f for f in r.health.factors if f.name == "Commitments kept")
    assert kept.effect == 0 and "but the day it was for has gone by and whether it was done is not known" in kept.why
    _, r = laptops(for_days_ago=-2, due_days_ago=5)
    assert [x.text for x in r.stage.reasons if "Build the laptops" in x.text] == [
        "Promise \u201cBuild the laptops for the 22 November starters\u201d is 5 days overdue, and is for 22 Nov "
        "2026: deliver it before then."]
    # Late, but not yet a let-down (a month), for a day to come by when it will be well late: at
    # risk the day after that day, which is the day said.
    _, r = laptops(for_days_ago=-3, due_days_ago=20)
    assert r.stage.id != "at-risk" and [x.text for x in r.stage.reasons if "Build the laptops" in x.text] == [
        "Promise \u201cBuild the laptops for the 23 November starters\u201d is 20 days overdue; it puts the "
        "relationship at risk if still open on 24 Nov 2026."]
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(
        promise("Build the laptops for the 23 November starters", due=d(20)),)), since=LONG_AGO)
    assert [analyse(c, config(), AS_OF + timedelta(days=k)).stage.id == "at-risk" for k in (3, 4)] == [False, True]
    _, r = laptops(for_days_ago=5, due_days_ago=20)   # late enough to put it at risk
    assert r.stage.id == "at-risk" and r.stage.reasons[0].text == (
        "Promise \u201cBuild the laptops for the 15 November starters\u201d was due 31 Oct 2026, 20 days overdue; "
        "it was for 15 Nov 2026, which has gone by, and it was 15 days late by then: most likely missed.")


@pytest.mark.parametrize("text, to, renewal_in, expected", [
    ("Follow up on the renewal quote", "Ann Lee", 10, True),
    ("Follow up on the renewal quote", "Ann Lee", -6, True),
    ("Follow up on the renewal quote", "Ann Lee", 70, False),      # the renewal too far after it
    ("Follow up on the renewal quote", "Bo Chan", 10, False),      # not to whom the renewal rests on
    ("Renew the SSL certificate on the booking site", "Ann Lee", 10, False),   # about no contract
])
def test_a_promise_about_the_renewal_is_for_it(text, to, renewal_in, expected):
    """Saltmarsh: "Follow up with Jo on the renewal quote", due 24 Nov, is for the renewal of
    14 Dec; once that has gone by, following up the quote is no longer the point."""
    p = promise(text, due=d(10))
    renewal = AS_OF + timedelta(days=renewal_in)
    c = customer(*steady_history(until_days_ago=30), touch(30, 1, commitments=(p,), with_=(to,)), since=LONG_AGO,
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
        "None kept yet; 1 overdue, but the ask it answers is marked done: not counted.")
    (late,) = [t.text for t in handle_with_care(r) if t.text.startswith("Past due, not ticked")]
    assert late.endswith("(due 4 Nov 2026, 16 days ago; their ask for it is marked done). Check first whether it "
                         "was done; if not, say what we will do now.")
    # Beside one not in doubt, by name: "those marked" of one (a check of a fifteenth blind read),
    # then "the one marked" read as "marked done" of one marked most likely missed (of a sixteenth).
    other = promise("Send the Wi-Fi report", due=d(20))
    two = replace(c, interactions=c.interactions + (touch(45, 1, commitments=(other,)),))
    (late,) = [t.text for t in handle_with_care(analyse(two, config(), AS_OF)) if t.text.startswith("We are late on")]
    assert late.endswith("Check first whether \u201cSend the in-room tablet pricing\u201d was done; deliver the other, "
                         "or say when it will come.")

    # Only a promise to send them something can have gone with an answer: installing the
    # tablets is the work the pricing led to.
    install = promise("Install the in-room tablets", due=d(16))
    c2 = customer(*steady_history(until_days_ago=30), touch(40, 1, commitments=(install,)), since=LONG_AGO,
                  asks=(ask("Price for in-room tablets to replace the paper compendium", d(150), status="answered",
                            line=45),))
    assert analyse(c2, config(), AS_OF).commitments[0].answered is None


def test_christmas_is_a_seasons_end_never_days_away():
    """Lantern's "Book the pre-Christmas Wi-Fi health check" was the top action on 11 Jan, as if
    it could still be booked; but "It is for Christmas, in 5 days" on 20 Dec was wrong too: the
    party season, when things break, starts weeks before 25 Dec. Within a month of it, when it
    will come is no longer the question: "tell Camille Roux when it will come", 17 days late on
    14 Dec, with the party season under way (a fifteenth blind read)."""
    p = promise("Book the pre-Christmas Wi-Fi health check", due=d(-7))   # due 27 Nov
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p,)), since=LONG_AGO)
    now = " It is for Christmas, by 25 Dec 2026 at the latest: if it was done, tick it in "
    for day, said in ((date(2026, 12, 20), now), (date(2026, 11, 28), now), (date(2026, 12, 25), None),
                      (date(2027, 1, 11), " It was for Christmas, which has gone by, and it was 28 days late by "
                                          "then: most likely missed. If it was done after all, tick it in")):
        (a,) = [a for a in analyse(c, config(), day).actions if a.title.endswith(p.text)]
        assert "days: " not in a.why and "in 5 days" not in a.why
        assert (said in a.why) if said else "It was for" not in a.why and "It is for" not in a.why
        assert "when it will come" not in a.why or said is None
    # The brief says the same: not "Say when it will come".
    (late,) = [x.text for x in handle_with_care(analyse(c, config(), date(2026, 12, 14))) if "late on" in x.text]
    assert late.endswith("17 days ago; it is for Christmas, by 25 Dec 2026 at the latest). Do it now, or say today what we will "
                         "do instead.")
    other = promise("Send the tablet pricing", due=d(-2))
    two = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p, other)), since=LONG_AGO)
    (late,) = [x.text for x in handle_with_care(analyse(two, config(), date(2026, 12, 14))) if "late on" in x.text]
    assert late.endswith("Do the one for Christmas now, or say today what we will do instead; deliver the other, or "
                         "say when it will come.")


@pytest.mark.parametrize("text, bad", [
    ("Laptops for the 31 November starters", ["31 November"]),
    ("Book it for November 31st", ["November 31st"]),
    ("Room for 29 Feb 2027", ["29 Feb 2027"]),
    ("Room for 29 Feb 2028", []),           # a leap year
    ("Room for 29 Feb", []),                # some year has it
    ("Send the plan for 1 December", []),
    ("Which of the 35 may need chargers", []),
    ("No day at all", []),
])
def test_impossible_days_are_found(text, bad):
    assert impossible_days(text) == bad


@pytest.mark.parametrize("text, made_on, found", [
    ("Network drops for the new Haas machines ahead of the January install", date(2026, 11, 4), "January 2027"),
    ("Send it by December", date(2026, 11, 4), "December 2026"),
    ("For March 2028 budget", date(2026, 11, 4), "March 2028"),
    ("Service credit for the October SLA breaches", date(2026, 11, 6), None),   # the October gone by
    ("Which of them may need it for the install", date(2026, 11, 6), None),
    ("Send the deck for December 1", date(2026, 11, 6), None),                  # a day: named_days reads it
    ("the pre-Christmas Wi-Fi check", date(2026, 11, 6), "Christmas"),
])
def test_a_season_a_text_is_for_is_its_end(text, made_on, found):
    s = season_for(text, made_on)
    assert (s.text if s else None) == found
    assert s is None or not s.exact


def test_an_ask_for_a_month_gone_by_says_so_and_is_not_pressed_as_waiting():
    """Brightwell's "Network drops for the new Haas machines ahead of the January install" read
    "waiting 142 days", high, in April (an account manager's objection)."""
    drops = ask("Network drops for the new Haas machines ahead of the January install", d(60), from_="Ann Lee")
    c = customer(*steady_history(), since=d(700), asks=(drops,))
    (before,) = [a for a in analyse(c, config(), date(2027, 1, 31)).actions if a.kind == "answer"]
    assert "gone by" not in before.why and before.priority == "high"
    (after,) = [a for a in analyse(c, config(), date(2027, 2, 1)).actions if a.kind == "answer"]
    assert ("waiting 133 days. It was for January 2027, which has gone by: if it was done, mark the ask answered; "
            "if not, tell Ann where it stands.") in after.why and after.priority == "medium"


@pytest.mark.parametrize("what, for_it", [
    ("A dedicated engineer on site at Avonmouth through peak", True),
    ("Cover during the peak", True),
    ("Extra scanners before peak season", True),
    ("A peak-hours price list", False),          # the word, but not what the ask is for
    ("An engineer on site through the audit", False),   # another day of theirs
    ("Peak numbers by email", False),            # how, not what for
    ("Scanners for the new peak rota", True),    # past the words that name nothing
])
def test_an_ask_through_one_of_their_days_is_for_it(what, for_it):
    """Northgate's "A dedicated engineer on site at Avonmouth through peak", with "End of peak
    season" among its dates, read high, "waiting 155 days", in April, and led the reply that
    also covered the service credit still owed (an account manager's objection)."""
    peak = Event("End of peak season", AS_OF + timedelta(days=34), None, 0, Source("content/customers/x/customer.yaml", 20))
    engineer = ask(what, d(14), from_="Ann Lee")
    credit = ask("Service credit for the October SLA breaches", d(14), from_="Ann Lee")
    c = replace(customer(*steady_history(), since=d(700), asks=(engineer, credit)), dates=(peak,))
    after = AS_OF + timedelta(days=35)
    (a,) = [a for a in analyse(c, config(), after).actions if a.kind == "answer"]
    if for_it:
        assert a.title == f"Answer Ann Lee: {credit.what}" and a.priority == "high"
        assert (f"(Also covers \u201cAnswer Ann Lee: {what}\u201d: Asked {fmt_date(d(14))}, waiting 49 days. It was for "
                f"\u201cEnd of peak season\u201d ({fmt_date(peak.on)}), which has gone by: if it was done, mark the ask "
                "answered; if not, tell Ann where it stands.)") in a.why
    else:
        assert "gone by" not in a.why
    (before,) = [a for a in analyse(c, config(), peak.on).actions if a.kind == "answer"]
    assert "gone by" not in before.why
    # Before it, how long answering still helps: on 14 Dec, Northgate's engineer "through peak",
    # waiting 38 days, gave no sign that peak ended in 10 (a fifteenth blind read).
    said = f"Its day, \u201cEnd of peak season\u201d ({fmt_date(peak.on)}), is in 10 days: after that, answering " \
           "it no longer helps."
    ten = [a for a in analyse(c, config(), peak.on - timedelta(days=10)).actions if a.kind == "answer"]
    assert any(said in a.why for a in ten) is for_it
    assert for_it or not any("Its day" in a.why for a in ten)


def test_a_promise_that_is_its_notes_business_is_for_their_day_the_note_names():
    """Loomwork's "Send the device order confirmation to Marta", in the note "Marta sent the
    December new-starter list and device order" under "Five starters, first day Monday 7
    December", read "111 days overdue… tell Marta when it will come" in March (an account
    manager's objection). The note names one of the customer's own days, with the person to
    check with in it, and the promise is what the note is about: it is for that day. Work the
    note is not about, or a day that is none of theirs, stays untied."""
    starters = Event("First day of the five starters", AS_OF + date.resolution * 3, "Ann Lee", 7,
                     Source("content/customers/x/customer.yaml", 12))
    when = starters.on
    p = promise("Send the device order confirmation to Ann", due=d(4))
    other = promise("Send the zero-trust pilot plan", due=d(4))
    note = replace(touch(20, 1, commitments=(p, other), summary="Ann sent the new-starter list and device order"),
                   body=f"Five starters, first day Monday {when.day} {when:%B}.\n")
    c = replace(customer(*steady_history(until_days_ago=30), note, since=LONG_AGO), dates=(starters,))
    acts = analyse(c, config(), AS_OF).actions
    (a,) = [a for a in acts if a.title == p.text]
    assert " It is for \u201cFirst day of the five starters\u201d (23 Nov 2026), in 3 days." in a.why
    assert [x.source for x in a.also] == [starters.source]   # one action with the readiness call
    (b,) = [a for a in acts if a.title == other.text]
    assert "It is for" not in b.why and not b.also
    # After the day: gone by, a check, not "tell them when it will come"; and part of asking Ann
    # how the day went (Loomwork had the two side by side: an eighth blind read).
    later = AS_OF + timedelta(days=30)
    (a,) = [a for a in analyse(c, config(), later).actions if p.text in [r.text for r in a.also]]
    assert a.title.startswith("Ask Ann Lee how it went: First day of the five starters")
    assert "It was for \u201cFirst day of the five starters\u201d (23 Nov 2026), which has gone by" in a.why
    assert "what we will do now" in a.why and a.score_reasons[0] == "after a day that matters to them (+15)"
    # Someone else's note naming the day, or a day that is not theirs: untied.
    for body, with_ in ((f"First day Monday {when.day} {when:%B}.\n", ("Bo Chan",)),
                        (f"First day Monday {(when + timedelta(days=1)).day} {when:%B}.\n", ("Ann Lee",))):
        n2 = replace(note, body=body, with_=with_)
        c2 = replace(c, interactions=tuple(n2 if i is note else i for i in c.interactions))
        (a,) = [a for a in analyse(c2, config(), AS_OF).actions if a.title == p.text]
        assert "It is for" not in a.why, body


def test_a_promise_that_is_the_work_for_an_ask_with_a_day_is_for_that_day():
    """Brightwell's "Confirm lead time on switches for the Haas drops" is the work for Stefan's
    ask "Network drops for the new Haas machines ahead of the January install": in March the
    ask said January had gone by while the promise still read "tell Karen when it will come"
    (an account manager's objection). Two words of the promise or more in the ask, the ask
    made by then: the promise is for the ask's day. A promise sharing one word is not."""
    asked = ask("Network drops for the new Haas machines ahead of the January install", d(60), from_="Bo Chan")
    p = promise("Confirm lead time on switches for the Haas drops", due=d(50))
    q = promise("Confirm the new invoice address", due=d(50), line=8)
    note = touch(55, 1, commitments=(p, q), summary="Checked in on the project")
    c = customer(*steady_history(until_days_ago=60), note, since=LONG_AGO, asks=(asked,))
    later = date(AS_OF.year + 1, 2, 15)   # January gone by
    acts = {a.title.rpartition(': ')[2]: a for a in analyse(c, config(), later).actions}
    # 122 days late when January ended: missed, not a check (see test_engine_reads).
    assert "It was for January 2027, which has gone by" in acts[p.text].why and acts[p.text].missed
    assert "It was for" not in acts[q.text].why and not acts[q.text].check and not acts[q.text].missed


def test_a_promise_that_is_the_work_for_an_ask_is_one_job_with_answering_it():
    """Brightwell had "Answer Stefan Novak: Network drops for the new Haas machines…" beside
    "Confirm lead time on switches for the Haas drops", and health charged the one job twice:
    "Commitments −20" and "Open asks −10" (an account manager's objection). One action, led by
    the promise's own date, with whoever asked; health counts it once; the stage does not say
    the question has waited while the promise is open."""
    asked = ask("Network drops for the new Haas machines ahead of the January install", d(30), from_="Bo Chan")
    p = promise("Confirm lead time on switches for the Haas drops", due=AS_OF + timedelta(days=7))
    note = touch(3, 1, commitments=(p,), summary="Checked in on the project")
    c = customer(*steady_history(until_days_ago=10), note, since=LONG_AGO, asks=(asked,))
    r = analyse(c, config(), AS_OF)
    (a,) = [a for a in r.actions if a.kind in ("answer", "follow-up")]
    assert a.title == p.text and a.due == p.due and a.contact == "Bo Chan"
    assert [x.text for x in a.also] == [f"Answer Bo Chan: {asked.what}"]
    asks = next(f for f in r.health.factors if f.name == "Open asks")
    assert asks.effect == 0 and "1 open ask, the same work as an open promise" in asks.why
    assert not [x for x in r.stage.reasons if "waited" in x.text]
    # Late, the promise is charged once, under promises.
    late = analyse(c, config(), AS_OF + timedelta(days=30))
    assert next(f for f in late.health.factors if f.name == "Open asks").effect == 0
    # A promise sharing one word with the ask is another job.
    other = replace(c, interactions=tuple(
        replace(i, commitments=(replace(p, text="Confirm the switches' warranty"),)) if i.commitments else i
        for i in c.interactions))
    assert len([a for a in analyse(other, config(), AS_OF).actions if a.kind in ("answer", "follow-up")]) == 2



def test_the_brief_says_to_deliver_a_late_promise_before_its_day_or_today():
    """Kestrel's brief read "Say when it will come" for the laptops on the 1 December starters'
    first day (a check of an eleventh blind read's fix)."""
    from playbook.engine.brief import handle_with_care
    for for_days_ago, said in ((-3, "it is for 23 Nov 2026, in 3 days). Deliver it before then."),
                               # On the day it may have gone unticked (a twenty-fifth blind read).
                               (0, "it is for 20 Nov 2026, today). If it was done, tick it; if not, deliver it today.")):
        _, r = laptops(for_days_ago=for_days_ago, due_days_ago=4)
        (point,) = [x.text for x in handle_with_care(r) if x.text.startswith("We are late on")]
        assert point.endswith(said), point
        (act,) = [a for a in r.actions if a.kind == "follow-up"]
        assert ("today: if it was done, tick it in " in act.why) is (for_days_ago == 0), act.why


@pytest.mark.parametrize("for_days_ago, priority", [(5, "medium"), (30, "medium"), (31, "low")])
def test_a_check_whose_day_is_a_month_gone_waits_low(for_days_ago, priority):
    """Kestrel's laptops for the 1 December starters stood at medium on three people's lists in
    March (a fourteenth blind read): whether it was done is no more urgent for waiting."""
    text = f"Build the laptops for the {d(for_days_ago).day} {d(for_days_ago):%B} starters"
    c = customer(*steady_history(until_days_ago=30), touch(50, 1, commitments=(promise(text, due=d(for_days_ago + 4)),)),
                 since=LONG_AGO)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.title == f"Check it was done: {text}"]
    assert a.check and a.priority == priority
