"""Quiet is not decline, and pauses the customer asked for (issue 13, items 1 and 2): each rule
at its threshold, the day before and the day after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from msgspec.structs import replace

from engine_factory import AS_OF, ask, config, contact, customer, d, pause, touch
from playbook.config import Config, Play
from playbook.engine import analyse
from playbook.engine.history import stage_at
from playbook.engine.words import fmt_date
from playbook.load import parse_interaction

LONG_AGO = d(800)


def rel(c, cfg=None):
    return analyse(c, cfg or config(), AS_OF)


def flags(r) -> list[str]:
    return [f.id for f in r.flags]


def history_before(*items, cadence=30, **kw):
    """Regular positive touches every `cadence` days from 400 days ago up to the first of `items`."""
    first = min(i.date for i in items)
    n = (AS_OF - first).days + cadence
    return [touch(k, 1) for k in range(400, n - 1, -cadence)] + list(items)


# -- silence after a good or neutral touch needs a touch, never an alarm ----------------

@pytest.mark.parametrize("silent, sentiment, stage, flagged", [
    (30, 1, "steady", False),     # within the cadence
    (31, 1, "steady", True),      # past it: a touch is due
    (61, 1, "steady", True),      # over 2× the cadence used to be "at risk"
    (61, 0, "steady", True),      # a neutral last touch is no negative signal either
    (61, None, "steady", True),   # nor an unrated one
    (90, 1, "steady", True),      # 3× the cadence, and the usual gap: not yet going cold
    (180, 1, "dormant", False),   # 180 days: dormant (and its own rekindle, no flag)
])
def test_silence_alone_only_needs_a_touch(silent, sentiment, stage, flagged):
    c = customer(*history_before(touch(silent, sentiment)), since=LONG_AGO, cadence=30)
    r = rel(c)
    assert r.stage.id == stage
    assert ("needs-touch" in flags(r)) is flagged
    if flagged:
        f = r.flags[0]
        assert f.label == "Needs a touch" and f"Quiet for {silent} days" in f.reason.text
        assert "time for a touch" in f.reason.text and f.reason.source == c.interactions[-1].source


def test_quiet_key_account_gets_a_calm_check_in_not_an_alarm():
    c = customer(*history_before(touch(42, 1, type="visit"), cadence=14), since=LONG_AGO, cadence=14)
    r = rel(c)
    assert r.stage.id == "steady"
    assert next(f for f in r.health.factors if f.name == "Stage").effect == 0  # no at-risk penalty
    (a,) = [a for a in r.actions if a.kind == "reach-out"]
    assert a.title == "Check in with Ann Lee" and a.priority == "medium" and a.due == AS_OF
    assert "Nothing heard for 42 days, against a 14-day cadence" in a.why


# -- dormant is a long silence, by the thresholds --------------------------------------

@pytest.mark.parametrize("silent, cadence, expected", [
    (179, 14, "at-risk"),   # 12× a key account's cadence is going cold, still not dormant
    (180, 14, "dormant"),   # 180 days is
    (91, 21, "at-risk"),    # the strip used to call this dormant (over 4× 21 days): going cold
    (179, 60, "steady"),
    (180, 60, "dormant"),   # 3× 60 = 180: both rules hold
    (269, 90, "steady"),    # a quarterly account: 3× the cadence is the longer rule
    (270, 90, "dormant"),
])
def test_dormant_takes_a_long_silence(silent, cadence, expected):
    c = customer(*history_before(touch(silent, 1), cadence=cadence), since=LONG_AGO, cadence=cadence)
    r = rel(c)
    assert r.stage.id == expected
    if expected == "dormant":
        assert f"Nothing heard for {silent} days" in r.stage.reasons[0].text
        if cadence == 90:
            assert "270 days (3× the cadence)" in r.stage.reasons[0].text
        else:
            assert "180 days of silence makes a relationship dormant" in r.stage.reasons[0].text


def test_dormant_threshold_settings_still_apply():
    c = customer(touch(100, 1), since=LONG_AGO, cadence=30)
    assert rel(c).stage.id == "steady"
    assert rel(c, config(dormant_days=100)).stage.id == "dormant"
    assert rel(c, config(dormant_days=100, dormant_cadence_multiple=4)).stage.id == "steady"  # 120 > 100


# -- a silence that breaks the account's rhythm is going cold --------------------------

@pytest.mark.parametrize("every, cadence, silent, expected", [
    (30, 30, 90, "steady"),    # 3× the cadence (and 3× the usual gap): not over it
    (30, 30, 91, "at-risk"),   # over both
    (14, 14, 42, "steady"),    # a key account: 3× its fortnight
    (14, 14, 43, "at-risk"),
    (70, 30, 105, "steady"),   # usually every 70 days: 1.5× that is the longer rule
    (70, 30, 106, "at-risk"),
    (25, 60, 179, "steady"),   # 3× a 60-day cadence is 180: dormant comes first
])
def test_a_silence_that_breaks_the_rhythm_is_going_cold(every, cadence, silent, expected):
    c = customer(*history_before(touch(silent, 1, type="visit"), cadence=every), since=LONG_AGO, cadence=cadence)
    r = rel(c)
    assert r.timeline.usual_gap == every and r.stage.id == expected
    if expected == "at-risk":
        (reason,) = r.stage.reasons
        assert reason.text == (f"Nothing heard for {silent} days since the visit of {fmt_date(d(silent))}: "
                               f"{silent / every:.1f}× the usual {every} days between touches in the year before it, and "
                               f"{silent / cadence:.1f}× the {cadence}-day cadence; the relationship is going cold.")
        assert reason.source == c.interactions[-1].source
        (a,) = [a for a in r.actions if a.kind == "reach-out"]
        assert a.priority == "high"
    else:
        cold, asleep = max(3 * cadence, int(1.5 * every)) + 1, max(180, 3 * cadence)
        tip = f"at risk if still quiet on {fmt_date(d(silent) + timedelta(days=cold))}." if cold < asleep \
            else f"dormant if still quiet on {fmt_date(d(silent) + timedelta(days=asleep))}."
        assert r.stage.reasons[0].text.endswith(tip)


def test_going_cold_settings_apply():
    c = customer(*history_before(touch(50, 1), cadence=20), since=LONG_AGO, cadence=20)
    assert rel(c).stage.id == "steady"   # cold after 60
    assert rel(c, config(cold_cadence_multiple=2)).stage.id == "at-risk"       # after 40
    assert rel(c, config(cold_cadence_multiple=2, cold_usual_multiple=3)).stage.id == "steady"  # after 60


def test_no_rhythm_no_going_cold():
    """Fewer than two touches in the last year: no usual gap to break, so quiet stays quiet
    until dormant."""
    c = customer(touch(600, 1), touch(170, 1), since=LONG_AGO, cadence=14)
    r = rel(c)
    assert r.timeline.usual_gap is None and r.stage.id == "steady"
    assert "at risk if still quiet" not in r.stage.reasons[0].text


def test_going_cold_is_not_said_twice():
    """After a bad touch, or with our outreach unanswered, the silence is told by that rule."""
    bad = customer(*history_before(touch(100, -1, summary="Outage review")), since=LONG_AGO, cadence=30)
    (reason,) = rel(bad).stage.reasons
    assert reason.text.startswith("Negative call with Ann Lee on ") and "going cold" not in reason.text
    ours = [touch(n, 0, type="email", direction="out") for n in (40, 20)]
    unanswered = customer(*history_before(touch(100, 1)), *ours, since=LONG_AGO, cadence=30)
    (reason,) = rel(unanswered).stage.reasons
    assert reason.text.startswith("No reply to our last 2 touches") and "going cold" not in reason.text


def test_a_paused_account_does_not_go_cold():
    c = customer(*history_before(touch(120, 1)), since=LONG_AGO, cadence=30,
                 pause=pause(AS_OF + timedelta(days=30)))
    r = rel(c)
    assert r.stage.id == "steady" and "at risk if still quiet" not in " ".join(x.text for x in r.stage.reasons)


# -- at risk takes a negative signal -------------------------------------------------------

@pytest.mark.parametrize("silent, sentiment, expected", [
    (31, -1, "at-risk"),    # past the negative window (30 days), but nothing heard since: no older
    (120, -1, "at-risk"),   # a setback ages as the relationship moves on, not while it is silent
    (120, -2, "at-risk"),
    (61, 0, "steady"),
])
def test_a_bad_touch_with_nothing_heard_since_stays_a_setback(silent, sentiment, expected):
    """Northgate's tender threat, with nothing heard since, stopped counting a month on, and its
    repair action went with it."""
    c = customer(*history_before(touch(silent, sentiment, type="meeting", summary="Outage review went badly")),
                 since=LONG_AGO, cadence=30)
    r = rel(c)
    assert r.stage.id == expected
    if expected == "at-risk":
        assert r.stage.reasons[0].text.endswith(f" meeting with Ann Lee on {fmt_date(d(silent))} ({silent} days ago): "
                                                "Outage review went badly. Nothing positive since.")
        assert [a.kind for a in r.actions if a.kind == "repair"] == ["repair"]
        assert next(f for f in r.health.factors if f.name == "Unrepaired setback").effect < 0


@pytest.mark.parametrize("moved_on, expected", [(25, "at-risk"), (35, "steady")])
def test_a_setback_ages_as_the_relationship_moves_on(moved_on, expected):
    """A neutral touch 35 days after the bad one: the window (30 days) is over, and the bad touch
    no longer counts; 25 days after, it still does."""
    c = customer(*history_before(touch(60, -1, type="meeting"), touch(60 - moved_on, 0)), since=LONG_AGO, cadence=30)
    assert rel(c).stage.id == expected


@pytest.mark.parametrize("threat, named", [
    (72, True),    # a tender threat a week before the last bad call: one bad run
    (110, False),  # 45 days before it: over the negative window, another matter
])
def test_the_silence_after_an_aged_bad_run_names_its_worst(threat, named):
    """The run aged as unrated touches followed it (over the window), and then they stopped:
    the silence is at risk after a bad run, named by its worst touch."""
    items = [touch(threat, -2, type="meeting", summary="Tender threat"), touch(65, -1, summary="Rollback call"),
             touch(50, None, type="email", direction="in"), touch(31, None, type="visit")]
    c = customer(*history_before(*items, cadence=10), since=LONG_AGO, cadence=10)
    (reason,) = rel(c).stage.reasons
    assert reason.text.startswith(f"Nothing heard for 31 days since the visit of {fmt_date(d(31))}, over 2× the "
                                  "10-day cadence; nothing positive since the ")
    worst = (f"very negative meeting of {fmt_date(d(threat))} (Tender threat)." if named
             else f"negative call of {fmt_date(d(65))} (Rollback call).")
    assert reason.text.endswith(worst)


@pytest.mark.parametrize("heard, emails, expected", [
    (61, (20, 10), "at-risk"),   # two touches of ours unanswered and silent over 2× the cadence
    (60, (20, 10), "steady"),    # not yet silent enough
    (61, (10,), "steady"),       # one unanswered email is no pattern
])
def test_unanswered_outreach_is_at_risk(heard, emails, expected):
    ours = [touch(n, 0, type="email", direction="out") for n in emails]
    c = customer(*history_before(touch(heard, 1)), *ours, since=LONG_AGO, cadence=30)
    r = rel(c)
    assert r.stage.id == expected
    assert r.timeline.days_since_heard == heard and r.timeline.days_since == min(emails)
    if expected == "at-risk":
        assert r.stage.reasons[0].text.startswith("No reply to our last 2 touches (")
        assert f"nothing heard for {heard} days, over 2× the 30-day cadence" in r.stage.reasons[0].text


def test_a_reply_answers_our_outreach():
    items = history_before(touch(61, 1)) + [touch(20, 0, type="email", direction="out"),
                                            touch(10, 0, type="email", direction="out"),
                                            touch(5, 1, type="email", direction="in")]
    r = rel(customer(*items, since=LONG_AGO, cadence=30))
    assert r.stage.id != "at-risk" and r.timeline.unanswered == () and "needs-touch" not in flags(r)


@pytest.mark.parametrize("answered, unanswered", [(None, 0), (False, 1), (True, 0)])
@pytest.mark.parametrize("direction", ["out", None])
def test_a_call_is_a_conversation_unless_marked_unanswered(answered, unanswered, direction):
    c = customer(*history_before(touch(40, 1)), touch(5, 0, type="call", direction=direction, answered=answered),
                 since=LONG_AGO, cadence=30)
    assert len(rel(c).timeline.unanswered) == unanswered


@pytest.mark.parametrize("summary, unanswered", [
    ("Rang Ann, voicemail again", True),
    ("Tried Ann for the quarterly call, left a voicemail", True),
    ("Left Ann a message with reception", True),
    ("Rang Ann, no answer", True),
    ("No reply to the quote", True),
    ("Ann left a voicemail asking for a callback", False),   # theirs: she reached out
    ("Voicemail, then she called back and we agreed the date", False),
    ("Met Ann; no answer yet on the budget", False),
    ("She didn't answer the question about budget", False),
    ("Quarterly call", False),
])
def test_a_note_that_says_it_reached_nobody_is_not_hearing_from_them(summary, unanswered):
    """A voicemail logged as a two-line note counted as hearing from them: it cleared the
    silence before a renewal (an account manager's objection). Read at load, as `answered: no`."""
    c = customer(*history_before(touch(40, 1)), note(5, f"{summary}.\n"), since=LONG_AGO, cadence=30)
    tl = rel(c).timeline
    assert (len(tl.unanswered), tl.days_since_heard) == ((1, 40) if unanswered else (0, 5))
    marked = note(5, f"---\ntype: call\ndirection: out\nanswered: yes\n---\n{summary}.\n")
    assert marked.answered is True   # `answered: yes` is the last word
    assert note(5, f"---\ndirection: in\n---\n{summary}.\n").answered is None   # theirs: no try of ours


def note(days_ago: int, text: str):
    """An interaction as the loader reads it from a note file."""
    problems: list = []
    name = f"{d(days_ago).isoformat()}-note.md"
    found = parse_interaction(text, name, f"content/customers/x/interactions/{name}", None, Config(), problems)
    assert found is not None and problems == [], problems
    return found


def test_an_email_marked_answered_counts_as_heard():
    c = customer(*history_before(touch(40, 1)), touch(5, 0, type="email", direction="out", answered=True),
                 since=LONG_AGO, cadence=30)
    assert rel(c).timeline.days_since_heard == 5


@pytest.mark.parametrize("quiet, renewal_in, at_risk", [
    (90, 60, False),    # the primary contact heard from 90 days ago: not over stakeholder_days
    (91, 60, True),     # 91 days, renewal within renewal_days
    (91, 61, False),    # the renewal is further off than renewal_days
])
def test_key_person_quiet_before_the_renewal(quiet, renewal_in, at_risk):
    _key_person_quiet(quiet, renewal_in, at_risk)


@pytest.mark.parametrize("renewal_in, at_risk", [(116, True), (117, False)])
def test_a_renewal_lead_brings_the_key_person_rule_forward(renewal_in, at_risk):
    """With 8 weeks' lead, the renewal is as near 116 days ahead as it is 60 without one."""
    _key_person_quiet(91, renewal_in, at_risk, lead=56)


def _key_person_quiet(quiet: int, renewal_in: int, at_risk: bool, lead: int | None = None) -> None:
    # The account itself is lively (Bo Chan every fortnight); only its primary contact is quiet.
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in range(quiet - 14, 0, -14)]
    c = customer(touch(quiet, 1, with_=("Ann Lee",)), *bo, since=LONG_AGO, cadence=30,
                 renewal=AS_OF + timedelta(days=renewal_in), renewal_lead=lead)
    r = rel(c)
    assert (r.stage.id == "at-risk") is at_risk
    if at_risk:
        assert r.stage.reasons[0].text.startswith(f"Ann Lee has not been heard from since {d(quiet).day} ")
        assert r.stage.reasons[0].source.line == 4  # the renewal line


