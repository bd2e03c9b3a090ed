"""Stakes-weighted ranking, the agenda in playbook.json, and due dates on working days (issue 13,
item 5): each part of the score at its thresholds."""

from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from msgspec.structs import replace

from engine_factory import AS_OF, ask, config, customer, d, promise, touch
from playbook.engine.words import fmt_date
from playbook.config import Config, Play
from playbook.engine import analyse
from playbook.engine.rank import band, parts, rank
from playbook.engine.types import PRIORITY_RANK, Action, Reason, Stage
from playbook.engine.workdays import on_working_days
from playbook.outputs.json_out import agenda_blob, customer_json, pieces

LONG_AGO = d(800)
STEADY = Stage("steady", "Steady", ())
AT_RISK = Stage("at-risk", "At risk", ())


def action(kind="follow-up", due=AS_OF, priority="medium", firm=False, why="Promised.") -> Action:
    return Action(kind=kind, title="Do the thing", why=why, due=due, priority=priority, contact=None, owner=None,
                  source=None, customer="x", firm=firm)


def points(a, c, stage=STEADY, currency=None) -> dict[str, float]:
    return {why: p for p, why in parts(a, c, stage, AS_OF, currency)}


@pytest.mark.parametrize("value, expected", [
    (None, None), (1000, None), (10_000, 12.0), (142_000, 25.8), (1_000_000, 30.0), (50_000_000, 30.0),
])
def test_value_points(value, expected):
    got = points(action(), customer(value=value))
    found = [p for why, p in got.items() if why.endswith("a year")]
    assert (round(found[0], 1) if found else None) == expected


@pytest.mark.parametrize("renewal_in, expected", [(181, None), (180, 0.0), (90, 10.0), (0, 20.0), (-1, None)])
def test_renewal_points(renewal_in, expected):
    got = points(action(), customer(renewal=AS_OF + timedelta(days=renewal_in)))
    found = [p for why, p in got.items() if why.startswith("renewal")]
    assert (round(found[0], 1) if found else None) == expected


@pytest.mark.parametrize("passed, expected", [(1, 20.0), (400, 20.0)])
def test_a_renewal_gone_by_unrecorded_counts_in_full(passed, expected):
    """Whether they renewed is open: the most at stake a renewal can be, not nothing (its points
    had vanished the day after, and Saltmarsh's lapsed renewal ranked below a renewal to come)."""
    got = points(action("renewal"), customer(renewal=d(passed)))
    assert got[f"the renewal of {fmt_date(d(passed))} went by unrecorded"] == expected
    # Only the renewal's own question: given to every action of the account, they ranked a
    # 140-day-late report above asking whether Northgate had renewed.
    assert not any(why.startswith("the renewal") for why in points(action(), customer(renewal=d(passed))))
    assert not any(why.startswith("the renewal") for why in points(action(), customer(renewal=d(passed),
                                                                                    status="ended")))


def test_a_lapsed_renewal_leads_the_promise_about_it_and_outranks_a_renewal_to_come():
    quote = promise("Follow up with Jo on the renewal quote", d(26))
    lapsed = customer(*[touch(n, 1) for n in range(300, 50, -30)], touch(40, 1, commitments=(quote,)),
                      since=LONG_AGO, value=14_200, renewal=d(6), slug="lapsed")
    coming = customer(*[touch(n, 1) for n in range(300, 0, -30)], since=LONG_AGO, value=14_200,
                      renewal=AS_OF + timedelta(days=20), slug="coming")
    (merged,) = [a for a in analyse(lapsed, config(), AS_OF).actions if a.kind == "renewal"]
    assert merged.title == f"Check whether the renewal of {fmt_date(d(6))} went through: our records first, then ask Ann Lee"
    assert "(Also covers \u201cFollow up with Jo on the renewal quote\u201d.)" in merged.why
    # The renewal's own (working) day: asking how it went, due on the quote's day weeks before
    # it, made no sense (an account manager's objection).
    assert 1 <= (merged.due - d(6)).days <= 3 and merged.due.weekday() < 5   # the working day after it
    assert not [a for a in analyse(lapsed, config(), AS_OF).actions if a.kind == "follow-up"]
    (call,) = [a for a in analyse(coming, config(), AS_OF).actions if a.kind == "renewal"]
    assert merged.score > call.score


