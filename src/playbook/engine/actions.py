"""Next actions: one small pure function per kind, each naming the facts that call for it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..config import Thresholds
from ..model import Ask, Customer, Interaction
from .health import ASK_ANSWER_DAYS
from .stage import unrepaired_negatives
from .types import Action, KeyDate, OpenCommitment, Stage, Timeline
from .words import ago, days, fmt_date, fmt_day, sentiment_word, per

#: A promise written without a date is treated as due a week after it was made.
UNDATED_PROMISE_DAYS = 7


def weekday_before(d: date) -> date:
    """The date itself on a weekday, else the Friday before: nobody plans a call for a Sunday."""
    return d - timedelta(days=max(0, d.weekday() - 4))


def _owner(customer: Customer, by: str | None = None) -> str | None:
    return by or (customer.owners[0] if customer.owners else None)


def _main_contact(customer: Customer, tl: Timeline) -> str | None:
    for c in customer.contacts:
        if c.primary:
            return c.name
    engaged = [c for c in tl.contacts if c.last_touch]
    if engaged:
        return engaged[0].name
    return customer.contacts[0].name if customer.contacts else None


def follow_up_title(text: str) -> str:
    """'Follow up: Send the quote', but never 'Follow up: Follow up with Jo…'."""
    if re.match(r"(?i)follow[ -]?up\b", text):
        return text[0].upper() + text[1:]
    return f"Follow up: {text}"


def follow_ups(customer: Customer, open_: tuple[OpenCommitment, ...], as_of: date) -> list[Action]:
    out = []
    for oc in open_:
        i = oc.interaction
        due = oc.due or (oc.commitment.made_on + timedelta(days=UNDATED_PROMISE_DAYS))
        late = (as_of - due).days
        if oc.due:
            when = f"was due {fmt_date(due)} ({days(late)} overdue)" if late > 0 else f"is due {fmt_date(due)}"
        else:
            when = (f"had no due date, so it counts as due a week after it was made ({fmt_date(due)})"
                    + (f", now {days(late)} overdue" if late > 0 else ""))
        who = f" to {', '.join(i.with_)}" if i.with_ else ""
        out.append(Action(
            kind="follow-up", title=follow_up_title(oc.commitment.text),
            why=f"Promised{who} in the {i.type} of {fmt_date(i.date)}; it {when}.",
            due=due, priority="high" if late > 0 else "medium" if (due - as_of).days <= 7 else "low",
            contact=i.with_[0] if i.with_ else None, owner=_owner(customer, i.by),
            source=oc.commitment.source, customer=customer.slug,
        ))
    return out


def reach_out(customer: Customer, tl: Timeline, stage: Stage, cadence: int, as_of: date,
              t: Thresholds) -> list[Action]:
    if tl.days_since is None or tl.days_since <= cadence or stage.id == "ended":
        return []
    anchor = tl.last_contact or customer.since
    assert anchor is not None  # days_since is only known with an anchor
    contact = _main_contact(customer, tl)
    last = (f"Last touch {fmt_date(tl.last_contact)}: {tl.last_interaction.summary or tl.last_interaction.type}"
            if tl.last_interaction else f"No touch logged since the start on {fmt_date(customer.since)}")
    due = anchor + timedelta(days=cadence)
    if stage.id == "dormant":
        # Long past any cadence: "356 days overdue" helps no one; the useful date is now.
        title = f"Rekindle: get back in touch with {contact or customer.name}"
        priority, due = "medium", as_of
    else:
        title = f"Reach out to {contact or customer.name}"
        priority = "high" if tl.days_since > t.silence_cadence_multiple * cadence else "medium"
    return [Action(
        kind="reach-out", title=title,
        why=f"{days(tl.days_since)} since the last touch against a {per(cadence)} cadence. {last}.",
        due=due, priority=priority, contact=contact, owner=_owner(customer),
        source=tl.last_interaction.source if tl.last_interaction else customer.source, customer=customer.slug,
    )]


def personal(customer: Customer, dates: tuple[KeyDate, ...], t: Thresholds) -> list[Action]:
    if customer.status == "ended":
        return []
    out = []
    for k in dates:
        if k.kind == "renewal" or k.days_until > t.personal_days:
            continue
        if k.kind == "birthday":
            title = f"Wish {k.contact} a happy birthday ({fmt_day(k.date)})"
            why = f"{k.title} is in {days(k.days_until)}." if k.days_until else f"{k.title} is today."
        else:
            title = f"Mark the {k.title} ({fmt_day(k.date)})"
            why = f"The relationship began {fmt_date(customer.since)}; a note of thanks keeps it personal."
        out.append(Action(
            kind="personal", title=title, why=why, due=k.date,
            priority="high" if k.days_until <= 2 else "medium", contact=k.contact, owner=_owner(customer),
            source=k.source, customer=customer.slug,
        ))
    return out


def renewal(customer: Customer, tl: Timeline, dates: tuple[KeyDate, ...], as_of: date, t: Thresholds) -> list[Action]:
    out = []
    for k in dates:
        if k.kind != "renewal" or k.days_until > t.renewal_days:
            continue
        # Call well before the date, so there is time to act on what you hear.
        due = max(as_of, weekday_before(k.date - timedelta(days=21)))
        value = f" (worth {customer.value:,.0f} a year)" if customer.value else ""
        out.append(Action(
            kind="renewal", title=f"Call {_main_contact(customer, tl) or customer.name} before the renewal on "
                                  f"{fmt_date(k.date)}",
            why=f"Renewal{value} in {days(k.days_until)}.",
            due=due, priority="high" if k.days_until <= 30 else "medium",
            contact=_main_contact(customer, tl), owner=_owner(customer), source=k.source, customer=customer.slug,
        ))
    return out


def repair(customer: Customer, items: tuple[Interaction, ...], as_of: date, t: Thresholds) -> list[Action]:
    negs = unrepaired_negatives(items, as_of, t.repair_days)
    if not negs or customer.status == "ended":
        return []
    neg = negs[0]
    names = list(neg.with_)
    who = (" and ".join(names) if len(names) <= 2 else f"{', '.join(names[:2])} and {len(names) - 2} other"
           f"{'s' if len(names) > 3 else ''}") if names else customer.name
    more = (f" {len(negs) - 1} other negative touch{'es' if len(negs) > 2 else ''} in the last "
            f"{days(t.repair_days)}." if len(negs) > 1 else "")
    return [Action(
        kind="repair", title=f"Repair: talk to {who} about the {neg.type} of {fmt_date(neg.date)}",
        why=f"It went {sentiment_word(neg.sentiment)} {ago(as_of, neg.date)}: {neg.summary or 'no summary'}."
            f"{more} Nothing positive since.",
        due=max(as_of, neg.date + timedelta(days=3)), priority="high",
        contact=neg.with_[0] if neg.with_ else None, owner=_owner(customer, neg.by), source=neg.source,
        customer=customer.slug,
    )]


def broaden(customer: Customer, items: tuple[Interaction, ...], stage: Stage, as_of: date,
            t: Thresholds) -> list[Action]:
    if stage.id in ("ended", "dormant"):
        return []
    window = as_of - timedelta(days=t.single_thread_days)
    recent = [i for i in items if i.date > window and i.with_]
    people = {n for i in recent for n in i.with_}
    if len(people) != 1 or len(recent) < 3:
        return []
    only = next(iter(people))
    others = [c for c in customer.contacts if c.name != only]
    if others:
        pick = sorted(others, key=lambda c: (not c.role, c.name))[0]
        title = f"Bring {pick.name}{f' ({pick.role})' if pick.role else ''} into the conversation"
        contact = pick.name
    elif stage.id in ("at-risk", "growing"):
        title = f"Find a second contact at {customer.name}"
        contact = None
    else:
        return []  # one listed person on a steady account (a family business): nothing to broaden to
    return [Action(
        kind="broaden", title=title,
        why=f"All {len(recent)} touches in the last {days(t.single_thread_days)} went through {only}: "
            "if they leave, the relationship leaves with them.",
        due=as_of + timedelta(days=30), priority="medium" if stage.id == "at-risk" else "low",
        contact=contact, owner=_owner(customer), source=recent[-1].source, customer=customer.slug,
    )]


def answer(customer: Customer, open_asks: tuple[Ask, ...], tl: Timeline, as_of: date) -> list[Action]:
    if customer.status == "ended":
        return []
    out = []
    for a in open_asks:
        due = (a.since + timedelta(days=ASK_ANSWER_DAYS)) if a.since else as_of + timedelta(days=ASK_ANSWER_DAYS)
        waiting = (as_of - a.since).days if a.since else None
        out.append(Action(
            kind="answer", title=f"Answer: {a.what}",
            why=(f"Asked {fmt_date(a.since)}, waiting {days(waiting)}." if waiting is not None
                 else "The customer is waiting for an answer."),
            due=due, priority="high" if waiting is not None and waiting > 14 else "medium",
            contact=_main_contact(customer, tl), owner=_owner(customer), source=a.source, customer=customer.slug,
        ))
    return out