# -- the monthly strip: the same rules, with hysteresis ----------------------------------

def test_history_uses_todays_rules():
    # 91 days of quiet on a 21-day cadence at the end of a month: steady (needs a touch), never dormant.
    items = [touch(n, 1) for n in range(700, 200, -21)] + [touch(110, 1)]
    r = rel(customer(*items, since=LONG_AGO, cadence=21))
    assert "dormant" not in {p.stage for p in r.stage_history[:-1]} or all(
        (p.date - d(110)).days >= 180 for p in r.stage_history if p.stage == "dormant")


@pytest.mark.parametrize("bad_day, repaired_after, shown", [
    (28, 5, "steady"),     # bad on the 28th, set right 5 days later: the month stays steady
    (10, None, "at-risk"),  # bad on the 10th and never set right: at risk at mid-month and month end
    (16, None, "steady"),  # bad on the 16th: at risk only after mid-month, so the month waits
])
def test_one_event_does_not_flip_a_month(bad_day, repaired_after, shown):
    month_end = AS_OF.replace(day=1) - timedelta(days=1)           # 31 Oct 2026
    bad = month_end.replace(day=bad_day)
    items = [touch((AS_OF - x).days, 1) for x in (bad - timedelta(days=k) for k in range(60, 400, 20))]
    items.append(touch((AS_OF - bad).days, -2, type="meeting"))
    if repaired_after is not None:
        fix = bad + timedelta(days=repaired_after)
        items.append(touch((AS_OF - fix).days, 1))
    c = customer(*items, since=LONG_AGO, cadence=30)
    point = next(p for p in rel(c).stage_history if (p.date.year, p.date.month) == (month_end.year, month_end.month))
    assert point.stage == shown
    raw = stage_at(c, config(), month_end)
    # A month shown as it was at mid-month is dated so: "31 Jan 2027: Steady" stood beside "It
    # was due before 21 Jan 2027, when the account turned at risk" (a twentieth blind read).
    assert point.date == (month_end.replace(day=15) if raw != shown else month_end)
    assert point.by_end == (raw if raw != shown else None)   # what it had turned to by the end
    if bad_day == 28:
        assert raw == "at-risk"  # what the month end alone would have said