@pytest.mark.parametrize("kind, cause, expected", [
    ("renewal", "setback", 10), ("renewal", "silence", None), ("follow-up", "setback", None),
])
def test_a_renewal_conversation_with_a_setback_not_set_right_gains(kind, cause, expected):
    """Northgate on 20 Jan (a seventh blind read): asking whether it had renewed, with a tender
    "on the table" since the escalation meeting, ranked eighth for the team."""
    stage = Stage("at-risk", "At risk", (Reason("Negative meeting on 6 Nov 2026…", None, cause),))
    got = points(action(kind), customer(renewal=d(5)), stage)
    assert got.get("the renewal, with a setback not set right") == expected


@pytest.mark.parametrize("begun, expected", [(d(11), 15), (None, None)])
def test_asking_whether_their_side_has_started_the_renewal_gains(begun, expected):
    a = replace(action("renewal"), lead_begun=begun)
    got = points(a, customer(renewal=AS_OF + timedelta(days=45)))
    found = [p for why, p in got.items() if why.startswith("their side's time to renew began")]
    assert found == ([] if expected is None else [expected])
    if begun is not None:
        assert f"their side's time to renew began {fmt_date(begun)}, nothing heard since" in got


def test_a_chore_for_the_team_comes_after_the_work_with_the_customer():
    """Northgate's "Review account health at the next stand-up" ranked above Simon's own two
    conditions; a chore is worth less than any kind of work with the customer."""
    chore = replace(action(kind="play", priority="high"), internal=True)
    c = customer(value=142_000, renewal=AS_OF + timedelta(days=56))
    assert points(chore, c, AT_RISK)["a chore for the team"] == -10
    for kind in ("answer", "broaden", "personal", "reach-out"):
        assert rank([chore, action(kind=kind, priority="high")], c, AT_RISK, AS_OF)[-1].internal


def test_what_goes_after_another_ranks_below_it_whatever_its_stakes():
    """An action that goes after another (`Action.after`: the email to a quiet decider after the
    message we owe someone else) is listed below it even when its own score is higher."""
    from playbook.engine.types import Source
    first = replace(action(kind="tell", priority="low"), title="Tell them", source=Source("a.md", 1))
    then = replace(action(kind="renewal", priority="high"), title="Email the decider", source=Source("b.md", 1),
                   after=Source("a.md", 1))
    c = customer(value=142_000, renewal=AS_OF + timedelta(days=56))
    ranked = rank([then, first], c, AT_RISK, AS_OF)
    assert [a.title for a in ranked] == ["Tell them", "Email the decider"]
    assert ranked[1].score < ranked[0].score
    assert any(x.startswith("it goes after \u201cTell them\u201d (\u2212") for x in ranked[1].score_reasons)


@pytest.mark.parametrize("first_due, own_due, expected", [
    (-30, -60, -30),  # both late: never before the first; a fixed day, not "today" on every build
    (-60, -30, -30),  # its own day after the first's: its own, late as it is (Northgate's question)
    (5, -60, 5),      # the first still to come: on its day, after it
    (5, 10, 10),      # its own day after the first's: its own
    (-30, 10, 10),    # not yet due itself: its own
])
def test_what_goes_after_another_is_never_due_before_it(first_due, own_due, expected):
    """"Due today" on every build hid Northgate's question whether its renewal went through,
    110 days gone by, from what is overdue (a check read)."""
    from playbook.engine.actions import due_after
    from playbook.engine.types import Source
    first = replace(action(due=AS_OF + timedelta(days=first_due)), title="Send it", source=Source("a.md", 1))
    then = replace(action(kind="renewal", due=AS_OF + timedelta(days=own_due)), source=Source("b.md", 1),
                   after=Source("a.md", 1))
    assert [a.due for a in due_after([first, then])] == [first.due, AS_OF + timedelta(days=expected)]
    alone = replace(then, after=Source("gone.md", 1))  # what it went after is no longer listed: its own day
    assert due_after([alone])[0].due == alone.due
    # Raised in that message rather than after it (`Action.rides`): the same.
    rider = replace(then, after=None, rides=Source("a.md", 1))
    assert [a.due for a in due_after([first, rider])] == [first.due, AS_OF + timedelta(days=expected)]
    # Late, its lateness is not scored while the first is listed; alone, it is.
    c = customer(value=10_000)
    (_, ranked) = rank([first, then], c, AT_RISK, AS_OF) if own_due < 0 else (None, None)
    if ranked is not None:
        assert not any(" overdue (" in x for x in ranked.score_reasons), ranked.score_reasons
        (alone,) = rank([then], c, AT_RISK, AS_OF)
        assert any(" overdue (" in x for x in alone.score_reasons)


