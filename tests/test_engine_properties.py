"""Invariants of the engine over generated relationships, and reasons that name real facts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from hypothesis import given, settings, strategies as st

from engine_factory import AS_OF, Ask, Birthday, Source, config, contact, customer, promise, touch
from helpers import REPO
from playbook.engine import analyse, analyse_all
from playbook.engine.types import ACTION_KINDS
from playbook.engine.stage import key_person_tip, quiet_until, reply_tip
from playbook.engine.words import fmt_date
from playbook.load import load
from playbook.model import STAGES

NAMES = ("Ann Lee", "Bo Chan", "Cy Dee")

touches = st.lists(
    st.builds(
        lambda days_ago, sentiment, who, direction, due, done: touch(
            days_ago, sentiment, with_=who, direction=direction,
            commitments=(promise("Do the thing", due=AS_OF - timedelta(days=due) if due is not None else None,
                                 done=done),) if due is not None or done else (),
        ),
        days_ago=st.integers(-30, 900),
        sentiment=st.one_of(st.none(), st.integers(-2, 2)),
        who=st.lists(st.sampled_from(NAMES), max_size=2, unique=True).map(tuple),
        direction=st.sampled_from([None, "in", "out"]),
        due=st.one_of(st.none(), st.integers(-40, 200)),
        done=st.booleans(),
    ),
    max_size=25,
)

customers = st.builds(
    lambda items, since_ago, status, cadence, renewal_in, bday, asks: customer(
        *items,
        since=None if since_ago is None else AS_OF - timedelta(days=since_ago),
        status=status, cadence=cadence,
        renewal=None if renewal_in is None else AS_OF + timedelta(days=renewal_in),
        contacts=(contact("Ann Lee", "CEO", Birthday(*bday) if bday else None, primary=True),
                  contact("Bo Chan", "CFO")),
        asks=tuple(Ask(f"Question {k}", AS_OF - timedelta(days=a), False, Source("c.yaml", k + 1))
                   for k, a in enumerate(asks)),
    ),
    items=touches,
    since_ago=st.one_of(st.none(), st.integers(0, 2000)),
    status=st.sampled_from(["active", "active", "active", "ended"]),
    cadence=st.one_of(st.none(), st.integers(1, 120)),
    renewal_in=st.one_of(st.none(), st.integers(-10, 120)),
    bday=st.one_of(st.none(), st.tuples(st.integers(1, 12), st.integers(1, 28))),
    asks=st.lists(st.integers(0, 400), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(customers)
def test_invariants(c):
    r = analyse(c, config(), AS_OF)
    assert r.stage.id in STAGES and r.stage.reasons                      # exactly one stage, explained
    assert 0 <= r.health.score <= 100
    assert r.health.score == sum(f.effect for f in r.health.factors)     # no unexplained number
    assert all(f.why for f in r.health.factors)
    keys = [a.sort_key() for a in r.actions]
    assert keys == sorted(keys)                                          # priority, then due date
    assert all(a.kind in ACTION_KINDS and a.title and a.why for a in r.actions)
    assert len(r.stage_history) == 12 and r.stage_history[-1].stage == r.stage.id
    assert analyse(c, config(), AS_OF) == r                              # same input, same output
    if c.status == "ended":
        assert r.stage.id == "ended" and r.actions == ()


@settings(max_examples=150, deadline=None)
@given(customers, st.integers(31, 500))
def test_silence_alone_never_raises_the_mood(c, later):
    """A day with no new note never lifts the sentiment factor: the mood is the one last seen,
    so a bad meeting does not slide out of a window while nobody is heard from. (A window
    ending today raised St Aldhelm's health from 19 to 21 in silence; health as a whole rose
    on 19 silent days of the example.)"""
    day = AS_OF + timedelta(days=later)       # every generated note is at most 30 days ahead
    before, after = (next(f for f in analyse(c, config(), d).health.factors if f.name == "Sentiment")
                     for d in (day, day + timedelta(days=1)))
    assert after.effect <= before.effect, (before.why, after.why)


def test_health_never_rises_in_the_example_on_a_day_without_a_note():
    """The example's customers, day by day around the edges a window-based mood slid over
    (St Aldhelm's, Saltmarsh's and Fernhill's bad and neutral touches leaving three months)."""
    loaded = load(REPO)
    days = {"st-aldhelms-hospital": "2027-03-03", "saltmarsh-brewing": "2026-11-10",
            "fernhill-dental": "2027-01-12", "brightwell-precision": "2026-12-01"}
    for c in loaded.playbook.customers:
        if c.slug not in days:
            continue
        day = datetime.fromisoformat(days[c.slug]).date()
        assert all(i.date != day for i in c.interactions)
        was, now = (analyse(c, loaded.config, d).health.score for d in (day - timedelta(days=1), day))
        assert now <= was, c.slug


def test_every_reason_and_action_points_at_real_content():
    """On the example playbook: every source names an existing file and line, and a
    follow-up's line holds the promise it quotes."""
    loaded = load(REPO)
    rels = analyse_all(loaded.playbook, loaded.config, loaded.config.as_of)
    checked = 0
    for r in rels:
        sources = [x.source for x in r.stage.reasons if x.source] + [a.source for a in r.actions if a.source]
        for s in sources:
            lines = (REPO / s.path).read_text(encoding="utf-8").splitlines()
            assert 1 <= s.line <= len(lines), s
            checked += 1
        for a in r.actions:
            line = (REPO / a.source.path).read_text(encoding="utf-8").splitlines()[a.source.line - 1]
            if a.kind == "follow-up":
                assert a.title.lower() in line.lower()
            if a.kind == "answer":
                assert "what:" in line or a.title.removeprefix("Answer: ")[:20] in line
            if a.kind == "renewal":   # the renewal date, or the decider to meet before it
                assert line.startswith("renewal:") or line.startswith("  - name:")
            if a.contact:
                known = {c.name for c in r.customer.contacts} | {n for i in r.customer.interactions for n in i.with_}
                assert a.contact in known
        for reason in r.stage.reasons:
            text = reason.text
            tip = re.search(r"(at risk|dormant) if still quiet on (\d{1,2} [A-Z][a-z]{2} \d{4})", text)
            if tip:  # the one computed day: when the silence alone tips it over
                items = tuple(i for i in r.customer.interactions if i.date <= loaded.config.as_of)
                stage, day = quiet_until(r.timeline, items, r.cadence, loaded.config.thresholds)
                assert (tip[1], tip[2]) == (stage.replace("-", " "), fmt_date(day)), text
                text = text.replace(tip[0], "")
            reply = re.search(r"at risk on (\d{1,2} [A-Z][a-z]{2} \d{4}) if our", text)
            if reply:  # or when our outreach still unanswered would, before the renewal
                day, _ = reply_tip(r.customer, r.timeline, loaded.config.as_of)
                assert reply[1] == fmt_date(day), text
                text = text.replace(reply[0], "")
            kept = re.search(r"at risk from (\d{1,2} [A-Z][a-z]{2} \d{4}) unless", text)
            if kept:  # the other computed day: when a key person's silence would, before the renewal
                day, _ = key_person_tip(r.customer, r.timeline, loaded.config.as_of, loaded.config.thresholds)
                assert kept[1] == fmt_date(day), text
                text = text.replace(kept[0], "")
            since = re.search(r"rated touch(?:es)? since (\d{1,2} [A-Z][a-z]{2} \d{4})", text)
            if since:  # the growth window's first day
                w = loaded.config.thresholds.growth_window_days
                assert since[1] == fmt_date(loaded.config.as_of - timedelta(days=w - 1)), text
                text = text.replace(since[0], "")
            for day in re.findall(r"\b(\d{1,2} [A-Z][a-z]{2} \d{4})\b", text):
                # a date in a reason is a date in the content (a touch, a due date or the start)
                assert any(day in t for t in _dates_of(r)), (r.customer.slug, reason.text)
    assert checked > 30


def _dates_of(r) -> list[str]:
    from playbook.engine.words import fmt_date
    c = r.customer
    out = [fmt_date(i.date) for i in c.interactions] + [fmt_date(c.since), fmt_date(c.renewal)]
    out += [fmt_date(c.pause.until), fmt_date(c.pause.since)] if c.pause else []
    out += [fmt_date(x.due) for i in c.interactions for x in i.commitments if x.due]
    return out


def test_example_shows_every_stage_and_action_kind():
    loaded = load(REPO)
    rels = analyse_all(loaded.playbook, loaded.config, loaded.config.as_of)
    assert {r.stage.id for r in rels} == set(STAGES)
    assert {a.kind for r in rels for a in r.actions} == set(ACTION_KINDS)
    assert len(rels) >= 12 and sum(r.timeline.count for r in rels) >= 150


@settings(max_examples=150, deadline=None)
@given(customers, st.integers(1, 120))
def test_a_month_in_the_strip_reads_the_same_in_every_build(c, later):
    """The monthly strip of a build and of one made `later` days on agree on every month both
    show (the last point of each is today's exact stage). A month read off the strip's months
    before it changed when it became the strip's first (Ashby's January, Steady when built on
    20 Nov, At risk on 20 Dec)."""
    first = {p.date: p.stage for p in analyse(c, config(), AS_OF).stage_history[:-1]}
    second = {p.date: p.stage for p in analyse(c, config(), AS_OF + timedelta(days=later)).stage_history[:-1]}
    assert {d: first[d] for d in first.keys() & second.keys()} == {d: second[d] for d in first.keys() & second.keys()}


def test_the_examples_strips_agree_from_build_to_build():
    loaded = load(REPO)
    for c in loaded.playbook.customers:
        seen: dict = {}
        for k in range(0, 200, 30):
            for p in analyse(c, loaded.config, AS_OF + timedelta(days=k)).stage_history[:-1]:
                assert seen.setdefault(p.date, p.stage) == p.stage, (c.slug, p.date)


@settings(max_examples=400, deadline=None)
@given(customers)
def test_a_quiet_account_tips_over_on_the_day_its_stage_names(c):
    """"At risk if still quiet on 9 Dec 2026" (or "dormant if…") holds to the day whenever the
    stage was built, if nothing is heard before then: the usual gap it rests on is the year
    before the last touch, which a silence does not move (the year before the build did: the
    day moved by five days in three weeks)."""
    r = analyse(c, config(), AS_OF)
    found = re.search(r"(at risk|dormant) if still quiet on (\d{1,2} [A-Z][a-z]{2} \d{4})\.",
                      " ".join(x.text for x in r.stage.reasons))
    if not found:
        return
    day = datetime.strptime(found[2], "%d %b %Y").date()
    if any(AS_OF < i.date <= day for i in c.interactions):
        return  # heard from before then

    def silent(stage) -> bool:
        return stage.id == "dormant" or any("nothing heard for" in x.text.lower() for x in stage.reasons)
    assert not silent(analyse(c, config(), day - timedelta(days=1)).stage)
    then = analyse(c, config(), day).stage
    assert then.id == found[1].replace(" ", "-") and silent(then)