def test_a_month_whose_end_stage_did_not_hold_at_mid_month_shows_its_mid_month_stage_not_the_month_before():
    """Westmarch (a reader): at risk at January's end, set right on 10 Feb, growing by 28 Feb.
    February read "At risk", which it had stopped being on the 10th, neither at mid-month nor at
    its end. Here: at risk at September's end, set right on 8 Oct, ended on the 25th."""
    month_end = AS_OF.replace(day=1) - timedelta(days=1)           # 31 Oct 2026
    before = month_end.replace(day=1) - timedelta(days=1)          # 30 Sep 2026
    items = [touch((AS_OF - x).days, 1) for x in (before - timedelta(days=k) for k in range(30, 400, 20))]
    items.append(touch((AS_OF - before.replace(day=20)).days, -2, type="meeting"))
    items.append(touch((AS_OF - month_end.replace(day=8)).days, 1, type="meeting"))
    items.append(touch((AS_OF - month_end.replace(day=25)).days, 1))
    c = customer(*items, since=LONG_AGO, cadence=30, status="ended")
    raw = [stage_at(c, config(), x) for x in (before, month_end.replace(day=15), month_end)]
    assert raw == ["at-risk", "steady", "ended"]
    point = next(p for p in rel(c).stage_history if (p.date.year, p.date.month) == (month_end.year, month_end.month))
    assert (point.date, point.stage) == (month_end.replace(day=15), "steady")