@pytest.mark.parametrize("late, expected", [(0, None), (1, 3.3), (35, 14.7), (36, 15.0), (500, 15.0)])
def test_lateness_points(late, expected):
    got = points(action(due=d(late)), customer())
    found = [p for why, p in got.items() if why.endswith("overdue")]
    assert (round(found[0], 1) if found else None) == expected


@pytest.mark.parametrize("prepare, in_days, expected", [
    (3, 8, None), (3, 7, 3.8), (3, 3, 18.8), (3, 1, 26.2),
    (21, 22, None), (21, 21, 1.4), (21, 7, 20.5), (21, 1, 28.6),
])
def test_a_readiness_check_gains_as_their_day_comes(prepare, in_days, expected):
    """Kestrel's check before its fixed-date office move, three days off and 18 days late, ranked
    under a question 80 days old (a fourth blind read): the day's nearness counts, growing to
    the day itself's 30, from as far before it as the check is due (at least a week): seven
    days off, its check 14 days late, it came 22nd on the team's list at +4 (a sixteenth)."""
    from playbook.model import Event, Source
    src = Source("content/customers/x/customer.yaml", 50)
    c = replace(customer(touch(5, 1), since=LONG_AGO),
                dates=(Event("Office move", AS_OF + timedelta(days=in_days), "Ann Lee", prepare, src),))
    a = replace(action(kind="prepare", due=d(18), priority="high"), source=src)
    found = {why: round(p, 1) for why, p in points(a, c).items() if why.startswith("their day")}
    assert found == ({} if expected is None else {f"their day is in {in_days} day{'s' if in_days > 1 else ''}": expected})


@pytest.mark.parametrize("step, in_days, due_in, expected", [
    ("call", 22, 0, 17.6), ("call", 21, 0, 19.0), ("call", 8, 0, 38.2), ("call", 6, 0, 41.2),
    ("coverage", 6, -3, 41.2), ("call", 6, 1, 19.3), ("lapsed", 6, 0, 19.3), ("call", 0, 0, 50.0),
])
def test_the_renewal_conversation_gains_as_the_renewal_comes(step, in_days, due_in, expected):
    """Kestrel (a fifteenth blind read): the meeting with Nadia, six days before the renewal,
    came twelfth on the team's list, under promises of other accounts weeks late. Due and not
    had, it gains as a readiness check does, from the three weeks before the renewal that it is
    due, growing to the day; not before it is due. Lantern's, eight days before, came 18th (a
    sixteenth)."""
    c = customer(touch(5, 1), since=LONG_AGO, renewal=AS_OF + timedelta(days=in_days))
    a = replace(action(kind="renewal", due=AS_OF + timedelta(days=due_in), priority="high"), renewal_step=step)
    (got,) = [(why, round(p, 1)) for why, p in points(a, c).items() if why.startswith("renewal ")]
    assert got[1] == expected
    boosted = in_days <= 21 and due_in <= 0 and step != "lapsed"
    # ("And this comes before it" read as a leftover on the day, a twenty-fifth blind read.)
    assert got[0].endswith(", and this is its conversation") is boosted


