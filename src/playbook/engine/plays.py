"""The team's own plays from playbook.yaml: declarative rules turned into actions."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..config import CONFIG_FILE, Play
from ..model import Customer, Source
from .types import Action, Health, Stage, Timeline
from .words import days, fmt_date


def role_matches(role: str | None, wanted: str) -> bool:
    """'CFO' matches 'CFO' and 'Group CFO', not 'CFOO'; case is ignored."""
    return bool(role) and re.search(rf"\b{re.escape(wanted)}\b", role, re.I) is not None


def evaluate(play: Play, customer: Customer, tl: Timeline, stage: Stage, health: Health,
             as_of: date, paused: bool = False) -> Action | None:
    """The play's action when every condition holds, else None; `why` lists the conditions met.
    While the customer's pause is in force their silence is agreed, so `days_since_contact`
    never holds."""
    met: list[str] = []
    if play.stages:
        if stage.id not in play.stages:
            return None
        met.append(f"stage is {stage.label.lower()}")
    if play.tiers:
        if customer.tier not in play.tiers:
            return None
        met.append(f"tier is {customer.tier}")
    if play.tags:
        hit = [t for t in play.tags if t in customer.tags]
        if not hit:
            return None
        met.append(f"tagged {', '.join(hit)}")
    if play.owners:
        hit = [o for o in play.owners if o in customer.owners]
        if not hit:
            return None
        met.append(f"owned by {', '.join(hit)}")
    if play.days_since_contact is not None:
        if paused or tl.days_since is None or tl.days_since < play.days_since_contact:
            return None
        met.append(f"{days(tl.days_since)} since the last touch")
    if play.health_below is not None:
        if health.score >= play.health_below:
            return None
        met.append(f"health {health.score} is below {play.health_below}")
    if play.no_win_within is not None:
        won = [o for o in customer.opportunities if o.status == "won" and o.decided_on() is not None
               and 0 <= (as_of - o.decided_on()).days < play.no_win_within]
        if won:
            return None  # right after a signed expansion, another expansion pitch can wait
        met.append(f"nothing won in the last {days(play.no_win_within)}")
    if play.no_open_opportunity:
        if any(o.status == "open" for o in customer.opportunities):
            return None  # an expansion already being worked on needs no conversation to start one
        met.append("no opportunity open")
    contact = None
    if play.no_touch_with_role is not None:
        gap = play.no_touch_with_role
        people = [c for c in tl.contacts if role_matches(c.role, gap.role)]
        if not people:
            return None  # no one in that role is listed: nothing to act on
        stale = [c for c in people if c.last_touch is None or (as_of - c.last_touch).days >= gap.days]
        if len(stale) != len(people):
            return None
        p = stale[0]
        contact = p.name
        met.append(f"no touch with {p.name} ({p.role}) "
                   f"{'ever' if p.last_touch is None else 'since ' + fmt_date(p.last_touch)}"
                   f" — over {days(gap.days)}")
    if not met:
        met.append("it applies to every customer")
    return Action(
        kind="play", title=play.do, why=f"Play \u201c{play.name}\u201d: {'; '.join(met)}.",
        due=as_of + timedelta(days=play.within), priority=play.priority or "medium", contact=contact,
        owner=customer.owners[0] if customer.owners else None, source=Source(CONFIG_FILE, play.line or 1),
        customer=customer.slug, internal=play.internal,
    )


def run_plays(plays: tuple[Play, ...], customer: Customer, tl: Timeline, stage: Stage, health: Health,
              as_of: date, paused: bool = False) -> list[Action]:
    if customer.status == "ended":
        return []
    return [a for a in (evaluate(p, customer, tl, stage, health, as_of, paused) for p in plays) if a]