def test_todays_point_is_exact():
    c = customer(*history_before(touch(3, -2, type="meeting")), since=LONG_AGO, cadence=30)
    r = rel(c)
    assert r.stage.id == "at-risk" and r.stage_history[-1].stage == "at-risk"


# -- pauses ------------------------------------------------------------------------------

UNTIL = AS_OF + timedelta(days=130)


@pytest.mark.parametrize("until_in, paused", [(1, True), (0, False)])
def test_pause_holds_until_the_day_before_until(until_in, paused):
    c = customer(touch(220, 1), since=LONG_AGO, cadence=30, pause=pause(AS_OF + timedelta(days=until_in)))
    r = rel(c)
    assert r.stage.id == "steady"   # on its last day and the day after: the silence was theirs
    assert ("paused" in flags(r)) is paused
    assert ("needs-touch" in flags(r)) is not paused


# -- after a pause: its days are not held against them ------------------------------------

def _after_pause(ended: int, heard: int = 400, since: date | None = None, **kw):
    """Last heard `heard` days ago, where the pause was agreed (unless `since`); it ended `ended` days ago."""
    return customer(*history_before(touch(heard, 1, summary="Asked us not to chase before April")),
                    since=LONG_AGO, cadence=30, pause=pause(d(ended), since=since), **kw)


def test_the_day_a_pause_ends_the_touch_it_put_off_is_due():
    """Ashby, quiet a year at its own request, turned dormant on the day its pause ended:
    "Nothing heard for 352 days", all but none of them agreed."""
    r = rel(_after_pause(0))
    assert r.stage.id == "steady"
    assert "dormant" not in {p.stage for p in r.stage_history[-3:]}
    (f,) = [f for f in r.flags if f.id == "needs-touch"]
    assert f.reason.text == (f"Nothing heard since the pause they asked for ended on {fmt_date(AS_OF)} "
                             f"(last heard {fmt_date(d(400))}): time to get back in touch.")
    (a,) = [a for a in r.actions if a.kind == "reach-out"]
    assert a.title == "Get back in touch with Ann Lee: the pause they asked for is over"
    assert a.due == AS_OF and a.priority == "medium" and a.source.line == 9
    assert a.why.startswith(f"The pause they asked for ended on {fmt_date(AS_OF)}: Not before the new budget "
                            "year. Time to get back in touch, as agreed. Last heard ")
    recency = next(f for f in r.health.factors if f.name == "Recency")
    assert recency.effect == 0 and "400 of them in the pause they asked for" in recency.why
    steady = " ".join(x.text for x in r.stage.reasons)
    assert "400 of them in the pause they asked for" in steady
    assert f"dormant if still quiet on {fmt_date(AS_OF + timedelta(days=180))}" in steady


def test_a_late_touch_after_a_pause_keeps_its_day():
    """Ten days on, the same action, due the day the pause ended: not moved to today."""
    r = rel(_after_pause(10))
    (a,) = [a for a in r.actions if a.kind == "reach-out"]
    assert a.due == d(10) and a.title.endswith("the pause they asked for is over")


@pytest.mark.parametrize("ended, stage", [(179, "steady"), (180, "dormant")])
def test_silence_after_a_pause_counts_from_its_end(ended, stage):
    r = rel(_after_pause(ended, heard=ended + 300))
    assert r.stage.id == stage
    if stage == "dormant":
        assert r.stage.reasons[0].text.startswith(
            f"Nothing heard for 180 days since the pause they asked for ended on {fmt_date(d(180))} "
            f"(last heard {fmt_date(d(480))}); 180 days of silence")
        (a,) = [a for a in r.actions if a.kind == "reach-out"]
        assert a.title.startswith("Rekindle") and "180 days since the pause they asked for ended" in a.why
    else:
        (f,) = [f for f in r.flags if f.id == "needs-touch"]
        assert f.reason.text.startswith(f"Quiet for 179 days since the pause they asked for ended on "
                                        f"{fmt_date(d(179))}")


def test_after_a_pause_going_cold_and_unanswered_count_from_its_end():
    rhythm = [touch(k, 1) for k in range(600, 399, -30)]   # monthly, until the pause began
    cold = rel(customer(*rhythm, since=LONG_AGO, cadence=30, pause=pause(d(91))))
    assert cold.stage.id == "at-risk"
    assert cold.stage.reasons[0].text.startswith(f"Nothing heard for 91 days since the pause they asked for ended "
                                                 f"on {fmt_date(d(91))} (last heard {fmt_date(d(420))}): 3.0× the usual")
    assert rel(customer(*rhythm, since=LONG_AGO, cadence=30, pause=pause(d(90)))).stage.id == "steady"
    emails = [touch(k, None, type="email", direction="out") for k in (50, 40)]   # after the pause
    ignored = rel(customer(*rhythm, *emails, since=LONG_AGO, cadence=30, pause=pause(d(61))))
    assert ignored.stage.id == "at-risk"
    assert ignored.stage.reasons[-1].text.endswith(f"nothing heard for 61 days outside the pause they asked for "
                                                   f"(to {fmt_date(d(61))}), over 2× the 30-day cadence.")


def test_a_pause_agreed_after_the_silence_began_leaves_the_days_before_it_counted():
    # Heard 300 days ago; paused from 200 days ago to 120 days ago: 100 + 120 days count.
    c = _after_pause(120, heard=300, since=d(200))
    tl = rel(c).timeline
    assert (tl.days_since_heard, tl.paused_days, tl.quiet_days) == (300, 80, 220)
    r = rel(c)
    assert r.stage.id == "dormant"
    assert r.stage.reasons[0].text.startswith(
        f"Nothing heard for 220 days since the call of {fmt_date(d(300))}, not counting the 80 days of the "
        f"pause they asked for (to {fmt_date(d(120))})")


@pytest.mark.parametrize("ended, effect", [(0, 0), (45, 0), (61, -10), (121, -20)])
def test_health_after_a_pause_neither_charges_nor_credits_it(ended, effect):
    recency = next(f for f in rel(_after_pause(ended)).health.factors if f.name == "Recency")
    assert recency.effect == effect
    assert f"so {ended} days count" in recency.why or (ended == 0 and "so 0 days count" in recency.why)


@pytest.mark.parametrize("ended, effect", [(1, 0), (89, 0), (91, -8)])
def test_breadth_after_a_pause_does_not_count_its_months(ended, effect):
    breadth = next(f for f in rel(_after_pause(ended)).health.factors if f.name == "Breadth of contacts")
    assert breadth.effect == effect
    assert ("reaches back into the pause they asked for" in breadth.why) is (effect == 0)


