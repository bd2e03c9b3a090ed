"""What we owe the customer: open promises, and their asks (open, parked, waiting since when)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..config import Thresholds
from ..model import Ask, Customer, Event, Interaction, Pause, Source
from .merge import groups, topic
from .occasion import about_renewal, ask_for, promise_for
from .people import key_people, not_now
from .timeline import upto
from .types import Action, Arrival, Occasion, OpenCommitment
from .words import first_name, named_in


#: A promise with no due date counts as due this long after it was made.
UNDATED_PROMISE_DAYS = 7

#: A task item that starts with one of these is a to-do about the customer (waiting on them),
#: not a promise to them: 'Chase Sarah for the staff list'.
CHASE_VERBS = ("chase", "remind", "nudge", "wait for", "check with")


#: 'Follow up with Jo on the renewal quote': following up with a person (a name, capitalised)
#: is chasing their reply; 'Follow up with the revised deck' is sending something.
_FOLLOW_UP_WITH = re.compile(r"(?i:follow[- ]?up\s+with)\s+[A-Z]")


#: What a to-do chases, after its verb and whom: 'Chase Sarah for the staff list' → 'the staff list'.
_CHASED = re.compile(r"(?i:chase|remind|nudge|wait\s+for|check\s+with|follow[- ]?up\s+with)\s+"
                     r"(?:[A-Z][\w'’.-]*\s+){1,3}(?i:for|about|on|over|re|regarding)\s+(\S.*)")


def chased_thing(text: str) -> str | None:
    """What a to-do waiting on a person chases, without the chasing: 'Chase Sarah for the staff
    list' → 'the staff list'; None when it names nobody to chase."""
    found = _CHASED.match(text.strip())
    return found.group(1).rstrip(".") if found else None


def chase_of(items: tuple[Interaction, ...], who: str, made: Interaction) -> tuple[Interaction | None, bool]:
    """Our first touch with `who` after the note `made` (where a to-do chasing them was
    written), and whether they were heard from since it: a chase done and unanswered makes the
    next step someone else's help. (None, False) when no chase is logged."""
    after = [i for i in items if i.date > made.date and who in i.with_]
    ours = next((i for i in after if i.direction == "out"), None)
    return ours, ours is not None and any(i.date >= ours.date and i.direction != "out" for i in after)


def is_chase(text: str) -> bool:
    """Whether a task item is a to-do waiting on the customer, not a promise to them: it stays
    an action, late when late, but breaks no promise (no risk to the relationship, no promise
    kept or overdue in its health): Fernhill read at risk over "Chase Sarah for the staff
    list", which the action itself called a to-do (an account manager's objection); Saltmarsh
    "owed them" its own "Follow up with Jo on the renewal quote" (another's)."""
    stripped = text.strip()
    return stripped.lower().startswith(CHASE_VERBS) or _FOLLOW_UP_WITH.match(stripped) is not None


def promises(open_: tuple[OpenCommitment, ...]) -> tuple[OpenCommitment, ...]:
    """The open task items that are promises to the customer (not `is_chase`)."""
    return tuple(oc for oc in open_ if not is_chase(oc.commitment.text))


def named_for(oc: OpenCommitment) -> str | None:
    """Whom a promise was made to by name (its words, or the one person in the touch); None when
    made to everyone there."""
    i = oc.interaction
    return named_in(oc.commitment.text, i.with_) or (i.with_[0] if len(i.with_) == 1 else None)


def reaches_kept_to(at: Source, open_: tuple[OpenCommitment, ...], customer: Customer) -> bool:
    """Whether the open promise at `at`, made to everyone in its touch, goes to someone there who
    asked us to raise nothing but a subject the renewal is not part of (`people.not_now`): it
    goes to them on its own, not with a question about the renewal."""
    oc = next((oc for oc in open_ if oc.commitment.source == at), None)
    if oc is None or named_for(oc) is not None:
        return False
    there = set(oc.interaction.with_)
    return any(not_now(c, "renew") is not None for c in customer.contacts if c.name in there)


