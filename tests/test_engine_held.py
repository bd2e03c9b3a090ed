"""Actions held at the build's day because nobody waits on them past their day (a check-in or a
rekindle past the cadence, a second contact to reach, a chore for the team) say since when they
have been due and count as overdue: "overdue since 1 Dec 2025", neither "due today" on every
build (a rekindle after 447 days of silence, a stand-up review listed for weeks: a final read's
objection) nor "N days overdue", a count that grows by the day (an earlier one). Their rank is
a day's, as before."""

from __future__ import annotations

from datetime import date, timedelta

from msgspec.structs import replace

from engine_factory import AS_OF, customer, d, touch
from playbook.actions_cli import format_actions
from playbook.config import Config, Play
from playbook.digest import when_due as digest_when
from playbook.engine import analyse
from playbook.engine.types import Action
from playbook.outputs.json_out import action_dict
from playbook.site.parts import when_due

LONG_AGO = d(800)
FRI = AS_OF  # Friday 20 Nov 2026
SAT, SUN, MON = FRI + timedelta(days=1), FRI + timedelta(days=2), FRI + timedelta(days=3)
REVIEW = Play(name="Low health review", do="Review the account at stand-up", within=5, priority="high",
              stages=("dormant",), line=40, internal=True)


def reach_out(as_of: date, cfg: Config | None = None) -> Action:
    c = customer(touch(250, 1), since=LONG_AGO, cadence=30)
    return next(a for a in analyse(c, cfg or Config(), as_of).actions if a.kind == "reach-out")


def test_a_rekindle_says_since_when_it_has_been_due_and_the_day_stays_put():
    # Last heard 15 Mar 2026; past a 30-day cadence from Wed 15 Apr 2026.
    a = reach_out(FRI)
    assert a.title.startswith("Rekindle") and a.due == FRI and a.due_since == date(2026, 4, 15)
    # A week on, the same day, not the build's: it is no news.
    later = reach_out(FRI + timedelta(days=7))
    assert later.due == FRI + timedelta(days=7) and later.due_since == date(2026, 4, 15)
    # On a weekend it is held at Monday, still since then.
    assert (reach_out(SAT).due, reach_out(SAT).due_since) == (MON, date(2026, 4, 15))


def test_a_cadence_that_ran_out_on_a_day_off_is_due_since_the_working_day_after():
    # Last heard Wed 21 Oct: past a 30-day cadence from Sat 21 Nov; on Monday it is due that day.
    c = customer(touch(30, 1), since=LONG_AGO, cadence=30)
    assert not [a for a in analyse(c, Config(), FRI).actions if a.kind == "reach-out"]
    a = next(a for a in analyse(c, Config(), MON).actions if a.kind == "reach-out")
    assert (a.due, a.due_since) == (MON, None)
    # Heard Thu 15 Oct: past the cadence from Sun 15 Nov; due since Mon 16 Nov.
    c = customer(touch(36, 1), since=LONG_AGO, cadence=30)
    a = next(a for a in analyse(c, Config(), FRI).actions if a.kind == "reach-out")
    assert (a.due, a.due_since) == (FRI, date(2026, 11, 16))


def test_a_check_in_not_yet_due_has_no_since():
    c = customer(touch(20, 1), since=LONG_AGO, cadence=30)
    assert not [a for a in analyse(c, Config(), FRI).actions if a.kind == "reach-out"]
    c = customer(touch(30, 1), since=LONG_AGO, cadence=29)
    (a,) = [a for a in analyse(c, Config(), FRI).actions if a.kind == "reach-out"]
    assert (a.due, a.due_since) == (FRI, None)  # first listed today: "due today"


def test_a_chore_for_the_team_says_since_when_it_has_been_due():
    cfg = Config(plays=(REVIEW,))
    c = customer(touch(250, 1), since=LONG_AGO, cadence=30)
    (chore,) = [a for a in analyse(c, cfg, FRI).actions if a.kind == "play"]
    assert chore.internal and chore.due == FRI and chore.due_since is not None and chore.due_since < FRI
    (again,) = [a for a in analyse(c, cfg, FRI + timedelta(days=14)).actions if a.kind == "play"]
    assert again.due_since == chore.due_since


def held(due: date, since: date | None) -> Action:
    return Action(kind="reach-out", title="Check in", why="", due=due, priority="low", contact=None, owner=None,
                  source=None, customer="x", due_since=since)


def test_held_since_keeps_only_what_is_still_held_at_the_builds_day():
    from playbook.engine.workdays import held_since  # (here: the rest run, and fail by behaviour, on older code)
    no_holidays = ()
    kept, = held_since([held(FRI, date(2026, 10, 1))], no_holidays, FRI)
    assert kept.due_since == date(2026, 10, 1)
    # Made late by a merge, or moved later (a pause, after another action): its day is its own.
    assert [a.due_since for a in held_since([held(FRI - timedelta(days=3), date(2026, 10, 1)),
                                             held(FRI + timedelta(days=5), date(2026, 10, 1))],
                                            no_holidays, FRI)] == [None, None]
    # On a Saturday the day it is held at is Monday.
    assert held_since([held(MON, FRI)], no_holidays, SAT)[0].due_since == FRI
    # Fell due on the weekend just gone: due on Monday itself, no "since".
    assert held_since([held(MON, SAT)], no_holidays, MON)[0].due_since is None
    # A holiday the team marks counts as a day off too.
    assert held_since([held(MON + timedelta(days=1), MON)], ((MON, MON),), MON)[0].due_since is None
    assert held_since([held(FRI, date(2026, 11, 16))], ((date(2026, 11, 16), date(2026, 11, 17)),),
                      FRI)[0].due_since == date(2026, 11, 18)


def test_every_place_that_shows_a_due_day_says_since_when():
    a = replace(held(FRI, date(2025, 12, 1)), priority="medium", title="Rekindle: get back in touch with Alan")
    assert when_due(0, a.due_since) == "overdue since 1 Dec 2025"
    assert when_due(0) == "due today"
    assert digest_when(a.due, FRI, a.due_since) == "overdue since 1 Dec 2025"
    assert "overdue since 1 Dec 2025  reach-out" in format_actions([a], {}, FRI, colour=False)
    assert action_dict(a)["due_since"] == "2025-12-01" and action_dict(held(FRI, None))["due_since"] is None
    assert a.overdue(FRI) and not held(FRI, None).overdue(FRI) and held(FRI, None).overdue(MON)


def test_on_a_weekend_what_is_overdue_since_an_earlier_day_is_on_every_list_of_what_is_due():
    """Held at Monday on a Saturday, a rekindle overdue since April was on the site's overdue
    count but left out of the Saturday morning list and `actions --due-within 0` (a check read)."""
    from playbook.digest import section
    from playbook.engine import team_actions
    c = customer(touch(250, 1), since=LONG_AGO, cadence=30)
    r = analyse(c, Config(), SAT)
    (a,) = [a for a in r.actions if a.kind == "reach-out"]
    assert a.due == MON and a.overdue(SAT)
    assert a in team_actions([r], due_within=0)
    due = section("maya", "Maya", [r], [], Config(), SAT).groups[0]
    assert due is not None and [ln.text for ln in due.lines] == [a.title]
    assert due.lines[0].when == "overdue since 15 Apr 2026"