def test_recency_earned_before_a_pause_began_stays():
    """Heard 10 days ago, when they asked for a pause that runs on: a recent touch, as before."""
    c = customer(*history_before(touch(10, 1)), since=LONG_AGO, cadence=30, pause=pause(d(-30)))
    recency = next(f for f in rel(c).health.factors if f.name == "Recency")
    assert recency.effect == 20


@pytest.mark.parametrize("ended, due", [(44, None), (45, 0), (60, 15)])
def test_a_days_since_contact_play_does_not_count_the_pause(ended, due):
    silence = Play(name="Budget round", do="Check in before their budget round", within=10, priority="low",
                   days_since_contact=45)
    r = rel(_after_pause(ended), Config(plays=(silence,)))
    found = [a for a in r.actions if a.kind == "play"]
    if due is None:
        assert found == []
    else:
        (a,) = found
        assert f"{ended} days without a touch, not counting the pause they asked for" in a.why
        assert a.why.endswith("It applies from today." if due == 0 else
                                  f"It has applied since {fmt_date(d(due))}, and the play gives 10 days to act.")


@pytest.mark.parametrize("emailed", [99, 150])   # the day after it ended; during it
def test_our_email_is_not_where_a_pause_began(emailed):
    """Our unanswered email, during the pause or after it, does not move its start there."""
    c = customer(*history_before(touch(300, 1)), touch(emailed, None, type="email", direction="out"),
                 since=LONG_AGO, cadence=30, pause=pause(d(100)))
    tl = rel(c).timeline
    assert tl.paused_days == 200 and tl.quiet_days == 100


def test_a_paused_account_is_neither_dormant_nor_at_risk_for_its_silence():
    c = customer(touch(400, 1), touch(220, 0, summary="Asked us not to chase before April"), since=LONG_AGO,
                 cadence=30, pause=pause(UNTIL), tags=("public-sector",))
    silence = Play(name="Budget round", do="Check in before their budget round", within=10, priority="low",
                   tags=("public-sector",), days_since_contact=45)
    tagged = Play(name="Sector news", do="Send the public-sector newsletter", within=10, priority="low",
                  tags=("public-sector",))
    r = rel(c, Config(plays=(silence, tagged)))
    assert r.stage.id == "steady"
    assert r.stage.reasons[0].text.startswith(f"Paused until {UNTIL.day} ") and "Not before the new budget year" \
        in r.stage.reasons[0].text and r.stage.reasons[0].source.line == 9
    assert flags(r) == ["paused"] and r.flags[0].label.startswith("Paused until")
    recency = next(f for f in r.health.factors if f.name == "Recency")
    assert recency.effect == 0 and "The silence is expected" in recency.why
    assert all(f.effect >= 0 for f in r.health.factors if f.name in ("Breadth of contacts", "Reciprocity"))
    assert all(a.due >= UNTIL for a in r.actions if a.kind in ("reach-out", "play", "broaden"))
    (reach,) = [a for a in r.actions if a.kind == "reach-out"]
    assert reach.title == "Get back in touch with Ann Lee when the pause ends" and reach.due == UNTIL
    (p,) = [a for a in r.actions if a.kind == "play"]   # the silence play does not hold: the silence is agreed
    assert p.title == "Send the public-sector newsletter" and p.due == UNTIL and "Not before" in p.why
    assert all(p.stage != "dormant" for p in r.stage_history[-7:])  # paused since its last touch


@pytest.mark.parametrize("renewal_in, lead", [(129, None), (120, 28), (131, None), (60, None)])
def test_a_renewal_inside_the_pause_is_the_next_touch_not_the_day_after_it(renewal_in, lead):
    """Ashby's reminder read "Get back in touch with Mark Ellery when the pause ends" (1 Apr) for a
    renewal on 31 Mar, which goes ahead whatever the pause: its call is the next touch."""
    renewal = AS_OF + timedelta(days=renewal_in)
    c = customer(touch(400, 1), touch(220, 0, summary="Asked us not to chase before April"), since=LONG_AGO,
                 cadence=30, pause=pause(UNTIL), renewal=renewal, renewal_lead=lead, value=30000)
    r = rel(c)
    reach = [a for a in r.actions if a.kind == "reach-out"]
    calls = [a for a in r.actions if a.kind == "renewal"]
    if renewal_in > 130:   # after the pause: the reminder for its end, as before
        (a,) = reach
        assert a.title == "Get back in touch with Ann Lee when the pause ends" and a.due == UNTIL
    elif renewal_in == 60:   # within the renewal's window its own call is the touch, and the only one
        assert reach == [] and len(calls) == 1 and "the renewal cannot wait" in calls[0].why
    else:
        (a,) = reach
        call = renewal - timedelta(days=21 + (lead or 0))
        call -= timedelta(days=max(0, call.weekday() - 4))   # a weekday
        assert a.title == f"Get back in touch with Ann Lee before the renewal on {fmt_date(renewal)}"
        assert a.due == call < UNTIL and a.priority == "low" and calls == []
        assert f"The renewal on {fmt_date(renewal)} falls inside it and cannot wait: the call before it, due " \
               f"{fmt_date(call)}, is the next touch; chase nothing before then." in a.why
        assert a.held and a.source.line == 4   # goes ahead of the pause; links to the renewal line
        assert a.score_reasons[0] == "the next touch, the call before the renewal (+10)"   # not "a touch is due"


def test_pause_since_limits_it_in_the_past():
    c = customer(touch(400, 1), since=LONG_AGO, cadence=30, pause=pause(UNTIL, since=d(100)))
    assert rel(c).stage.id == "steady"
    assert stage_at(c, config(), d(110), d(100)) == "dormant"   # before the pause began
    assert stage_at(c, config(), d(90), d(100)) == "steady"


def test_a_pause_does_not_hide_a_negative_signal():
    c = customer(*history_before(touch(5, -2, type="meeting", summary="Outage")), since=LONG_AGO, cadence=30,
                 pause=pause(UNTIL))
    r = rel(c)
    assert r.stage.id == "at-risk" and r.stage.reasons[0].text.startswith("Very negative meeting")
    assert r.stage.reasons[-1].text.startswith("Paused until")
    assert "repair" in [a.kind for a in r.actions]   # repairing is not chasing


# -- parked asks -------------------------------------------------------------------------