@pytest.mark.parametrize("kind, check, chase, boosted", [
    ("follow-up", False, False, True), ("answer", False, False, True), ("follow-up", True, False, False),
    ("follow-up", False, True, False), ("play", False, False, False), ("personal", False, False, False),
])
def test_what_we_are_late_on_gains_as_the_renewal_comes_too(kind, check, chase, boosted):
    """Alone, the renewal conversation's gain put Northgate's email to Fiona above the root-cause
    report Simon's tender threat hung on, while the brief said to see to what we are late on
    first (a check of a sixteenth blind read's fix). Late work for them gains as much; a check of
    a promise, a to-do chasing them, or the team's own plays do not."""
    c = customer(touch(5, 1), since=LONG_AGO, renewal=AS_OF + timedelta(days=10))
    a = replace(action(kind=kind, due=d(20), priority="high"), check=check, chase=chase)
    got = {why: round(p, 1) for why, p in points(a, c).items() if why.startswith("renewal ")}
    assert got == ({"renewal in 10 days, and this is ours to settle before it": 35.3} if boosted else
                   {"renewal in 10 days": 18.9})


@pytest.mark.parametrize("score, expected", [(39, "low"), (40, "medium"), (69, "medium"), (70, "high")])
def test_priority_bands(score, expected):
    assert band(score) == expected


@pytest.mark.parametrize("rule, value, stage, check, expected", [
    ("medium", 142_000, AT_RISK, False, "high"),   # the stakes raise a medium ask on a big account at risk
    ("high", None, STEADY, False, "high"),        # and never lower a rule's high
    ("low", 1_000_000, AT_RISK, False, "low"),    # 'low' by a rule means not now (a dormant account, a pause)
    ("medium", None, STEADY, False, "medium"),
    # A check (done, or past helping?) is no more urgent for what the account is worth: Kestrel's
    # laptops for the 1 December starters read High in February (a ninth blind read).
    ("medium", 142_000, AT_RISK, True, "medium"),
])
def test_priority_is_the_higher_of_rule_and_stakes(rule, value, stage, check, expected):
    (a,) = rank([replace(action("answer", priority=rule, due=d(7)), check=check)],
                customer(value=value, renewal=AS_OF + timedelta(days=56)), stage, AS_OF)
    assert a.priority == expected
    assert (a.priority != rule) is any(r.endswith("because of what is at stake (a score of 70 or more)")
                                         for r in a.score_reasons)
    assert a.score == round(sum(p for p, _ in parts(replace(action("answer", priority=rule, due=d(7)), check=check),
                                                     customer(value=value, renewal=AS_OF + timedelta(days=56)),
                                                     stage, AS_OF)))


def test_work_for_new_business_worth_more_than_the_contract_is_weighed_by_it():
    """Westmarch's quote for a £60,000 lab tied with a training session on its £27,000 contract
    (a fourth blind read): the quote, and the ask for it it covers, are the work for that
    opportunity, and weighed by it; the training is not."""
    from playbook.model import Opportunity, Source
    lab = Opportunity("Kit out the Geochemistry lab like Seismology", 60_000, d(60), "open", None,
                      Source("content/customers/x/customer.yaml", 57))
    c = replace(customer(touch(5, 1), since=LONG_AGO, value=27_000), opportunities=(lab,))
    quote = replace(action(), title="Send an indicative quote for the Geochemistry lab",
                    also=(Reason("Answer Tom: Quote to kit out the Geochemistry lab the same way as Seismology", None),))
    training = replace(action(), title="Run the admin training session with Kasia")
    assert points(quote, c)["new business worth 60,000 (\u201cKit out the Geochemistry lab like Seismology\u201d)"] \
        == pytest.approx(12 * 1.778, abs=0.01)
    assert "27,000 a year" in points(training, c) and not any(k.startswith("new business") for k in points(training, c))
    # Worth less than the contract, or decided, it adds nothing over the contract's own value.
    for other in (replace(lab, value=5_000), replace(lab, status="won")):
        assert "27,000 a year" in points(quote, replace(c, opportunities=(other,)))


