"""The relationship engine, rule by rule, at every threshold (the day before and after)."""

from __future__ import annotations

import os
import re

from datetime import datetime, timedelta

import pytest

from engine_factory import (
    AS_OF, Ask, Birthday, Play, RoleGap, Source, ask, config, contact, customer, d, pause, promise, steady_history,
    touch,
)
from msgspec.structs import replace

from playbook.config import Config
from playbook.model import Contact
from playbook.engine.words import days, fmt_date, fmt_day, short_date
from playbook.engine import analyse, stage_at, team_actions
from playbook.engine.history import month_ends
from playbook.engine.workdays import walk

LONG_AGO = d(800)


def stage_of(c, cfg=None) -> str:
    return analyse(c, cfg or config(), AS_OF).stage.id


def kinds(c, cfg=None) -> list[str]:
    return [a.kind for a in analyse(c, cfg or config(), AS_OF).actions]


# -- stages ------------------------------------------------------------------------------

def test_steady_baseline_is_steady():
    assert stage_of(customer(*steady_history(), since=LONG_AGO)) == "steady"


def test_ended_wins_over_everything():
    c = customer(touch(3, -2), since=LONG_AGO, status="ended")
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "ended"
    assert r.stage.reasons[0].source == Source("content/customers/x/customer.yaml", 5)
    assert r.actions == ()


@pytest.mark.parametrize("days_ago, cadence, expected", [
    (179, 60, "steady"),    # silent 179 days after a good touch: it needs a touch, nothing worse
    (180, 60, "dormant"),   # nothing for 180 days (and 3× the cadence)
    (120, 30, "steady"),    # 4× the cadence is no longer dormant on its own (test_engine_quiet.py)
    (181, 30, "dormant"),
])
def test_dormant_threshold(days_ago, cadence, expected):
    c = customer(touch(days_ago, 1), since=LONG_AGO, cadence=cadence)
    assert stage_of(c) == expected


@pytest.mark.parametrize("days_ago, expected", [(31, "at-risk"), (32, "steady")])
def test_negative_touch_window(days_ago, expected):
    """The window reaches back from the last touch heard (a neutral one yesterday), not from today."""
    c = customer(*[t for t in steady_history(every=30) if t.date < d(days_ago)], touch(days_ago, -1), touch(1, 0),
                 since=LONG_AGO, cadence=60)
    assert stage_of(c) == expected


def test_positive_touch_after_negative_repairs_it():
    c = customer(*steady_history(until_days_ago=40), touch(20, -2), touch(10, 1), since=LONG_AGO, cadence=60)
    assert stage_of(c) != "at-risk"
    assert "repair" not in kinds(c)


