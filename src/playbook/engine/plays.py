"""The team's own plays from playbook.yaml: declarative rules turned into actions."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Callable

from ..config import CONFIG_FILE, Config, Play
from ..model import RISK_CAUSE_WORDS, Contact, Customer, Opportunity, Source
from .people import gone, main_contact, present
from .pause import paused_days
from .since import LOOK_BACK_DAYS, first_day, state_at
from .types import Action, Health, Stage, Timeline
from .words import days, fmt_date


def role_matches(role: str | None, wanted: str) -> bool:
    """'CFO' matches 'CFO' and 'Group CFO', not 'CFOO'; case is ignored."""
    return bool(role) and re.search(rf"\b{re.escape(wanted)}\b", role, re.I) is not None


def play_person(customer: Customer, wanted: str, as_of: date) -> Contact | None:
    """Whom a play's `with` names, of the people still there: the first with that decision role
    ('budget holder'), else the first whose job it is ('CFO'). St Aldhelm's "Check in before
    their budget-setting round" named no one, beside a meeting with Anjali, who holds the budget
    (an account manager's objection): with `with: budget holder` the two are one action."""
    here = [c for c in customer.contacts if not gone(c, as_of)]
    key = " ".join(wanted.lower().split())
    return next((c for c in here if key in c.decision), None) or \
        next((c for c in here if role_matches(c.role, wanted)), None)


def open_on(o: Opportunity, day: date) -> bool:
    """Whether the opportunity was open on `day`: it had come up, and was not yet won or lost
    (a build as of a past day, and `play_since` asking of past days, see it as it was then)."""
    if o.since is not None and o.since > day:
        return False
    decided = o.decided_on()
    return decided is None or decided > day


def evaluate(play: Play, customer: Customer, tl: Timeline, stage: Stage, health: Health,
             as_of: date, paused: bool = False,
             since: Callable[[Play, date | None], Since] | None = None) -> Action | None:
    """The play's action when every condition holds, else None; `why` lists the conditions met.
    While the customer's pause is in force their silence is agreed, so `days_since_contact`
    never holds.

    It is due `within` days of the day its conditions came to hold: due `within` days from
    as_of on every build, a play never fell due ("Schedule a value review with finance" was
    due 17 Dec on 3 Dec and 24 Dec on 10 Dec, an account manager's objection). The silence,
    a role's gap and the last win date themselves; a stage, a health figure or no open
    opportunity are dated by `since` (`play_since`: the play asked of past days). A play
    whose conditions are only facts of the profile (tier, tags, owner) is due `within` days
    from as_of. An internal play (a chore for the team) past its day is held at today (`Action.due_since`)."""
    met: list[str] = []
    held: list[date] = []  # the day each dated condition came to hold
    if play.stages:
        if stage.id not in play.stages:
            return None
        if not play.at_risk_for:  # else "at risk for …" below says it
            met.append(f"stage is {stage.label.lower()}")
    if play.at_risk_for:
        # Which kinds of risk, as the stage's reasons name them: an executive sponsor call is for
        # a setback or a silence, not for a quote of ours running late (delivering fixes that).
        causes = {x.cause for x in stage.reasons} if stage.id == "at-risk" else set()
        kinds = [c for c in play.at_risk_for if c in causes]
        if not kinds:
            return None
        met.append(f"at risk for {' and '.join(RISK_CAUSE_WORDS[c] for c in kinds)}")
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
        if paused or tl.days_since is None:
            return None
        # The days of a pause they asked for are no gap in contact: counted, Ashby's budget-round
        # check-in fell due ten months before its pause ended.
        last = as_of - timedelta(days=tl.days_since)
        gap = tl.days_since - paused_days(customer, last, as_of)
        if gap < play.days_since_contact:
            return None
        # Our own touch since the last we heard is a touch, but the silence is theirs: Fernhill's
        # check-in read "29 days since the last touch" beside "Quiet for 45 days" (an account
        # manager's objection), so both are said.
        heard = tl.days_since_heard
        theirs = f" ({fmt_date(last)}, ours; {days(heard)} since we heard from them)" \
            if heard is not None and heard > tl.days_since else ""
        met.append(f"{days(gap)} since the last touch{theirs}" if gap == tl.days_since else
                   f"{days(gap)} without a touch, not counting the pause they asked for")
        held.append(as_of - timedelta(days=gap - play.days_since_contact))
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
        last_won = max((o.decided_on() for o in customer.opportunities if o.status == "won"
                        and o.decided_on() is not None and o.decided_on() <= as_of), default=None)
        if last_won is not None:
            held.append(last_won + timedelta(days=play.no_win_within))
    if play.no_open_opportunity:
        if any(open_on(o, as_of) for o in customer.opportunities):
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
        # Every one of them has been quiet that long since the last of them passed the mark.
        passed = [c.last_touch + timedelta(days=gap.days) if c.last_touch is not None
                  else customer.since + timedelta(days=gap.days) if customer.since is not None else None
                  for c in stale]
        if all(passed):
            held.append(min(as_of, max(passed)))
        met.append(f"no touch with {p.name} ({p.role}) "
                   f"{'ever' if p.last_touch is None else 'since ' + fmt_date(p.last_touch)}"
                   f" — over {days(gap.days)}")
    nobody = ""
    if contact is None and play.with_ and not play.internal:
        # Whom `with` names, else the main contact, saying so: Ashby's budget-round check-in,
        # "with: budget holder", named nobody, where no one is marked as holding the budget.
        # (Without a `with`, no one is guessed: Fernhill's onboarding check-in is Sarah's, not
        # the primary contact's.)
        found = play_person(customer, play.with_, as_of)
        contact = found.name if found is not None else main_contact(present(customer, as_of), tl)
        if found is None and contact is not None:
            nobody = f" No {play.with_} is listed: with {contact}, the main contact."
    if not met:
        met.append("it applies to every customer")
    start = max(held) if held else None
    looked = since is not None and bool(play.stages or play.at_risk_for or play.health_below is not None
                                        or play.no_open_opportunity)
    then = ""
    if looked and since is not None:  # (`looked` says so; the type checker is told again)
        start, was = since(play, start)
        then = as_it_was(play, was, stage, health)
    # Only a look back that ran out without a dated condition to stop it gives "at least".
    at_least = looked and not held and start is not None and (as_of - start).days >= LOOK_BACK_DAYS
    # With the days the play gives: "applied since 5 Dec" beside "overdue since 10 Dec" left the
    # five days between them unsaid (a check read).
    gives = f", and the play gives {days(play.within)} to act" if play.within > 0 else ""
    when = "" if start is None else " It applies from today." if start >= as_of else \
        f" It has applied since {'at least ' if at_least else ''}{fmt_date(start)}{then}{gives}."
    start = start or as_of
    due = start + timedelta(days=play.within)
    owner = customer.owners[0] if customer.owners else None
    if contact is not None:
        # The person is met by whoever holds that relationship: Brightwell's value review with
        # finance went to the account's owner, where every meeting with the CFO was Tomás's.
        holders = [i.by for i in customer.interactions if i.by and i.date <= as_of and contact in i.with_]
        owner = holders[-1] if holders else owner
    return Action(
        kind="play", title=play.do, why=f"Play \u201c{play.name}\u201d: {'; '.join(met)}.{when}{nobody}",
        # A chore for the team ("…at the next stand-up") falls due, then is held at today, "overdue
        # since" its day: it never reads "73 days overdue" (Northgate's health review, on the day
        # a reader first saw it). Its reason keeps the day it has applied since.
        due=max(due, as_of) if play.internal else due, due_since=due if play.internal else None,
        priority=play.priority or "medium", contact=contact,
        owner=owner, source=Source(CONFIG_FILE, play.line or 1),
        customer=customer.slug, internal=play.internal,
    )


def run_plays(plays: tuple[Play, ...], customer: Customer, tl: Timeline, stage: Stage, health: Health,
              as_of: date, paused: bool = False,
              since: Callable[[Play, date | None], date] | None = None) -> list[Action]:
    if customer.status == "ended":
        return []
    return [a for a in (evaluate(p, customer, tl, stage, health, as_of, paused, since) for p in plays) if a]


#: Since when a play has applied (`play_since`), with the stage and health on that day (None
#: when not looked at: the day is as_of, or the look back ran out).
Since = tuple[date, tuple[Stage, Health] | None]


def play_since(play: Play, customer: Customer, config: Config, as_of: date, pause_from: date | None,
               lower: date | None) -> Since:
    """The first day of the run up to as_of on which the play's conditions all held (`lower`:
    the day its dated conditions all came to hold, if any: it cannot have held before), with
    the stage and health on that day."""
    seen: dict[date, tuple[Stage, Health]] = {}

    def holds(day: date) -> bool:
        state = state_at(customer, config, day, pause_from)
        if state is None or evaluate(play, customer, state[0], state[1], state[2], day, state[3]) is None:
            return False
        seen[day] = (state[1], state[2])
        return True
    day = first_day(holds, as_of, lower)
    return day, seen.get(day)


def as_it_was(play: Play, was: tuple[Stage, Health] | None, stage: Stage, health: Health) -> str:
    """' (then steady, health 38)': what the play's conditions stood at on the day it first
    applied, when not as they stand now. Northgate's "stage is at risk; health 0 is below 40.
    It has applied since 3 Sep 2026" read as at risk since 3 Sep, two weeks before its first
    outage: the play holds for steady too, and then its health was 38 (a nineteenth blind read)."""
    if was is None:
        return ""
    parts = []
    if (play.stages or play.at_risk_for) and was[0].id != stage.id:
        parts.append(was[0].label.lower())
    if play.health_below is not None and was[1].score != health.score:
        parts.append(f"health {was[1].score}")
    return f" (then {', '.join(parts)})" if parts else ""