@pytest.mark.parametrize("until_in, parked", [(None, True), (1, True), (0, False)])
def test_parked_asks_are_never_overdue(until_in, parked):
    until = None if until_in is None else AS_OF + timedelta(days=until_in)
    a = ask("Click-and-collect for Christmas trees", d(500), status="parked", until=until)
    c = customer(*history_before(touch(5, 1)), since=LONG_AGO, cadence=30, asks=(a,))
    r = rel(c)
    answers = [x for x in r.actions if x.kind == "answer"]
    asks_factor = next(f for f in r.health.factors if f.name == "Open asks")
    if parked:
        assert answers == [] and r.open_asks == () and r.parked_asks == (a,)
        assert asks_factor.effect == 0
    else:
        (x,) = answers
        assert x.due == AS_OF + timedelta(days=7) and "Parked until" in x.why   # waiting again since `until`
        assert r.open_asks == (a,) and r.parked_asks == ()


def test_done_asks_stay_answered():
    c = customer(*history_before(touch(5, 1)), since=LONG_AGO, cadence=30,
                 asks=(ask("Old question", d(90), status="answered"),))
    r = rel(c)
    assert r.open_asks == () and r.parked_asks == () and "answer" not in [a.kind for a in r.actions]


def test_reach_out_folds_into_a_customer_facing_action_due_this_week():
    c = customer(*history_before(touch(42, 1), cadence=14), since=LONG_AGO, cadence=14,
                 asks=(ask("Nurse-call integration", d(100), from_="Bo Chan"),),
                 contacts=(contact("Ann Lee", "Head of IT", primary=True),
                           replace(contact("Bo Chan", "CFO"), decision=("budget holder",))))
    r = rel(c)
    kinds = [a.kind for a in r.actions]
    assert "reach-out" not in kinds and "needs-touch" in flags(r)
    (x,) = [a for a in r.actions if a.kind == "answer"]
    assert "also the touch this quiet account needs" in x.why


@pytest.mark.parametrize("quiet", [31, 45])
def test_a_touch_already_late_is_not_put_off_by_what_carries_it(quiet):
    """Pemberton's check-in, due 2 Feb 2026, went into an anniversary card for 1 Mar and read
    "due in 4 days" on 23 Feb (a check read). On its first day a touch rides what is due within
    the week, on that action's day; once late, what carries it is due today."""
    from engine_factory import promise
    soon = promise("Send the quote", due=AS_OF + timedelta(days=5))
    c = customer(touch(200, 1), touch(120, 1), touch(quiet, 1, commitments=(soon,)), since=LONG_AGO, cadence=30)
    r = rel(c)
    (work,) = [a for a in r.actions if a.kind == "follow-up"]
    assert "also the touch this quiet account needs" in work.why and "reach-out" not in [a.kind for a in r.actions]
    assert work.due == (AS_OF if quiet == 45 else AS_OF + timedelta(days=5))


def test_a_touch_already_late_waits_for_no_greeting():
    """A birthday card cannot be sent early: a late touch does not ride one still to come."""
    from engine_factory import Birthday
    ann = contact("Ann Lee", "CEO", birthday=Birthday(month=(AS_OF + timedelta(days=4)).month,
                                                      day=(AS_OF + timedelta(days=4)).day), primary=True)
    c = customer(touch(200, 1), touch(120, 1), touch(45, 1), since=LONG_AGO, cadence=30, contacts=(ann,))
    r = rel(c)
    assert any(a.kind == "reach-out" for a in r.actions)
    (card,) = [a for a in r.actions if a.kind == "personal"]
    assert "also the touch this quiet account needs" not in card.why


# -- health reads direction: our unanswered outreach earns nothing ------------------------

@pytest.mark.parametrize("silent, effect", [
    (5, 20), (6, 12), (10, 12), (11, 0), (20, 0), (21, -10), (40, -10), (41, -20),
])
def test_recency_bands_against_the_cadence(silent, effect):
    c = customer(touch(silent, 1), since=LONG_AGO, cadence=10)
    assert next(f.effect for f in rel(c).health.factors if f.name == "Recency") == effect


def test_unanswered_outreach_earns_no_recency_or_breadth():
    items = [touch(n, 1) for n in (200, 150, 100, 70)]
    quiet = customer(*items, since=LONG_AGO, cadence=30)
    chased = customer(*items, *[touch(n, 0, type="email", direction="out", with_=("Bo Chan",)) for n in (20, 6)],
                      since=LONG_AGO, cadence=30)
    factors = {r: {f.name: f for f in rel(c).health.factors} for r, c in (("quiet", quiet), ("chased", chased))}
    assert factors["chased"]["Recency"].effect == factors["quiet"]["Recency"].effect == -10
    assert factors["chased"]["Breadth of contacts"].effect == factors["quiet"]["Breadth of contacts"].effect
    assert factors["chased"]["Reciprocity"].effect == -5
    # What their silence to our touches costs is said once, under Reciprocity: Calder's health
    # read "No reply to our last 3 touches" under Recency too, as if charged twice.
    assert factors["chased"]["Reciprocity"].why.startswith("No reply to our last 2 touches (")
    assert factors["chased"]["Recency"].why.endswith(
        "Our 2 touches since, with no reply, do not count as hearing from them.")
    assert "No reply" not in factors["chased"]["Recency"].why


def test_our_unanswered_touches_are_not_said_to_be_unrated():
    """Calder's health read "the only one rated…; none rated since" beside our three notes since,
    each rated neutral and unanswered (a twentieth blind read)."""
    items = [touch(n, 1) for n in (300, 250, 200, 150)]
    quiet = customer(*items, since=LONG_AGO, cadence=30)
    chased = customer(*items, *[touch(n, 0, type="email", direction="out", with_=("Bo Chan",)) for n in (20, 6)],
                      since=LONG_AGO, cadence=30)
    mood = {r: next(f for f in rel(c).health.factors if f.name == "Sentiment") for r, c in (("quiet", quiet),
                                                                                            ("chased", chased))}
    assert mood["chased"].why.endswith("; nothing heard from them since, so it counts for less.")
    assert mood["quiet"].why.endswith("; none rated since, so it counts for less.")
    assert mood["chased"].effect == mood["quiet"].effect
    # A neutral mood has no warmth to count for less (Calder's "+0.0 … so it counts for less").
    flat = customer(*[touch(n, 0) for n in (300, 250, 200, 150)], since=LONG_AGO, cadence=30)
    assert next(f for f in rel(flat).health.factors if f.name == "Sentiment").why.endswith("; none rated since.")