def test_neutral_touch_after_negative_does_not_repair_it():
    c = customer(*steady_history(until_days_ago=40), touch(20, -1), touch(10, 0), since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    assert "Nothing positive since" in r.stage.reasons[0].text
    assert r.stage.reasons[0].source.path.endswith(f"{d(20).isoformat()}-call-{abs(hash((20, 'call', None))) % 1000}.md")


@pytest.mark.parametrize("overdue, second, at_risk", [
    (14, None, False), (15, None, False), (28, None, False), (29, None, True),  # alone: at risk once a month late
    (15, 15, True), (20, 14, False),                                              # two more than 14 days late
])
def test_overdue_commitment_threshold(overdue, second, at_risk):
    """A promise more than `overdue_days` (14) late is a reason for at risk; alone, on an account
    otherwise well, only once it is twice that late, or with a second one that late (a seventh
    blind read: Westmarch, growing, read "at risk" for a training session 16 days late)."""
    p = promise("Send the revised quote", due=d(overdue))
    more = (promise("Book the data centre visit", due=d(second)),) if second is not None else ()
    c = customer(touch(70, 1), touch(40, 1, commitments=(p, *more)), touch(10, 1), since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    assert (r.stage.id == "at-risk") is at_risk
    if not at_risk and overdue > 0:
        # The stage it is in says so, and the day it would tip over.
        alone = d(overdue) + timedelta(days=29)
        said = (f"if still open on {fmt_date(alone)}." if not second else
                f"if both are still open on {fmt_date(d(second) + timedelta(days=15))}, or if \u201cSend the revised "
                f"quote\u201d is still open on {fmt_date(alone)}.")
        assert any(x.text.endswith(f"it puts the relationship at risk {said}") for x in r.stage.reasons), r.stage.reasons
    if at_risk:
        assert "Send the revised quote" in r.stage.reasons[0].text
        assert f"{overdue} days overdue" in r.stage.reasons[0].text
        assert r.stage.reasons[0].source.line == 7


def test_a_steady_relationship_with_late_promises_says_so_not_that_none_is_overdue():
    """Short of at risk, the page still lists the late promises as overdue: the stage's
    reasons must agree with that list (an account manager read "no overdue promise" beside
    two overdue ones), say how late, and point at the most overdue."""
    def steady_with(*promises):
        return customer(*[touch(n, 1, commitments=promises if n == 40 else ()) for n in range(400, 4, -30)],
                        since=LONG_AGO, cadence=60)

    r = analyse(steady_with(promise("Book the site survey", due=d(3), line=11),
                            promise("Send the revised quote", due=d(8), line=9)), config(), AS_OF)
    texts = [x.text for x in r.stage.reasons]
    assert r.stage.id == "steady"
    assert not any("no overdue promise" in t for t in texts), texts
    # At risk once the second is more than 14 days overdue, or the first alone more than 28 days.
    tips, alone = fmt_date(d(3) + timedelta(days=15)), fmt_date(d(8) + timedelta(days=29))
    assert (f"2 promises are overdue, the most overdue \u201cSend the revised quote\u201d, by 8 days; it puts the "
            f"relationship at risk if both are still open on {tips}, or if \u201cSend the revised quote\u201d is still "
            f"open on {alone}.") in texts
    reason = next(x for x in r.stage.reasons if "promises are overdue" in x.text)
    assert reason.source.line == 9 and f"/{d(40)}-call-" in reason.source.path

    texts = [x.text for x in analyse(steady_with(promise("Call back", due=d(1))), config(), AS_OF).stage.reasons]
    assert (f"Promise \u201cCall back\u201d is 1 day overdue; it puts the relationship at risk if still open on "
            f"{fmt_date(d(1) + timedelta(days=29))}.") in texts

    texts = [x.text for x in analyse(steady_with(promise("Call back", due=d(-3))), config(), AS_OF).stage.reasons]
    assert any(t.endswith("no unrepaired bad meeting, no overdue promise.") for t in texts), texts


@pytest.mark.parametrize("asked, status, due, hinted", [
    ("Price for in-room tablets to replace the paper compendium", "answered", 30, True),
    ("Price for in-room tablets to replace the paper compendium", "answered", -3, False),  # not late yet
    ("Price for in-room tablets to replace the paper compendium", "open", 30, False),      # no disagreement
    ("Can the Wi-Fi reach the garden bar?", "answered", 30, False),                        # about something else
    ("In-room tablets: can they replace the paper compendium?", "answered", 30, False),    # the pricing is new
])
def test_a_late_promise_an_answered_ask_is_about_asks_whether_it_went(asked, status, due, hinted):
    """Lantern's tablet pricing, asked in June and marked done, was "16 days overdue" as promised
    again in October: the reader asked whether it had gone, rather than counting a failure."""
    p = promise("Send the in-room tablet pricing", due=d(due))
    c = customer(*[touch(n, 1, commitments=(p,) if n == 40 else ()) for n in range(400, 4, -30)],
                 since=LONG_AGO, cadence=60, asks=(ask(asked, d(150), status=status, line=45),))
    r = analyse(c, config(), AS_OF)
    (act,) = [a for a in r.actions if a.kind == "follow-up"]
    note = os.path.basename(act.source.path)
    assert act.why.endswith(f"Their ask \u201c{asked}\u201d is marked done in customer.yaml (line 45): if this was "
                            f"done with its answer, tick it in {note}; if not, reopen the ask and tell Ann Lee when it "
                            "will come.") is hinted
    # In doubt, it is no risk (Rosalind read at risk for it), and the stage says why not.
    assert (r.stage.id == "at-risk") is (due > 28 and not hinted)
    assert any("is marked done (customer.yaml line 45): not counted as a risk." in x.text
               for x in r.stage.reasons) is hinted


def test_a_promise_made_the_day_an_ask_was_answered_on_the_spot_is_new_work():
    """Rosalind asked whether the ovens' sensors could go on the shop Wi-Fi; Maya answered on the
    spot ("probably, but not on the guest network"), marked the ask done, and promised to find
    out what the sensor kit needs: the answer made that work, and it is late like any other."""
    p = promise("Switch on Apple Pay on the market till", due=d(30))
    c = customer(*steady_history(until_days_ago=60), touch(49, 1, commitments=(p,)), since=LONG_AGO, cadence=60,
                 asks=(ask("Whether the market till can take Apple Pay", d(49), status="answered", line=30),))
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk" and not any("not counted as a risk" in x.text for x in r.stage.reasons)


def test_done_commitment_is_never_overdue():
    p = promise("Send the revised quote", due=d(40), done=True)
    c = customer(touch(150, 1), touch(120, 1), touch(45, 1, commitments=(p,)), touch(10, 1), since=LONG_AGO,
                 cadence=60)
    assert stage_of(c) == "steady"



@pytest.mark.parametrize("asked, expected", [
    ((7,), None),                                   # a week is the time to answer
    ((8,), "Bo Chan's question has waited 8 days for an answer."),
    ((127, 30, 9), "Bo Chan's question has waited 127 days for an answer (2 more are waiting too)."),
    ((40, 3), "Bo Chan's question has waited 40 days for an answer."),
])
def test_a_steady_relationship_says_when_a_question_waits_for_its_answer(asked, expected):
    """St Aldhelm's read "no overdue promise" and nothing else, its question of four months
    unanswered at the top of the same page (an account manager's objection)."""
    asks = tuple(ask(f"Question {n}", d(n), from_="Bo Chan" if k == 0 else None, line=20 + k)
                 for k, n in enumerate(asked))
    c = customer(*steady_history(), since=LONG_AGO, asks=asks)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "steady"
    waiting = [x for x in r.stage.reasons if "for an answer" in x.text]
    assert [x.text for x in waiting] == ([expected] if expected else [])
    if expected:
        assert waiting[0].source.line == 20


def test_the_day_a_late_promise_tips_a_relationship_into_at_risk_is_the_day_its_reason_names():
    p = promise("Send the revised quote", due=d(8))
    c = customer(*[touch(n, 1, commitments=(p,) if n == 40 else ()) for n in range(400, 4, -30)],
                 since=LONG_AGO, cadence=60)
    reason = next(x.text for x in analyse(c, config(), AS_OF).stage.reasons if x.text.startswith("Promise \u201c"))
    tips = d(8) + timedelta(days=29)  # alone, once more than twice `overdue_days` late
    assert reason.endswith(f"if still open on {fmt_date(tips)}.")
    assert analyse(c, config(), tips - timedelta(days=1)).stage.id == "steady"
    assert analyse(c, config(), tips).stage.id == "at-risk"


@pytest.mark.parametrize("text, risky", [("Send the staff list template", True),
                                         ("Chase Sarah for the staff list", False),
                                         # Saltmarsh "owed them" its own chase of Jo's reply
                                         ("Follow up with Ann on the renewal quote", False),
                                         ("Follow up with the revised staff list", True)])
def test_a_late_chase_is_a_to_do_not_a_broken_promise(text, risky):
    """Fernhill read at risk over "Chase Sarah for the staff list": something they owe us, which
    the action itself called a to-do. It stays a late action; it breaks no promise."""
    p = promise(text, due=d(30))
    c = customer(*[touch(n, 1, commitments=(p,) if n == 40 else ()) for n in range(400, 4, -30)],
                 since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    assert (r.stage.id == "at-risk") is risky
    assert any(x.text.startswith("Promise") for x in r.stage.reasons) is risky
    (kept,) = [f for f in r.health.factors if f.name == "Commitments kept"]
    assert (kept.effect < 0) is risky
    (a,) = [a for a in r.actions if a.kind == "follow-up"]
    assert a.due == d(30) and a.why.startswith("A to-do" if not risky else "Promised")


def test_a_growing_or_new_relationship_with_a_late_promise_says_so_too():
    """Kestrel read as growing, its reasons all growth, while the laptops for the starters it
    promised were days late (an account manager's second read)."""
    p = promise("Enrol the laptops", due=d(6))
    growing = customer(touch(150, 1), touch(80, 1), touch(40, 1), touch(20, 2, commitments=(p,)), touch(5, 1),
                       since=LONG_AGO, cadence=30)
    new = customer(touch(30, 1), touch(20, 1, commitments=(p,)), since=d(30), cadence=30)
    for c, stage in ((growing, "growing"), (new, "establishing")):
        r = analyse(c, config(), AS_OF)
        assert r.stage.id == stage
        assert r.stage.reasons[-1].text.startswith(
            "Promise \u201cEnrol the laptops\u201d is 6 days overdue; it puts the relationship at risk if still open on ")

@pytest.mark.parametrize("age, expected", [(89, "establishing"), (90, "steady")])
def test_establishing_threshold(age, expected):
    # Two touches: one on the first day, one recently; equal counts in both growth windows.
    c = customer(touch(age, 1), touch(3, 1), since=d(age), cadence=60)
    assert stage_of(c) == expected


@pytest.mark.parametrize("todo, done, age, expected", [
    ("Chase Ann for the staff list", False, 110, "establishing"),   # a to-do of ours, late
    ("Send the rollout plan", False, 110, "establishing"),          # a promise, late
    ("Chase Ann for the staff list", True, 110, "steady"),          # done: the start is done
    ("Chase Ann for the staff list", False, 180, "steady"),         # twice the 90 days: no longer
])
def test_work_from_the_start_still_open_keeps_a_relationship_establishing(todo, done, age, expected):
    """Fernhill, its staff list for accounts 48 days late and nothing heard for 81 days, read
    "Steady" at three and a half months (an account manager's objection): past its first 90
    days a relationship is still establishing while late work from them is open, up to twice
    as long, and says which work and until when; quiet past its cadence, it names the day its
    silence tips it, as steady did."""
    item = promise(todo, due=d(20), done=done)  # late, but not yet a let-down
    c = customer(touch(age, 1, type="meeting"), touch(age - 45, 1, commitments=(item,), direction="out"),
                 touch(50, 1, type="visit"), since=d(age), cadence=30)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == expected
    if expected != "establishing":
        return
    first = r.stage.reasons[0]
    lateness = ", 20 days overdue" if todo.startswith("Chase") else ""
    what = "our to-do" if todo.startswith("Chase") else "the promise"
    assert first.text == (
        f"A customer since {fmt_date(d(age))}, {days(age)} ago: past its first 90 days, but work from its start is "
        f"still open: {what} \u201c{todo}\u201d from the call of {fmt_date(d(age - 45))}{lateness}. Establishing "
        f"until it is done, at most until {fmt_date(d(age) + timedelta(days=179))}.")
    assert first.source.line == item.source.line and "2026" in first.source.path
    assert any(x.text.startswith("Last heard from them 50 days ago") and "at risk if still quiet on" in x.text
               for x in r.stage.reasons[1:])


def test_first_interaction_counts_as_start_without_since():
    assert stage_of(customer(touch(20, 1), touch(5, 1), since=None)) == "establishing"


@pytest.mark.parametrize("since_ago, first_ago, text, cites", [
    (40, 40, f"A customer since {fmt_date(d(40))}, 40 days ago (under 90 days).", "since"),
    (40, 60, f"A customer since {fmt_date(d(40))}, 40 days ago (under 90 days); the relationship began with the "
             f"meeting of {fmt_date(d(60))}.", "since"),
    # The intro long before the contract: still establishing from the contract (Loomwork, signed
    # 6 Oct after an intro on 15 Sep, read "growing" with an expansion play on 15 Dec).
    (40, 120, f"A customer since {fmt_date(d(40))}, 40 days ago (under 90 days); the relationship began with the "
              f"meeting of {fmt_date(d(120))}.", "since"),
    (None, 60, f"The relationship began with the meeting of {fmt_date(d(60))}, 60 days ago (under 90 days).", "note"),
    # Before the contract (the stage strip's earlier months): from the intro, never "-6 days ago".
    (-6, 60, f"The relationship began with the meeting of {fmt_date(d(60))}, 60 days ago (under 90 days).", "note"),
])
def test_a_young_relationship_says_where_its_start_comes_from(since_ago, first_ago, text, cites):
    """Establishing counts from the contract (`since`), and names the intro before it, so it does
    not contradict the profile's "customer since"; without `since`, from the first note."""
    first = touch(first_ago, 1, type="meeting")
    c = customer(first, touch(3, 1), since=d(since_ago) if since_ago is not None else None, cadence=60)
    reason = analyse(c, config(), AS_OF).stage.reasons[0]
    assert reason.text == text
    assert reason.source == (first.source if cites == "note" else c.at("since"))


def test_no_interactions_at_all_is_establishing_with_a_reason():
    r = analyse(customer(since=None), config(), AS_OF)
    assert r.stage.id == "establishing"
    assert "No interactions" in r.stage.reasons[0].text


@pytest.mark.parametrize("recent, earlier, sentiment, expected", [
    (5, 3, 1, "growing"),     # clearly more touches (2 more, over 1.5×), positive
    (4, 2, 1, "growing"),
    (3, 1, 1, "growing"),
    (2, 0, 1, "steady"),      # two after a quiet spell: the usual rhythm coming round again
    (4, 3, 1, "steady"),      # one more is a rhythm, not growth
    (6, 5, 1, "steady"),
    (7, 5, 1, "steady"),      # two more, but under half as many again
    (3, 3, 1, "steady"),      # same number
    (5, 3, 0, "steady"),      # more touches, but neutral
    (5, 3, -1, "at-risk"),    # negative recent touches make it at risk, not growing
])
def test_growing_needs_more_touches_and_positive_sentiment(recent, earlier, sentiment, expected):
    touches = [touch(95 + 80 * k // earlier, 1) for k in range(earlier)]
    touches += [touch(85 - 80 * k // recent, sentiment) for k in range(recent)]
    c = customer(*touches, since=LONG_AGO, cadence=30)
    assert stage_of(c) == expected


def test_growing_by_breadth_alone():
    earlier = [touch(100 + k * 20, 1, with_=("Ann Lee",)) for k in range(3)]
    recent = [touch(10 + k * 25, 2, with_=(name,)) for k, name in enumerate(("Ann Lee", "Bo Chan", "Cy Dee"))]
    r = analyse(customer(*earlier, *recent, since=LONG_AGO, cadence=30), config(), AS_OF)
    assert r.stage.id == "growing"
    assert "3 people engaged in the last three months, up from 1; Cy Dee and Bo Chan for the first time." in [
        x.text for x in r.stage.reasons]


@pytest.mark.parametrize("window, said", [(90, "three months"), (60, "60 days")])
def test_growth_and_health_say_their_sentiment_alike_window_and_count(window, said):
    """Westmarch's page read "Sentiment is positive over the last 90 days (average +0.8)" and, in
    its health, "+1.0, the average of 6 rated touches in the three months to 19 Nov": two figures
    for one mood, with nothing to say why (a twentieth blind read). Both now say how many touches
    over which days; and a team's shorter window is not called "three months"."""
    earlier = [touch(100 + k * 20, 1, with_=("Ann Lee",)) for k in range(3)]
    recent = [touch(10 + k * 15, 2 - k, with_=(name,)) for k, name in enumerate(("Ann Lee", "Bo Chan", "Cy Dee"))]
    unrated = touch(5, None, with_=("Ann Lee",))
    r = analyse(customer(*earlier, *recent, unrated, since=LONG_AGO, cadence=30), config(growth_window_days=window),
                AS_OF)
    assert r.stage.id == "growing"
    # Said as health says it, one figure on the page (a twenty-sixth blind read).
    assert f"Sentiment is positive: +1.0, the average of 3 rated touches in the {said} to {fmt_date(d(10))}." in [
        x.text for x in r.stage.reasons]
    (mood,) = [f.why for f in r.health.factors if f.name == "Sentiment"]
    assert mood.endswith(f"the average of 3 rated touches in the {said} to {fmt_date(d(10))}.")
    assert any(f.why.startswith(f"3 people engaged in the last {said}: ") for f in r.health.factors)


def test_what_they_bought_is_among_the_reasons_growth_is_read_but_no_growth_alone():
    """Westmarch read growing for a Geochemistry quote not yet sent, and not for its cluster
    order of 29 Oct (a fifteenth blind read). An account that buys every month is steady."""
    earlier = [touch(100 + k * 20, 1, with_=("Ann Lee",)) for k in range(3)]
    recent = [touch(10 + k * 25, 2, with_=(name,)) for k, name in enumerate(("Ann Lee", "Bo Chan", "Cy Dee"))]
    po = touch(40, 1, type="purchase", direction="in", summary="PO raised for 8 workstations")
    r = analyse(customer(*earlier, *recent, po, since=LONG_AGO, cadence=30), config(), AS_OF)
    assert r.stage.id == "growing"
    assert r.stage.reasons[0].text == f"Bought ({fmt_date(d(40))}): PO raised for 8 workstations."
    # The brief does not give it again as good news to build on (Westmarch's did), even as the
    # latest good touch.
    from playbook.engine.brief import talking_points
    latest = analyse(customer(*earlier, *recent, replace(po, date=d(5)), since=LONG_AGO, cadence=30), config(), AS_OF)
    assert latest.stage.reasons[0].text == f"Bought ({fmt_date(d(5))}): PO raised for 8 workstations."
    good = [p.text for p in talking_points(latest) if p.text.startswith("Good news")]
    assert good == [f"Good news to build on ({fmt_date(d(10))}): call on {d(10).isoformat()}."]
    monthly = [touch(n, 1, type="purchase" if n % 60 == 0 else "call") for n in range(360, 0, -30)]
    assert stage_of(customer(*monthly, since=LONG_AGO, cadence=30)) == "steady"


def test_the_same_people_on_either_side_of_the_windows_edge_are_no_breadth():
    """Ann met monthly, Bo now and then for a year: both in the last 90 days and only Ann in
    the 90 before. Nobody new is engaged, so the relationship is no wider."""
    ann = [touch(n, 1, with_=("Ann Lee",)) for n in range(360, 0, -30)]
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in (300, 200, 20)]
    c = customer(*sorted(ann + bo, key=lambda i: i.date), since=LONG_AGO, cadence=30)
    tl = analyse(c, config(), AS_OF).timeline
    assert (tl.people_recent, tl.people_earlier, tl.people_new) == (2, 1, ())
    assert stage_of(c) == "steady"


def test_a_regular_rhythm_never_reads_as_growing():
    """A touch every fortnight for a year: the two 90-day windows hold 6 or 7 touches each as
    notes slide across their edges. Counting one more as growth moved such an account between
    steady and growing again and again (Brightwell, eleven times in four months)."""
    c = customer(*[touch(n, 1) for n in range(400, -60, -14) if n > -60], since=LONG_AGO, cadence=30)
    seen = {analyse(c, config(), AS_OF + timedelta(days=k)).stage.id for k in range(-50, 1)}
    assert seen == {"steady"}


def test_growth_by_counts_shows_once_it_has_held_a_week():
    """Three touches against one shows growth, but it is not called so the day a touch tips
    the count, only when it held a week before too (Lantern House read growing for three
    days as one note came into the window and another left it)."""
    c = customer(touch(150, 1), touch(120, 1), touch(50, 1), touch(30, 1), touch(10, 1), since=LONG_AGO, cadence=30)
    # As of AS_OF: 3 against 2 in the window before; a touch on day 10 that was the third.
    tl = analyse(c, config(), AS_OF).timeline
    assert (tl.touches_recent, tl.touches_earlier) == (3, 2)
    assert stage_of(c) == "steady"
    grown = customer(touch(150, 1), touch(50, 1), touch(30, 1), touch(10, 1), since=LONG_AGO, cadence=30)
    day = AS_OF - timedelta(days=10)  # the day the third touch came: 3 against 1 since that day only
    assert analyse(grown, config(), day).stage.id == "steady"
    assert analyse(grown, config(), day + timedelta(days=6)).stage.id == "steady"
    assert analyse(grown, config(), day + timedelta(days=7)).stage.id == "growing"



@pytest.mark.parametrize("quiet, expected", [(28, "growing"), (29, "steady")])
def test_growing_stops_at_two_cadences_of_silence(quiet, expected):
    """More touches and more people over the last 90 days, but nothing heard for more than two
    cadences since: cooling, not widening (an account manager's reading of St Aldhelm's)."""
    earlier = [touch(100 + k * 20, 1, with_=("Ann Lee",)) for k in range(2)]
    recent = [touch(quiet + k * 10, 2, with_=(name,)) for k, name in enumerate(("Ann Lee", "Bo Chan", "Cy Dee"))]
    r = analyse(customer(*earlier, *recent, since=LONG_AGO, cadence=14), config(), AS_OF)
    assert r.stage.id == expected
    if expected == "steady":
        assert r.stage.reasons[0].text.startswith(f"Last heard from them {quiet} days ago")


def test_thresholds_are_configurable():
    c = customer(touch(100, 1), since=LONG_AGO, cadence=40)
    assert stage_of(c) == "steady"
    assert stage_of(c, config(dormant_days=100)) == "steady"        # 3× the 40-day cadence is 120
    assert stage_of(c, config(dormant_days=100, dormant_cadence_multiple=2.5)) == "dormant"


def test_future_interactions_are_ignored():
    c = customer(*steady_history(), touch(-5, -2), since=LONG_AGO)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "steady"
    assert r.timeline.last_contact == d(10)


# -- stage history -----------------------------------------------------------------------

def test_month_ends_are_twelve_and_end_today():
    ends = month_ends(AS_OF)
    assert len(ends) == 12 and ends[-1] == AS_OF
    assert ends[0].isoformat() == "2025-12-31" and ends[-2].isoformat() == "2026-10-31"
    assert all((e + timedelta(days=1)).day == 1 for e in ends[:-1])


def test_stage_history_shows_the_journey():
    c = customer(touch(150, 1), touch(120, 1), touch(60, 1), touch(40, 2, with_=("Bo Chan",)), touch(10, 2),
                 since=d(150), cadence=30)
    r = analyse(c, config(), AS_OF)
    stages = [p.stage for p in r.stage_history]
    assert stages[0] == "none"                       # before the relationship began
    assert "establishing" in stages
    assert stages[-1] == r.stage.id


def test_ended_only_shows_from_the_last_touch():
    c = customer(*steady_history(until_days_ago=100), since=LONG_AGO, status="ended")
    assert stage_at(c, config(), d(200)) != "ended"
    assert stage_at(c, config(), d(50)) == "ended"


# -- actions ---------------------------------------------------------------------------

def test_follow_up_points_at_the_task_line():
    p = promise("Send the revised quote", due=d(-3), line=9)
    c = customer(*steady_history(), touch(5, 1, commitments=(p,), with_=("Bo Chan",)), since=LONG_AGO)
    a = next(a for a in analyse(c, config(), AS_OF).actions if a.kind == "follow-up")
    assert a.title == "Send the revised quote"
    assert a.due == d(-3) and a.priority == "medium" and a.contact == "Bo Chan"
    assert a.source.line == 9 and a.source.path.startswith("content/customers/x/interactions/")


def test_overdue_follow_up_is_high_and_undated_one_gets_a_week():
    late = promise("Call back", due=d(2))
    undated = promise("Share the deck", due=None)
    c = customer(*steady_history(), touch(8, 1, commitments=(late, undated)), since=LONG_AGO)
    acts = {a.title: a for a in analyse(c, config(), AS_OF).actions if a.kind == "follow-up"}
    assert acts["Call back"].priority == "high"
    assert acts["Share the deck"].due == d(1)
    assert "a week after" in acts["Share the deck"].why


@pytest.mark.parametrize("late, says", [(14, False), (15, True)])
def test_a_promise_well_overdue_says_tick_it_or_say_when(late, says):
    """Kestrel's laptops "for the 1 December starters", 23 days late, read as if still to build:
    past the at-risk mark (14 days) the reason says what to do besides the work."""
    p = promise("Build the laptops", due=d(late))
    chase = promise("Chase Bo for the staff list", due=d(late))
    c = customer(*steady_history(), touch(40, 1, commitments=(p, chase), with_=("Bo Chan",)), since=LONG_AGO)
    acts = {a.title: a for a in analyse(c, config(), AS_OF).actions if a.kind == "follow-up"}
    note = os.path.basename(acts["Build the laptops"].source.path)
    assert (f" If it was done, tick it in {note}; if not, deliver it, or tell Bo Chan when it will come."
            in acts["Build the laptops"].why) is says
    assert acts["Chase Bo for the staff list"].why.endswith(f" If it was done, tick it in {note}." if says else
                                                            f"({days(late)} overdue).")


def test_a_late_promise_to_several_tells_them_not_one_picked_by_order():
    """Calder: the schedule promised in a workshop with Owen and Tasha, and asked for by Tasha,
    read "with Tasha Greene" and "tell Owen Price when it will come", the first of the meeting."""
    p = promise("Send the revised data retention schedule", due=d(50))
    wanted = ask("A revised data retention schedule for their matter types", d(80), from_="Bo Chan")
    c = customer(*steady_history(), touch(64, 0, type="meeting", with_=("Ann Lee", "Bo Chan"), commitments=(p,)),
                 since=LONG_AGO, asks=(wanted,))
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.title == p.text]
    assert a.contact == "Bo Chan" and [x.text for x in a.also] == ["Answer Bo Chan: " + wanted.what]
    assert "; if not, deliver it, or tell them when it will come." in a.why and "Ann Lee and Bo Chan" in a.why


def test_what_goes_ahead_during_a_pause_says_the_pause_is_on():
    """Ashby's renewal call, in the last weeks of the pause Mark Ellery asked for, read as if
    nothing held us back; a chasing touch still waits for the pause's end."""
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=21),
                 pause=pause(AS_OF + timedelta(days=22)))
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    until = fmt_date(AS_OF + timedelta(days=22))
    assert call.why.endswith(f"(They asked for a pause until {until}, but the renewal cannot wait: this goes ahead; "
                             "chase nothing else.)")
    assert call.due < AS_OF + timedelta(days=22)


@pytest.mark.parametrize("silent, expected", [(30, False), (31, True)])
def test_reach_out_after_the_cadence(silent, expected):
    c = customer(*steady_history(until_days_ago=silent + 30), touch(silent, 1), since=LONG_AGO, cadence=30)
    assert ("reach-out" in kinds(c)) is expected


@pytest.mark.parametrize("in_days, expected", [(14, True), (15, False), (0, True)])
def test_birthday_within_two_weeks(in_days, expected):
    day = AS_OF + timedelta(days=in_days)
    people = (contact("Ann Lee", "CEO", Birthday(day.month, day.day), primary=True),)
    c = customer(*steady_history(), since=LONG_AGO, contacts=people)
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]
    assert bool(acts) is expected
    if expected:
        assert acts[0].contact == "Ann Lee" and acts[0].due == day and "birthday" in acts[0].title


@pytest.mark.parametrize("days_ago, belated", [(1, True), (7, True), (8, False)])
def test_a_birthday_gone_by_unmarked_asks_for_belated_wishes_for_a_week(days_ago, belated):
    """The greeting used to vanish the day after, without a trace, while a late promise stays
    listed as overdue (an account manager's objection): for a week it is belated wishes,
    due on the day (so shown as late), unless a note marks the birthday."""
    day = AS_OF - timedelta(days=days_ago)
    people = (contact("Ann Lee", "CEO", Birthday(day.month, day.day, 1980), primary=True),)
    acts = [a for a in analyse(customer(*steady_history(), since=LONG_AGO, contacts=people), config(), AS_OF).actions
            if a.kind == "personal"]
    assert bool(acts) is belated
    if belated:
        (a,) = acts
        assert a.title == f"Wish Ann Lee a happy birthday, belatedly ({fmt_day(day)})" and a.due == day
        assert a.why.startswith(f"Ann Lee's birthday ({day.year - 1980}) was ")
        assert a.why.endswith("and no note since mentions it. Late wishes still count.")


@pytest.mark.parametrize("noted, with_, summary, marked", [
    (0, ("Ann Lee",), "Birthday call", True),             # on the day, with her
    (-2, ("Bo Chan",), "Sent Ann a birthday card", True),  # after it, naming her
    (1, (), "Card for Ann's birthday", True),              # the eve: a card may arrive early
    (3, ("Ann Lee",), "Asked Ann about her birthday plans", False),  # earlier: planning, not the greeting
    (0, ("Ann Lee",), "Quarterly review", False),          # a touch on the day is no greeting
    (0, ("Bo Chan",), "Bo's birthday lunch", False),        # someone else's birthday
    # a second read found these marking Ann's birthday: each says whose birthday it is
    (-1, ("Ann Lee",), "Ann asked for AV for Declan's birthday quiz night", False),
    (0, ("Bo Chan",), "Told Ann it is Bo's birthday today", False),
    (-1, ("Ann Lee",), "Ann's 40th birthday: card sent", True),
    (-1, ("Ann Lee",), "It's her birthday: flowers sent", True),  # "it's" names no one
])
def test_a_note_that_marks_the_birthday_ends_the_greeting(noted, with_, summary, marked):
    """`noted`: days before the birthday (negative: after) the note was written."""
    day = AS_OF - timedelta(days=2)
    people = (contact("Ann Lee", "CEO", Birthday(day.month, day.day), primary=True), contact("Bo Chan", "CFO"))
    note = touch((AS_OF - day).days + noted, 1, with_=with_, summary=summary)
    c = customer(*[t for t in steady_history() if t.date != note.date], note, since=LONG_AGO, contacts=people)
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]
    assert (acts == []) is marked, [a.title for a in acts]


@pytest.mark.parametrize("days_ago, note, expected", [
    (1, None, True), (7, None, True), (8, None, False),
    (3, (2, "Anniversary lunch with Ann"), False),      # marked after the day
    (3, (4, "Thanked Ann for three years: anniversary card"), False),  # on the eve
    (3, (6, "Ann asked about our anniversary offer"), True),  # too early to be the greeting
])
def test_an_anniversary_gone_by_unmarked_is_marked_belatedly_for_a_week(days_ago, note, expected):
    """Rosalind's 5th anniversary vanished the day after (a second blind read), as the
    birthdays had. `note`: (days ago, summary) of a note that mentions an anniversary."""
    day = AS_OF - timedelta(days=days_ago)
    items = [t for t in steady_history() if note is None or t.date != d(note[0])]
    if note is not None:
        items.append(touch(note[0], 1, summary=note[1]))
    c = customer(*sorted(items, key=lambda i: i.date), since=day.replace(year=day.year - 3))
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]
    assert bool(acts) is expected, [a.title for a in acts]
    if expected:
        (a,) = acts
        assert a.title == f"Mark the 3rd anniversary of working with {c.name}, belatedly ({fmt_day(day)})"
        assert a.due == day and a.contact is None
        assert a.why.endswith("and no note since mentions it. A late note of thanks still counts.")


def test_a_title_is_not_a_first_name():
    """'Dr Mei Lin Cheng': a note about Dr Tom's daughter's birthday is not hers."""
    day = AS_OF - timedelta(days=2)
    people = (contact("Dr Mei Lin Cheng", "Lab manager", Birthday(day.month, day.day), primary=True),
              contact("Dr Tom Adebayo", "PI"))

    def titles(summary: str) -> list[str]:
        note = touch(1, 1, with_=("Dr Tom Adebayo",), summary=summary)
        c = customer(*steady_history(until_days_ago=20), note, since=LONG_AGO, contacts=people)
        return [a.title for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]

    assert titles("Dr Tom says Zara's birthday party went well") == \
        [f"Wish Dr Mei Lin Cheng a happy birthday, belatedly ({fmt_day(day)})"]
    assert titles("Signed Mei Lin's birthday card with Dr Tom") == []


def test_a_birthday_marked_on_the_eve_is_not_suggested_on_the_day():
    people = (contact("Ann Lee", "CEO", Birthday(AS_OF.month, AS_OF.day), primary=True),)
    plain = customer(*steady_history(), since=LONG_AGO, contacts=people)
    assert [a.title for a in analyse(plain, config(), AS_OF).actions if a.kind == "personal"] == \
        [f"Wish Ann Lee a happy birthday ({fmt_day(AS_OF)})"]
    marked = customer(*steady_history(), touch(1, 1, summary="Birthday card posted to Ann"), since=LONG_AGO,
                      contacts=people)
    assert not [a for a in analyse(marked, config(), AS_OF).actions if a.kind == "personal"]


def test_feb_29_birthday_in_a_common_year():
    people = (contact("Ann Lee", birthday=Birthday(2, 29, 1988)),)
    c = customer(*steady_history(), since=LONG_AGO, contacts=people)
    r = analyse(c, config(), d(-95))  # as of 2027-02-23
    kd = [k for k in r.key_dates if k.kind == "birthday"][0]
    assert kd.date.isoformat() == "2027-02-28" and "(39)" in kd.title


