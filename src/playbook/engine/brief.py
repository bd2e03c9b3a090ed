"""The pre-meeting brief's judgement: what to bring up, and what to handle with care.

Pure: read off the relationship the engine has already made, so each point carries the line
behind it like every other reason.
"""

from __future__ import annotations

from datetime import timedelta

from .owed import waiting_since
from .pause import pause_text
from .stage import unanswered_text, unrepaired_negatives
from .types import Reason, Relationship
from .words import days, fmt_date, fmt_day, money, sentence

#: How far back a good touch is still news, and how far ahead a renewal or a date is worth raising.
GOOD_NEWS_DAYS = 90
RENEWAL_AHEAD_DAYS = 180
DATES_AHEAD_DAYS = 30
#: How recent a bad touch counts as an open complaint (the repair window is usually shorter).
COMPLAINT_DAYS = 60


def talking_points(r: Relationship, currency: str | None = None) -> list[Reason]:
    """What to bring up: the renewal, what they asked for that has come in, their open
    questions, promises coming due, recent good news and personal dates."""
    c, as_of = r.customer, r.as_of
    out: list[Reason] = []
    if c.renewal and c.status != "ended" and 0 <= (c.renewal - as_of).days <= RENEWAL_AHEAD_DAYS:
        worth = f", {money(c.value, currency)} a year" if c.value else ""
        out.append(Reason(f"The renewal on {fmt_date(c.renewal)} (in {days((c.renewal - as_of).days)}){worth}.",
                          c.at("renewal")))
    # What they asked for has come in: the best news to bring, and it answers their question.
    told = {id(x.ask) for x in r.arrivals} if c.status != "ended" else set()
    for x in (r.arrivals if told else ()):
        who = x.ask.from_ or "They"
        when = f" on {fmt_date(x.ask.since)}" if x.ask.since else ""
        out.append(Reason(f"Newly available: {x.what} (since {fmt_date(x.on)}). {who} asked for it{when}: "
                          f"{sentence(x.ask.what)}", x.ask.source))
    for a in r.open_asks:
        if id(a) in told:
            continue
        since = waiting_since(a, as_of)
        who = f"{a.from_}'s question" if a.from_ else "Their question"
        wait = f" (waiting {days((as_of - since).days)})" if since else ""
        out.append(Reason(f"{who}: {sentence(a.what)[:-1]}{wait}.", a.source))
    for oc in r.commitments:
        if oc.due is not None and oc.overdue_days == 0 and (oc.due - as_of).days <= 14:
            out.append(Reason(f"We promised: {sentence(oc.commitment.text)[:-1]}, due {fmt_date(oc.due)}.",
                              oc.commitment.source))
    # A good touch whose promise we are late on is no news to build on: the brief lists it under
    # what we are late on (an account manager read both of one touch, side by side).
    owed = {oc.interaction.source.path for oc in r.commitments if oc.overdue_days > 0}
    recent = [i for i in r.customer.interactions if as_of - timedelta(days=GOOD_NEWS_DAYS) < i.date <= as_of
              and i.sentiment is not None and i.sentiment > 0 and i.source.path not in owed]
    if recent:
        i = recent[-1]
        out.append(Reason(f"Good news to build on ({fmt_date(i.date)}): {sentence(i.summary or i.type)}", i.source))
    for k in r.key_dates:
        if k.kind != "renewal" and k.days_until <= DATES_AHEAD_DAYS:
            out.append(Reason(f"{k.title} on {fmt_day(k.date)}.", k.source))
    return out


def handle_with_care(r: Relationship) -> list[Reason]:
    """What not to walk into: open complaints, a pause they asked for, promises we are late on,
    ideas they shelved, our unanswered messages, and what each person asked us to avoid."""
    c, as_of = r.customer, r.as_of
    out: list[Reason] = []
    for i in unrepaired_negatives(tuple(x for x in c.interactions if x.date <= as_of), as_of, COMPLAINT_DAYS)[:3]:
        out.append(Reason(f"Open complaint ({fmt_date(i.date)}): {sentence(i.summary or i.type)[:-1]}; "
                          "nothing good has happened since.", i.source))
    if c.pause is not None and any(f.id == "paused" for f in r.flags):
        out.append(Reason(f"{pause_text(c.pause)} Do not chase.", c.pause.source))
    for oc in r.commitments:
        if oc.overdue_days > 0:
            out.append(Reason(f"We are late on: {sentence(oc.commitment.text)[:-1]} (due {fmt_date(oc.due)}, "
                              f"{days(oc.overdue_days)} ago). Say when it will come.", oc.commitment.source))
    told = {id(x.ask) for x in r.arrivals}
    for a in r.parked_asks:
        if id(a) in told:  # no longer a shelved idea: it is in 'what to bring up'
            continue
        until = f" until {fmt_date(a.until)}" if a.until else ""
        out.append(Reason(f"Parked{until}: {sentence(a.what)[:-1]}. Do not push it.", a.source))
    if r.timeline.one_sided:
        out.append(Reason(f"{unanswered_text(r.timeline)} Do not pile on; ask whether now is a bad time.",
                          r.timeline.unanswered[-1].source))
    for p in c.contacts:
        if p.avoid and not (p.left and p.left <= as_of):
            out.append(Reason(f"{p.name}: avoid {p.avoid.rstrip('.')}.", p.source))
    return out