def test_a_steady_stage_names_the_day_a_key_persons_silence_would_tip_it():
    """St Aldhelm's read "at risk if still quiet on 9 Dec" and turned at risk on 5 Dec, when its
    renewal came within reach with Helen Marsh unheard since March (an account manager's
    objection): the earlier day, and why, is the one to name."""
    ann = [touch(n, 1) for n in range(400, 99, -30)]                       # last 100 days ago
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in (80, 50, 20)]
    c = customer(*ann, *bo, since=LONG_AGO, cadence=30, renewal=AS_OF + timedelta(days=70),
                 contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CFO")))
    r = rel(c)
    assert r.stage.id == "steady"
    opens = AS_OF + timedelta(days=10)   # the renewal comes within 60 days; Ann unheard for over 90 by then
    assert f"at risk from {fmt_date(opens)} unless Ann Lee is heard from before then, with the renewal on " \
           f"{fmt_date(AS_OF + timedelta(days=70))}." in " ".join(x.text for x in r.stage.reasons)
    assert analyse(c, config(), opens - timedelta(days=1)).stage.id == "steady"
    assert analyse(c, config(), opens).stage.id == "at-risk"
    # With Ann the decision maker, the meeting with her is high while that day is a fortnight off
    # or less, and says why (St Aldhelm's read "at risk from 5 Dec unless Helen Marsh… is heard
    # from" beside a medium visit to her).
    decides = replace(c, contacts=(replace(contact("Ann Lee", "CEO", primary=True), decision=("decision maker",)),
                                   contact("Bo Chan", "CFO")))

    def meet(day):
        (a,) = [a for a in analyse(decides, config(), day).actions if a.contact == "Ann Lee" and a.kind == "renewal"]
        return a
    soon = meet(AS_OF)
    assert soon.priority == "high" and f"If Ann Lee is heard from before {fmt_date(opens)}, the account does not " \
                                       "turn at risk then." in soon.why
    later = meet(opens - timedelta(days=15))
    assert later.priority == "medium" and "turn at risk" not in later.why


def test_the_call_with_a_key_person_about_to_tip_the_account_is_due_before_that_day():
    """Kestrel (a seventh blind read): "Call Nadia Farouk before the renewal…", due 5 Feb, said
    "Heard from before 26 Jan 2027, they keep the account from turning at risk then". Already at
    risk for something else (Calder), it says nothing of turning."""
    ann = [touch(n, 1) for n in range(380, 79, -30)]                        # last heard 80 days ago
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in (60, 40, 20)]
    people = (contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CFO"))
    c = customer(*ann, *bo, since=LONG_AGO, cadence=30, renewal=AS_OF + timedelta(days=50), contacts=people)
    tips = AS_OF + timedelta(days=11)                                      # Ann unheard for over 90 days
    (call,) = [a for a in rel(c).actions if a.kind == "renewal"]
    assert call.contact == "Ann Lee" and f"If Ann Lee is heard from before {fmt_date(tips)}" in call.why
    assert call.due == tips - timedelta(days=1)                              # not 3 weeks before the renewal
    sour = customer(*ann, *bo, touch(3, -2, type="meeting", with_=("Bo Chan",)), since=LONG_AGO, cadence=30,
                    renewal=AS_OF + timedelta(days=50), contacts=people)
    r = rel(sour)
    (call,) = [a for a in r.actions if a.kind == "renewal"]
    assert r.stage.id == "at-risk" and "turning at risk" not in call.why


def test_the_meeting_with_a_key_person_names_the_day_the_account_turns_whatever_turns_it():
    """Kestrel (a check of a seventeenth blind read's fixes): its meeting with Nadia said "Heard
    from before 26 Jan 2027, they keep the account from turning at risk then", under a stage "at
    risk if still quiet on 21 Jan". Hearing from her is hearing from them: the first day counts."""
    ann = [touch(n, 1) for n in range(380, 79, -30)]                        # Ann last heard 80 days ago
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in range(204, 35, -14)]     # Bo every 14 days, till 36 days ago
    people = (replace(contact("Ann Lee", "CEO", primary=True), decision=("decision maker",)), contact("Bo Chan", "CFO"))
    c = customer(*ann, *bo, since=LONG_AGO, cadence=14, renewal=AS_OF + timedelta(days=50), contacts=people)
    stage, day = _turns(c)
    assert stage == "at-risk" and AS_OF < day < AS_OF + timedelta(days=11)  # before Ann's silence would tip it
    (meet,) = [a for a in rel(c).actions if a.kind == "renewal" and a.contact == "Ann Lee"]
    assert f"is heard from before {fmt_date(day)}, the account does not turn at risk then." in meet.why
    # It carries the touch this account is late for (Bo unheard for 36 days, against 14), so it
    # is due today, before that day (`fold_reach_out`).
    assert "also the touch this quiet account needs" in meet.why
    assert meet.priority == "high" and meet.due == AS_OF < day - timedelta(days=1)


@pytest.mark.parametrize("after", [0, 1, 9])
def test_once_the_account_has_turned_the_meeting_stays_due_before_that_day(after):
    """Kestrel (noticed in a check): its meeting with Nadia, "due 20 Jan" while the silence
    would turn the account at risk on the 21st, read "due 5 Feb" the day after it had: a day
    moving later as the account got worse. It stays due the day before, and says why."""
    ann = [touch(n, 1) for n in range(380, 79, -30)]                        # Ann last heard 80 days ago
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in range(204, 35, -14)]     # Bo every 14 days, till 36 days ago
    people = (replace(contact("Ann Lee", "CEO", primary=True), decision=("decision maker",)), contact("Bo Chan", "CFO"))
    c = customer(*ann, *bo, since=LONG_AGO, cadence=14, renewal=AS_OF + timedelta(days=50), contacts=people)
    _, day = _turns(c)
    on = day + timedelta(days=after)
    r = analyse(c, config(), on)
    assert r.stage.id == "at-risk"
    (meet,) = [a for a in r.actions if a.kind == "renewal" and a.contact == "Ann Lee"]
    assert meet.due == day - timedelta(days=1) and meet.priority == "high"
    assert "its urgency: high (+15)" in meet.score_reasons   # as the day before, not "medium"
    assert (f" It was due by {fmt_date(day - timedelta(days=1))}, to hear from them before the silence turned the "
            f"account at risk on {fmt_date(day)}.") in meet.why
    assert "turning at risk then" not in meet.why
    # At risk for something else the day before (a bad meeting), it did not turn that day: the
    # meeting keeps its own day (after the setback, now).
    sour = replace(c, interactions=(*c.interactions, touch(40, -2, type="meeting", with_=("Bo Chan",))))
    (meet,) = [a for a in analyse(sour, config(), on).actions if a.kind == "renewal" and a.contact == "Ann Lee"]
    assert meet.due >= day and "turned the account at risk" not in meet.why