@pytest.mark.parametrize("in_days, expected", [(14, True), (15, False)])
def test_relationship_anniversary(in_days, expected):
    day = AS_OF + timedelta(days=in_days)
    since = day.replace(year=day.year - 3)
    c = customer(*steady_history(), since=since)
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]
    assert bool(acts) is expected
    if expected:
        assert "3rd anniversary" in acts[0].title and acts[0].source.line == 3


@pytest.mark.parametrize("bad, renewal, marked", [(None, None, True), (-2, None, False), (1, None, True),
                                                  (None, d(3), False), (None, d(-90), True)])
def test_no_anniversary_while_a_bad_touch_waits_for_its_repair(bad, renewal, marked):
    """Northgate: "Mark the 5th anniversary of working with us" a month after its tender threat;
    Saltmarsh: "…the 4th anniversary, belatedly" while nobody knows whether it renewed."""
    day = AS_OF + timedelta(days=5)
    items = [*steady_history(until_days_ago=40), *([touch(10, bad, type="meeting")] if bad else [])]
    c = customer(*items, since=day.replace(year=day.year - 5), renewal=renewal,
                 contacts=(contact("Ann Lee", "CEO", Birthday(day.month, day.day, 1980), primary=True),))
    titles = [a.title for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]
    assert any("5th anniversary" in x for x in titles) is marked
    assert any(x.startswith("Wish Ann Lee a happy birthday") for x in titles)  # hers, whatever the account's state


@pytest.mark.parametrize("late, asked, low", [(None, None, False), (15, None, True), (14, None, False),
                                             (None, 15, True), (None, 14, False)])
def test_a_note_of_thanks_waits_while_we_are_late_on_what_we_owe(late, asked, low):
    """Kestrel's "Mark the 2nd anniversary" ranked high beside its SOC 2 evidence pack, 111 days
    waiting (an account manager's objection): low, saying what to see to first, when a promise
    is over `overdue_days` late or an ask has waited over two weeks. A birthday is theirs."""
    day = AS_OF + timedelta(days=2)
    items = list(steady_history(until_days_ago=20))
    if late is not None:
        items.append(touch(late + 5, 1, commitments=(promise("Send the SOC 2 evidence pack", due=d(late)),)))
    c = customer(*items, since=day.replace(year=day.year - 2),
                 asks=(ask("SOC 2 vendor evidence pack from us", d(asked)),) if asked is not None else (),
                 contacts=(contact("Ann Lee", "CEO", Birthday(day.month, day.day, 1980), primary=True),))
    acts = {a.title.split(" (")[0]: a for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"}
    thanks = acts["Mark the 2nd anniversary of working with Example Ltd"]
    assert (thanks.priority == "low") is low and thanks.priority in ("low", "high")
    if low:
        what = (f"\u201cSend the SOC 2 evidence pack\u201d, {late} days overdue" if late else
                f"\u201cSOC 2 vendor evidence pack from us\u201d, waiting {asked} days")
        assert thanks.why.endswith(f" Low priority while we are late on {what}: see to that first.")
    assert acts["Wish Ann Lee a happy birthday"].priority == "high"
    # Nor is it a talking point of the brief meanwhile; her birthday is.
    from playbook.engine.brief import talking_points
    points = [x.text for x in talking_points(analyse(c, config(), AS_OF))]
    assert any("anniversary" in x for x in points) is not low and any("birthday" in x for x in points)


@pytest.mark.parametrize("in_days, expected, priority", [(30, True, "high"), (31, True, "medium"),
                                                         (60, True, "medium"), (61, False, None)])
def test_renewal_window(in_days, expected, priority):
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=in_days))
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert bool(acts) is expected
    if expected:
        assert acts[0].priority == priority and acts[0].source.line == 4
        call = AS_OF + timedelta(days=in_days - 21)
        assert acts[0].due == max(AS_OF, call - timedelta(days=max(0, call.weekday() - 4)))
        assert acts[0].due.weekday() < 5  # never a call planned for the weekend


def _people(ann: tuple[str, ...], bo: tuple[str, ...], bo_left: bool = False) -> tuple[Contact, ...]:
    src = Source("content/customers/x/customer.yaml", 5)
    return (Contact("Ann Lee", "Operations Director", None, None, None, None, True, src, decision=ann),
            Contact("Bo Chan", "CEO", None, None, None, None, False, src, decision=bo,
                    left=d(30) if bo_left else None))


@pytest.mark.parametrize("late, chased, logged, helper", [
    (28, "Bo Chan", "unanswered", None),       # a month: still Bo's to send
    (29, "Bo Chan", "unanswered", "Ann Lee"),  # twice overdue_days, our chase unanswered: the primary contact
    (29, "Bo Chan", None, None),               # never chased: chase Bo first
    (29, "Bo Chan", "answered", None),         # Bo replied to the chase: still Bo's
    (29, "Ann Lee", "unanswered", None),       # the primary contact is the one who owes it
])
def test_a_chase_long_past_its_day_goes_through_a_second_contact(late, chased, logged, helper):
    """Fernhill (a seventh blind read): "Chase Sarah for the staff list", by email, 58, 122 and
    194 days late, and Dr Qureshi, the primary contact, never asked. But not over Sarah's head
    before anyone has chased her (the ninth): only once a chase of ours is unanswered."""
    first = chased.split()[0]
    p = promise(f"Chase {first} for the staff list", due=d(late))
    notes = [touch(late + 10, 1, commitments=(p,), with_=(chased,))]
    if logged is not None:
        notes.append(touch(late - 5, None, with_=(chased,), direction="out", type="email", summary="the list?"))
    if logged == "answered":
        notes.append(touch(late - 7, None, with_=(chased,), direction="in", type="email", summary="next week"))
    c = customer(*steady_history(until_days_ago=60), *notes, since=LONG_AGO, cadence=60, contacts=_people((), ()))
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "follow-up"]
    if helper is None:
        assert (a.title, a.contact) == (f"Chase {first} for the staff list", chased)
        assert ("Nothing logged since" in a.why) is (logged is None)
        if logged is None:
            assert (f"Nothing logged since {fmt_date(d(late + 10))} shows {first} chased: chase {first} first, and "
                    "if that goes unanswered, ask Ann Lee, the primary contact, to help move it.") in a.why
    else:
        # Not "Chase Bo" in a title with Ann; still a to-do, ranked and labelled as one.
        assert (a.title, a.contact, a.chase) == (f"Ask {helper} to help with the staff list", helper, True)
        assert a.score_reasons[0] == "a to-do we noted (+25)"
        assert (f"Still not in, {late} days past its day, and our email of {fmt_date(d(late - 5))} to {first} has "
                f"had no reply: ask {helper}, the primary contact, to help move it, as a favour, not a complaint "
                f"about {first}.") in a.why


@pytest.mark.parametrize("ann, bo, bo_left, who, helps", [
    ((), (), False, "Ann Lee", False),                              # nobody named as deciding: the main contact
    (("champion",), ("decision maker",), False, "Bo Chan", True),   # Northgate: Simon decides, not Craig
    ((), ("budget holder",), False, "Bo Chan", True),
    (("budget holder",), ("decision maker",), False, "Bo Chan", True),  # the decision maker before the budget
    (("decision maker",), ("budget holder",), False, "Ann Lee", False),  # the main contact decides it
    ((), ("decision maker",), True, "Ann Lee", False),              # a decider who has left is not called
])
def test_the_renewal_call_goes_to_whoever_decides_it(ann, bo, bo_left, who, helps):
    """Northgate's renewal call went to Craig, the champion, while Simon, who had threatened a
    tender, decides it (an account manager's objection)."""
    on = fmt_date(AS_OF + timedelta(days=40))
    heard = [touch(10, 1, with_=("Bo Chan",))]  # not quiet: no coverage meeting beside the call
    c = customer(*steady_history(until_days_ago=20), *heard, since=LONG_AGO, renewal=AS_OF + timedelta(days=40),
                 contacts=_people(ann, bo, bo_left))
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert (call.title, call.contact) == (f"Call {who} before the renewal on {on}", who)
    role = "decision maker" if "decision maker" in bo else "budget holder"
    assert (f" Bo Chan decides it ({role}); Ann Lee, the main contact, can help you prepare." in call.why) is helps
    if who == "Bo Chan":
        # Quiet, Bo gets a meeting before the renewal: the call to him is the same conversation.
        quiet = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=40),
                         contacts=_people(ann, bo, bo_left))
        (one,) = [a for a in analyse(quiet, config(), AS_OF).actions if a.kind == "renewal"]
        # Said as such, not as the meeting covering a call with the same person (a seventeenth
        # blind read: "Email Eleanor Calder… (Also covers “Email Eleanor Calder before the renewal…”)").
        assert one.contact == "Bo Chan" and " (It is the renewal conversation too: Renewal in 40 days." in one.why
        assert "Also covers" not in one.why


@pytest.mark.parametrize("in_days, expected, priority", [(86, True, "high"), (87, True, "medium"),
                                                         (116, True, "medium"), (117, False, None)])
def test_a_renewal_lead_moves_the_call_and_its_window(in_days, expected, priority):
    """`renewal_lead: 8w` (an NHS framework's paperwork): the call falls due 3 weeks before those
    8 weeks begin (11 weeks before the renewal), and shows 8 weeks sooner (116 days ahead, not 60)."""
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=in_days), renewal_lead=56)
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert bool(acts) is expected
    if expected:
        call = AS_OF + timedelta(days=in_days - 77)
        assert acts[0].due == call - timedelta(days=max(0, call.weekday() - 4)) and acts[0].due.weekday() < 5
        assert acts[0].priority == priority
        starts = fmt_date(AS_OF + timedelta(days=in_days - 56))     # named: merged into a meeting due
        assert acts[0].why == (f"Renewal in {in_days} days. Their side needs 8 weeks to renew (renewal_lead in "  # sooner,
                               f"customer.yaml), from {starts}: the call is due 3 weeks before then at the latest.")


@pytest.mark.parametrize("role, left, named", [("Procurement Lead", False, True), ("Head of Purchasing", False, True),
                                               ("Procurement Lead", True, False), ("Estates Manager", False, False)])
def test_whoever_buys_for_them_is_named_as_starting_their_lead_time(role, left, named):
    """St Aldhelm's 8 weeks of NHS framework paperwork are Siobhan's ("Siobhan owns the paperwork,
    allow 8 weeks"), and no action named her (a tenth blind read)."""
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src),
              Contact("Sio Keane", role, None, None, None, None, False, src, left=d(10) if left else None))
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=100), renewal_lead=56,
                 contacts=people)
    found = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    # Checking with them that it starts in time is an action of its own, with them, due with the
    # call: inside St Aldhelm's visit to Helen, three months late, it waited on that visit (a
    # twelfth blind read).
    starts = fmt_date(AS_OF + timedelta(days=44))
    (call,) = [a for a in found if a.renewal_step == "call"]
    checks = [a for a in found if a.renewal_step == "paperwork"]
    if named:
        (check,) = checks
        assert (check.title, check.contact, check.due) == (
            f"Check with Sio Keane that their side starts the renewal of {fmt_date(AS_OF + timedelta(days=100))} "
            f"by {starts}", "Sio Keane", call.due)
        assert f" Sio Keane ({role}) is likely the one who starts it." in check.why
        # It gains as that day comes, from a fortnight before (St Aldhelm's check came ninth on
        # Tomás's list nine days before it: a fourteenth blind read).
        late = [a for a in analyse(c, config(), AS_OF + timedelta(days=35)).actions if a.renewal_step == "paperwork"]
        assert "their side's time to renew starts in 9 days (+12)" in late[0].score_reasons
        assert not any(r.startswith("their side") for r in check.score_reasons)   # 44 days before it
    else:
        assert checks == []
    assert "Sio Keane" not in call.why
    # Once that time has begun with nothing heard, the question whether it has started is theirs:
    # St Aldhelm's read "Ask Helen Marsh whether their side has started", with Helen, and went on
    # to say Siobhan starts it (an eleventh blind read). Whoever decides is asked for an extension.
    late = replace(c, renewal=AS_OF + timedelta(days=45),
                   interactions=tuple(i for i in c.interactions if i.date < AS_OF - timedelta(days=30)))
    (call,) = [a for a in analyse(late, config(), AS_OF).actions if a.kind == "renewal" and a.lead_begun]
    renewal = fmt_date(AS_OF + timedelta(days=45))
    if named:
        assert (call.title, call.contact) == (f"Ask Sio Keane whether their side has started the renewal of {renewal}",
                                              "Sio Keane")
        # The same day: the extension cannot wait on another answer (a twenty-fourth blind read).
        assert (f" Sio Keane ({role}) is likely the one who starts it: ask them first; if it has not started, ask "
                "Ann Lee for an extension the same day (long enough to leave their side its time to renew).") \
            in call.why
        # It carries on the check with them, and keeps its day: St Aldhelm's went from "due 13 Jan"
        # to "due 3 Feb, 5 days overdue" once that time had begun (a twentieth blind read).
        (before,) = [a for a in analyse(late, config(), AS_OF - timedelta(days=12)).actions
                     if a.renewal_step == "paperwork"]
        assert call.due == before.due < call.lead_begun
        assert f" We were due to check with Sio by {fmt_date(before.due)} that it would start in time." in call.why
    else:
        assert (call.title, call.contact) == (
            f"Ask Ann Lee whether their side has started the renewal of {renewal}, or for an extension", "Ann Lee")
    # Nobody is asked to join the question whether the paperwork has started (St Aldhelm's read
    # "Anjali Desai was in it too: ask them to join", and took in Anjali's check-in with it).
    talk = replace(touch(340, 1, with_=("Ann Lee", "Bo Chan"), type="meeting", summary="Renewal agreed"),
                   with_=("Ann Lee", "Bo Chan"))
    three = replace(late, contacts=(*people, Contact("Bo Chan", "CFO", None, None, None, None, False, src)),
                    interactions=tuple(sorted((*late.interactions, talk), key=lambda i: i.date)))
    (call,) = [a for a in analyse(three, config(), AS_OF).actions if a.kind == "renewal" and a.lead_begun]
    assert "Renewal agreed" in call.why
    assert ("Bo Chan was in it too: ask Bo to join." in call.why) is not named and bool(call.joiners) is not named


@pytest.mark.parametrize("heard_days_ago, says", [(30, True), (12, True), (8, False)])
def test_their_lead_time_running_with_nothing_heard_is_said(heard_days_ago, says):
    """St Aldhelm's read "the call comes 3 weeks before that" 16 days before a renewal whose 8
    weeks of NHS paperwork had begun 6 weeks earlier, with nothing heard since (an account
    manager's objection). Once their lead time has begun with nothing heard from them since,
    the call says the renewal cannot be done in time unless their side has started, and asking
    whether it has is the call (its title), ranked so (a seventh blind read: St Aldhelm's
    question, six days before the renewal, was only in a parenthesis)."""
    c = customer(*steady_history(until_days_ago=heard_days_ago), since=LONG_AGO,
                 renewal=AS_OF + timedelta(days=45), renewal_lead=56)   # their 8 weeks began 11 days ago
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    begun = fmt_date(AS_OF - timedelta(days=11))
    text = (f" That time began on {begun}, and nothing has been heard from them since: unless their side has "
            f"started, the renewal cannot be done by {fmt_date(AS_OF + timedelta(days=45))}.")
    assert (text in call.why) is says
    renewal = fmt_date(AS_OF + timedelta(days=45))
    assert call.title == (f"Ask Ann Lee whether their side has started the renewal of {renewal}, or for an extension"
                          if says else f"Call Ann Lee before the renewal on {renewal}")
    assert any(r.startswith(f"their side's time to renew began {begun}, nothing heard since (+15)")
               for r in call.score_reasons) is says


def test_asking_whether_their_side_has_started_leads_the_meeting_with_the_quiet_decider():
    """St Aldhelm's on 25 Mar (a seventh blind read): "Visit Helen Marsh (decision maker) before
    the renewal", due 16 Oct and 160 days overdue, led; that their 8 weeks had begun unheard,
    six days before the renewal, was in its parenthesis."""
    renewal = AS_OF + timedelta(days=45)                                  # their 8 weeks began 11 days ago
    c = customer(*steady_history(until_days_ago=30), since=LONG_AGO, renewal=renewal, renewal_lead=56,
                 contacts=_people((), ("decision maker",), False))
    (one,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert one.title == f"Ask Bo Chan whether their side has started the renewal of {fmt_date(renewal)}, or for an extension"
    # Due from the day their time began (the call's day was before it): not the meeting's day.
    assert one.lead_begun == AS_OF - timedelta(days=11) and one.due == one.lead_begun
    # The meeting it covers keeps its reason: Bo has not been heard from.
    assert f"(Also covers \u201cMeet Bo Chan (decision maker) before the renewal on {fmt_date(renewal)}\u201d: " in one.why


@pytest.mark.parametrize("in_days, says", [(70, True), (56, True), (90, True), (50, False)])  # begun, heard since
def test_the_brief_names_the_day_their_lead_time_must_start(in_days, says):
    """St Aldhelm's brief of 1 Feb named the renewal "in 58 days", not the 8 weeks of NHS
    paperwork that had to start by 3 Feb (an account manager's objection)."""
    from playbook.engine.brief import talking_points
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=in_days), renewal_lead=56)
    (point,) = [x.text for x in talking_points(analyse(c, config(), AS_OF)) if x.text.startswith("The renewal on")]
    assert (f"Their side needs 8 weeks to renew: it must start by {fmt_date(AS_OF + timedelta(days=in_days - 56))}."
            in point) is says


def test_the_brief_names_whoever_buys_for_them_with_their_lead_time():
    """The call named Siobhan Keane (Procurement Lead) as likely to start St Aldhelm's 8 weeks
    of paperwork; the brief for the meeting left her out (a tenth blind read)."""
    from playbook.engine.brief import talking_points
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src),
              Contact("Sio Keane", "Procurement Lead", None, None, None, None, False, src))
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=70), renewal_lead=56,
                 contacts=people)
    (point,) = [x.text for x in talking_points(analyse(c, config(), AS_OF)) if x.text.startswith("The renewal on")]
    assert (f"it must start by {fmt_date(AS_OF + timedelta(days=14))}. Sio Keane (Procurement Lead) is likely the one "
            "who starts it.") in point
    # Begun unheard, the brief asks them first, as the call does (an eleventh blind read).
    late = replace(c, renewal=AS_OF + timedelta(days=45),
                   interactions=tuple(i for i in c.interactions if i.date < AS_OF - timedelta(days=30)))
    (point,) = [x.text for x in talking_points(analyse(late, config(), AS_OF)) if x.text.startswith("The renewal on")]
    assert ("nothing has been heard from them since: ask Sio Keane (Procurement Lead), likely the one who starts it, "
            "whether it has started; if it has not, ask for an extension the same day.") in point


