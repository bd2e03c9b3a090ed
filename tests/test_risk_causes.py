"""Why an account is at risk, as a play can ask it (`at_risk_for`).

The example's "Executive sponsor for key accounts at risk" fired, built for 20 Dec, on warm
accounts at risk only because a promise of ours ran late. An account manager called that
embarrassing: the fix is to deliver, not to send an executive. Each reason of an at-risk
stage says which kind of risk it is, and a play can hold for some kinds and not others.
"""

from __future__ import annotations

from msgspec.structs import replace
from datetime import timedelta
from pathlib import Path

import pytest

from engine_factory import AS_OF, config, customer, d, promise, touch
from playbook.config import Config, Play, parse_config
from playbook.engine import analyse
from playbook.engine.words import fmt_date
from playbook.load import load
from playbook.model import RISK_CAUSES

LONG_AGO = d(800)


def regular(until: int = 5, every: int = 30) -> list:
    return [touch(n, 1) for n in range(400, until - 1, -every)]


def setback():
    """A bad meeting ten days ago, nothing good since."""
    return customer(*regular(until=40), touch(10, -2, type="meeting"), since=LONG_AGO, cadence=60, tier="key")


def late_promise():
    """Warm and in touch, but our quote is 30 days late."""
    p = promise("Send the revised quote", due=d(30))
    return customer(*[touch(n, 1, commitments=(p,) if n == 40 else ()) for n in range(400, 4, -30)],
                    since=LONG_AGO, cadence=60, tier="key")


def silence():
    """Our last two emails unanswered and nothing heard for 61 days on a 30-day cadence."""
    ours = [touch(n, 0, type="email", direction="out") for n in (20, 10)]
    return customer(*[touch(n, 1) for n in range(400, 60, -30)], touch(61, 1), *ours, since=LONG_AGO, cadence=30,
                    tier="key")


def renewal():
    """The renewal date went by ten days ago and nothing records how it went."""
    return customer(*regular(), since=LONG_AGO, cadence=60, tier="key", renewal=d(10))


@pytest.mark.parametrize("make, cause", [(setback, "setback"), (late_promise, "late-promise"),
                                         (silence, "silence"), (renewal, "renewal")])
def test_each_reason_of_an_at_risk_stage_names_its_kind(make, cause):
    r = analyse(make(), config(), AS_OF)
    assert r.stage.id == "at-risk"
    assert {x.cause for x in r.stage.reasons} == {cause}, [(x.cause, x.text) for x in r.stage.reasons]


def test_a_silence_after_a_bad_touch_is_a_setback_and_a_key_person_quiet_is_the_renewal():
    # The bad touch has aged (a neutral touch after it), then nothing was heard at all.
    quiet_after_bad = customer(*regular(until=100), touch(95, -2, type="meeting"), touch(80, 0), since=LONG_AGO,
                               cadence=30)
    r = analyse(quiet_after_bad, config(), AS_OF)
    assert r.stage.id == "at-risk" and [x.cause for x in r.stage.reasons] == ["setback"], r.stage.reasons
    # Ann (the primary contact) quiet for 91 days with the renewal 60 days off; Bo lively.
    bo = [touch(n, 1, with_=("Bo Chan",)) for n in range(77, 0, -14)]
    quiet_key = customer(touch(91, 1, with_=("Ann Lee",)), *bo, since=LONG_AGO, cadence=30,
                         renewal=AS_OF + timedelta(days=60))
    r = analyse(quiet_key, config(), AS_OF)
    assert r.stage.id == "at-risk" and [x.cause for x in r.stage.reasons] == ["renewal"]