def test_with_two_key_people_quiet_each_conversation_says_both_must_be_heard_from():
    """St Aldhelm's (a check of a seventeenth blind read's fixes): the visit to Helen and the check-in
    with Anjali each said "they keep the account from turning at risk", the stage saying both must
    be heard from."""
    both = [touch(n, 1, with_=("Ann Lee", "Bo Chan")) for n in range(380, 79, -30)]   # both last heard 80 days ago
    bo = [touch(n, 1, with_=("Cy Dunn",)) for n in (60, 40, 20)]
    people = (replace(contact("Ann Lee", "CEO", primary=True), decision=("decision maker",)),
              replace(contact("Bo Chan", "CFO"), decision=("budget holder",)), contact("Cy Dunn", "Ops"))
    c = customer(*both, *bo, since=LONG_AGO, cadence=30, renewal=AS_OF + timedelta(days=50), contacts=people)
    r = rel(c)
    (call,) = [a for a in r.actions if a.kind == "renewal" and a.contact == "Ann Lee"]
    assert " If Ann Lee and Bo Chan are both heard from before " in call.why
    assert call.why.endswith(", the account does not turn at risk then.")


def test_within_the_cadence_the_silences_day_is_named_when_it_comes_before_a_key_persons():
    """Oakmere, heard from 18 days before, read "at risk from 11 May 2027 unless Freya Lindqvist
    is heard from before then", while its silence alone would put it at risk on 16 Feb (an
    account manager's objection): the day named is the first day it would turn."""
    ann = [touch(18 + 35 * k, 1) for k in range(11)]                       # every 35 days, last 18 days ago
    c = customer(*ann, since=LONG_AGO, cadence=30, renewal=AS_OF + timedelta(days=217),
                 contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CFO")))
    r = rel(c)
    assert r.stage.id == "steady"
    (line,) = [x.text for x in r.stage.reasons if x.text.startswith("Last heard")]
    _, day = _turns(c)
    assert line.endswith(f"against a 30-day cadence; at risk if still quiet on {fmt_date(day)}."), line
    # Health's stage line does not call that "no warning signs" (Fernhill's did, beside its day).
    stage_factor = next(f for f in r.health.factors if f.name == "Stage")
    assert (stage_factor.effect, stage_factor.why) == (0, "Steady: no stage rule counts against it today.")
    assert day < AS_OF + timedelta(days=217 - 60)                           # before the key people's day
    assert analyse(c, config(), day - timedelta(days=1)).stage.id == "steady"
    assert analyse(c, config(), day).stage.id == "at-risk"


def _turns(c) -> tuple[str, date]:
    """The first day from AS_OF on that the stage is no longer steady, with nothing heard."""
    day = AS_OF
    while (sid := analyse(c, config(), day).stage.id) == "steady":
        day += timedelta(days=1)
    return sid, day


def test_news_for_someone_else_is_not_the_check_in_a_quiet_account_needs():
    """Loomwork (a thirteenth blind read): its silence was to be broken by zero-trust news for
    Finn, "suspicious of MSPs", while the check-in was with someone else. News for the person
    the check-in is with still carries it, as other work due this week does."""
    from playbook.engine.actions import fold_reach_out
    from playbook.engine.types import Action
    base = Action(kind="reach-out", title="Check in with Ann Lee", why="Nothing heard for 40 days.", due=AS_OF,
                  priority="high", contact="Ann Lee", owner="maya", source=None, customer="x")
    news = replace(base, kind="tell", title="Tell Bo Chan: zero-trust is available", why="It matches.",
                   contact="Bo Chan", due=d(5))
    assert fold_reach_out([base, news], AS_OF) == [base, news]
    (told,) = fold_reach_out([base, replace(news, contact="Ann Lee")], AS_OF)
    assert "also the touch this quiet account needs" in told.why
    (done,) = fold_reach_out([base, replace(news, kind="follow-up")], AS_OF)
    assert "also the touch this quiet account needs" in done.why
    # Nor is a check (done, or past helping?) that a tick can close with no word to them
    # (Loomwork's touch then fell to the device confirmation for a day gone by).
    check = replace(news, kind="follow-up", contact="Ann Lee", check=True)
    assert fold_reach_out([base, check], AS_OF) == [base, check]


def test_a_young_relationships_usual_gap_says_since_when_not_a_year():
    """Fernhill's "11.4× the usual 8 days between touches in the year before it" and Loomwork's
    "every 12 days over the last year" were their first weeks, not a year's habit (a
    seventeenth blind read)."""
    began = d(150)
    quiet = customer(*[touch(k, 1) for k in range(150, 100, -10)], since=began, cadence=30)
    (cold,) = [x for x in rel(quiet).stage.reasons if x.text.startswith("Nothing heard")]
    # (From the first touch to the last heard from them: the span ends too.)
    assert f"the usual 10 days between touches from {fmt_date(began)} to {fmt_date(d(110))}, and" in cold.text
    lively = customer(*[touch(k, 1) for k in range(150, 0, -10)], since=began, cadence=30)
    assert f"Usually in touch every 10 days since the first touch, on {fmt_date(began)}." in \
        [x.text for x in rel(lively).stage.reasons]
    old = customer(*[touch(k, 1) for k in range(400, 0, -10)], since=d(400), cadence=30)
    assert "Usually in touch every 10 days over the last year." in [x.text for x in rel(old).stage.reasons]
    # The figure a silence is weighed by (`Timeline.usual_gap`), our unanswered emails after the
    # last touch heard from them left out, as the stage's "going cold" reason leaves them.
    ours = customer(*[touch(k, 1) for k in range(600, 39, -21)], *[touch(k, 0, type="email", direction="out")
                                                                   for k in (30, 20, 10)], since=d(600), cadence=60)
    steady = [x.text for x in rel(ours).stage.reasons if x.text.startswith("Usually in touch")]
    # (Last heard 54 days ago: the year is the one up to then, and says so.)
    assert steady == [f"Usually in touch every 21 days in the year to {fmt_date(d(54))}."]


def test_a_usual_gap_of_a_half_day_rounds_up_as_every_other_does():
    """A check of a seventeenth blind read's fixes: medians of 54.5 and 52.5 days read 54 and 52,
    of 51.5 days 52 (`round` takes halves to the even one)."""
    from playbook.engine.words import half_up
    assert [half_up(x) for x in (54.5, 52.5, 51.5, 51.4, 0.5)] == [55, 53, 52, 51, 1]