def owed_to(oc: OpenCommitment, person: str) -> bool:
    """Whether a promise is owed to `person`: made in a touch they were in, to them by name or to
    everyone there (not to someone else there by name)."""
    return person in oc.interaction.with_ and named_for(oc) in (None, person)


def well_late(open_: tuple[OpenCommitment, ...], as_of: date, overdue_days: int) -> list[OpenCommitment]:
    """The promises more than `overdue_days` late and not in doubt (`OpenCommitment.in_doubt`):
    what the stage weighs as broken, and the brief and the renewal point as owed."""
    return [oc for oc in promises(open_) if oc.overdue_days > overdue_days and not oc.in_doubt(as_of, overdue_days)]


def worked_for(open_: tuple[OpenCommitment, ...]) -> set[Source]:
    """The asks (their lines) an open promise is the work for (`Occasion.ask`): waiting on that
    promise, not on an answer of their own."""
    return {oc.occasion.ask for oc in open_ if oc.occasion is not None and oc.occasion.ask is not None}


def promised(open_asks: tuple[Ask, ...], open_: tuple[OpenCommitment, ...]) -> set[int]:
    """Indexes of the asks that are the same job as an open promise (the merge's own tests of
    'same job': like words, or the promise being the work for the ask), so one late piece of
    work is not counted twice."""
    if not open_asks or not open_:
        return set()
    # A promise that is the work for an ask (its day is the ask's: `Occasion.ask`) is that job.
    tied = worked_for(open_)
    src = Source("", 0)
    pseudo = [Action("answer", a.what, "", date.min, "medium", None, None, src, str(k)) for k, a in enumerate(open_asks)]
    pseudo += [Action("follow-up", oc.commitment.text, "", date.min, "medium", None, None, src, "-") for oc in open_]
    out = {k for k, a in enumerate(open_asks) if a.source in tied}
    for g in groups(pseudo):
        if any(a.kind == "follow-up" for a in g):
            out.update(int(a.customer) for a in g if a.kind == "answer")
    return out


def open_commitments(customer: Customer, as_of: date) -> tuple[OpenCommitment, ...]:
    """Unticked task items up to as_of, most overdue first, then by file order."""
    out = []
    key: frozenset[str] | None = None  # whom the renewal rests on: asked only of a promise about it
    for i in upto(customer, as_of):
        for c in i.commitments:
            if not c.done:
                overdue = max(0, (as_of - c.due).days) if c.due else 0
                chase = is_chase(c.text)
                due = c.due or (c.made_on + timedelta(days=UNDATED_PROMISE_DAYS))
                if key is None and not chase and about_renewal(c.text):
                    key = frozenset(p.name for p in key_people(customer, as_of))
                out.append(OpenCommitment(c, i, c.due, overdue, None if chase else answered_ask(customer, c.text),
                                          None if chase else promise_for(c.text, c.made_on, i.with_, key or frozenset(),
                                                                         customer, due, i.body, i.summary or "")))
    out.sort(key=lambda oc: (-oc.overdue_days, oc.due or date.max, oc.commitment.source))
    return tuple(out)


#: An ask is due an answer within a week (the `answer` action, health and the stage's reasons).
ASK_ANSWER_DAYS = 7


def back_from_parking(a: Ask, day: date) -> bool:
    """A parked ask whose `until` has come by `day`: shelved until then, open again since."""
    return a.status == "parked" and a.until is not None and a.until <= day


#: An ask whose parking ended this soon after a pause they asked for was held by that pause.
HELD_MARGIN_DAYS = 7


def theirs_back(a: Ask, day: date, pause: Pause | None) -> bool:
    """An ask back from parking (`back_from_parking`) that a pause they asked for held (it came
    back during it, or within HELD_MARGIN_DAYS of its end): whether it still stands is theirs to
    say, nobody waits on us (Ashby's Phase 2 pricing, held with their spending freeze, with
    Mark, who "hates being chased when he can't give an answer"). One parked without a pause of
    theirs (by agreement: "after the party season") comes back ours to answer: Lantern's Copilot
    price read "whether it still stands is theirs to say… do not press it" (two twenty-eighth
    blind reads)."""
    return back_from_parking(a, day) and held_by_pause(a, pause)


