"""The relationship engine: a pure function of (customer, config, as_of).

No I/O, no clock, no templates. Everything a page or a JSON file says about a
relationship comes from `analyse`, and every judgement carries its reasons.
"""

from __future__ import annotations

from collections import Counter

from datetime import date, timedelta

from msgspec.structs import replace

from ..config import Config, Thresholds
from ..model import Customer, Interaction, Pause, Playbook
from . import actions as act
from .actions import LAPSED_ASLEEP, LAPSED_TAKEN
from .dates import (
    BELATED_DAYS, RENEWAL_EVE_DAYS, WISHED_EARLY_DAYS, greeting_notes, key_dates, missed_anniversary, missed_birthdays,
    renewal_lapsed, renewal_window,
)
from .demand import arrivals
from .health import health as compute_health
from .history import history, known_then, opportunities_then, stage_at
from .merge import (
    also_for, invited_in_their_own, merge_similar, named_joiners, own_why, repair_in_talk, same_asker, same_day,
    same_person, with_joiners, with_their_ask,
)
from .owed import debt_items, open_asks, open_commitments, parked_asks, reaches_kept_to
from .pause import in_force, pause_start, pause_text
from .people import COVERAGE_DAYS, coverage_flag_and_actions, keep_in_touch, main_contact, present, with_manner
from .plays import play_since, run_plays
from .rank import rank
from .since import stage_since
from .stage import (
    classify, dormant, key_people_days, key_people_tip, needs_touch, quiet_until, unrepaired_negatives,
)
from .timeline import timeline, upto
from .types import PRIORITY_RANK, Action, Flag, Reason, Relationship, Timeline
from .words import fmt_date, people
from .workdays import held_since, on_working_days

#: Key dates are listed up to a year ahead; actions use the shorter thresholds.
KEY_DATE_HORIZON = 366

__all__ = ["analyse", "analyse_all", "team_actions", "stage_at", "open_commitments", "open_asks",
           "Relationship", "Action"]


#: Why the rest waits on a dormant account (on one as silent whose renewal has gone by: `actions.LAPSED_ASLEEP`).
ASLEEP = "(Low priority while the account is dormant: rekindle it first.)"


def demote(a: Action, why: str = ASLEEP) -> Action:
    """On a dormant account, everything but getting back in touch waits: it becomes low priority.
    Not the renewal's steps: over a renewal gone by (`stage.renewal_asleep`), the question
    whether they renewed is what everything else waits on."""
    if a.kind == "reach-out" or a.renewal_step:
        return a
    return replace(a, priority="low", waits_on=why)


def said_waits(a: Action) -> Action:
    """`why` with what it waits on (`Action.waits_on`), once the merges are done (called once)."""
    return replace(a, why=f"{a.why} {a.waits_on}") if a.waits_on else a


#: A meeting with a key person whose silence will put the account at risk this soon is high.
TIPPING_SOON_DAYS = 14


def sooner_tip(tip: tuple[date, tuple[str, ...]] | None, tl: Timeline, items: tuple[Interaction, ...], cadence: int,
               t: Thresholds, customer: Customer, as_of: date) -> tuple[date, tuple[str, ...]] | None:
    """The key people's tip (`stage.key_people_tip`), on the day the silence alone turns the
    account at risk when that comes first: hearing from them is hearing from the customer.
    Kestrel's meeting with Nadia said "Heard from before 26 Jan 2027, they keep the account
    from turning at risk then" under a stage "at risk if still quiet on 21 Jan" (a check of a
    seventeenth blind read's fixes)."""
    if tip is None or tl.quiet_from is None:
        return tip
    quiet = quiet_until(tl, items, cadence, t, customer.renewal, COVERAGE_DAYS)
    if quiet is not None and quiet[0] == "at-risk" and as_of < quiet[1] < tip[0]:
        return quiet[1], tip[1]
    return tip