def test_once_their_lead_time_runs_unheard_the_brief_asks_that_first_and_takes_what_we_owe_into_it():
    """St Aldhelm's brief, six days before its renewal, opened with "First see to what we owe
    them: …", a question 239 days old, and only then whether their side had started (a seventh
    blind read); the action that leads asks that."""
    from playbook.engine.brief import talking_points
    asks = (ask("Whether the nurse-call system can be integrated", d(100)),)
    c = customer(*steady_history(until_days_ago=30), since=LONG_AGO, renewal=AS_OF + timedelta(days=45),
                 renewal_lead=56, asks=asks)                        # their 8 weeks began 11 days ago, unheard
    (point,) = [x.text for x in talking_points(analyse(c, config(), AS_OF)) if x.text.startswith("The renewal on")]
    question = point.index("ask whether their side has started, or for an extension.")
    assert question < point.index(" Take what we owe them into it: \u201cWhether the nurse-call system")
    assert "First see to" not in point


@pytest.mark.parametrize("asker, taken", [("Gus Pryce", False), ("Sio Keane", True), (None, True)])
def test_the_question_to_whoever_buys_for_them_takes_along_only_what_is_theirs(asker, taken):
    """St Aldhelm's brief asked Siobhan, in procurement, whether their side had started the
    renewal, and said to take Gareth's nurse-call question into it (a twenty-second blind read)."""
    from playbook.engine.brief import talking_points
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src),
              Contact("Sio Keane", "Procurement Lead", None, None, None, None, False, src),
              Contact("Gus Pryce", "Clinical Lead", None, None, None, None, False, src))
    asks = (ask("Whether the nurse-call system can be integrated", d(100), from_=asker),)
    c = customer(*steady_history(until_days_ago=30), since=LONG_AGO, renewal=AS_OF + timedelta(days=45),
                 renewal_lead=56, asks=asks, contacts=people)
    (point,) = [x.text for x in talking_points(analyse(c, config(), AS_OF)) if x.text.startswith("The renewal on")]
    assert "ask Sio Keane (Procurement Lead), likely the one who starts it, whether it has" in point
    assert (" Take what we owe them into it: " in point) is taken
    assert (" Apart from this, see to what we owe them: Gus Pryce's question, \u201cWhether the nurse-call "
            "system" in point) is (not taken)


@pytest.mark.parametrize("heard_days_ago, cadence, at_risk", [(30, 14, True), (30, 30, False), (12, 10, True),
                                                               (12, 30, False), (8, 5, False)])
def test_their_lead_time_running_in_a_silence_past_the_cadence_puts_it_at_risk(heard_days_ago, cadence, at_risk):
    """St Aldhelm's stage named its quiet decision makers, not its 8 weeks of NHS paperwork
    running with nothing heard, which its call and brief said (an account manager's
    objection). Within the cadence it is no risk yet; heard since the lead began, none."""
    items = [touch(heard_days_ago + cadence * k, 1) for k in range(400 // cadence)]   # the last one heard_days_ago
    c = customer(*items, since=LONG_AGO, cadence=cadence, renewal=AS_OF + timedelta(days=45),
                 renewal_lead=56)   # their 8 weeks began 11 days ago
    stage = analyse(c, config(), AS_OF).stage
    said = (f"Their side needs 8 weeks to renew by {fmt_date(AS_OF + timedelta(days=45))}: that time began on "
            f"{fmt_date(AS_OF - timedelta(days=11))}, and nothing has been heard from them since.")
    assert (said in [r.text for r in stage.reasons]) is at_risk
    if at_risk:
        assert stage.id == "at-risk"


@pytest.mark.parametrize("bad, good_after, in_days, weeks", [
    (None, False, 56, 3),   # no setback: three weeks before
    (65, False, 56, 6),     # a bad run since 65 days ago, nothing good since: six weeks before
    (65, True, 56, 3),      # repaired since: three weeks again
    (4, False, 40, None),   # six weeks before was yesterday: not before the repair is due (3 days after it)
    (20, False, 25, None),  # likewise, and late since, as the repair is
    (2, False, 10, 3),      # the usual day is sooner than the repair's: never later than the usual day
])
def test_after_a_setback_the_renewal_call_comes_twice_as_early(bad, good_after, in_days, weeks):
    """Northgate's renewal call fell on Christmas Eve, three weeks before a renewal with a tender
    "on the table" after a run of outages (an account manager's objection, twice)."""
    items = [t for t in steady_history(until_days_ago=(bad or 0) + 10)]
    if bad:
        items += [touch(bad, -2, type="meeting")]
    if good_after:
        items += [touch(2, 1)]
    c = customer(*items, since=LONG_AGO, cadence=60, renewal=AS_OF + timedelta(days=in_days))
    r = analyse(c, config(), AS_OF)
    (call,) = [a for a in r.actions if a.kind == "renewal"]
    renewal = AS_OF + timedelta(days=in_days)
    usual = renewal - timedelta(days=21)
    usual -= timedelta(days=max(0, usual.weekday() - 4))
    if weeks == 3:
        assert call.due == usual and "the call comes 6 weeks" not in call.why
    elif weeks == 6:
        early = renewal - timedelta(days=42)
        assert call.due == early - timedelta(days=max(0, early.weekday() - 4)) < usual
        assert (f"With nothing good since the setback of {fmt_date(d(bad))}, the call comes 6 weeks before the "
                "renewal, not 3 weeks, to leave time to win them back.") in call.why
    else:
        assert call.due == d(bad) + timedelta(days=3) < usual


def test_on_the_renewal_eve_the_call_does_not_say_when_it_was_planned():
    """Northgate on 14 Jan (a twenty-fourth blind read): "Email Fiona Lyle today: where the
    renewal of 15 Jan stands… the email comes 6 weeks before the renewal, not 3 weeks, to leave
    time to win them back": a plan left over the day before it."""
    items = [*steady_history(until_days_ago=60), touch(50, -2, type="meeting")]
    for n, said in ((1, False), (20, True)):
        c = customer(*items, since=LONG_AGO, cadence=60, renewal=AS_OF + timedelta(days=n))
        (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
        assert ("to leave time to win them back" in call.why) is said, call.why


@pytest.mark.parametrize("in_days", [14, 3, 0])
def test_a_renewal_call_not_made_in_time_is_late_not_due_today(in_days):
    """The call is planned three weeks before the renewal; once that day has gone by it shows
    how late it is (as a promise does), instead of being due 'today' every day until the date."""
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=in_days))
    call = next(a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal")
    planned = AS_OF + timedelta(days=in_days - 21)
    assert call.due == planned - timedelta(days=max(0, planned.weekday() - 4)) < AS_OF
    assert call.priority == "high"
    assert call.why.startswith("Renewal is today.") if in_days == 0 else f"in {in_days} days" in call.why


@pytest.mark.parametrize("days_ago", [1, 5, 400])
def test_a_renewal_date_gone_by_with_nothing_recorded_asks_for_the_outcome(days_ago):
    """customer.yaml still gives a renewal date that has passed: nobody recorded whether they
    renewed, and the calls before the next renewal never come. One high, overdue action says
    so and links to the line to edit, until someone does."""
    c = customer(*steady_history(), since=LONG_AGO, renewal=d(days_ago), value=142_000)
    found = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert len(found) == 1
    a = found[0]
    assert a.title == (f"Check whether the renewal of {fmt_date(d(days_ago))} went through: our records first, "
                       "then ask Ann Lee")
    # The working day after it: asking before it had passed read "due Fri 26 Feb… 43 days
    # overdue" beside "passed 41 days ago" (Kestrel's, on a Sunday).
    assert 1 <= (a.due - d(days_ago)).days <= 3 and a.due.weekday() < 5
    assert a.priority == "high"
    assert a.due == AS_OF if days_ago == 1 else \
        any(x.startswith(f"{days((AS_OF - a.due).days)} overdue") for x in a.score_reasons)
    assert a.source.line == 4 and a.source.path.endswith("customer.yaml")
    assert "set renewal: to the next date" in a.why and "status: ended" in a.why
    assert "Check our own records first (a signed order, an invoice raised)" in a.why   # before calling them
    # The stage says so first: the account may have lapsed (Saltmarsh's renewal passed with our
    # quote unanswered, and its reasons spoke only of a late follow-up).
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk" and r.stage.reasons[0].text == (
        f"The renewal date, {fmt_date(d(days_ago))}, passed {days(days_ago)} ago and nothing records how it went: "
        "customer.yaml still gives it.") and r.stage.reasons[0].source.line == 4
    assert next(f for f in r.health.factors if f.name == "Stage").effect == -15
    ended = customer(*steady_history(), since=LONG_AGO, renewal=d(days_ago), status="ended")
    assert not [a for a in analyse(ended, config(), AS_OF).actions if a.kind == "renewal"]


@pytest.mark.parametrize("renewal_in, stage", [(25, "at-risk"), (180, "at-risk"), (181, "dormant")])
def test_a_dormant_silence_with_a_renewal_to_come_is_at_risk(renewal_in, stage):
    """Oakmere, silent long enough to be dormant 25 days before its renewal, read "Rekindle" and
    a low call before the renewal; Fernhill, mid-onboarding with its renewal 107 days off, got a
    "win-back note"; Calder, 60 days from its renewal, left the value at risk (account managers'
    objections). What we owe them stands: it is the way back in."""
    late = promise("Send the revised rota", d(190))
    c = customer(touch(400, 1), touch(200, 1, summary="Quarterly call", commitments=(late,)), since=LONG_AGO,
                 cadence=30, renewal=AS_OF + timedelta(days=renewal_in), value=20000)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == stage
    if stage == "dormant":
        return
    assert [x.text for x in r.stage.reasons] == [
        f"The renewal is on {fmt_date(AS_OF + timedelta(days=renewal_in))} (in {renewal_in} days), and nobody there "
        f"has been heard from since {fmt_date(d(200))}: a customer under contract, gone quiet.",
        f"Nothing heard for 200 days since the call of {fmt_date(d(200))}: long enough to be dormant, but at "
        "risk with a renewal to come.",
        # What we owe them is said too (Calder's stage had dropped its retention schedule, 177
        # days late: an account manager's objection); the key person gone quiet only when longer
        # than the account: Oakmere's said one silence twice (a twenty-seventh read).
        f"Promise \u201cSend the revised rota\u201d was due {fmt_date(d(190))}, 190 days overdue."]
    if renewal_in <= 60:
        longer = replace(c, interactions=(replace(c.interactions[0], with_=("Ann Lee",)),
                                          replace(c.interactions[1], with_=("Bo Chan",))),
                         contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "Ops")))
        assert [x.text for x in analyse(longer, config(), AS_OF).stage.reasons][-1] == (
            f"Ann Lee has not been heard from since {fmt_date(d(400))}, and the renewal is on "
            f"{fmt_date(AS_OF + timedelta(days=renewal_in))} (in {renewal_in} days).")
    assert not any(a.title.startswith("Rekindle") or "win-back" in a.why for a in r.actions)
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    assert owed.priority == "high" and "Low priority" not in owed.why


def test_over_a_renewal_gone_by_the_team_s_own_plays_wait_but_what_we_owe_stands():
    """Northgate on 10 Apr, its renewal of 15 Jan unrecorded after a tender threat: "Schedule a
    value review with finance" read medium, beside St Aldhelm's low for the same play (an
    account manager's objection). What we owe them stands."""
    review = Play(name="Finance gone quiet", do="Value review with finance", within=14, priority=None, line=3)
    standup = Play(name="Low health", do="Review account health at the stand-up", within=3, priority="high",
                   internal=True, line=9)
    late = promise("Send the root-cause report", d(20))
    c = customer(*steady_history(until_days_ago=40), touch(30, 1, commitments=(late,)), since=LONG_AGO, cadence=30,
                 renewal=d(10))
    acts = analyse(c, Config(plays=(review, standup)), AS_OF).actions
    (play,) = [a for a in acts if a.title == review.do]
    assert play.priority == "low" and play.why.endswith("(Low priority until you know whether they renewed: ask that "
                                                        "first.)")
    # A chore for the team does not: the stand-up is where the question is handed out. Two reads
    # on 6 Dec found Northgate's review, high in December, low below a belated anniversary card.
    # (It had read high at Northgate and low at St Aldhelm's, an account manager's objection: it
    # is high over a longer silence too, below.)
    assert [a.priority for a in acts if a.title == standup.do] == ["high"]
    silent = customer(touch(400, 1), touch(300, 1, commitments=(late,)), since=LONG_AGO, cadence=30, renewal=d(10))
    long_silent = analyse(silent, Config(plays=(review, standup)), AS_OF)
    assert long_silent.stage.id == "at-risk"
    assert [a.priority for a in long_silent.actions if a.title == standup.do] == ["high"]
    assert [a.priority for a in long_silent.actions if a.title == review.do] == ["low"]
    assert [a.priority for a in acts if a.kind == "follow-up"] == ["high"]
    # With the renewal to come, the play is as its rule says.
    ahead = analyse(replace(c, renewal=AS_OF + timedelta(days=200)), Config(plays=(review, standup)), AS_OF).actions
    assert [a.priority for a in ahead if a.title == review.do] == ["medium"]


@pytest.mark.parametrize("bad", [True, False])
def test_after_a_setback_a_renewal_gone_by_is_not_taken_as_renewed(bad):
    """Northgate (a seventeenth blind read): "Check whether the renewal went through…: a renewal
    that went through needs no asking", with a tender threatened at the escalation meeting and
    nothing good since. Then the question is where it stands."""
    c = customer(*steady_history(until_days_ago=40), touch(30, -2 if bad else 1, type="meeting"), touch(20, 0),
                 since=LONG_AGO, renewal=d(5), value=20000)
    (ask,) = [a for a in analyse(c, config(), AS_OF).actions if a.renewal_step == "lapsed"]
    said = (f" If our records do not show it, then with nothing good since the setback of {fmt_date(d(30))}, do not "
            "take it as renewed: ask where it stands (whether they have gone elsewhere, or the contract runs on "
            "meanwhile).")
    assert (said in ask.why) is bad


def test_over_a_renewal_gone_by_only_what_the_question_takes_along_goes_into_it():
    """Northgate (a check of a seventeenth blind read's fixes): the question took the root-cause
    report along; the report, and only it, says so; the rest waits on the question."""
    report = promise("Send the root-cause report", d(190))
    call = promise("Book the exec call", d(170))
    c = customer(touch(400, 1), touch(210, 1, summary="Escalation", commitments=(report,)),
                 touch(200, 1, summary="Follow-up", commitments=(call,)), since=LONG_AGO, cadence=30, renewal=d(30),
                 value=20000)
    r = analyse(c, config(), AS_OF)
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    assert ask.takes is not None
    assert "Bring to the same conversation what we are late on, or a date for it: \u201cSend the root-cause " \
           "report\u201d" in ask.why
    waits = {a.title: a.why[a.why.rindex("("):] for a in r.actions if a.kind == "follow-up"}
    assert waits == {"Send the root-cause report": "(Low priority until you know whether they renewed: it goes into "
                                                   "that question.)",
                     "Book the exec call": "(Low priority until you know whether they renewed: ask that first.)"}
    # The brief says so too: it read "Deliver each" of Northgate's exec call (a twenty-ninth blind read).
    from playbook.engine.brief import handle_with_care, talking_points
    (late,) = [x.text for x in handle_with_care(r) if x.text.startswith("We are late on")]
    assert late.endswith(". \u201cBook the exec call\u201d waits on whether they renewed: ask that first. Deliver the "
                         "other; for what cannot go yet, say when it will."), late
    # So does a question of theirs its answer holds so (Northgate's service credit, a check of that fix).
    import engine_factory  # (`ask` is the question above)
    asked = replace(c, asks=(engine_factory.ask("A service credit for the outages", d(150), from_="Bo Chan"),))
    r = analyse(asked, config(), AS_OF)
    assert any(a.kind == "answer" and a.waits_on for a in r.actions)
    assert ("Bo Chan's question: A service credit for the outages (waiting 150 days; low priority until you know "
            "whether they renewed: ask that first).") in [x.text for x in talking_points(r)]
    # One to check in our own records first (its day gone by: done, or missed?) needs no answer of
    # theirs: "check first… ask that first" read as two firsts (a check of that fix).
    dated = promise("Book the exec call for 15 June 2026", d(170))
    c = customer(touch(400, 1), touch(210, 1, summary="Escalation", commitments=(report,)),
                 touch(200, 1, summary="Follow-up", commitments=(dated,)), since=LONG_AGO, cadence=30, renewal=d(30),
                 value=20000)
    (late,) = [x.text for x in handle_with_care(analyse(c, config(), AS_OF)) if x.text.startswith("We are late on")]
    assert "it was for 15 Jun 2026" in late and "waits on whether they renewed" not in late, late
    # Not so long silent, nothing waits on the question, and the brief says nothing of it.
    c = customer(touch(400, 1), touch(60, 1, summary="Escalation", commitments=(promise(report.text, d(50)),)),
                 touch(50, 1, summary="Follow-up", commitments=(promise(call.text, d(40)),)), since=LONG_AGO,
                 cadence=30, renewal=d(30), value=20000)
    (late,) = [x.text for x in handle_with_care(analyse(c, config(), AS_OF)) if x.text.startswith("We are late on")]
    assert "waits on whether they renewed" not in late


def test_what_we_owe_someone_the_question_does_not_ask_goes_first_to_them():
    """Calder (a check of a nineteenth blind read's fixes): the question whether the renewal went
    through, to Eleanor, took along a schedule promised to Tasha in a workshop Eleanor was not
    at; Kestrel's, to Nadia, Ravi's SOC 2 pack. That stands on its own, to whom it is owed, and
    is not held behind the question (Calder's schedule waited "low" behind it: a blind read)."""
    schedule = promise("Send the revised schedule", d(190))
    c = customer(touch(400, 1), touch(210, 1, with_=("Bo Chan",), commitments=(schedule,)), touch(200, 1),
                 since=LONG_AGO, cadence=30, renewal=d(30), value=20000,
                 contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "Office Manager")))
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    assert ask.contact == "Ann Lee" and ask.takes is None and "Take into it" not in ask.why
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    assert owed.contact == "Bo Chan" and owed.priority == "high" and not owed.waits_on
    # Promised to Ann, it goes into the question, as before.
    hers = replace(c, interactions=tuple(replace(i, with_=("Ann Lee",)) for i in c.interactions))
    (ask,) = [a for a in analyse(hers, config(), AS_OF).actions if a.renewal_step == "lapsed"]
    assert "Bring to the same conversation what we are late on, or a date for it: \u201cSend the revised " \
           "schedule\u201d" in ask.why