def held_by_pause(a: Ask, pause: Pause | None) -> bool:
    """Whether a pause they asked for holds the parked ask: it comes back during it, or within
    HELD_MARGIN_DAYS of its end (`theirs_back`)."""
    return pause is not None and a.until is not None and a.until <= pause.until + timedelta(days=HELD_MARGIN_DAYS) \
        and (pause.since is None or pause.since <= a.until)


def waiting_since(a: Ask, day: date) -> date | None:
    """When the wait for an answer began: when they asked, or the day a parked ask came back."""
    return a.until if back_from_parking(a, day) else a.since


def _asked_by(a: Ask, day: date) -> bool:
    return a.since is None or a.since <= day


def open_asks(customer: Customer, as_of: date) -> tuple[Ask, ...]:
    """Asks waiting for an answer on as_of (not answered, not parked), longest waiting first."""
    asks = [a for a in customer.asks if not a.done and not a.parked_on(as_of) and _asked_by(a, as_of)]
    asks.sort(key=lambda a: (waiting_since(a, as_of) or date.min, a.source))
    return tuple(asks)


def parked_asks(customer: Customer, as_of: date) -> tuple[Ask, ...]:
    """Asks parked on as_of (shelved ideas, standing agreements): never overdue, in file order."""
    return tuple(a for a in customer.asks if a.parked_on(as_of) and _asked_by(a, as_of))


def answered_ask(customer: Customer, promise: str) -> Ask | None:
    """An ask marked done that a promise is about: were the promise late, the two would
    disagree, and often it was only never ticked. Lantern's tablet pricing, asked in June and
    marked done, read "16 days overdue" as promised again in October (the reader asked whether
    it had gone): all the promise is about, past its verb, the ask was about too. "Send pricing
    for remote render access" on 17 Nov, after "Remote access to the render farm" of 22 Sep was
    done, promises something new; so does a promise made the day an ask was answered on the
    spot (Rosalind's "probably, but not on the guest network", then "Find out from the oven
    supplier what the sensor kit needs": the answer made the work)."""
    words = promise.split(maxsplit=1)
    # Only a promise to send them something can have gone with an answer: "Install the in-room
    # tablets" after the tablet pricing was sent is the work the answer led to.
    if len(words) < 2 or words[0].lower() not in SEND_VERBS:
        return None
    about = topic(words[1])
    if len(about) < 2:
        return None
    for a in customer.asks:
        # A question answered ("Whether the market till can take Apple Pay") is not the work
        # a promise then makes ("Switch on Apple Pay on the market till").
        if a.done and not is_question(a.what):
            theirs = topic(a.what)
            if about <= theirs:
                return a
    return None


#: The verbs of a promise to send them something (a price, a plan, a document).
SEND_VERBS = frozenset("send share email forward give provide quote price resend".split())

#: How a question starts: an ask so worded is answered by telling, not by the work it asks about.
QUESTION_WORDS = ("whether", "can", "could", "is", "are", "does", "do", "will", "would", "should", "how", "what",
                  "why", "when", "which", "who", "if")


def is_question(text: str) -> bool:
    """'Whether the ovens' sensors can go on the Wi-Fi', 'Can we get remote access?'."""
    words = text.strip().lower().split(maxsplit=1)
    return text.rstrip().endswith("?") or bool(words) and words[0].strip(",:") in QUESTION_WORDS


def ask_gone_by(a: Ask, as_of: date, dates: tuple[Event, ...] = ()) -> Occasion | None:
    """The day or season the ask was for (`occasion.ask_for`), if it has gone by: answering
    late no longer helps, and it is a check (done, or past helping?), not a debt growing by
    the day. Northgate's engineer "through peak" still cost health in April."""
    found = ask_for(a.what, a.since, dates)
    return found if found is not None and found.day < as_of else None