def tipping_soon(found: list[Action], tip: tuple[date, tuple[str, ...]] | None, as_of: date) -> list[Action]:
    """The conversations with the key people whose silence puts the account at risk within
    TIPPING_SOON_DAYS (`stage.key_people_tip`): the meeting or call before the renewal, a team's
    play with them, are high, and say so. St Aldhelm's stage read "at risk from 5 Dec unless
    Helen Marsh and Anjali Desai are heard from" on 27 Nov, beside a medium visit to Helen and a
    low check-in with Anjali (a blind read). Not what is theirs to take up, nor a check: one
    conversation is the way, not every open item at once. A dormant account's or a lapsed
    renewal's rules lower it again afterwards, as they do any."""
    if tip is None or (tip[0] - as_of).days > TIPPING_SOON_DAYS:
        return found
    day, names = tip
    # Due before that day: Kestrel's call to Nadia, due 5 Feb, said "heard from before 26 Jan"
    # (a seventh blind read).
    # With another whose silence tips it too, both must be heard from: St Aldhelm's visit to Helen
    # and check-in with Anjali each said "they keep the account from turning at risk" (a check
    # of a seventeenth blind read's fixes).
    def heard(a: Action) -> str:
        others = tuple(n for n in names if n != a.contact)
        if not others:
            # (A subject: "Heard from before 21 Jan 2027, they keep…" read as garbled, a
            # twenty-seventh read.)
            return f" If {a.contact} is heard from before {fmt_date(day)}, the account does not turn at risk then."
        return (f" If {people((a.contact, *others), 4)} are {'both' if len(others) == 1 else 'all'} heard from before "
                f"{fmt_date(day)}, the account does not turn at risk then.")
    return [replace(a, priority="high", due=min(a.due, max(as_of, day - timedelta(days=1))), why=a.why + heard(a))
            if a.contact in names and not a.internal and a.kind in ("renewal", "play") else a for a in found]


def tip_gone_by(customer: Customer, config: Config, pause_from: date | None, tl: Timeline,
                items: tuple[Interaction, ...], cadence: int, as_of: date,
                until: date) -> tuple[date, tuple[str, ...]] | None:
    """The key people's tip (`sooner_tip`) that has come, on an account it turned at risk before
    a renewal still ahead, by `until`: the day it turned, and whose conversation was due before
    it, as `tipping_soon` said the day before (replayed from what was known then)."""
    t = config.thresholds
    if customer.renewal is None or customer.renewal < as_of:
        return None
    days = {day for day, _ in key_people_days(customer, tl, as_of, t) if day <= min(as_of, until)}
    quiet = quiet_until(tl, items, cadence, t, customer.renewal, COVERAGE_DAYS) if tl.quiet_from is not None else None
    if quiet is not None and quiet[0] == "at-risk" and quiet[1] <= min(as_of, until):
        days.add(quiet[1])
    for day in sorted(days):
        before = day - timedelta(days=1)
        then = known_then(customer, before)
        if then is None or stage_at(customer, config, before, pause_from) == "at-risk":
            continue  # at risk already: it did not turn then
        tl_then = timeline(then, before, t)
        tip = sooner_tip(key_people_tip(then, tl_then, before, t), tl_then, upto(then, before), cadence, t, then,
                         before)
        if tip is not None and tip[0] == day:
            return tip
    return None


