"""The relationship engine: a pure function of (customer, config, as_of).

No I/O, no clock, no templates. Everything a page or a JSON file says about a
relationship comes from `analyse`, and every judgement carries its reasons.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..config import Config, Thresholds
from ..model import Customer, Playbook
from . import actions as act
from .dates import key_dates
from .health import health as compute_health
from .merge import merge_similar
from .plays import run_plays
from .stage import classify, month_ends
from .timeline import timeline, upto
from .types import Action, OpenCommitment, Relationship, StagePoint

#: Key dates are listed up to a year ahead; actions use the shorter thresholds.
KEY_DATE_HORIZON = 366

__all__ = ["analyse", "analyse_all", "team_actions", "Relationship", "Action"]


def open_commitments(customer: Customer, as_of: date) -> tuple[OpenCommitment, ...]:
    """Unticked task items up to as_of, most overdue first, then by file order."""
    out = []
    for i in upto(customer, as_of):
        for c in i.commitments:
            if not c.done:
                overdue = max(0, (as_of - c.due).days) if c.due else 0
                out.append(OpenCommitment(c, i, c.due, overdue))
    out.sort(key=lambda oc: (-oc.overdue_days, oc.due or date.max, oc.commitment.source))
    return tuple(out)


def open_asks(customer: Customer, as_of: date) -> tuple:
    asks = [a for a in customer.asks if not a.done and (a.since is None or a.since <= as_of)]
    asks.sort(key=lambda a: (a.since or date.min, a.source))
    return tuple(asks)


def stage_at(customer: Customer, config: Config, as_of: date) -> str:
    """The stage id as of a past date, from what was written up to then."""
    t = config.thresholds
    cadence, _ = config.cadence_for(customer.cadence, customer.tier)
    items = upto(customer, as_of)
    if not items and (customer.since is None or as_of < customer.since):
        return "none"  # the relationship had not started
    if customer.status == "ended" and items[-1:] != customer.interactions[-1:]:
        # 'ended' is known only from the last touch on; before that the account was live.
        customer = replace(customer, status="active")
    return classify(customer, timeline(customer, as_of, t), open_commitments(customer, as_of), cadence, as_of, t).id


def demote(a: Action) -> Action:
    """On a dormant account, everything but getting back in touch waits: it becomes low priority."""
    return replace(a, priority="low", why=f"{a.why} (Low priority while the account is dormant: rekindle it first.)")


def analyse(customer: Customer, config: Config, as_of: date) -> Relationship:
    """Everything the engine concludes about one customer."""
    t: Thresholds = config.thresholds
    cadence, cadence_from = config.cadence_for(customer.cadence, customer.tier)
    tl = timeline(customer, as_of, t)
    commitments = open_commitments(customer, as_of)
    asks = open_asks(customer, as_of)
    dates = key_dates(customer, as_of, KEY_DATE_HORIZON)
    stage = classify(customer, tl, commitments, cadence, as_of, t)
    history = tuple(StagePoint(d, stage.id if d == as_of else stage_at(customer, config, d))
                    for d in month_ends(as_of))
    health = compute_health(customer, tl, commitments, asks, cadence, as_of, t, stage)
    items = upto(customer, as_of)
    found: list[Action] = []
    if stage.id != "ended":
        found += act.follow_ups(customer, commitments, as_of)
        found += act.reach_out(customer, tl, stage, cadence, as_of, t)
        found += act.personal(customer, dates, t)
        found += act.renewal(customer, tl, dates, as_of, t)
        found += act.repair(customer, items, as_of, t)
        found += act.broaden(customer, items, stage, as_of, t)
        found += act.answer(customer, asks, tl, as_of)
        found += run_plays(config.plays, customer, tl, stage, health, as_of)
    if stage.id == "dormant":
        found = [a if a.kind == "reach-out" else demote(a) for a in found]
    found = merge_similar(found)
    found.sort(key=Action.sort_key)
    return Relationship(
        customer=customer, as_of=as_of, cadence=cadence, cadence_from=cadence_from, timeline=tl,
        commitments=commitments, key_dates=dates, open_asks=asks, stage=stage, stage_history=history,
        health=health, actions=tuple(found),
    )


def analyse_all(playbook: Playbook, config: Config, as_of: date) -> list[Relationship]:
    return [analyse(c, config, as_of) for c in playbook.customers]


def team_actions(relationships: list[Relationship], owner: str | None = None, kind: str | None = None,
                 due_within: int | None = None) -> list[Action]:
    """All actions across customers, ranked, optionally filtered."""
    out = []
    for r in relationships:
        for a in r.actions:
            if owner and a.owner != owner and owner not in r.customer.owners:
                continue
            if kind and a.kind != kind:
                continue
            if due_within is not None and (a.due - r.as_of).days > due_within:
                continue
            out.append(a)
    out.sort(key=Action.sort_key)
    return out