def test_reasons_name_the_stakes_with_their_points():
    c = customer(value=142_000, renewal=AS_OF + timedelta(days=56))
    (a,) = rank([action(due=d(7), priority="high")], c, AT_RISK, AS_OF, "£")
    assert a.score_reasons == ("a promise we made (+25)", "its urgency: high (+15)", "£142,000 a year (+26)",
                               "renewal in 56 days (+14)", "7 days overdue (+5)", "the account is at risk (+15)")
    assert a.score == 100


def test_stakes_outrank_days_late():
    """Northgate's overdue root-cause report (a £142k account at risk, renewing in 56 days, 7 days
    late) comes before a promise 36 days late on a £38.5k account at risk, and before a £14k
    renewal call due this week."""
    northgate = customer(touch(14, -2, type="meeting", commitments=(promise("Send the root-cause report", d(7)),)),
                         since=LONG_AGO, cadence=14, value=142_000, renewal=AS_OF + timedelta(days=56), slug="northgate")
    calder = customer(touch(50, 0, type="meeting", commitments=(promise("Send the retention schedule", d(36)),)),
                      touch(10, 0), since=LONG_AGO, cadence=21, value=38_500, slug="calder")
    saltmarsh = customer(*[touch(n, 1) for n in range(300, 0, -30)], since=LONG_AGO, value=14_200,
                         renewal=AS_OF + timedelta(days=24), slug="saltmarsh")
    acts = sorted((a for c in (northgate, calder, saltmarsh) for a in analyse(c, config(), AS_OF).actions),
                  key=Action.sort_key)
    assert (acts[0].customer, acts[0].title) == ("northgate", "Send the root-cause report")
    order = [(a.customer, a.kind) for a in acts]
    assert order.index(("calder", "follow-up")) < order.index(("saltmarsh", "renewal"))


# -- working days ------------------------------------------------------------------------

XMAS = ((date(2026, 12, 25), date(2026, 12, 25)), (date(2026, 12, 28), date(2026, 12, 28)))


@pytest.mark.parametrize("kind, due, firm, holidays, expected", [
    ("renewal", date(2026, 12, 25), False, XMAS, date(2026, 12, 24)),      # the call before an event: earlier
    ("renewal", date(2026, 12, 25), False, (), date(2026, 12, 25)),        # a Friday, when no holiday is set
    ("personal", date(2026, 11, 28), True, (), date(2026, 11, 27)),        # a Saturday birthday: the Friday
    ("play", date(2026, 11, 22), False, (), date(2026, 11, 23)),           # 'within' lands on a Sunday: Monday
    ("answer", date(2026, 12, 26), False, XMAS, date(2026, 12, 29)),       # Sat, Sun, then a holiday Monday
    ("follow-up", date(2026, 11, 22), True, (), date(2026, 11, 22)),       # a promise's own date stays
    ("follow-up", date(2026, 11, 22), False, (), date(2026, 11, 23)),      # an undated promise's week moves
    ("answer", date(2026, 11, 20), False, (), date(2026, 11, 20)),         # a Friday stays
])
def test_due_dates_avoid_weekends_and_holidays(kind, due, firm, holidays, expected):
    (a,) = on_working_days([action(kind, due=due, firm=firm)], holidays, AS_OF)
    assert a.due == expected


def test_an_event_today_on_a_weekend_keeps_its_day():
    saturday = date(2026, 11, 28)
    (a,) = on_working_days([action("personal", due=saturday, firm=True)], (), saturday)
    assert a.due == saturday   # the Friday before would be overdue
    # Gone by, a belated greeting is due the working day after it (Lantern's read "due Sat 28
    # Nov" a week on: a fourth blind read), never a weekend.
    (b,) = on_working_days([action("personal", due=saturday, firm=True)], (), date(2026, 12, 5))
    assert b.due == date(2026, 11, 30)


def test_a_play_due_in_a_holiday_week_moves_past_it():
    play = Play(name="Check", do="Check in", within=5, priority=None)
    cfg = Config(plays=(play,), holidays=((date(2026, 11, 25), date(2026, 11, 27)),))
    (a,) = [a for a in analyse(customer(*[touch(n, 1) for n in range(300, 0, -30)], since=LONG_AGO), cfg, AS_OF).actions
            if a.kind == "play"]
    assert a.due == date(2026, 11, 30)   # Wed 25 to Fri 27 off, then the weekend