def test_the_worst_setback_stays_among_the_reasons_of_a_renewal_gone_by_into_silence():
    """Northgate on 1 Jul (a check of a seventeenth blind read's fixes): its escalation, a tender
    threatened, left the stage's reasons once the renewal lapsed into silence, while health still
    charged it and the brief called it an open complaint."""
    c = customer(touch(400, 1), touch(210, -2, type="meeting", summary="Escalation: they will tender"),
                 touch(200, -1, summary="Rollback call"), since=LONG_AGO, cadence=30, renewal=d(30), value=20000)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    texts_ = [x.text for x in r.stage.reasons]
    assert texts_[0].startswith("The renewal date") and texts_[1].startswith("Nothing heard for 200 days")
    assert [x.text for x in r.stage.reasons if x.cause == "setback"] == [
        f"Very negative meeting with Ann Lee on {fmt_date(d(210))} (210 days ago): Escalation: they will tender. "
        "Nothing positive "
        "since."]
    assert any(f.name == "Unrepaired setback" and f.effect < 0 for f in r.health.factors)


def test_a_long_silence_over_a_renewal_gone_by_is_at_risk_not_dormant():
    """Dormant took them out of the year's value at risk while nobody knew whether they had
    renewed: by June the frozen example read £31,000 at risk against £648,300 in April."""
    late = promise("Send the revised rota", d(190))
    c = customer(touch(400, 1), touch(200, 1, summary="Quarterly call", commitments=(late,)), since=LONG_AGO,
                 cadence=30, renewal=d(30), value=20000)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    # One question first, not every late thing of half a year at once.
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    # The question takes it along, and it says so (Northgate's root-cause report read "ask that
    # first" beside "Take what we owe them into it: …", a check of a seventeenth blind read's fixes).
    assert owed.priority == "low" and owed.why.endswith("(Low priority until you know whether they renewed: it "
                                                        "goes into that question.)")
    # The question takes it along: asking whether they renewed while we owe them it embarrasses
    # the asker (a blind read of Calder's, its schedule 258 days late).
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    assert "Bring to the same conversation what we are late on, or a date for it: \u201cSend the revised rota\u201d, " \
           "190 days overdue;" in ask.why
    assert [x.text.split(",")[0] for x in r.stage.reasons] == ["The renewal date", f"Nothing heard for 200 days since "
                                                               f"the call of {fmt_date(d(200))}: long enough to be "
                                                               "dormant", "Promise \u201cSend the revised rota\u201d "
                                                               f"was due {fmt_date(d(190))}"]
    assert r.stage.reasons[1].text.endswith("but at risk while nobody knows whether they renewed.")
    assert not any(a.title.startswith("Rekindle") for a in r.actions)
    (call,) = [a for a in r.actions if a.kind == "renewal"]
    assert call.priority == "high" and "Low priority while the account is dormant" not in call.why
    assert "It is also the touch this quiet account needs" in call.why   # one call, not two
    # Without a renewal gone by, the same silence is dormant.
    assert analyse(replace(c, renewal=AS_OF + timedelta(days=300)), config(), AS_OF).stage.id == "dormant"


@pytest.mark.parametrize("in_days, waited, lead", [
    (24, 17, None),   # Saltmarsh on 20 Nov: the quote of 3 Nov, the renewal on 14 Dec: at risk on 23 Nov
    (40, 3, None),    # not yet two weeks: at risk once a reply is late, with the renewal close
    (30, 2, 14),      # their side needs two weeks more: from 35 days before
    (25, 20, None),   # a reply already late: from the day the call before the renewal is due
])
def test_steady_says_the_day_an_unanswered_renewal_touch_puts_it_at_risk(in_days, waited, lead):
    """Saltmarsh read "at risk if still quiet on 30 Dec 2026", a fortnight after its renewal of
    14 Dec, and turned at risk on 23 Nov with the renewal quote unanswered (an account
    manager's objection). The day said is the very day the stage turns, if nothing changes."""
    quote = touch(waited, 1, type="email", direction="out", summary="Sent the 2027 renewal quote")
    c = customer(*[touch(n, 1) for n in range(400, 25, -30)], touch(25, 1), quote, since=LONG_AGO, cadence=60,
                 renewal=AS_OF + timedelta(days=in_days), renewal_lead=lead)
    r = analyse(c, config(), AS_OF)
    day = max(d(waited) + timedelta(days=14), AS_OF + timedelta(days=in_days - 21 - (lead or 0)))
    assert r.stage.id == "steady"
    said = (f"at risk on {fmt_date(day)} if our email of {fmt_date(d(waited))} still has no reply, with the renewal "
            f"on {fmt_date(AS_OF + timedelta(days=in_days))}.")
    assert r.stage.reasons[0].text.endswith(said), r.stage.reasons[0].text
    assert analyse(c, config(), day - timedelta(days=1)).stage.id == "steady"
    assert analyse(c, config(), day).stage.id == "at-risk"


def test_our_own_late_chase_of_the_unanswered_renewal_is_said():
    """Saltmarsh read at risk for Jo's silence on the quote, and not that "Follow up with Jo on
    the renewal quote", in the same note, was ours and 11 days late (a tenth blind read)."""
    chase = promise("Follow up with Ann on the renewal quote", due=d(11))
    quote = touch(32, 1, type="email", direction="out", summary="Sent the 2027 renewal quote", commitments=(chase,))
    c = customer(*[touch(n, 1) for n in range(400, 40, -30)], touch(40, 1), quote, since=LONG_AGO, cadence=60,
                 renewal=AS_OF + timedelta(days=9))
    (x,) = [x for x in analyse(c, config(), AS_OF).stage.reasons if x.text.startswith("The renewal is on")]
    assert x.text.endswith("has had no reply in 32 days; our own \u201cFollow up with Ann on the renewal quote\u201d "
                           "is 11 days overdue.")


@pytest.mark.parametrize("in_days, waited, lead, expected", [
    (10, 31, None, True),   # Saltmarsh on 4 Dec: the quote sent a month before, unanswered
    (0, 14, None, True),
    (21, 14, None, True),
    (10, 13, None, False),  # a reply not yet late
    (22, 30, None, False),  # the renewal further off than the call before it
    (30, 20, 14, True),     # their side needs two weeks more: the call, and this, come earlier
    (-1, 30, None, False),  # gone by: that is the renewal lapsed, said once
])
def test_our_outreach_unanswered_as_the_renewal_comes_is_a_risk(in_days, waited, lead, expected):
    """Saltmarsh read Steady ten days before its renewal, with the renewal quote unanswered for a
    month and nothing heard for 65 days (an account manager's objection)."""
    quote = touch(waited, 1, type="email", direction="out", summary="Sent the 2027 renewal quote")
    c = customer(*[touch(n, 1) for n in range(400, 40, -30)], touch(40, 1), quote, since=LONG_AGO, cadence=60,
                 renewal=AS_OF + timedelta(days=in_days), renewal_lead=lead)
    r = analyse(c, config(), AS_OF)
    found = [x for x in r.stage.reasons if x.text.startswith("The renewal is on")]
    assert bool(found) is expected, [x.text for x in r.stage.reasons]
    if expected:
        when = f"in {days(in_days)}" if in_days else "today"
        assert r.stage.id == "at-risk" and [(x.text, x.cause, x.source) for x in r.stage.reasons] == [(
            f"The renewal is on {fmt_date(AS_OF + timedelta(days=in_days))} ({when}), and our email of "
            f"{fmt_date(d(waited))} (Sent the 2027 renewal quote) has had no reply in {days(waited)}.",
            "renewal", quote.source)]
    # Only what went to those the renewal rests on (Ann, the primary): an email to someone else
    # is no doubt about the renewal, whatever it says.
    aside = touch(waited, 1, type="email", direction="out", with_=("Bo Chan",), summary="Proposed a firmware window")
    other = customer(*[touch(n, 1) for n in range(400, 40, -30)], touch(40, 1), aside, since=LONG_AGO, cadence=60,
                     renewal=AS_OF + timedelta(days=in_days), renewal_lead=lead)
    assert not [x for x in analyse(other, config(), AS_OF).stage.reasons if x.text.startswith("The renewal is on")]
    about = replace(aside, summary="Renew the SSL certificate")
    assert not [x for x in analyse(replace(other, interactions=(*other.interactions[:-1], about)), config(),
                                   AS_OF).stage.reasons if x.text.startswith("The renewal is on")]
    # A voicemail logged as a bare note since is no reply either (read so at load: answered no).
    rang = replace(touch(2, None, type="note", summary="Rang Ann about the quote, voicemail again"), answered=False)
    if expected:
        assert [x for x in analyse(replace(c, interactions=(*c.interactions, rang)), config(), AS_OF).stage.reasons
                if x.text.startswith("The renewal is on")]
    # Health weighs the silence already: the stage charges nothing more for it.
    if expected:
        assert next(f for f in r.health.factors if f.name == "Stage").effect == 0
    # While a pause they asked for is in force, silence counts for nothing.
    held = replace(c, pause=pause(AS_OF + timedelta(days=30)))
    assert not [x for x in analyse(held, config(), AS_OF).stage.reasons if x.text.startswith("The renewal is on")]


def test_the_question_how_a_lapsed_renewal_went_keeps_its_own_day():
    """Saltmarsh on 20 Dec: "Call Jo to confirm how the renewal of 14 Dec went" read 26 days
    overdue, due 24 Nov, the day of the quote's follow-up it also covers."""
    follow = promise("Follow up on the renewal quote", due=d(26))
    c = customer(*steady_history(until_days_ago=60),
                 touch(47, 1, type="email", direction="out", summary="Sent the renewal quote", commitments=(follow,)),
                 since=LONG_AGO, renewal=d(6), cadence=60)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert a.title == f"Check whether the renewal of {fmt_date(d(6))} went through: our records first, then ask Ann Lee"
    assert [x.text for x in a.also] == ["Follow up on the renewal quote"]
    assert 1 <= (a.due - d(6)).days <= 3 and a.due.weekday() < 5


@pytest.mark.parametrize("days_ago, expected", [(31, True), (32, False)])
def test_repair_after_a_bad_meeting(days_ago, expected):
    c = customer(*[t for t in steady_history() if t.date < d(days_ago)], touch(days_ago, -2, type="meeting"),
                 touch(1, 0), since=LONG_AGO, cadence=60)
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "repair"]
    assert bool(acts) is expected
    if expected:
        assert acts[0].priority == "high" and "It went very badly" in acts[0].why and "meeting" in acts[0].title
        # Due three days after the meeting, and late from then: not "due today" on every build.
        assert acts[0].due == d(days_ago - 3)


def test_a_repair_left_undone_shows_late_and_ranks_for_it():
    """Northgate: a month of nothing after the escalation read "due tomorrow" on every build."""
    c = customer(*[t for t in steady_history() if t.date < d(40)], touch(31, -2, type="meeting"),
                 since=LONG_AGO, cadence=60)
    (rep,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "repair"]
    assert rep.due == d(28) and "28 days overdue (+12)" in rep.score_reasons  # (a Friday)


@pytest.mark.parametrize("promised, due_ago, joined", [
    ("Book an exec call between Maya and Ann", 5, True),    # the conversation promised there, late: the repair
    ("Book an exec call between Maya and Ann", -5, False),  # not yet due: talking to them is late already
    ("Send the root-cause report", 5, False),               # no conversation: the repair stands
])
def test_a_conversation_promised_in_the_bad_meeting_is_its_repair(promised, due_ago, joined):
    """Northgate's "Repair: talk to Craig Dunmore, Simon Hurst and 2 others about the meeting
    of 6 Nov" ranked second for the team beside "Book an exec call between Maya and Simon",
    promised in that meeting, as if nobody had acted (a ninth blind read)."""
    bad = touch(20, -2, type="meeting", commitments=(promise(promised, due=d(due_ago)),))
    c = customer(*[t for t in steady_history() if t.date < d(40)], bad, since=LONG_AGO, cadence=60)
    acts = analyse(c, config(), AS_OF).actions
    repairs = [a for a in acts if a.kind == "repair"]
    (talk,) = [a for a in acts if a.title == promised]
    assert (not repairs) is joined
    if joined:
        assert talk.due == d(due_ago) and talk.priority == "high"
        assert [x.text for x in talk.also] == ["Repair: talk to Ann Lee about the meeting of " + fmt_date(d(20))]
        assert "It went very badly 20 days ago" in talk.why
    else:
        assert not talk.also


@pytest.mark.parametrize("touches, people, expected", [
    (3, ("Ann Lee",), True),
    (2, ("Ann Lee",), False),
    (3, ("Ann Lee", "Bo Chan"), False),
])
def test_broaden_when_single_threaded(touches, people, expected):
    items = [touch(10 + 30 * k, 1, with_=(people[k % len(people)],)) for k in range(touches)]
    c = customer(*items, since=LONG_AGO, cadence=60)
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "broaden"]
    assert bool(acts) is expected
    if expected:
        assert acts[0].contact == "Bo Chan" and "Bo Chan (CFO)" in acts[0].title


@pytest.mark.parametrize("keeper, listed, title, contact", [
    (None, True, "Bring Bo Chan (CFO) into the conversation", "Bo Chan"),
    ("Ann Lee", True, "Suggest to Ann Lee a joint session with Bo Chan (CFO)", "Ann Lee"),
    ("Bo Chan", True, "Bring Bo Chan (CFO) into the conversation", "Bo Chan"),  # not the one it all goes through
    ("Ann Lee", False, "Ask Ann Lee whom else at Example Ltd we should know", "Ann Lee"),
])
def test_broaden_asks_a_gatekeeper_for_the_introduction(keeper, listed, title, contact):
    """Oakmere's Freya said "just go through me", and the tool said to bring in a partner: going
    around the one thread there is. A `gatekeeper` is asked for the introduction instead."""
    people = [Contact("Ann Lee", "CEO", None, None, None, None, True, Source("content/customers/x/customer.yaml", 5),
                      decision=("gatekeeper",) if keeper == "Ann Lee" else ())]
    if listed:
        people.append(Contact("Bo Chan", "CFO", None, None, None, None, False,
                              Source("content/customers/x/customer.yaml", 9),
                              decision=("gatekeeper",) if keeper == "Bo Chan" else ()))
    c = customer(*[touch(n, 1) for n in (70, 40, 10)], since=LONG_AGO, cadence=60, contacts=tuple(people))
    if not listed:  # with nobody else listed, only an account at risk or growing is asked to broaden
        c = customer(*[touch(n, 1) for n in (100, 70, 40, 10)], touch(5, -2), since=LONG_AGO, cadence=60,
                     contacts=tuple(people))
    (act,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "broaden"]
    assert (act.title, act.contact) == (title, contact)
    # With them in it, not a meeting with someone else they had declined: Freya's "just go through
    # me" was said of meeting Dan, and the tool asked her to introduce him (a twenty-first blind read).
    said = ("Ann Lee is the gatekeeper (customer.yaml): go through Ann, not around: a session with Ann in it, on "
            "Ann's terms, rather than asking to meet Bo alone." if listed else
            "Ann Lee is the gatekeeper (customer.yaml): ask them rather than going around them.")
    assert (said in act.why) is (keeper == "Ann Lee")


def p_source(r, text):
    """The source of the open promise of that text."""
    return next(oc.commitment.source for oc in r.commitments if oc.commitment.text == text)


@pytest.mark.parametrize("due, text, said", [
    (30, "Send pricing for remote render access", "First deliver what we owe them: \u201cSend pricing for remote "
                                                  "render access\u201d, 30 days late."),
    (-5, "Send pricing for remote render access", None),  # not late: nothing owed yet
    (30, "Chase Freya for the floor plans", None),        # a to-do waiting on them is no debt of ours
])
def test_a_gatekeeper_is_asked_a_favour_once_what_we_owe_them_is_done(due, text, said):
    """On 20 Dec the tool asked Freya for an introduction while her render pricing was 19 days
    late: a favour asked in debt (an account manager's objection)."""
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src, decision=("gatekeeper",)),
              Contact("Bo Chan", "CFO", None, None, None, None, False, src))
    p = promise(text, due=d(due))
    c = customer(*[touch(n, 1, commitments=(p,) if n == 40 else ()) for n in (70, 40, 10)], since=LONG_AGO,
                 cadence=60, contacts=people)
    r = analyse(c, config(), AS_OF)
    (act,) = [a for a in r.actions if a.kind == "broaden"]
    if due < 0 and not text.startswith("Chase"):
        # Not late yet, it is asked with that (Oakmere's session with Dan, with the render pricing due
        # 1 Dec: a check read): on its day, not "overdue since".
        assert act.why.endswith(f" Offer it when \u201c{text}\u201d goes to Ann (due {fmt_date(d(due))}).")
        assert act.due == d(due) and act.due_since is None and act.rides == p_source(r, text)
    else:
        assert act.why.endswith(said) if said else act.why.endswith("rather than asking to meet Bo alone.")
    # In debt it waits, low, even at risk (Oakmere's rose to medium as it went at risk, beside
    # "First deliver what we owe them": an account manager's objection).
    assert act.priority == "low" and (r.stage.id == "at-risk") is bool(said)


def test_broaden_falls_due_a_month_after_the_account_showed_single_threaded():
    """A month from the third touch through one person, the same on every build (a month from
    each build's day never came due)."""
    c = customer(*[touch(n, 1) for n in (70, 40, 10)], since=LONG_AGO, cadence=60)
    dues = {a.due for k in (0, 6, 15) for a in analyse(c, config(), AS_OF + timedelta(days=k)).actions
            if a.kind == "broaden"}
    assert dues == {d(10) + timedelta(days=30)}


def test_broaden_keeps_its_day_as_touches_leave_the_window_then_is_due_today():
    """Every touch for ten months through Ann alone: the account showed single-threaded at the
    run's third touch, d(240), and its month from there stays as the 180-day window slides
    (Oakmere's due date jumped five weeks later as its oldest touches left the window). Once
    that day is past it is due today, never "560 days overdue": nobody waits on it."""
    c = customer(*[touch(n, 1) for n in range(300, 5, -30)], since=LONG_AGO, cadence=30)
    before = {a.due for k in (232, 225, 218) for a in analyse(c, config(), d(k)).actions if a.kind == "broaden"}
    assert before == {walk(d(240) + timedelta(days=30), (), 1)}
    for k in (0, 31, 62):
        day = AS_OF + timedelta(days=k)
        (b,) = [a for a in analyse(c, config(), day).actions if a.kind == "broaden"]
        assert b.due == walk(day, (), 1)  # today, or Monday when today is a weekend