def test_reasons_of_other_stages_name_no_kind_of_risk():
    p = promise("Send the revised quote", due=d(3))
    c = customer(*[touch(n, 1, commitments=(p,) if n == 40 else ()) for n in range(400, 4, -30)],
                 since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "steady" and all(x.cause is None for x in r.stage.reasons)


SPONSOR = Play(name="Executive sponsor", do="Book an executive sponsor call", within=7, priority="high",
               tiers=("key",), at_risk_for=("setback", "silence", "renewal"))


@pytest.mark.parametrize("make, fires, words", [
    (setback, True, "at risk for a setback"),
    (silence, True, "at risk for silence"),
    (renewal, True, "at risk for the renewal"),
    (late_promise, False, None),
])
def test_a_play_can_hold_for_some_kinds_of_risk_only(make, fires, words):
    r = analyse(make(), Config(plays=(SPONSOR,)), AS_OF)
    plays = [a for a in r.actions if a.kind == "play"]
    assert bool(plays) is fires
    if fires:
        assert plays[0].why.startswith(f"Play \u201cExecutive sponsor\u201d: {words}; tier is key.")


def test_a_late_promise_beside_a_setback_still_holds():
    """At risk for both: the play holds for the setback, and says only that."""
    p = promise("Send the revised quote", due=d(20))
    c = customer(*[touch(n, 1, commitments=(p,) if n == 40 else ()) for n in range(400, 20, -30)],
                 touch(10, -2, type="meeting"), since=LONG_AGO, cadence=60, tier="key")
    r = analyse(c, Config(plays=(SPONSOR,)), AS_OF)
    assert {x.cause for x in r.stage.reasons} == {"setback", "late-promise"}
    (play,) = [a for a in r.actions if a.kind == "play"]
    assert "at risk for a setback;" in play.why and "late" not in play.why
    only_promise = replace(SPONSOR, at_risk_for=("late-promise",))
    (play,) = [a for a in analyse(c, Config(plays=(only_promise,)), AS_OF).actions if a.kind == "play"]
    assert "at risk for a late promise;" in play.why


def test_the_play_is_dated_from_the_day_the_kind_of_risk_began():
    """A setback on d(10) put it at risk that day: the play applies since then and is due
    `within` days after it, as a `stage` condition would be."""
    r = analyse(setback(), Config(plays=(SPONSOR,)), AS_OF)
    (play,) = [a for a in r.actions if a.kind == "play"]
    assert play.why.endswith(f"It has applied since {fmt_date(d(10))}, and the play gives 7 days to act.")
    assert play.due == d(10) + timedelta(days=7)


@pytest.mark.parametrize("value, parsed", [
    ("setback", ("setback",)),
    ("[setback, silence, renewal]", ("setback", "silence", "renewal")),
    ("[late promise, late_promise, late-promise]", ("late-promise",) * 3),
])
def test_at_risk_for_is_a_play_condition(value, parsed):
    cfg, problems = parse_config("plays:\n  - name: E\n    when: {at_risk_for: " + value
                                 + "}\n    do: X\n    within: 7\n")
    assert problems == []
    assert cfg.plays[0].at_risk_for == parsed


def test_a_misspelt_kind_of_risk_is_an_error_and_never_widens_the_play():
    cfg, problems = parse_config("plays:\n  - name: E\n    when: {tier: key, at_risk_for: [setback, silense]}\n"
                                 "    do: X\n    within: 7\n")
    assert [(p.path, p.line, p.severity) for p in problems] == [("playbook.yaml", 3, "error")]
    assert "'silense'" in problems[0].message and "did you mean 'silence'?" in problems[0].message
    assert all(c in problems[0].message for c in RISK_CAUSES)
    assert cfg.plays == ()


def test_the_example_sends_no_executive_for_our_own_late_work():
    """Built for 20 Dec, the example's key accounts at risk only for our late promises get no
    executive sponsor call; Northgate, at risk after its escalation, still does."""
    loaded = load(Path(__file__).resolve().parents[1])
    day = AS_OF + timedelta(days=30)
    sponsor = {}
    for c in loaded.playbook.customers:
        r = analyse(c, loaded.config, day)
        if c.tier == "key" and r.stage.id == "at-risk":
            sponsor[c.slug] = ({x.cause for x in r.stage.reasons} - {None},
                               # Northgate's is merged into the exec call Tomás promised Simon.
                               any("Book an executive sponsor call" in a.title + a.why for a in r.actions))
    assert sponsor["northgate-logistics"][1] and sponsor["st-aldhelms-hospital"][1]
    assert any(causes == {"late-promise"} for causes, _ in sponsor.values()), sponsor
    for slug, (causes, fired) in sponsor.items():
        assert fired is bool(causes - {"late-promise"}), (slug, causes)


@pytest.mark.parametrize("owed, cause", [(False, "silence"), (True, "late-promise")])
def test_a_silence_while_we_owe_them_is_a_late_promise(owed, cause):
    """A key account gone quiet for 50 days on a 14-day rhythm. With our cutover plan 10 days
    late, they may be waiting on us: delivering breaks the silence, not an executive (the blind
    read's prediction for Brightwell at the turn of the year)."""
    p = promise("Send the cutover plan", due=d(10))
    items = [touch(n, 1, commitments=(p,) if owed and n == 50 else ()) for n in range(400, 49, -14)]
    r = analyse(customer(*items, since=LONG_AGO, cadence=14, tier="key"), Config(plays=(SPONSOR,)), AS_OF)
    assert r.stage.id == "at-risk" and [x.cause for x in r.stage.reasons] == [cause]
    assert r.stage.reasons[0].text.endswith(
        "going cold, while we owe them \u201cSend the cutover plan\u201d, 10 days late." if owed else "going cold.")
    assert any(a.kind == "play" for a in r.actions) is not owed