# -- the agenda in playbook.json -------------------------------------------------------------

def agenda_key(a: dict) -> tuple:
    """The engine's ranking (Action.sort_key) read back from an exported action."""
    return (-a["score"], PRIORITY_RANK[a["priority"]], a["due"], a["customer"], a["kind"], a["title"])


def test_agenda_is_every_action_highest_first_with_the_next_actions_fields():
    big = customer(touch(14, -2, type="meeting", commitments=(promise("Send the report", d(7)),)),
                   since=LONG_AGO, value=142_000, renewal=AS_OF + timedelta(days=56), slug="big", name="Big")
    small = customer(*[touch(n, 1) for n in range(300, 0, -30)], since=LONG_AGO, slug="small", name="Small",
                     asks=(ask("A quote", d(3)),))
    rels = [analyse(c, config(), AS_OF) for c in (small, big)]
    export = [SimpleNamespace(akey=r.customer.slug, json_text=customer_json(r).encode(), agenda_z=agenda_blob(r),
                              action_count=len(r.actions))
              for r in rels]
    doc = json.loads(b"".join(pieces(export, rels, AS_OF)))
    agenda = doc["agenda"]
    assert agenda == sorted((a for c in doc["customers"] for a in c["next_actions"]), key=agenda_key)
    assert len(agenda) == sum(len(c["next_actions"]) for c in doc["customers"]) > 2
    assert [a["score"] for a in agenda] == sorted((a["score"] for a in agenda), reverse=True)
    assert agenda[0]["customer"] == "big" and agenda[0]["title"] == "Send the report"
    assert all(set(a) >= set(doc["customers"][0]["next_actions"][0]) | {"score", "score_reasons"} for a in agenda)
    assert all(a["score_reasons"] for a in agenda)


def test_a_built_sites_agenda_is_ranked_as_the_engine_ranks(example_site):
    """A build ranks the agenda once for the pages and the export (engine/agenda.py)."""
    doc = json.loads((example_site / "playbook.json").read_text("utf-8"))
    agenda = doc["agenda"]
    assert len(agenda) > 20
    assert agenda == sorted((a for c in doc["customers"] for a in c["next_actions"]), key=agenda_key)


def test_empty_playbook_has_an_empty_agenda():
    doc = json.loads(b"".join(pieces([], [], AS_OF)))
    assert (doc["as_of"], doc["customers"], doc["agenda"]) == ("2026-11-20", [], [])


def test_ranked_actions_keep_the_invariant_order():
    r = analyse(customer(*[touch(n, 1) for n in range(300, 0, -30)], since=LONG_AGO, value=20_000,
                         asks=(ask("A", d(30)), ask("B", d(2)))), config(), AS_OF)
    keys = [a.sort_key() for a in r.actions]
    assert keys == sorted(keys) and all(a.score_reasons for a in r.actions)


def test_the_urgency_a_score_counts_is_the_actions_not_said_to_be_the_rules():
    """A nineteenth blind read: "its rule's urgency: high (+15)" on St Aldhelm's budget-round
    play, `priority: low` in playbook.yaml (raised as the account was about to turn at risk), and
    "its rule's urgency: low (−15)" on Northgate's review, set high (waiting on whether they
    renewed), read as the team's own setting changed. Each says the action's urgency, and one
    lowered while it waits says so."""
    a = replace(action("play", priority="low"),
                waits_on="(Low priority until you know whether they renewed: ask that first.)")
    c = customer()
    (ranked,) = rank([a], c, STEADY, AS_OF)
    assert "its urgency: low, while it waits (−15)" in ranked.score_reasons
    (plain,) = rank([replace(a, waits_on="", priority="high")], c, STEADY, AS_OF)
    assert "its urgency: high (+15)" in plain.score_reasons
    assert not any("rule's" in x for x in ranked.score_reasons + plain.score_reasons)