@pytest.mark.parametrize("with_bo, shown", [(False, True), (True, False)])
def test_broaden_neither_comes_nor_goes_while_nothing_is_logged(with_bo, shown):
    """Saltmarsh (a check read): with nothing logged, "Bring Gus into the conversation" came on
    7 Jan as a touch with Kwame left a 180-day window ending on the build's day, and went on
    18 Feb as a touch with Jo did. The window ends at the last touch with anyone in it: what
    the notes say of whom we talk to is the same on every later day."""
    items = [touch(n, 1) for n in (170, 100, 60)]
    if with_bo:
        items.append(touch(200, 1, with_=("Ann Lee", "Bo Chan")))
    c = customer(*items, since=LONG_AGO, cadence=90)
    seen = set()
    for k in range(0, 100, 7):
        r = analyse(c, config(), AS_OF + timedelta(days=k))
        assert r.stage.id not in ("dormant", "ended"), k
        seen.add(any(a.kind == "broaden" for a in r.actions))
    assert seen == {shown}


def test_broaden_with_nobody_else_listed_falls_due_a_month_after_the_account_turned():
    """Rosalind's (a check read): one person listed, the owner, so a second contact is asked
    for only at risk or growing. It came when the account turned at risk in January 2027 and
    read "overdue since 10 Feb 2025", a month after the third of years of touches with her."""
    only = (Contact("Ann Lee", "Owner", None, None, None, None, True, Source("content/customers/x/customer.yaml", 5)),)
    c = customer(*[touch(n, 1) for n in (400, 300, 200, 100, 40)], touch(5, -2), since=LONG_AGO, cadence=60,
                 contacts=only)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    (b,) = [a for a in r.actions if a.kind == "broaden"]
    assert b.title == "Find a second contact at Example Ltd"
    assert b.due == walk(d(5) + timedelta(days=30), (), 1) and not b.overdue(AS_OF)


@pytest.mark.parametrize("raised", [True, False])
def test_a_gatekeepers_introduction_counts_from_when_the_others_came_up(raised):
    """Oakmere (two reads): "9 May 2025 · overdue since then", though on 22 Sep 2026 we had
    suggested meeting Dan and Freya had said "just go through me". A touch with the gatekeeper
    whose note names another listed person is where the month counts from, and the reason says so."""
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src, decision=("gatekeeper",)),
              Contact("Bo Chan", "CFO", None, None, None, None, False, src))
    said = "Suggested we meet Bo directly; Ann said to go through her" if raised else "Went through the plan"
    c = customer(*[touch(n, 1) for n in (300, 200, 100)], touch(40, 1, type="meeting", summary=said), touch(10, 1),
                 since=LONG_AGO, cadence=60, contacts=people)
    (b,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "broaden"]
    assert b.due_since == walk(d(40 if raised else 100) + timedelta(days=30), (), 1)
    assert (f"Bo Chan came up with Ann in the meeting of {fmt_date(d(40))}: \u201cSuggested we meet Bo directly; Ann "
            "said to go through her\u201d." in b.why) is raised
    assert b.source == (c.interactions[3].source if raised else c.interactions[-1].source)


def test_broaden_reason_counts_the_run_its_due_date_counts_from():
    """The reason and the lateness tell one story: ten touches with Ann since d(300), not 'all
    6 touches in the last 180 days' beside a due date 200 days before the window."""
    c = customer(*[touch(n, 1) for n in range(300, 5, -30)], since=LONG_AGO, cadence=30)
    (b,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "broaden"]
    assert b.why.startswith(f"All 10 touches since {fmt_date(d(300))} went through Ann Lee:")


def test_answer_open_asks_only():
    asks = (Ask("Price for a second site", d(20), False, Source("c.yaml", 12)),
            Ask("Old question", d(90), True, Source("c.yaml", 14)))
    c = customer(*steady_history(), since=LONG_AGO, asks=asks)
    acts = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "answer"]
    assert [a.title for a in acts] == ["Answer: Price for a second site"]
    assert acts[0].priority == "high" and acts[0].source.line == 12 and "waiting 20 days" in acts[0].why


def test_dormant_accounts_rekindle_first():
    asks = (Ask("Price for a second site", d(300), False, Source("c.yaml", 12)),)
    c = customer(touch(250, 1), since=LONG_AGO, asks=asks)
    acts = analyse(c, config(), AS_OF).actions
    assert acts[0].kind == "reach-out" and acts[0].title.startswith("Rekindle")
    assert [a.priority for a in acts if a.kind == "answer"] == ["low"]


# -- plays -------------------------------------------------------------------------------

def test_play_fires_for_matching_tier_and_stage():
    play = Play(name="Exec sponsor", do="Book an executive sponsor call", within=7, priority="high",
                stages=("at-risk",), tiers=("gold",), line=12)
    cfg = Config(plays=(play,))
    risky = customer(touch(70, 1), touch(10, -2), since=LONG_AGO, tier="gold", cadence=30)
    fine = customer(*steady_history(), since=LONG_AGO, tier="gold")
    silver = customer(touch(70, 1), touch(10, -2), since=LONG_AGO, tier="silver", cadence=30)
    acts = [a for a in analyse(risky, cfg, AS_OF).actions if a.kind == "play"]
    assert len(acts) == 1
    a = acts[0]
    # At risk since the bad touch 10 days ago: due 7 days after that day, not 7 after today.
    assert a.title == "Book an executive sponsor call" and a.due == d(3) and a.priority == "high"
    assert a.why == (f"Play \u201cExec sponsor\u201d: stage is at risk; tier is gold. It has applied since "
                     f"{fmt_date(d(10))}, and the play gives 7 days to act.")
    assert a.source == Source("playbook.yaml", 12)
    assert "play" not in kinds(fine, cfg) and "play" not in kinds(silver, cfg)


@pytest.mark.parametrize("last_cfo_touch, expected", [(119, False), (120, True)])
def test_play_no_touch_with_role(last_cfo_touch, expected):
    play = Play(name="Finance gone quiet", do="Value review with finance", within=14, priority=None,
                no_touch_with_role=RoleGap("cfo", 120))
    cfg = Config(plays=(play,))
    c = customer(*steady_history(), touch(last_cfo_touch, 1, with_=("Bo Chan",)), since=LONG_AGO)
    acts = [a for a in analyse(c, cfg, AS_OF).actions if a.kind == "play"]
    assert bool(acts) is expected
    if expected:
        assert acts[0].contact == "Bo Chan" and "Bo Chan (CFO)" in acts[0].why


def play_dues(c, play, days_on=(0, 5, 12)) -> set:
    """The play's due date as of AS_OF and some days later."""
    cfg = Config(plays=(play,))
    return {a.due for k in days_on for a in analyse(c, cfg, AS_OF + timedelta(days=k)).actions if a.kind == "play"}


def test_a_play_falls_due_instead_of_moving_ahead_each_day():
    """Due `within` days of the day its conditions came to hold, the same on every build:
    "Schedule a value review with finance" was due 17 Dec on 3 Dec and 24 Dec on 10 Dec, and
    never came due (an account manager's objection)."""
    cfo = Play(name="Finance gone quiet", do="Value review with finance", within=14, priority=None,
               no_touch_with_role=RoleGap("cfo", 120))
    c = customer(*steady_history(), touch(130, 1, with_=("Bo Chan",)), since=LONG_AGO)
    assert play_dues(c, cfo) == {d(130) + timedelta(days=120 + 14)}  # 10 days past the 120, so 4 days left
    quiet = Play(name="Quiet", do="Check in on onboarding", within=3, priority=None, days_since_contact=10)
    c = customer(touch(60, 1), touch(24, 1), since=d(60), cadence=60)
    assert play_dues(c, quiet) == {d(24) + timedelta(days=10 + 3)}  # (dates on working days, as all)
    risky = Play(name="Exec sponsor", do="Book an executive sponsor call", within=7, priority="high",
                 stages=("at-risk",))
    # At risk from a very bad meeting 39 days ago (a month end lies between), still unrepaired.
    c = customer(*steady_history(until_days_ago=60), touch(39, -2), since=LONG_AGO, cadence=90,
                 renewal=None)
    assert analyse(c, config(negative_window_days=90), AS_OF).stage.id == "at-risk"
    cfg = Config(plays=(risky,), thresholds=config(negative_window_days=90).thresholds)
    dues = {a.due for k in (0, 5, 12) for a in analyse(c, cfg, AS_OF + timedelta(days=k)).actions
            if a.kind == "play"}
    assert dues == {d(39) + timedelta(days=7)}


def test_a_plays_days_since_the_last_touch_say_when_it_was_ours():
    """Fernhill's check-in read "29 days since the last touch" beside "Quiet for 45 days": the
    last touch was our email, unanswered (a fourth blind read). Both are said."""
    quiet = Play(name="Quiet", do="Check in on onboarding", within=3, priority=None, days_since_contact=10)
    c = customer(touch(60, 1), touch(45, 1), touch(29, 0, type="email", direction="out"), since=d(60), cadence=30)
    (a,) = [a for a in analyse(c, Config(plays=(quiet,)), AS_OF).actions if a.kind == "play"]
    assert f"29 days since the last touch ({fmt_date(d(29))}, ours; 45 days since we heard from them)." in a.why
    heard = customer(touch(60, 1), touch(29, 1), since=d(60), cadence=30)
    (b,) = [a for a in analyse(heard, Config(plays=(quiet,)), AS_OF).actions if a.kind == "play"]
    assert "29 days since the last touch." in b.why


def test_a_play_dates_from_its_latest_run_not_an_earlier_one():
    """Health fell below the mark after a very bad meeting 60 days ago, came back with two good
    touches, and fell again 10 days ago: the play has applied for 10 days, not 60 (halving the
    days from a year back found the earlier run: Northgate read "since 3 Sep")."""
    c = customer(*steady_history(until_days_ago=70), touch(60, -2), touch(40, 2), touch(33, 2), touch(10, -2),
                 since=LONG_AGO, cadence=30)
    assert analyse(c, config(), AS_OF - timedelta(days=30)).health.score >= 50
    low = Play(name="Low", do="Review", within=5, priority=None, health_below=50)
    (a,) = [a for a in analyse(c, Config(plays=(low,)), AS_OF).actions if a.kind == "play"]
    # With the health it had then, as it has fallen since (`plays.as_it_was`).
    then = analyse(c, config(), d(10)).health.score
    assert then != analyse(c, config(), AS_OF).health.score
    assert a.why.endswith(f"It has applied since {fmt_date(d(10))} (then health {then}), and the play gives 5 days "
                          "to act.")


def test_a_play_that_held_for_another_stage_says_what_held_then():
    """Northgate (a nineteenth blind read): "stage is at risk; health 0 is below 40. It has applied
    since 3 Sep 2026" read as at risk since 3 Sep, two weeks before its first outage. The play
    holds for steady too, and then the account was steady with a health of 38."""
    c = customer(*steady_history(until_days_ago=130), touch(120, 1), touch(20, -2, type="meeting"),
                 since=LONG_AGO, cadence=30)
    low = Play(name="Low health review", do="Review account health", within=5, priority="high", internal=True,
               stages=("at-risk", "steady"), health_below=40)
    r = analyse(c, Config(plays=(low,)), AS_OF)
    assert r.stage.id == "at-risk"
    (a,) = [a for a in r.actions if a.kind == "play"]
    (day,) = re.findall(r"It has applied since (\d+ \w+ \d{4})", a.why)
    then = analyse(c, config(), datetime.strptime(day, "%d %b %Y").date())
    assert then.stage.id == "steady" and datetime.strptime(day, "%d %b %Y").date() < d(20)
    assert a.why.endswith(f"It has applied since {day} (then steady, health {then.health.score}), and the play gives "
                          "5 days to act.")
    # Held as it stands now since that day (stage and health alike), nothing more is said.
    same = Play(name="Low", do="Review", within=5, priority=None, stages=("at-risk",))
    (b,) = [x for x in analyse(c, Config(plays=(same,)), AS_OF).actions if x.kind == "play"]
    assert "It has applied since " in b.why and "(then" not in b.why


@pytest.mark.parametrize("last_touch, since, at_least", [
    (400, 220, ""),                 # dormant 180 days after the last touch, 220 days ago
    (700, 365, "at least "),        # dormant longer than the year looked back
])
def test_a_long_held_play_keeps_its_day(last_touch, since, at_least):
    """Pemberton's, dormant since April, read "since at least 3 Sep" on 3 Dec and "since at
    least 10 Sep" on 10 Dec: a look back of a fixed 91 days moved with the build's day."""
    # (internal: a play reaching out to a dormant customer is folded into its rekindle)
    dormant = Play(name="Win-back", do="Review the account", within=21, priority="low", stages=("dormant",),
                   internal=True)
    c = customer(touch(last_touch, 1), since=d(2000), cadence=30)
    for k in (0, 7):
        (a,) = [a for a in analyse(c, Config(plays=(dormant,)), AS_OF + timedelta(days=k)).actions
                if a.kind == "play"]
        assert (f"It has applied since {at_least}{fmt_date(d(since - (k if at_least else 0)))}, and the play gives 21 "
                "days to act.") in a.why


def test_a_play_dated_by_its_own_conditions_never_says_at_least():
    """A CFO last met 500 days ago: the gap passed its 120 days on a day the notes give."""
    cfo = Play(name="Finance gone quiet", do="Value review with finance", within=14, priority=None,
               no_touch_with_role=RoleGap("cfo", 120))
    c = customer(*steady_history(), touch(500, 1, with_=("Bo Chan",)), since=LONG_AGO)
    (a,) = [a for a in analyse(c, Config(plays=(cfo,)), AS_OF).actions if a.kind == "play"]
    assert a.why.endswith(f"It has applied since {fmt_date(d(380))}, and the play gives 14 days to act.")