#: An ask waiting this long for its answer is a debt (`debt_items`): twice the week it is given.
ASK_DEBT_DAYS = 2 * ASK_ANSWER_DAYS


#: How `debt_items` says a promise most likely missed; the note of thanks that waits on it says
#: to own it first, not "own it: see to that first" (Lantern's, a check of a twentieth blind read).
OWN_IT = ": own it"
MISSED_OWN = f" and most likely missed{OWN_IT}"


def debt_items(open_: tuple[OpenCommitment, ...], asks: tuple[Ask, ...], as_of: date, t: Thresholds,
               dates: tuple[Event, ...] = (), news: tuple[Arrival, ...] = (),
               person: str | None = None, pause: Pause | None = None) -> list[tuple[str, Ask | None, Source]]:
    """What we are late enough on for it to weigh, heaviest first: promises more than
    `overdue_days` overdue that count (not one in doubt, nor a to-do chasing them), the most
    overdue first, then their asks waiting more than ASK_DEBT_DAYS for an answer, their day not
    gone by, the longest first ('“SOC 2 vendor evidence pack”, waiting 111 days'). A promise
    comes before a question however long it has waited: it is our word, with a day we gave
    (Brightwell's brief put Karen's Copilot question, 52 days old, before the MES cutover plan
    we promised for 25 Nov, 44 days late: an account manager's objection).
    An ask that is the same job as an open promise (`promised`: the promise is the work for it,
    or like words) waits on that promise, which is a debt only once late: Brightwell's brief put
    "Network drops for the Haas machines, waiting 16 days" before its renewal while the
    switches' lead time we promised was not yet due.
    An ask that something now available answers (`news`) is owed the news: '“Replace the VPN…”,
    asked 187 days ago: tell Finn that Managed zero-trust access is available' (Loomwork's brief
    called Finn's request for a new service a debt, "waiting 187 days": a fifteenth blind read).
    Each is said with the ask it is, if one (None for a promise), and its line. `person`: only
    what is owed to them (`owed_to`; an ask of theirs, or of nobody named). `pause`: the one they
    asked for, which holds an ask parked with it (`theirs_back`)."""
    # One most likely missed (well late by the day it was for) is owned, not delivered: Lantern's
    # brief said "First see to what we owe them: “Book the pre-Christmas Wi-Fi health check”"
    # in April (a thirteenth blind read).
    late = sorted(((oc.overdue_days, oc.commitment.text, oc.missed_by(as_of, t.overdue_days) is not None,
                    oc.commitment.source) for oc in well_late(open_, as_of, t.overdue_days)
                   if person is None or owed_to(oc, person)), key=lambda x: -x[0])
    # One that is the same job as an open promise (`promised`) is weighed as that promise: the
    # renewal point's "and 2 more" counted Tasha's ask beside the schedule it asked for.
    same = promised(asks, open_)
    told = {id(x.ask): x.what for x in news}
    waits: list[tuple[int, str, Ask]] = []
    for k, a in enumerate(asks):
        if k in same or theirs_back(a, as_of, pause):  # theirs to take up, no debt of ours
            continue
        if person is not None and a.from_ not in (None, person):
            continue
        since = waiting_since(a, as_of)
        if since is not None and (as_of - since).days > ASK_DEBT_DAYS and ask_gone_by(a, as_of, dates) is None:
            n = (as_of - since).days
            whom = first_name(a.from_) if a.from_ else "them"
            waits.append((n, f"\u201c{a.what}\u201d, asked {n} days ago: tell {whom} that {told[id(a)]} is available"
                          if id(a) in told else f"\u201c{a.what}\u201d, waiting {n} days", a))
    waits.sort(key=lambda x: -x[0])
    return ([(f"\u201c{text}\u201d, {n} days overdue" + (MISSED_OWN if missed else ""), None,
              source) for n, text, missed, source in late]
            + [(text, a, a.source) for _, text, a in waits])