def due_before_tip(found: list[Action], customer: Customer, config: Config, pause_from: date | None, tl: Timeline,
                   items: tuple[Interaction, ...], cadence: int, as_of: date) -> list[Action]:
    """What `tipping_soon` made due before the day the account would turn at risk stays due
    then once it has (`tip_gone_by`), and says so: the conversation before the renewal with
    those people, as it stood the day before. Kestrel's meeting with Nadia, "due 20 Jan" while
    the account would turn at risk on the 21st, read "due 5 Feb" the day after it had: a day
    moving later as the account got worse. Not the call that came only with the renewal's
    run-up, opening that very day, nor a play (one for an account at risk began with it):
    neither was there to be due before it."""
    talks = [a for a in found if a.kind == "renewal" and a.renewal_step in ("call", "coverage") and a.contact
             and not a.internal]
    r = customer.renewal
    # Looked for only where a conversation could be moved (the replay costs a past day's stage).
    tip = tip_gone_by(customer, config, pause_from, tl, items, cadence, as_of, max(a.due for a in talks)) \
        if talks and r is not None else None
    if tip is None or r is None:
        return found
    day, names = tip
    before = day - timedelta(days=1)

    def there(a: Action) -> bool:
        if a.renewal_step == "coverage":
            return (r - before).days <= COVERAGE_DAYS
        return before >= r - timedelta(days=renewal_window(customer, config.thresholds.renewal_days))
    moved = {id(a) for a in talks if a.contact in names and a.due >= day and there(a)}
    # High, as it was the day before: "its urgency: medium" the day the account turned read as
    # the meeting growing less urgent (a check of a nineteenth blind read's fixes).
    return [replace(a, due=before, priority="high",
                    # Why that day: "It was due before 21 Jan 2027, when the account turned at
                    # risk" read as back-dated (a thirty-first blind read).
                    why=f"{own_why(a, before)} It was due by {fmt_date(before)}, to hear from them before the "
                        f"silence turned the account at risk on {fmt_date(day)}.")
            if id(a) in moved else a for a in found]


def fold_into_rekindle(found: list[Action]) -> list[Action]:
    """On a dormant account, a team's play that reaches out to the customer (a win-back note)
    is the rekindle itself: one action, due when the rekindle is, not a second one beside it
    "214 days overdue" (Pemberton's)."""
    rekindle = next((a for a in found if a.kind == "reach-out" and a.title.startswith("Rekindle")), None)
    plays = [a for a in found if a.kind == "play" and not a.internal]
    # So is the anniversary of working together: the opening for it, not a second action "low
    # while the account is dormant" beside it (Pemberton's, a seventeenth blind read).
    years = [a for a in found if a.anniversary]
    if rekindle is None or not (plays or years):
        return found
    # At the priority the team gave its play: Pemberton's win-back note, `priority: low` in
    # playbook.yaml, read Medium on every list as the rekindle (a tenth blind read).
    priority = min((p.priority for p in plays), key=PRIORITY_RANK.__getitem__) if plays else rekindle.priority
    why = rekindle.why + "".join(f" (Also covers \u201c{p.title}\u201d.)" for p in plays) + "".join(
        f" (Also covers \u201c{y.title}\u201d: the anniversary is an opening for it.)" for y in years)
    merged = replace(rekindle, why=why, also=rekindle.also + tuple(Reason(p.title, p.source) for p in (*plays, *years)),
                     also_for=also_for(rekindle, plays), priority=priority)
    return [merged if a is rekindle else a for a in found if a not in plays and a not in years]


def beyond_owners(a: Action, owners: tuple[str, ...]) -> Action:
    """`also_for` without the customer's owners: every action of theirs is on their lists
    already, and "for Tomás Reilly, Jonas Eklund" on Brightwell's finance review (a meeting of
    the owner's merged into Tomás's play) only said so again."""
    if not any(h in owners for h in a.also_for):
        return a
    return replace(a, also_for=tuple(h for h in a.also_for if h not in owners))


#: What counts as chasing the customer: while a pause is in force, none of it falls due.
CHASING = ("reach-out", "broaden", "play")
#: What goes ahead during a pause, kept to itself (a birthday card needs no such word), and why.
HELD_WHY = {"renewal": "the renewal cannot wait", "follow-up": "it is our promise", "answer": "it answers their ask",
            "tell": "it is news they asked for", "repair": "a bad touch is to be set right",
            "prepare": "it is for their day"}
HELD_TO = tuple(HELD_WHY)