def test_a_play_with_someone_we_are_late_with_says_to_deliver_that_first():
    """Westmarch (a nineteenth blind read): "Check in before their budget-setting round" with Dr
    Tom Adebayo said nothing of his Geochemistry quote, 42 days late. What was promised to them
    by name comes first, then what was promised to all in a meeting they were at; not what was
    promised there to someone else by name (Kasia's training: checks of these fixes)."""
    cfo = Play(name="Finance gone quiet", do="Value review with finance", within=14, priority=None,
               no_touch_with_role=RoleGap("cfo", 120))
    quote = promise("Send the quote for the lab", d(150))
    training = promise("Run the admin training with Cy", d(170))
    notes = promise("Send the notes of the meeting", d(175))
    c = customer(*steady_history(), touch(200, 1, with_=("Bo Chan", "Cy Dunn"), commitments=(training, notes)),
                 touch(180, 1, with_=("Bo Chan",), commitments=(quote,)), since=LONG_AGO,
                 contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CFO"), contact("Cy Dunn")))
    (a,) = [a for a in analyse(c, Config(plays=(cfo,)), AS_OF).actions if a.kind == "play"]
    assert a.contact == "Bo Chan"
    assert a.why.endswith(" First deliver what we owe them: \u201cSend the quote for the lab\u201d, 150 days late"
                          ", and \u201cSend the notes of the meeting\u201d, 175 days late.")
    # Three or more: the first named, the rest counted.
    third = promise("Book the site visit", d(160))
    more = replace(c, interactions=tuple(sorted((*c.interactions, touch(190, 1, with_=("Bo Chan",),
                                                                         commitments=(third,))), key=lambda i: i.date)))
    (m,) = [a for a in analyse(more, Config(plays=(cfo,)), AS_OF).actions if a.kind == "play"]
    assert m.why.endswith(" First deliver what we owe them: \u201cBook the site visit\u201d, 160 days late, and 2 more.")
    # Nothing owed to them: nothing said.
    (b,) = [a for a in analyse(replace(c, interactions=tuple(i for i in c.interactions if not i.commitments)),
                               Config(plays=(cfo,)), AS_OF).actions if a.kind == "play"]
    assert "First deliver" not in b.why
    # Over a renewal gone by, what we owe them goes with the question whether they renewed: not
    # "First deliver…" beside "ask that first".
    (g,) = [a for a in analyse(replace(c, renewal=d(10)), Config(plays=(cfo,)), AS_OF).actions if a.kind == "play"]
    assert "First deliver" not in g.why and "ask that first" in g.why


def test_the_conversation_before_the_renewal_with_someone_we_are_late_with_says_to_deliver_that_first():
    """Westmarch on 15 Mar (a check of a nineteenth blind read's fixes): its budget-round check-in
    with Dr Tom Adebayo, folded into the meeting with him before the renewal, lost "First
    deliver what we owe them" with his quote 104 days late. A promise for a day gone by is
    nothing to deliver first (Lantern's pre-Christmas check, in March), nor one likely done."""
    quote = promise("Send the quote for the lab", d(40))
    xmas = promise("Build the laptops for the 1 November starters", d(60))   # for a day gone by
    c = customer(*steady_history(until_days_ago=60), touch(50, 1, commitments=(quote, xmas)), touch(10, 1),
                 since=LONG_AGO, renewal=AS_OF + timedelta(days=20))
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert call.contact == "Ann Lee"
    assert call.why.endswith(" First deliver what we owe them: \u201cSend the quote for the lab\u201d, 40 days late.")
    # With our touches unanswered, which message goes first is said instead (`not_piled_on`).
    chased = replace(c, interactions=tuple(sorted((*c.interactions, *[touch(n, 0, type="email", direction="out")
                                                                      for n in (6, 3)]), key=lambda i: i.date)))
    chased = replace(chased, interactions=tuple(i for i in chased.interactions if i.date != d(10)))
    (call,) = [a for a in analyse(chased, config(), AS_OF).actions if a.kind == "renewal"]
    assert "First deliver" not in call.why


@pytest.mark.parametrize("met_by, owner", [("tomas", "tomas"), (None, "maya")])
def test_a_play_about_a_person_goes_to_whoever_met_them_last(met_by, owner):
    """Brightwell's value review with finance went to the account's owner, where every meeting
    with the CFO was Tomás's."""
    cfo = Play(name="Finance gone quiet", do="Value review with finance", within=14, priority=None,
               no_touch_with_role=RoleGap("cfo", 120))
    c = customer(*steady_history(), touch(200, 1, with_=("Bo Chan",), by=met_by), since=LONG_AGO)
    (a,) = [a for a in analyse(c, Config(plays=(cfo,)), AS_OF).actions if a.kind == "play"]
    assert (a.contact, a.owner) == ("Bo Chan", owner)


def test_two_plays_with_one_person_are_one_conversation():
    """St Aldhelm's "Schedule a value review with finance" and "Check in before their budget-setting
    round" were two actions with Anjali, for one owner (an account manager's objection)."""
    bo = replace(contact("Bo Chan", "CFO"), decision=("budget holder",))
    review = Play(name="Value review", do="Schedule a value review with finance", within=5, priority="medium",
                  with_="CFO")
    budget = Play(name="Budget round", do="Check in before their budget round", within=10, priority="low",
                  with_="budget holder")
    c = customer(*steady_history(), since=LONG_AGO, contacts=(contact("Ann Lee", "CEO", primary=True), bo))
    (one,) = [a for a in analyse(c, Config(plays=(review, budget)), AS_OF).actions if a.kind == "play"]
    assert one.title == review.do and one.contact == "Bo Chan" and [x.text for x in one.also] == [budget.do]


def test_a_play_with_a_person_is_with_them_and_joins_a_meeting_due_with_them():
    """St Aldhelm's "Check in before their budget-setting round" named no one, beside a meeting
    with Anjali, who holds the budget (an account manager's objection). With `with: budget
    holder` the play is with her, and one conversation with the meeting before the renewal,
    which leads: the play's title says what, not with whom."""
    bo = replace(contact("Bo Chan", "CFO"), decision=("budget holder",))
    budget = Play(name="Budget round", do="Check in before their budget round", within=10, priority="low",
                  tags=("public-sector",), with_="budget holder")
    c = customer(*steady_history(), touch(200, 1, with_=("Bo Chan",)), since=LONG_AGO, tags=("public-sector",),
                 contacts=(contact("Ann Lee", "CEO", primary=True), bo), renewal=AS_OF + timedelta(days=100))
    acts = analyse(c, Config(plays=(budget,)), AS_OF).actions
    assert not [a for a in acts if a.kind == "play"]
    (meet,) = [a for a in acts if a.contact == "Bo Chan" and a.kind == "renewal"]
    assert meet.title.startswith("Meet Bo Chan (budget holder) before the renewal")
    assert [x.text for x in meet.also] == [budget.do] and meet.due <= AS_OF + timedelta(days=10)
    # Nobody with that decision role: a job title serves; else the main contact, and it says so.
    plain = customer(*steady_history(), since=LONG_AGO, tags=("public-sector",))
    for wanted, who in (("cfo", "Bo Chan"), ("champion", "Ann Lee"), (None, None)):   # without `with`, nobody
        (a,) = [a for a in analyse(plain, Config(plays=(replace(budget, with_=wanted),)), AS_OF).actions
                if a.kind == "play"]
        assert a.contact == who
        assert ("No champion is listed: with Ann Lee, the main contact." in a.why) is (wanted == "champion")
    # A chore for the team is with no one of theirs.
    chore = replace(budget, with_="cfo", internal=True)
    (a,) = [a for a in analyse(plain, Config(plays=(chore,)), AS_OF).actions if a.kind == "play"]
    assert a.contact is None


def test_a_chore_for_the_team_past_its_day_is_due_today_never_overdue():
    """Northgate's "Review account health … at the next stand-up" read "73 days overdue" on the
    day a reader first saw it; a chore is due today once its day is past, and its reason keeps
    the day it has applied since. A play with the customer still falls due (and shows late)."""
    risky = dict(name="Exec sponsor", within=7, priority="high", stages=("at-risk",))
    c = customer(*steady_history(until_days_ago=60), touch(39, -2), since=LONG_AGO, cadence=90, renewal=None)
    th = config(negative_window_days=90).thresholds
    for internal, expected in ((True, AS_OF), (False, d(39) + timedelta(days=7))):
        play = Play(do="Review the account" if internal else "Book a sponsor call", internal=internal, **risky)
        (a,) = [a for a in analyse(c, Config(plays=(play,), thresholds=th), AS_OF).actions if a.kind == "play"]
        assert a.due == expected
        assert a.why.endswith(f"It has applied since {fmt_date(d(39))}, and the play gives 7 days to act.")


def test_a_play_with_no_dated_condition_is_due_within_its_days_of_today():
    every = Play(name="Gold care", do="Send the quarterly note", within=10, priority=None, tiers=("gold",))
    c = customer(*steady_history(), since=LONG_AGO, tier="gold")
    assert play_dues(c, every, days_on=(0,)) == {AS_OF + timedelta(days=10)}


def test_play_health_below_and_days_since():
    play = Play(name="Low health", do="Review the account", within=3, priority=None, health_below=50,
                days_since_contact=40)
    cfg = Config(plays=(play,))
    poor = customer(touch(45, -1), since=LONG_AGO, cadence=20)
    assert "play" in kinds(poor, cfg)
    assert "play" not in kinds(customer(*steady_history(), since=LONG_AGO), cfg)


# -- health ----------------------------------------------------------------------------

def test_health_is_the_sum_of_its_factors():
    r = analyse(customer(*steady_history(), since=LONG_AGO), config(), AS_OF)
    assert r.health.score == sum(f.effect for f in r.health.factors)
    assert all(f.why for f in r.health.factors)
    names = [f.name for f in r.health.factors]
    assert names[:6] == ["Baseline", "Recency", "Sentiment", "Commitments kept", "Breadth of contacts", "Reciprocity"]


def test_health_falls_with_silence_and_bad_sentiment():
    good = analyse(customer(*steady_history(sentiment=2), since=LONG_AGO), config(), AS_OF).health.score
    bad = analyse(customer(touch(100, -2), since=LONG_AGO), config(), AS_OF).health.score
    assert good > 70 > 30 > bad


@pytest.mark.parametrize("history, bad", [
    # an outage ticket after a quiet spell (Northgate's first outage: 38 → 53)
    (steady_history(until_days_ago=130), touch(0, -1, type="support", direction="in", with_=("Bo Chan",))),
    # a tender threat from four people after a bad meeting (Northgate's escalation: 36 → 48)
    (steady_history(until_days_ago=20) + [touch(12, -2, type="meeting")],
     touch(0, -2, type="meeting", with_=("Ann Lee", "Bo Chan", "Cy Dee", "Di Eve"))),
])
def test_a_touch_that_went_badly_never_raises_health(history, bad):
    """Every bad touch in the example raised health: it was recent, and had more people in it.
    It earns neither."""
    before = customer(*history, since=LONG_AGO, cadence=30)
    after = customer(*history, bad, since=LONG_AGO, cadence=30)
    assert analyse(after, config(), AS_OF).health.score < analyse(before, config(), AS_OF).health.score


def test_recency_counts_from_the_last_conversation_that_did_not_go_badly():
    """Our neutral email before a call that went badly is heard through that call, and is no
    good touch of its own."""
    c = customer(*steady_history(until_days_ago=70), touch(9, 0, type="email", direction="out"),
                 touch(3, -1), since=LONG_AGO, cadence=30)
    f = next(f for f in analyse(c, config(), AS_OF).health.factors if f.name == "Recency")
    assert f.effect == -10  # from the touch of d(70): 2.3 times the cadence
    assert f.why.startswith(f"Last heard from them 3 days ago ({fmt_date(d(3))}), but it went badly: the last that did "
                            "not was 70 days ago")


def test_breadth_counts_people_met_only_in_bad_touches_apart():
    c = customer(*steady_history(until_days_ago=10), touch(4, -2, type="meeting", with_=("Bo Chan", "Cy Dee")),
                 since=LONG_AGO, cadence=30)
    f = next(f for f in analyse(c, config(), AS_OF).health.factors if f.name == "Breadth of contacts")
    assert f.effect == -5 and f.why.endswith("single-threaded. Bo Chan and Cy Dee only in touches that went badly.")


def test_health_is_clamped_with_an_explanation():
    c = customer(*[touch(n, -2, direction="out") for n in (85, 80, 75, 70)], since=LONG_AGO, cadence=15,
                 asks=tuple(Ask(f"q{k}", d(200), False, Source("c", k)) for k in range(5)))
    h = analyse(c, config(), AS_OF).health
    assert h.score == 0
    assert h.factors[-1].name == "Limit" and "0-100" in h.factors[-1].why


def test_unanswered_outreach_is_named():
    items = steady_history(until_days_ago=100) + [touch(n, 0, type="email", direction="out") for n in (70, 40)]
    r = analyse(customer(*items, since=LONG_AGO, cadence=30), config(), AS_OF)
    assert r.timeline.one_sided
    f = next(f for f in r.health.factors if f.name == "Reciprocity")
    assert f.effect == -5 and f.why.startswith("No reply to our last 2 touches (")


def test_no_calls_from_them_is_no_fault():
    """For a service account few inbound contacts can mean few problems: no penalty."""
    items = [touch(n, 1, direction="out", type="meeting") for n in (150, 100, 70, 40, 10)]
    f = next(f for f in analyse(customer(*items, since=LONG_AGO, cadence=30), config(), AS_OF).health.factors
             if f.name == "Reciprocity")
    assert f.effect == 0 and "few problems" in f.why



@pytest.mark.parametrize("last, direction, expected", [
    (None, None, "No touch in the last year to tell who reaches out to whom."),  # none yet (a new customer)
    (400, "out", "No touch in the last year to tell who reaches out to whom."),
    (365, "in", "No touch in the last year to tell who reaches out to whom."),
    (364, None, "No touch in the last year says who reached out (a note's 'direction: in' or 'out')."),
])
def test_reciprocity_without_directed_touches_says_which_is_missing(last, direction, expected):
    """A long-silent account's notes may well record who called whom: "not recorded" was
    false of them (an account manager's objection). The year counts as `timeline` counts it."""
    items = [touch(n, 1, direction=direction) for n in (last + 300, last + 100, last)] if last else []
    f = next(f for f in analyse(customer(*items, since=d(20), cadence=30), config(), AS_OF).health.factors
             if f.name == "Reciprocity")
    assert (f.effect, f.why) == (0, expected)

# -- ranking -----------------------------------------------------------------------------

def test_team_actions_are_ranked_and_filtered():
    a = customer(touch(70, 1), since=LONG_AGO, cadence=30, slug="a", owners=("maya",))
    b = customer(*steady_history(), since=LONG_AGO, slug="b", owners=("tomas",),
                 renewal=AS_OF + timedelta(days=50))
    rels = [analyse(c, config(), AS_OF) for c in (a, b)]
    acts = team_actions(rels)
    keys = [x.sort_key() for x in acts]
    assert keys == sorted(keys)
    assert {x.customer for x in team_actions(rels, owner="tomas")} == {"b"}
    assert {x.kind for x in team_actions(rels, kind="renewal")} == {"renewal"}
    assert all((x.due - AS_OF).days <= 7 for x in team_actions(rels, due_within=7))


def test_repair_is_about_the_worst_unrepaired_touch():
    c = customer(*steady_history(until_days_ago=60), touch(14, -2, type="meeting", with_=("Bo Chan",)),
                 touch(7, -1, type="call"), since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    (rep,) = [a for a in r.actions if a.kind == "repair"]
    assert "meeting" in rep.title and rep.contact == "Bo Chan" and "1 other negative touch" in rep.why
    assert [x.text.split()[0] for x in r.stage.reasons[:2]] == ["Very", "Negative"]


@pytest.mark.parametrize("after, said", [
    ((), "Nothing positive since."),
    (((7, -1, "call", ()),), f"Nothing positive since: the call of {fmt_date(d(7))} (Sent the remediation plan), negative."),
    (((10, 0, "email", ("Bo Chan",)),),
     f"Nothing positive since: the email of {fmt_date(d(10))} with Bo Chan (Sent the remediation plan), neutral."),
    (((12, None, "visit", ()), (10, 0, "email", ("Bo Chan",)), (7, -1, "call", ()), (5, None, "note", ("Bo Chan", "Ann Lee"))),
     f"Nothing positive in the 4 touches since; the latest: the call of {fmt_date(d(7))} (Sent the remediation "
     f"plan), negative; the note of {fmt_date(d(5))} with Bo Chan and Ann Lee (Sent the remediation plan), unrated."),
])
def test_a_repair_says_what_was_tried_since_the_bad_touch(after, said):
    """Northgate's repair read "talk to Craig… Nothing positive since." to a reader who knew the
    remediation plan had gone out on 10 Nov: it now names the touches since that did not turn it."""
    items = [*steady_history(until_days_ago=60), touch(14, -2, type="meeting", with_=("Bo Chan",))]
    items += [touch(n, s, type=kind, with_=w, summary="Sent the remediation plan") for n, s, kind, w in after]
    r = analyse(customer(*sorted(items, key=lambda i: i.date), since=LONG_AGO, cadence=60), config(), AS_OF)
    (rep,) = [a for a in r.actions if a.kind == "repair"]
    assert rep.why.startswith(f"It went very badly 14 days ago ({fmt_date(d(14))}): ")
    assert rep.why.endswith(said)


@pytest.mark.parametrize("meeting, call, between, named", [
    (34, 27, None, True),    # the call keeps the bad run within 30 days: the meeting stays named
    (34, 27, 30, False),     # a good touch between ended the meeting's run: only the call counts
    (70, 27, None, False),   # the meeting is over 30 days before the call: a run of its own, gone
])
def test_a_bad_run_keeps_its_worst_touch_named(meeting, call, between, named):
    """Northgate: a very bad meeting (a tender threat), a bad call a week later, nothing good
    since. A month after the meeting its reason dropped out and the repair turned to the call."""
    items = [*steady_history(until_days_ago=80), touch(meeting, -2, type="meeting", with_=("Bo Chan",)),
             *([touch(between, 1)] if between else []), touch(call, -1, type="call")]
    r = analyse(customer(*sorted(items, key=lambda i: i.date), since=LONG_AGO, cadence=60), config(), AS_OF)
    (rep,) = [a for a in r.actions if a.kind == "repair"]
    assert r.stage.id == "at-risk"
    assert ("meeting" in rep.title) is named
    assert r.stage.reasons[0].text.startswith("Very negative meeting" if named else "Negative call")
    if named:
        assert f"1 other negative touch ({short_date(d(call))} {d(call).year})." in rep.why


def test_similar_actions_merge_into_the_better_ranked_one():
    asks = (Ask("A data retention schedule aligned to guidance", d(100), False, Source("c.yaml", 9)),)
    p = promise("Send the revised data retention schedule", due=d(30))
    c = customer(*steady_history(), touch(40, 1, commitments=(p,)), since=LONG_AGO, asks=asks)
    acts = analyse(c, config(), AS_OF).actions
    topical = [a for a in acts if "retention" in a.title]
    assert len(topical) == 1 and "Also covers" in topical[0].why


def test_follow_up_titles_do_not_stutter():
    p = promise("Follow up with Jo on the renewal quote", due=d(-3))
    c = customer(*steady_history(), touch(5, 1, commitments=(p,)), since=LONG_AGO)
    (f,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "follow-up"]
    assert f.title == "Follow up with Jo on the renewal quote"


def test_dormant_rekindle_is_due_now_not_a_year_ago():
    c = customer(touch(300, 1), since=LONG_AGO)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "reach-out"]
    assert a.due == AS_OF


def test_no_broaden_for_a_steady_one_person_business():
    items = [touch(n, 1) for n in (20, 60, 110, 150)]
    solo = customer(*items, since=LONG_AGO, cadence=60, contacts=(contact("Ann Lee", "Owner", primary=True),))
    assert "broaden" not in kinds(solo)


def stage_factor(r):
    return next(f for f in r.health.factors if f.name == "Stage")


def test_health_counts_the_stage_once():
    """At risk for a bad meeting: the setback is weighed by its own factor, not again by the stage."""
    c = customer(*steady_history(until_days_ago=40), touch(6, -2, type="meeting"), touch(2, 0), since=LONG_AGO,
                 cadence=30)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk" and r.health.score < 50
    assert next(f for f in r.health.factors if f.name == "Unrepaired setback").effect == -18
    assert stage_factor(r).effect == 0 and stage_factor(r).why.endswith("Already counted above, not charged twice.")


def test_at_risk_never_reads_healthy():
    """One late promise on an account otherwise in fine shape: the promise costs what it costs
    under Commitments kept, and the stage holds the total below the good band."""
    lively = [touch(n, 2, with_=("Ann Lee", "Bo Chan"), direction="in") for n in range(200, 0, -14)]
    c = customer(*lively, touch(40, 1, commitments=(promise("Send the plan", d(30)),)), since=LONG_AGO, cadence=30)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk" and r.stage.reasons[0].text.startswith("Promise “Send the plan”")
    others = sum(f.effect for f in r.health.factors if f.name != "Stage")
    assert others > 69 and r.health.score == 69
    assert stage_factor(r).effect == 69 - others and "Held at 69: an account at risk is never in the good band." \
        in stage_factor(r).why


def test_a_key_person_quiet_before_the_renewal_is_what_the_stage_adds():
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in range(77, 0, -14)]
    c = customer(touch(91, 1, with_=("Ann Lee",)), *bo, since=LONG_AGO, cadence=30, renewal=AS_OF + timedelta(days=50))
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    assert stage_factor(r).effect == -15 and stage_factor(r).why.startswith("At risk: Ann Lee has not been heard from since")


def test_a_dormant_account_never_reads_fair():
    c = customer(*[touch(n, 2, with_=(w,)) for n in range(400, 199, -10) for w in ("Ann Lee", "Bo Chan")],
                 since=LONG_AGO, cadence=30)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "dormant" and r.health.score <= 39


def test_support_tickets_and_escalations_are_the_customer_reaching_out_but_problems_are_no_warmth():
    """A ticket or an escalation is the customer reaching out; one that went badly (an outage, a
    tender threat) earns no reciprocity: Northgate read "+5: they came to us 4 of 10 times",
    all four outages and the escalation (an account manager's objection)."""
    items = [touch(n, 0, direction="out") for n in (150, 100, 70)] + [touch(40, -1, type="support", direction="in"),
                                                                        touch(30, -2, type="meeting", direction="in"),
                                                                        touch(20, 0, direction="out")]
    r = analyse(customer(*items, since=LONG_AGO, cadence=30), config(), AS_OF)
    assert r.timeline.inbound_recent == 2 and r.timeline.inbound_problems == 2 and not r.timeline.one_sided
    f = next(f for f in r.health.factors if f.name == "Reciprocity")
    assert f.effect == 0 and f.why == ("They came to us 2 of 6 times in the last year, each time with a problem: "
                                       "that counts under sentiment, not as warmth.")
    asked = touch(25, 0, type="email", direction="in", summary="Asked for a quote for two more sites")
    r = analyse(customer(*items, asked, since=LONG_AGO, cadence=30), config(), AS_OF)
    f = next(f for f in r.health.factors if f.name == "Reciprocity")
    assert f.effect == 5 and f.why == ("They came to us 1 of 7 times in the last year (requests and support tickets "
                                       "count); 2 more with a problem, which counts under sentiment.")


def test_a_dormant_accounts_win_back_play_is_its_rekindle():
    """One action to get back in touch, due when the rekindle is, not a second beside it
    months overdue (Pemberton's: "Rekindle" due today and a win-back note 214 days overdue)."""
    from playbook.config import Config, Play
    win_back = Play(name="Win-back", do="Send a short win-back note", within=21, priority="low",
                    stages=("dormant",), line=30)
    review = Play(name="Review", do="Review the account at stand-up", within=5, priority="low",
                  stages=("dormant",), line=40, internal=True)
    c = customer(touch(250, 1), since=LONG_AGO)
    acts = analyse(c, Config(plays=(win_back, review)), AS_OF).actions
    (rekindle,) = [a for a in acts if a.kind == "reach-out"]
    assert rekindle.title.startswith("Rekindle") and rekindle.due == AS_OF
    # At the team's priority for its play (a tenth blind read: Pemberton's read Medium everywhere).
    assert rekindle.priority == "low"
    assert rekindle.why.endswith("(Also covers \u201cSend a short win-back note\u201d.)")
    assert [(r.text, r.source.line) for r in rekindle.also] == [("Send a short win-back note", 30)]
    assert [a.title for a in acts if a.kind == "play"] == ["Review the account at stand-up"]  # a team chore stays


def test_an_open_promise_is_no_promise_missing():
    c = customer(*steady_history(), touch(3, 1, commitments=(promise("Send the quote", AS_OF + timedelta(days=4)),)),
                 since=LONG_AGO)
    f = next(f for f in analyse(c, config(), AS_OF).health.factors if f.name == "Commitments kept")
    assert (f.effect, f.why) == (0, "1 promise open, none overdue; none kept yet.")


def test_an_open_to_do_is_said_beside_no_promise():
    """Saltmarsh's "No promises recorded yet" sat above "Follow up with Jo on the renewal quote,
    34 days overdue" (a seventeenth blind read): a to-do chasing them is no promise, and says so."""
    chase = promise("Follow up with Bo on the quote", due=d(34))
    c = customer(*steady_history(), touch(40, 1, commitments=(chase,)), since=LONG_AGO)
    f = next(f for f in analyse(c, config(), AS_OF).health.factors if f.name == "Commitments kept")
    assert (f.effect, f.why) == (0, "No promise to them recorded yet; \u201cFollow up with Bo on the quote\u201d is our "
                                    "own to-do, not counted.")


def test_steady_says_a_late_to_do_beside_no_overdue_promise():
    """Fernhill read "no overdue promise" with "Chase Sarah for the staff list" 49 days late."""
    chase = promise("Chase Bo for the staff list", due=d(49))
    c = customer(*steady_history(), touch(60, 0, commitments=(chase,)), since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "steady"
    assert any(x.text.endswith("no unrepaired bad meeting, no overdue promise; our to-do \u201cChase Bo for the staff "
                               "list\u201d is 49 days overdue.") for x in r.stage.reasons), r.stage.reasons


def test_while_our_touches_go_unanswered_our_own_news_goes_in_the_next_message():
    """Calder's brief said "Do not pile on" beside a separate "Tell Owen Price: zero-trust access
    is available" and an email to Eleanor six months before the renewal."""
    news = Play(name="News", do="Tell them about the new portal", within=3, priority=None)
    ours = [touch(n, 0, type="email", direction="out") for n in (30, 20, 10)]
    c = customer(*[touch(n, 1) for n in range(400, 60, -30)], *ours, since=LONG_AGO, cadence=60)
    (a,) = [a for a in analyse(c, Config(plays=(news,)), AS_OF).actions if a.kind == "play"]
    # The message that goes next is named: here, trying Ann another way.
    assert a.why.endswith(" Our last 3 touches are unanswered: raise this in the one message that goes next "
                          "(\u201cTry Ann Lee another way: no reply to our last 3 touches\u201d), not in one of its own.")
    answered = customer(*[touch(n, 1) for n in range(400, 0, -30)], since=LONG_AGO, cadence=60)
    (b,) = [a for a in analyse(answered, Config(plays=(news,)), AS_OF).actions if a.kind == "play"]
    assert "unanswered" not in b.why


def test_the_message_that_goes_next_is_none_that_waits_on_another():
    """Calder on 1 Jul (a check of a seventeenth blind read's fixes): its news for Owen was to go
    in "the one message that goes next (“Send the revised data retention schedule”)", while the
    schedule itself, low, went into the question whether they had renewed."""
    from playbook.engine.actions import next_message
    from playbook.engine.types import Action
    base = Action(kind="follow-up", title="Send the schedule", why="Promised.", due=d(200), priority="low",
                  contact="Ann Lee", owner=None, source=None, customer="x",
                  waits_on="(Low priority until you know whether they renewed: it goes into that question.)")
    touch_ = replace(base, kind="reach-out", title="Check in with Ann Lee", due=AS_OF, priority="high", waits_on="")
    assert next_message([base, touch_]) is touch_
    assert next_message([base]) is None


def test_what_waits_on_the_question_whether_they_renewed_is_raised_after_it_in_that_message():
    """Calder on 1 Jul (a check of a seventeenth blind read's fixes): its news for Owen read "ask
    that first", then "raise this in the one message that goes next", that message being the
    question itself: after the question, in the same message."""
    from playbook.available import Availability, Available
    entries = Availability.of((Available("Managed zero-trust access", d(2), ("zero-trust",), 40),))
    late = promise("Send the revised schedule", d(190))
    ours = [touch(n, 0, type="email", direction="out") for n in (150, 140, 130)]
    people = (contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CTO"))
    c = customer(touch(400, 1), touch(200, 1, commitments=(late,)), *ours, since=LONG_AGO, cadence=30, renewal=d(30),
                 value=20000, contacts=people,
                 asks=(ask("Zero-trust access for contractors", d(190), from_="Bo Chan", line=12),))
    acts = analyse(c, replace(config(), available=entries), AS_OF).actions
    (question,) = [a for a in acts if a.renewal_step == "lapsed"]
    (tell,) = [a for a in acts if a.kind == "tell"]
    # (Named in the question's title, Ann is not named again; and it goes into that question.)
    assert tell.why.endswith(f" Our last 3 touches are unanswered: raise this after that question, in the same message "
                             f"(\u201c{question.title}\u201d), with Bo Chan copied in, not in one of its own. (Low "
                             "priority until you know whether they renewed: it goes into that question.)")


def test_while_our_touches_go_unanswered_the_anniversary_goes_in_the_next_message():
    """Saltmarsh (a seventh blind read): "Mark the 4th anniversary", high, while our emails about
    its renewal went unanswered. A line of thanks in the message that goes next, low."""
    since = (AS_OF + timedelta(days=2)).replace(year=AS_OF.year - 4)
    owed = promise("Send the revised quote", due=d(-5))
    ours = [touch(n, 0, type="email", direction="out") for n in (30, 20, 10)]
    c = customer(*[touch(n, 1, commitments=(owed,) if n == 70 else ()) for n in range(400, 60, -30)], *ours,
                 since=since, cadence=60)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]
    assert a.title.startswith("Mark the 4th anniversary") and a.priority == "low"
    assert a.why.endswith(" Our last 3 touches are unanswered: raise this in the one message that goes next "
                          "(\u201cSend the revised quote\u201d), not in one of its own.")
    answered = customer(*[touch(n, 1, commitments=(owed,) if n == 70 else ()) for n in range(400, 0, -30)],
                        since=since, cadence=60)
    (b,) = [a for a in analyse(answered, config(), AS_OF).actions if a.kind == "personal"]
    assert b.priority == "high" and "unanswered" not in b.why


def test_no_line_of_thanks_rides_on_a_late_delivery():
    """Calder (a seventeenth blind read): "Mark the 3rd anniversary… raise this in the one message
    that goes next (“Send the revised data retention schedule”)", 217 days late: thanks for three
    years in the covering note of an apology. It waits on that, and says only that."""
    since = (AS_OF + timedelta(days=2)).replace(year=AS_OF.year - 3)
    owed = promise("Send the revised schedule", due=d(60))
    ours = [touch(n, 0, type="email", direction="out") for n in (30, 20, 10)]
    c = customer(*[touch(n, 1, commitments=(owed,) if n == 70 else ()) for n in range(400, 60, -30)], *ours,
                 since=since, cadence=60)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "personal"]
    assert a.priority == "low" and "unanswered" not in a.why
    assert a.why.endswith("Low priority while we are late on \u201cSend the revised schedule\u201d, 60 days overdue: "
                          "see to that first.")


def test_a_dormant_accounts_anniversary_is_the_opening_of_its_rekindle():
    """Pemberton's (a seventeenth blind read): "Mark the 4th anniversary…, belatedly", low while
    the account is dormant, beside "Rekindle: get back in touch with Alan": one action."""
    since = (AS_OF - timedelta(days=2)).replace(year=AS_OF.year - 4)
    c = customer(touch(250, 1), since=since)
    acts = analyse(c, config(), AS_OF).actions
    (rekindle,) = acts
    assert rekindle.title.startswith("Rekindle") and rekindle.priority == "medium"
    assert rekindle.why.endswith(f"(Also covers \u201cMark the 4th anniversary of working with {c.name}, belatedly "
                                 f"({fmt_day(since.replace(year=AS_OF.year))})\u201d: the anniversary is an opening for it.)")


@pytest.mark.parametrize("renewal_in", [18, 150])
def test_a_meeting_with_a_quiet_decider_that_is_the_call_or_the_touch_stands_on_its_own(renewal_in):
    """Eighteen days before Calder's renewal, its email to Eleanor, which had taken in the call
    before the renewal, still said to copy her in on a schedule 211 days late (a fourth blind
    read); and a meeting that carries the touch the silence calls for read "not in one of its
    own" while it was that touch. Neither is piled on: each is the message."""
    people = (contact("Ann Lee", "Operations manager", primary=True),
              replace(contact("Bo Chan", "Managing partner"), decision=("decision maker",)))
    ours = [touch(n, 0, type="email", direction="out") for n in (30, 20, 10)]
    c = customer(*[touch(n, 1) for n in range(400, 40, -30)], touch(500, 1, with_=("Bo Chan",)), *ours,
                 since=LONG_AGO, cadence=30, contacts=people, renewal=AS_OF + timedelta(days=renewal_in))
    r = analyse(c, config(), AS_OF)
    assert r.timeline.one_sided
    (meet,) = [a for a in r.actions if a.kind == "renewal"]
    assert meet.renewal_step == "coverage" and meet.contact == "Bo Chan"
    assert "unanswered: raise this" not in meet.why, meet.why


def test_the_one_message_that_goes_next_is_named_with_whom_to_copy_in():
    """Calder's email to Eleanor, its decider, said to raise the renewal "in the one message
    that goes next" while that message, the late retention schedule, went to Tasha (an account
    manager's objection): what we owe them goes first, and the one it is with is named."""
    people = (contact("Ann Lee", "Operations manager", primary=True), contact("Bo Chan", "CFO"))
    cfo = Play(name="Finance quiet", do="Schedule a value review with finance", within=7, priority=None,
               no_touch_with_role=RoleGap("CFO", 120))
    ours = [touch(n, 0, type="email", direction="out") for n in (30, 20, 10)]
    c = customer(*[touch(n, 1) for n in range(400, 60, -30)],
                 touch(45, 1, commitments=(promise("Send the revised quote", d(20)),)), *ours,
                 since=LONG_AGO, cadence=60, contacts=people)
    (play,) = [a for a in analyse(c, Config(plays=(cfo,)), AS_OF).actions if a.kind == "play"]
    assert play.contact == "Bo Chan"
    assert play.why.endswith(" Our last 3 touches are unanswered: raise this in the one message that goes next "
                             "(\u201cSend the revised quote\u201d, to Ann Lee), with Bo Chan copied in, not in one of "
                             "its own.")
    # A decider is not copied in on what we are late with (a blind read of Calder's email to
    # Eleanor): the meeting with them goes after that message, not alongside it.
    decider = replace(c, contacts=(people[0], replace(people[1], decision=("decision maker",))),
                      renewal=AS_OF + timedelta(days=150))
    (meet,) = [a for a in analyse(decider, Config(), AS_OF).actions if a.renewal_step == "coverage"]
    assert meet.why.endswith(" Our last 3 touches are unanswered: this goes after the next message "
                             "(\u201cSend the revised quote\u201d, to Ann Lee), not alongside it.")
    # So does that meeting once it has taken in the call before the renewal: 29 days before
    # Calder's renewal the line had gone, inviting two unanswered emails at once (a fifteenth
    # blind read).
    soon = replace(decider, renewal=AS_OF + timedelta(days=18))
    (meet,) = [a for a in analyse(soon, Config(), AS_OF).actions if a.renewal_step == "coverage"]
    assert meet.also and meet.why.endswith(
        " Our last 3 touches are unanswered: this goes after the next message "
        "(\u201cSend the revised quote\u201d, to Ann Lee), not alongside it.")


def test_on_the_renewal_day_the_call_asks_where_it_stands_not_before_it():
    """Northgate on 15 Jan (a twelfth blind read): "Email Fiona Lyle before the renewal on 15 Jan
    2027", 42 days overdue, on the renewal day itself."""
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF)
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert call.title == f"Call Ann Lee today: where the renewal of {fmt_date(AS_OF)} stands"
    assert call.why.startswith("Renewal is today.")
    # So on its eve: Brightwell read "Meet Dave Brightwell… before the renewal on 30 Apr 2027", 167
    # days overdue, the day before; its last renewal had been a meeting (a twenty-third blind read).
    met = replace(c, interactions=tuple(replace(i, type="meeting", summary="Renewal signed for another year")
                                        if i.date == d(370) else i for i in c.interactions))
    for n in (1, 2, 3):
        day = AS_OF + timedelta(days=n)
        (call,) = [a for a in analyse(replace(met, renewal=day), config(), AS_OF).actions if a.kind == "renewal"]
        assert call.title == (f"Call Ann Lee today: where the renewal of {fmt_date(day)} stands" if n <= 2 else
                              f"Meet Ann Lee before the renewal on {fmt_date(day)}")
        assert ("Ask whether it is signed; if it is not, ask for an extension (a short one)." in call.why) is (n <= 2)
    # With their side's time to renew known, long enough for it (St Aldhelm's read "a short extension"
    # beside 8 weeks of paperwork: a twenty-fifth blind read).
    (call,) = [a for a in analyse(replace(met, renewal=AS_OF + timedelta(days=1), renewal_lead=28), config(),
                                  AS_OF).actions if a.kind == "renewal"]
    assert "if it is not, ask for an extension (long enough for their side to finish: it takes them 4 weeks)." \
        in call.why, call.why
    # On a day off, the next working day, not "today": St Aldhelm's read "Visit Helen Marsh today"
    # on Easter Monday, a holiday in playbook.yaml (a twenty-fifth blind read).
    saturday = AS_OF + timedelta(days=1)
    (call,) = [a for a in analyse(replace(met, renewal=saturday + timedelta(days=2)), config(), saturday).actions
               if a.kind == "renewal"]
    monday = saturday + timedelta(days=2)
    assert call.title == f"Call Ann Lee on Mon 23 Nov: where the renewal of {fmt_date(monday)} stands"


def test_on_the_renewal_day_a_quiet_deciders_meeting_is_a_call_about_where_it_stands():
    """Brightwell on 30 Apr (a twenty-third blind read): "Meet Dave Brightwell (decision maker)
    before the renewal on 30 Apr 2027", "the renewal is on 30 Apr 2027 (in 0 days)"."""
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "Ops", None, None, None, None, True, src),
              Contact("Bo Chan", "MD", None, None, None, None, False, src, decision=("decision maker",)))
    c = customer(*steady_history(), since=LONG_AGO, renewal=AS_OF, contacts=people)
    r = analyse(c, config(), AS_OF)
    (meet,) = [a for a in r.actions if a.kind == "renewal"]
    assert meet.title.startswith(f"Call Bo Chan (decision maker) today: where the renewal of {fmt_date(AS_OF)} stands")
    assert f"the renewal is on {fmt_date(AS_OF)} (today)." in meet.why
    # The stage's reason too (it read "(in 0 days)" there, and in health's Stage row: a check of that fix).
    assert any(x.text.endswith(f"the renewal is on {fmt_date(AS_OF)} (today).") for x in r.stage.reasons), \
        [x.text for x in r.stage.reasons]


@pytest.mark.parametrize("lead", [56, None])
def test_whether_a_renewal_went_through_is_asked_of_whoever_buys_for_them_with_a_lead_time(lead):
    """St Aldhelm's (a twelfth blind read): whether the renewal went through was asked of Gareth,
    the main contact, while Siobhan owns the framework paperwork. Without a `renewal_lead`, the
    main contact is asked, as before."""
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src),
              Contact("Sio Keane", "Procurement Lead", None, None, None, None, False, src))
    c = customer(*steady_history(until_days_ago=10), since=LONG_AGO, renewal=AS_OF - timedelta(days=5),
                 renewal_lead=lead, contacts=people)
    (check,) = [a for a in analyse(c, config(), AS_OF).actions if a.renewal_step == "lapsed"]
    who = "Sio Keane" if lead else "Ann Lee"
    assert check.title.endswith(f"then ask {who}") and check.contact == who


@pytest.mark.parametrize("last_type, prefers, verb", [
    ("meeting", None, "Meet"), ("visit", None, "Meet"), ("call", None, "Call"), ("meeting", "email", "Email"),
])
def test_the_renewal_is_talked_through_as_the_last_one_was_unless_they_say_how(last_type, prefers, verb):
    """Lantern's last two renewals were meetings with Ollie and Camille, then "Call Camille Roux
    before the renewal" (a twelfth and a thirteenth blind read). A preference still decides."""
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src, prefers=prefers),)
    talk = touch(360, 1, type=last_type, summary="Renewal agreed")
    c = customer(talk, *steady_history(), since=LONG_AGO, renewal=AS_OF + timedelta(days=20), contacts=people)
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert call.title == f"{verb} Ann Lee before the renewal on {fmt_date(AS_OF + timedelta(days=20))}"


def test_with_no_message_going_next_what_is_ours_to_raise_still_waits_for_one():
    """The 10,000-customer book (CI, f14716b): with our touches unanswered and no message going
    next (all that we owe waits on something else), piling on read the next message's step and
    failed: `not_piled_on` raised AttributeError on None."""
    from types import SimpleNamespace
    from playbook.engine.actions import LAPSED_ASLEEP, not_piled_on
    from playbook.engine.types import Action
    news = Action(kind="tell", title="Tell Ann Lee: X is available", why="It came in.", due=AS_OF, priority="low",
                  contact="Ann Lee", owner=None, source=None, customer="x", waits_on=LAPSED_ASLEEP)
    owed = replace(news, kind="follow-up", title="Send the schedule", why="Promised.")
    quiet = SimpleNamespace(one_sided=True, unanswered=(1, 2, 3))
    (a, b) = not_piled_on([news, owed], quiet)
    assert a.why == "It came in. Our last 3 touches are unanswered: raise this in the one message that goes next, not " \
                    "in one of its own." and a.waits_on == LAPSED_ASLEEP
    assert b == owed