def defer(a: Action, paused: Pause) -> Action:
    """A chasing action waits for the end of the pause; one that cannot wait (the call before a
    renewal, what we owe them) says the pause is on: Ashby's renewal call, in the last weeks of
    the pause Mark Ellery asked for, read as if nothing held us back (an account manager's
    objection)."""
    if a.kind in HELD_TO:
        # Not "keep to this, nothing more": beside the brief's "Do not chase", "this" could be the
        # pause or the call, and why it went ahead was not said (blind reads, a nineteenth's
        # check, a twentieth and its check).
        held = (f"(They asked for a pause until {fmt_date(paused.until)}, but {HELD_WHY[a.kind]}: this goes ahead; "
                "chase nothing else.)")
        return replace(a, why=f"{a.why} {held}", held=held)
    if a.kind not in CHASING or a.due >= paused.until or a.held:  # (held: it says why it goes ahead)
        return a
    return replace(a, due=paused.until, priority="low",
                   why=f"{a.why} (Not before {fmt_date(paused.until)}: the customer asked for a pause.)")


def analyse(customer: Customer, config: Config, as_of: date) -> Relationship:
    """Everything the engine concludes about one customer."""
    t: Thresholds = config.thresholds
    customer = opportunities_then(customer, as_of)  # what was written of a later day is not known yet
    cadence, cadence_from = config.cadence_for(customer.cadence, customer.tier)
    tl = timeline(customer, as_of, t)
    commitments = open_commitments(customer, as_of)
    asks = open_asks(customer, as_of)
    dates = key_dates(customer, as_of, KEY_DATE_HORIZON)
    pause_from = pause_start(customer, as_of)
    paused = in_force(customer, as_of, pause_from) if customer.status != "ended" else None
    stage = classify(customer, tl, commitments, cadence, as_of, t, paused, config.currency, asks)
    journey = history(customer, config, as_of, stage.id, pause_from)
    health = compute_health(customer, tl, commitments, asks, cadence, as_of, t, stage, paused)
    items = upto(customer, as_of)
    news = arrivals(customer, config.available, as_of)
    flags: list[Flag] = []
    if paused is not None:
        flags.append(Flag("paused", f"Paused until {fmt_date(paused.until)}", Reason(pause_text(paused), paused.source)))
    touch = needs_touch(tl, items, cadence, paused) if stage.id not in ("ended", "dormant") else None
    if touch is not None:
        flags.append(Flag("needs-touch", "Needs a touch", touch))
    found: list[Action] = []
    lapsed = renewal_lapsed(customer, as_of)
    here = present(customer, as_of)  # actions are with the people still there
    if stage.id != "ended":
        names = {c.name for c in here.contacts}
        found += act.follow_ups(customer, commitments, as_of, t, config.team, here)
        found += act.reach_out(here, tl, stage, cadence, as_of, t, paused)
        notes = greeting_notes(items, as_of - timedelta(days=BELATED_DAYS + WISHED_EARLY_DAYS))
        # While a bad touch waits for its repair, marking "5 years of working together" reads as
        # tone-deaf (Northgate, a month after its tender threat): the repair comes first. A
        # person's birthday is theirs, and stays.
        # So does a renewal gone by unrecorded: thanks for four years while nobody knows whether
        # there will be a fifth (Saltmarsh).
        sore = bool(unrepaired_negatives(items, as_of, t.repair_days)) or lapsed
        missed = (*(k for k in missed_birthdays(here, as_of) if k.contact in names),
                  *filter(None, [None if sore else missed_anniversary(here, as_of)]))
        # What we are most late on, and its line (`owed.debt_items`): a note of thanks waits on it,
        # and the question whether a renewal gone by went through takes it along.
        owing, _, owing_at = next(iter(debt_items(commitments, asks, as_of, t, customer.dates, pause=customer.pause)),
                                  (None, None, None))
        found += act.personal(here, tuple(k for k in dates if (k.contact is None and not sore) or k.contact in names),
                              t, missed, notes, owing)
        bad = unrepaired_negatives(items, as_of, t.negative_window_days) if stage.id == "at-risk" else []
        # The question whether a renewal gone by went through takes along what we are most late
        # on for whom it asks; what we are most late on for someone else stands on its own (see
        # below): Kestrel's question to Nadia took Ravi's SOC 2 pack, Calder's to Eleanor a
        # schedule promised in a workshop she was not at (a check of a nineteenth read's fixes).
        mine = debt_items(commitments, asks, as_of, t, customer.dates, person=main_contact(here, tl),
                          pause=customer.pause) if lapsed else []
        # Nor what goes to someone who asked us to raise nothing but their subject: Northgate's
        # root-cause report, promised to four, Simon among them ("avoid anything but the outages
        # until they are fixed"), went "the same message, to all it was promised to" with the
        # question to Craig (two twenty-eighth blind reads). It goes on its own.
        alone = [m for m in mine if reaches_kept_to(m[2], commitments, here)]
        mine = [m for m in mine if m not in alone]
        taken, _, taken_at = mine[0] if mine else (None, None, None)
        renewal = act.renewal(here, tl, dates, as_of, t, config.currency, min((i.date for i in bad), default=None),
                              taken, taken_at, config.holidays)
        # Apart unless the question does take it: asked of whoever buys for them, St Aldhelm's
        # question took nothing of Gareth's, the main contact's, and his answer, 280 days owed
        # to the champion, waited "low" behind it (a check read).
        took = next((a.takes for a in renewal if a.renewal_step == "lapsed" and a.takes is not None), None)
        apart = owing_at if lapsed and owing_at is not None and owing_at != took else None
        if alone and taken is None:
            renewal = [act.after_apart(a, alone[0][0], alone[0][2]) if a.renewal_step == "lapsed" else a
                       for a in renewal]
        found += renewal
        found += act.prepare(here, tl, items, as_of, frozenset(c.name for c in customer.contacts) - names)
        found += act.repair(customer, items, as_of, t)
        found += act.broaden(here, items, stage, as_of, t, commitments,
                             lambda stages: stage_since(customer, config, as_of, stages, pause_from))
        # While what they asked for is available, telling them is the answer: one action, not two.
        told = {id(x.ask) for x in news}  # the very records of customer.asks, as `asks` holds them
        found += act.answer(here, tuple(a for a in asks if id(a) not in told), tl, as_of)
        found += act.tell(here, news, tl, as_of, config.holidays, commitments)
        # (Over a renewal gone by, what we owe them goes with the question whether they renewed:
        # "First deliver…" beside "ask that first" contradicted it, a check of these fixes.)
        found += [act.in_debt(a, commitments, as_of) if not lapsed else a for a in
                  run_plays(config.plays, customer, tl, stage, health, as_of, paused is not None,
                            lambda play, lower: play_since(play, customer, config, as_of, pause_from, lower))]
        if paused is None:
            gaps, meet = coverage_flag_and_actions(here, tl, as_of, t, config.holidays)
            flags += gaps
            found += meet
            if stage.id != "at-risk":  # (already at risk, it cannot turn so: Calder's read it did)
                found = tipping_soon(found, sooner_tip(key_people_tip(customer, tl, as_of, t), tl, items, cadence,
                                                       t, customer, as_of), as_of)
            else:
                found = due_before_tip(found, customer, config, pause_from, tl, items, cadence, as_of)
    found += keep_in_touch(customer, tl, dates, as_of, t)
    if stage.id == "dormant":
        found = fold_into_rekindle([demote(a) for a in found])
    elif stage.id == "at-risk" and lapsed and dormant(tl, items, cadence, t, paused):
        # At risk, not dormant, for the renewal gone by (`stage.renewal_asleep`): whether they
        # renewed first, not every late thing of half a year at once (Brightwell read eight
        # "high"). With a renewal to come, what we owe them stands: it is the way back in
        # (Calder's schedule, low beside "First deliver what we owe them", contradicted itself).
        # What we are most late on, owed to someone other than whom the question asks, is not
        # held behind it: it goes first, to them (Calder's schedule, for Tasha, waited "low"
        # behind the question to Eleanor: a blind read).
        # A person's birthday is theirs, and stays: Rosalind's read "Low priority until you know
        # whether they renewed" (a twenty-first blind read).
        taken = next((a.takes for a in found if a.takes is not None), None)
        # Not asking how their day went, though: Kestrel's "Ask Joe how it went: Office move" stood
        # high at 161 days while all else waited on the question (a check of a twenty-eighth read's fix).
        # Nor a chore for the team (`internal`), below.
        found = [a if (apart is not None and a.source == apart) or a.internal or (a.kind == "personal" and a.contact
                                                                                  and not a.after_day) else
                 demote(a, LAPSED_TAKEN if taken is not None and a.source == taken else LAPSED_ASLEEP) for a in found]
    elif lapsed:
        # Not so long silent: what we owe them stands, but the team's own initiatives (a value
        # review with their CFO, bringing in a second person, a review at the stand-up) wait on
        # whether they renewed, as they do over a longer silence. Northgate's read medium, and
        # high, beside St Aldhelm's low (account managers' objections).
        # So does asking how their day went (Kestrel's move, 101 days on, high beside the question).
        # A chore for the team does not: the review at the stand-up is where the question whether
        # they renewed is handed out. Northgate's, high in December, read low below a belated
        # anniversary card on a £142,000 account threatening a tender (two reads on 6 Dec).
        found = [demote(a, LAPSED_ASLEEP) if (a.kind in ("play", "broaden") and not a.internal) or a.after_day
                 else a for a in found]
        found = act.taken_along(found, customer.renewal, commitments) if customer.renewal else found
    if paused is not None:
        found = [defer(a, paused) for a in found]
    eve = customer.renewal is not None and 0 <= (customer.renewal - as_of).days <= RENEWAL_EVE_DAYS
    if not tl.one_sided and not lapsed:
        found = [act.in_debt(a, commitments, as_of, eve) if a.kind == "renewal" else a for a in found]
    found = repair_in_talk(with_their_ask(merge_similar(found, lapsed, as_of, eve)), as_of)
    found = same_asker(with_joiners(same_person(same_day(found, as_of), as_of, config.holidays), as_of,
                                    config.holidays))
    found = invited_in_their_own(named_joiners(found))
    # What each waits on is said once not_piled_on knows which message it rides on (`LAPSED_TAKEN`).
    # Whom a quiet account's touch may go with (`fold_reach_out`): the primary contact, a decider,
    # or someone the relationship runs through (in REGULAR_TOUCHES touches in the last year: Fernhill's
    # practice manager, "the real day-to-day contact"); not a new lab technician (Westmarch).
    regular = Counter(n for i in items if (as_of - i.date).days <= 365 for n in i.with_)
    anchors = frozenset(c.name for c in here.contacts
                        if c.primary or c.decision or regular[c.name] >= act.REGULAR_TOUCHES)
    found = act.not_piled_on(act.fold_reach_out(found, as_of, anchors), tl,
                             customer.at("renewal") if customer.renewal else None)
    found = with_manner([said_waits(a) for a in found], customer)
    found = [act.owned(beyond_owners(a, customer.owners)) for a in found]
    found = held_since(on_working_days(act.due_after(found), config.holidays, as_of), config.holidays, as_of)
    found = rank(found, customer, stage, as_of, config.currency)
    return Relationship(
        customer=customer, as_of=as_of, cadence=cadence, cadence_from=cadence_from, timeline=tl,
        commitments=commitments, key_dates=dates, open_asks=asks, stage=stage, stage_history=journey,
        health=health, actions=tuple(found), flags=tuple(flags), parked_asks=parked_asks(customer, as_of),
        arrivals=news,
    )


def analyse_all(playbook: Playbook, config: Config, as_of: date) -> list[Relationship]:
    return [analyse(c, config, as_of) for c in playbook.customers]


def team_actions(relationships: list[Relationship], owner: str | None = None, kind: str | None = None,
                 due_within: int | None = None) -> list[Action]:
    """All actions across customers, ranked, optionally filtered."""
    out = []
    for r in relationships:
        for a in r.actions:
            if owner and owner not in a.assignees and owner not in r.customer.owners:
                continue
            if kind and a.kind != kind:
                continue
            # (Held at the next working day on a weekend, what is overdue since an earlier day is
            # overdue today too, as the site counts it: a check read's Saturday list had left it out.)
            if due_within is not None and (a.due - r.as_of).days > due_within and not a.overdue(r.as_of):
                continue
            out.append(a)
    out.sort(key=Action.sort_key)
    return out
