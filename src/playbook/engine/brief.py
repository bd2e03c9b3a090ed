"""The pre-meeting brief's judgement: what to bring up, and what to handle with care.

Pure: read off the relationship the engine has already made, so each point carries the line
behind it like every other reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..config import Thresholds
from ..markdown import SUMMARY_LIMIT
from ..model import Ask, Customer, Interaction, Source
from ..sentences import sentence_at
from .actions import LAPSED_ASLEEP, eve_ask
from .dates import RENEWAL_EVE_DAYS, last_renewal_talk, lead_unheard, renewal_doubt, renewal_lapsed, renewal_talk_text
from .merge import similar, topic
from .occasion import about_renewal
from .owed import ask_gone_by, back_from_parking, debt_items, held_by_pause, is_chase, theirs_back, waiting_since
from .pause import pause_ended_text, pause_text
from .people import buyer_of, main_contact, not_now, once, renewal_deciders
from .plays import open_on
from .rank import new_business
from .stage import unanswered_text, unrepaired_negatives
from .timeline import upto
from .types import OpenCommitment, Reason, Relationship
from .words import (THEIRS_RAISE, day_list, days, first_name, fmt_date, fmt_day, in_days, money, people, sentence,
                    theirs_to_raise, weeks_or_days, year_meant)

#: How far back a good touch is still news, and how far ahead a renewal or a date is worth raising.
GOOD_NEWS_DAYS = 90
RENEWAL_AHEAD_DAYS = 180
DATES_AHEAD_DAYS = 30
#: How recent a bad touch counts as an open complaint (the repair window is usually shorter).
COMPLAINT_DAYS = 60
#: What a note leaves for the next time we talk ("show him the till reset next time we're in"),
#: brought up until a later call, meeting or visit (a meeting or visit when it needs us there),
#: from notes of the last year; the latest NEXT_TIME_POINTS of them. Rosalind's renewal visit
#: said nothing of showing Kofi the till reset (an eleventh blind read).
_NEXT_TIME = re.compile(r"\bnext (?:time|visit)\b|\bwhen we(?:'re|\u2019re| are) next\b", re.IGNORECASE)
_THERE = re.compile(r"\b(?:we(?:'re|\u2019re| are) (?:next )?in|visit|on site|pop in|drop in|come in)\b", re.IGNORECASE)
NEXT_TIME_DAYS = 365
NEXT_TIME_POINTS = 2


def _last_renewal(c: Customer, as_of: date) -> str:
    """' At the last renewal, …' (`dates.last_renewal_talk`), or ''."""
    last = last_renewal_talk(c, c.renewal, as_of) if c.renewal else None
    return f" {renewal_talk_text(last, c.renewal)}" if last is not None else ""


def talking_points(r: Relationship, currency: str | None = None, t: Thresholds | None = None) -> list[Reason]:
    """What to bring up: the renewal, what they asked for that has come in, their open
    questions, promises coming due, recent good news and personal dates. `t`: the team's
    thresholds (how late a promise weighs)."""
    c, as_of = r.customer, r.as_of
    out: list[Reason] = []
    complaints = open_complaints(r)
    items = debt_items(r.commitments, r.open_asks, as_of, t or Thresholds(), c.dates, r.arrivals, pause=c.pause)
    owing = [text for text, *_ in items]
    # An ask the renewal point names first is not brought up again on its own: St Aldhelm's brief
    # said Gareth's question twice, one under the other (a fifteenth blind read's print ran to a
    # second page). The point says whose question it is instead.
    named: Ask | None = None
    if items and items[0][1] is not None and items[0][1].from_:
        owing[0] = f"{items[0][1].from_}'s question, {owing[0]}"
    # A promise first is named under Handle with care ("We are late on: …"), not here too: Lantern's
    # one-page brief said the Wi-Fi check four times (a sixteenth blind read).
    late_first = bool(items) and items[0][1] is None
    if c.renewal and c.status != "ended" and 0 <= (c.renewal - as_of).days <= RENEWAL_AHEAD_DAYS:
        named = items[0][1] if items and not complaints else None
        worth = f", {money(c.value, currency)} a year" if c.value else ""
        # Northgate's brief said to bring up the renewal to a CEO threatening to tender over
        # the outages: with a complaint open, or a promise late enough to put the account at
        # risk (Calder's schedule, 66 days late), the renewal waits on it. So does what we owe
        # them however the account stands (the first of `owed.debt_items`, the debt a note of thanks waits on):
        # Kestrel's renewal point said nothing of Ravi's SOC 2 pack, waiting 111 days.
        more = f", and {len(owing) - 1} more" if len(owing) > 1 else ""
        # Listed first, the renewal's conversation leads, and what we are late on goes into it:
        # Lantern's brief said "First see to what we are late on" above a list led by the meeting
        # before the renewal, 11 days off (a twenty-ninth blind read).
        leads = late_first and _leads(r, items[0][2])
        first = (f" Settle the open complaint ({fmt_date(complaints[0].date)}) first." if complaints else
                 " Take what we are late on into it (under Handle with care)." if leads else
                 " First see to what we are late on (under Handle with care)." if late_first else
                 f" First see to what we owe them: {owing[0]}{more}." if owing else
                 " Deliver what we are late on first." if at_risk_for_a_promise(r) else "")
        # Their side's time to renew running with nothing heard is what the meeting must settle
        # (the call's reason says it too: `actions.renewal`).
        begun = lead_unheard(c, c.renewal, r.timeline.last_heard, as_of)
        starts = c.renewal - timedelta(days=c.renewal_lead or 0)
        # Before it begins, the day it must: St Aldhelm's brief of 1 Feb named the renewal "in 58
        # days" and not the 8 weeks of paperwork that had to start by 3 Feb (an account
        # manager's objection).
        buyer = buyer_of(c, None, as_of) if c.renewal_lead and (begun is not None or starts >= as_of) else None
        # Whoever buys for them is named as the call names them (a tenth blind read: the brief
        # left Siobhan out), and asked first once that time has begun unheard (an eleventh).
        ask = (f"ask {buyer.name} ({buyer.role}), likely the one who starts it, whether it has started; if it has not, "
               "ask for an extension the same day." if buyer is not None else
               "ask whether their side has started, or for an extension.")
        lead = (f" Their side needs {weeks_or_days(c.renewal_lead or 0)} to renew, from {fmt_date(begun)}, and "
                f"nothing has been heard from them since: {ask}" if begun is not None else
                f" Their side needs {weeks_or_days(c.renewal_lead)} to renew: it must start by {fmt_date(starts)}."
                + (f" {buyer.name} ({buyer.role}) is likely the one who starts it." if buyer is not None else "")
                if c.renewal_lead and starts >= as_of else "")
        # Begun unheard, that question comes first, as the action that leads asks it: St
        # Aldhelm's brief, six days before, opened with a question 239 days old (a seventh blind read).
        # Not into a question to whoever buys for them what is owed to someone else: St Aldhelm's
        # took Gareth's nurse-call question to Siobhan in procurement (a twenty-second blind read).
        apart = begun is not None and buyer is not None and not complaints and bool(owing) and items[0][2] not in {
            src for *_, src in debt_items(r.commitments, r.open_asks, as_of, t or Thresholds(), c.dates, r.arrivals,
                                          person=buyer.name, pause=c.pause)}
        # On its eve, there is no "first": the question is whether it is signed, and what we owe
        # goes into that call (Brightwell's brief said "First see to what we are late on" the day
        # before, beside "Call Dave Brightwell today": a twenty-fourth blind read).
        eve = (c.renewal - as_of).days <= RENEWAL_EVE_DAYS
        if apart:
            first = (" Apart from this, see to what we are late on (under Handle with care)." if late_first else
                     f" Apart from this, see to what we owe them: {owing[0]}{more}.")
        elif (begun is not None or eve) and (complaints or owing):
            first = (f" Take the open complaint ({fmt_date(complaints[0].date)}) into it." if complaints else
                     " Take what we are late on into it (under Handle with care)." if late_first else
                     f" Take what we owe them into it: {owing[0]}{more}.")
        if eve and begun is None:
            first = f"{eve_ask(c)}{first if complaints or owing else ''}"
        said = f"{lead}{first}" if begun is not None else f"{first}{lead}"
        # Not with someone who asked us to keep to one subject, as the call says: Northgate's brief
        # said to bring up the renewal beside "Simon Hurst: avoid anything but the outages until they
        # are fixed", where its call prepares it with Fiona (a twenty-ninth blind read).
        call = next((a for a in r.actions if a.renewal_step == "call" and a.contact), None)
        decide = renewal_deciders(c, main_contact(c, r.timeline), as_of)
        kept = not_now(decide[0], "renew") if decide else None
        if call is not None and kept is not None and call.contact != decide[0].name:
            said += f" Prepare it with {call.contact}; take it to {first_name(decide[0].name)} {once(kept[1])}."
        n = (c.renewal - as_of).days
        out.append(Reason(f"The renewal on {fmt_date(c.renewal)} ({in_days(n)}){worth}.{said}"
                          f"{_last_renewal(c, as_of)}", c.at("renewal")))
    elif renewal_lapsed(c, as_of):
        # Gone by unrecorded, it is the one question the call is for: the brief had said "Nothing
        # in particular" under a stage at risk for it (an account manager's objection).
        worth = f" ({money(c.value, currency)} a year)" if c.value else ""
        # Our records before the room: asking a CEO who threatened to tender whether he renewed
        # would embarrass us (a thirteenth blind read of Northgate's brief).
        # After a complaint not set right, an invoice raised as routine is no sign they stayed: the
        # action said so and the brief did not (a check of a seventeenth blind read's fixes).
        # So after our touches went unanswered, or their time to renew began unheard, as the
        # action says (`renewal_doubt`): only Northgate's read so (a twenty-first blind read).
        doubt = renewal_doubt(c, r.timeline.unanswered, r.timeline.last_heard, as_of, (t or Thresholds()).renewal_days,
                              last_contact=r.timeline.last_contact)
        then = (f"; if they do not show it, then with the complaint of {fmt_date(complaints[0].date)} not set right, "
                "do not take it as renewed: ask where it stands." if complaints else
                f"; if they do not show it, then with {doubt[0]}, do not take it as renewed: ask where it stands."
                if doubt is not None else ", and ask only if they do not say.")
        # What goes on its own first, as the question says (`actions.after_apart`): Northgate's
        # brief asked about the renewal with no word of the report to go first (a check).
        q = next((a for a in r.actions if a.renewal_step == "lapsed" and a.after is not None and a.goes_with), None)
        if q is not None:
            then += f" {q.goes_with}"
        out.append(Reason(f"Whether the renewal of {fmt_date(c.renewal)}{worth} went through: nothing records it. "
                          f"Check our own records before you meet{then}{_last_renewal(c, as_of)}", c.at("renewal")))
    # A day that matters to their business (a move, a go-live) this month is what the meeting
    # is about: it comes straight after the renewal (Kestrel's office move was left off).
    # One written with `prepare: 0` is a date to know, not one to get ready for (Northgate's end of
    # peak season read "confirm their side is ready": an account manager's objection).
    ready = {e.source for e in c.dates if e.prepare}
    # On the day itself, to be on hand, as its action says (Loomwork's read "confirm their side is
    # ready" on its starters' first morning: a twenty-fourth blind read).
    out += [Reason(f"{k.title} is today: be on hand, and check in with {k.contact or 'them'} as it goes."
                   if k.source in ready and k.days_until == 0 else
                   f"{k.title} on {fmt_day(k.date)}: confirm their side is ready, and walk "
                   f"{k.contact or 'them'} through ours." if k.source in ready else
                   f"{k.title} on {fmt_day(k.date)}.", k.source)
            for k in r.key_dates if k.kind == "event" and k.days_until <= DATES_AHEAD_DAYS]
    # Gone by lately with nobody asking how it went (its action is still open): ask in the meeting.
    asked = {x for a in r.actions
             for x in ((a.source,) if a.kind == "personal" else ()) + tuple(y.source for y in a.also)}
    out += [Reason(f"{sentence(e.what)[:-1]} was on {fmt_day(e.on)}: ask how it went, and whether anything on our "
                   "side is still to put right.", e.source)
            for e in sorted(c.dates, key=lambda e: (e.on, e.what)) if e.on < as_of and e.source in asked]
    # What they asked for has come in: the best news to bring, and it answers their question.
    told = {id(x.ask) for x in r.arrivals} if c.status != "ended" else set()
    for x in (r.arrivals if told else ()):
        if x.ask is named:  # the renewal point says it, first (Loomwork's brief said it twice)
            continue
        who = x.ask.from_ or "They"
        when = f" on {fmt_date(x.ask.since)}" if x.ask.since else ""
        # "Newly" only while it is news (GOOD_NEWS_DAYS): seven months on, it is news not yet told.
        fresh = "Newly available" if (as_of - x.on).days <= GOOD_NEWS_DAYS else "Available, and not yet told"
        # Behind what we are late on, as its action says: Calder's brief led with the zero-trust news
        # while the retention schedule was 41 days late (a seventeenth blind read).
        # ("With", not "in its covering note": beside "Say when it will come" there may be no
        # delivery yet to cover, a check of that fix found.)
        # ("Tell Owen", not "Tell them": beside Tasha's schedule, whom was left to guess, an
        # earlier blind read.)
        behind = (f" Tell {first_name(x.ask.from_) if x.ask.from_ else 'them'} along with what we are late on (under "
                  "Handle with care), not on its own." if late_first else "")
        out.append(Reason(f"{fresh}: {x.what} (since {fmt_date(x.on)}). {who} asked for it{when}: "
                          f"{sentence(x.ask.what)}{behind}", x.ask.source))
    # An ask that a promise of ours answers (one job, merged into one action) is brought up
    # once, as that promise: Calder's brief had Tasha's question under "Bring up" and the
    # schedule it asked for under "We are late on".
    listed = {oc.commitment.source for oc in r.commitments if oc.due is not None and not is_chase(oc.commitment.text)
              and (oc.overdue_days > 0 or (oc.due - as_of).days <= 14)}
    jobs = [{a.source, *(x.source for x in a.also)} for a in r.actions]
    promised = {s for job in jobs if job & listed for s in job}
    for a in r.open_asks:
        if id(a) in told or a.source in promised or a is named:
            continue
        since = waiting_since(a, as_of)
        if theirs_back(a, as_of, c.pause):
            # Parked until a day gone by: shelved, not a question waiting "1 day" (Ashby's held
            # Phase 2 pricing); whether it still stands is theirs to say.
            out.append(Reason(f"Parked until {fmt_date(since)}: {sentence(a.what)[:-1]}. Ask whether it still "
                              "stands; do not press it.", a.source))
            continue
        who = f"{a.from_}'s question" if a.from_ else "Their question"
        wait = f" (waiting {days((as_of - since).days)})" if since else ""
        if since and back_from_parking(a, as_of):  # back with us: ours to answer (`theirs_back`)
            wait = f" (parked until {fmt_date(since)}, back with us {days((as_of - since).days)}: bring the answer)"
        gone = ask_gone_by(a, as_of, c.dates)
        if gone is not None:
            # Not "waiting 87 days" for an engineer "through peak" in February (an account
            # manager's objection): whether it was done is the question.
            wait = (f" (asked {fmt_date(a.since)}, for {gone.text}, which has gone by: find out whether it was done "
                    "before you meet)")
        # Waiting, low, on whether a renewal gone by went through, as its answer says: Northgate's
        # brief listed Simon's service credit with no word of it beside a profile holding it so
        # (a check of a twenty-ninth blind read).
        elif any(a.source in (x.source, *(y.source for y in x.also)) and x.waits_on == LAPSED_ASLEEP
                 for x in r.actions):
            held = "low priority until you know whether they renewed: ask that first"
            wait = f"{wait[:-1]}; {held})" if wait else f" ({held})"
        out.append(Reason(f"{who}: {sentence(a.what)[:-1]}{wait}.", a.source))
    lapsed = renewal_lapsed(c, as_of)
    for oc in r.commitments:
        if is_chase(oc.commitment.text) and lapsed and about_renewal(oc.commitment.text):
            # The question whether it went through, the first point, is that chase now: Saltmarsh's
            # read "Our to-do: Follow up with Jo on the renewal quote (due 24 Nov 2026, 191 days
            # ago)" under it into June (a twenty-second blind read).
            continue
        if is_chase(oc.commitment.text):
            # Something to get from them, not a promise to them (Fernhill's "Chase Sarah for the
            # staff list" read "We are late on … Say when it will come").
            if oc.due is not None and (oc.due - as_of).days <= 14:
                out.append(Reason(f"Our to-do: {sentence(oc.commitment.text)[:-1]} ({_due(oc)}).",
                                  oc.commitment.source))
        elif oc.due is not None and oc.overdue_days == 0 and (oc.due - as_of).days <= 14:
            out.append(Reason(f"We promised: {sentence(oc.commitment.text)[:-1]}, due {fmt_date(oc.due)}.",
                              oc.commitment.source))
    # New business open and worth something, unless an action is its work (a quote promised is
    # brought up as that promise) or an ask of theirs is about it (brought up as that ask, or
    # parked: Ashby's Phase 2, held until spending controls lift, is not to be pressed), and
    # not while they asked for a pause: St Aldhelm's £140,000 outpatient wing was in no brief
    # (a fifteenth blind read).
    paused = any(f.id == "paused" for f in r.flags)
    open_ = [o for o in c.opportunities if c.status != "ended" and not paused and o.status == "open" and o.value
             and o.since and open_on(o, as_of)]
    if open_:  # (most customers have none: nothing else is worked out for them)
        worked = {id(o) for a in r.actions if (o := new_business(a, c)) is not None}
        asked = [topic(a.what) for a in (*r.open_asks, *r.parked_asks)]
        out += [Reason(f"New business open since {fmt_date(o.since)}: {sentence(o.what)[:-1]}, "
                       f"{money(o.value, currency)}. Ask where it stands.", o.source)
                for o in open_ if id(o) not in worked and not any(similar(words, topic(o.what)) for words in asked)]
    out += left_for_next_time(c, as_of)
    # A good touch whose promise we are late on is no news to build on: the brief lists it under
    # what we are late on (an account manager read both of one touch, side by side).
    owed = {oc.interaction.source.path for oc in r.commitments if oc.overdue_days > 0}
    # Nor one about what we are late on, said in another note: Oakmere's "remote render access
    # requested" with its pricing late, Westmarch's "Kasia to be trained on admin" with her
    # training late (a twenty-first blind read).
    late_topics = [topic(oc.commitment.text) for oc in r.commitments if oc.overdue_days > 0]
    # Nor is our own outreach still unanswered: Saltmarsh's "Good news to build on: Sent the
    # 2027 renewal quote" sat beside "at risk if our email of 3 Nov still has no reply".
    # Nor a purchase the stage's reasons name already: Westmarch's brief gave its cluster order as
    # good news under "Growing … Bought (29 Oct 2026): PO raised…" (a check of a fifteenth blind
    # read). (Other reasons point at the last touch only to say when it was.)
    staged = {x.source for x in r.stage.reasons}
    recent = [i for i in r.customer.interactions if as_of - timedelta(days=GOOD_NEWS_DAYS) < i.date <= as_of
              and i.sentiment is not None and i.sentiment > 0 and i.source.path not in owed
              and not any(similar(topic(i.summary or ""), words) for words in late_topics)
              # Nor one that looks forward to a renewal nobody knows went through: Saltmarsh's
              # "renewal in December" in late December, its quote unanswered (that read).
              and not (lapsed and about_renewal(i.summary or ""))
              and i not in r.timeline.unanswered and not (i.type == "purchase" and i.source in staged)]
    if recent:
        i = recent[-1]
        out.append(Reason(f"Good news to build on ({fmt_date(i.date)}): {sentence(i.summary or i.type)}", i.source))
    # Thanks for five years is no talking point while a complaint is open or nobody knows
    # whether they renewed (as for the anniversary action), nor while we are late on what we
    # owe them (the first of `owed.debt_items`, as the action says once it comes): Calder's brief offered its 3rd
    # anniversary with the retention schedule 211 days late (an account manager's objection).
    # A person's birthday stays.
    sore = bool(complaints) or renewal_lapsed(c, as_of) or bool(owing)
    waiting = {a.source for a in r.actions if a.kind == "personal" and a.priority == "low"}
    for k in r.key_dates:
        if k.kind in ("birthday", "anniversary") and k.days_until <= DATES_AHEAD_DAYS and not (
                (sore or k.source in waiting) and k.kind == "anniversary"):
            out.append(Reason(f"{k.title} on {fmt_day(k.date)}.", k.source))
    # With nothing else to bring up, the call opens where the last one left off: Pemberton's
    # brief, for a call to rekindle after 438 days, said "Nothing in particular" while its last
    # note read "Alan says they'll call us in the new year about the online shop" (an account
    # manager's objection, twice). So does a call to rekindle a dormant account, whatever else
    # there is: Pemberton's lost it to its anniversary (a check of that fix). So does one whose
    # last word left the next move to them: on the day its check-in fell due, Pemberton's brief
    # listed only the anniversary, not "Alan says they'll call us in the new year" (a check read).
    left = where_we_left(c, as_of)
    theirs = any(x.text.endswith(THEIRS_RAISE) for x in left)
    return out + left if not out or r.stage.id == "dormant" or theirs else out


def where_we_left(c: Customer, as_of: date) -> list[Reason]:
    """The last touch up to as_of, in a line: its summary (when none is written, the first
    sentence of its notes, as loaded); nothing for a touch with neither."""
    items = upto(c, as_of)
    said = items[-1].summary if items else None
    if not said:
        return []
    i = items[-1]
    with_ = f" with {people(i.with_)}" if i.with_ else ""
    return [Reason(f"Where we left it, the {i.type} of {fmt_date(i.date)}{with_}: {sentence(said)}"
                   f"{year_meant(said, i.date, as_of)}{theirs_to_raise(said, i.date, as_of)}", i.source)]


def left_for_next_time(c: Customer, as_of: date) -> list[Reason]:
    """Points from notes that leave something for the next time we talk or are there
    (`_NEXT_TIME`), not yet followed by such a touch; the latest first."""
    items = upto(c, as_of)
    talked = max((i.date for i in items if i.type in ("call", "meeting", "visit")), default=None)
    there = max((i.date for i in items if i.type in ("meeting", "visit")), default=None)
    out = []
    for i in reversed(items):  # (interactions are kept in date order)
        if (as_of - i.date).days > NEXT_TIME_DAYS or len(out) == NEXT_TIME_POINTS:
            break
        m = _NEXT_TIME.search(i.text)
        if m is None:
            continue
        said = sentence_at(i.text, m.start(), SUMMARY_LIMIT)
        since = there if _THERE.search(said) else talked
        if since is None or since <= i.date:
            out.append(Reason(f"Left for next time ({fmt_date(i.date)}): {said}", Source(i.source.path, i.body_line)))
    return out


def _leads(r: Relationship, late: Source) -> bool:
    """Whether the renewal's own call is listed before the work for what we are late on (`late`)."""
    for a in r.actions:
        if a.renewal_step == "call":
            return True
        if late in (a.source, *(x.source for x in a.also)):
            return False
    return False


def at_risk_for_a_promise(r: Relationship) -> bool:
    """At risk, with a late promise among the stage's reasons."""
    return r.stage.id == "at-risk" and any(x.cause == "late-promise" for x in r.stage.reasons)


def open_complaints(r: Relationship) -> list[Interaction]:
    """Bad touches with nothing good since, within COMPLAINT_DAYS, worst first."""
    return unrepaired_negatives(tuple(x for x in r.customer.interactions if x.date <= r.as_of), r.as_of,
                                COMPLAINT_DAYS)


def _due(oc: OpenCommitment) -> str:
    return (f"due {fmt_date(oc.due)}, {days(oc.overdue_days)} ago" if oc.overdue_days > 0
            else f"due {fmt_date(oc.due)}")


def handle_with_care(r: Relationship, t: Thresholds | None = None) -> list[Reason]:
    """What not to walk into: open complaints, a pause they asked for, promises we are late on,
    ideas they shelved, our unanswered messages, and what each person asked us to avoid. `t`:
    the team's thresholds (how late a promise must be, when its day came, to be missed)."""
    c, as_of = r.customer, r.as_of
    out: list[Reason] = []
    # One point each for the complaints and for our late promises, however many: the brief has
    # room for four, and Northgate's three complaints and a late promise left no room for
    # Simon's "avoid anything but the outages".
    complaints = open_complaints(r)
    if complaints:
        i = complaints[0]
        rest = sorted(x.date for x in complaints[1:])
        more = f" Other bad touches with nothing good since: {day_list(rest)}." if rest else ""
        out.append(Reason(f"Open complaint ({fmt_date(i.date)}): {sentence(i.summary or i.type)[:-1]}; "
                          f"nothing good has happened since.{more}", i.source))
    if c.pause is not None and any(f.id == "paused" for f in r.flags):
        # Beside what goes ahead anyway (`Action.held`), "Do not chase" flatly read as contradicting
        # it (Ashby's call before the renewal: a twenty-seventh read).
        out.append(Reason(f"{pause_text(c.pause)} " + ("Do not chase anything else." if any(a.held for a in r.actions)
                                                     else "Do not chase."), c.pause.source))
    elif c.pause is not None and r.timeline.pause_until is not None and r.timeline.pause_until <= as_of:
        # The first call after a pause opens with what it was for, not as if the year were a lapse.
        # Once a cadence has gone by since it ended with nothing from us, that wait is ours: Ashby's
        # still said "not as if the silence were a lapse" twelve weeks on (a twenty-eighth blind read).
        tl = r.timeline
        heard = f"last heard {fmt_date(tl.last_heard)}" if tl.last_heard else "nothing heard before it"
        gone = (as_of - tl.pause_until).days
        ours = r.cadence is not None and gone > r.cadence \
            and (tl.last_contact is None or tl.last_contact < tl.pause_until)
        out.append(Reason(f"{pause_ended_text(c.pause)} " + (
            f"That was {days(gone)} ago, and we have not been in touch since: say so, then ask where things stand "
            if ours else "Open with it, not as if the silence were a lapse ") + f"({heard}).", c.pause.source))
    late = [oc for oc in r.commitments if oc.overdue_days > 0 and not is_chase(oc.commitment.text)]
    unticked = False
    if late:
        # A promise for a day gone by ("laptops for the 1 December starters"), or one the ask it
        # answers says went, is done and not ticked, or missed: "say when it will come" no
        # longer fits it. The action says the same.
        # Well late when its day came, it was most likely missed (`Action.missed`): owned, not checked.
        od = (t or Thresholds()).overdue_days
        missed = [oc.missed_by(as_of, od) is not None for oc in late]
        doubt = [(f"it was for {g.text}: most likely missed" if m else f"it was for {g.text}") if g else
                 "their ask for it is marked done" if oc.answered else None
                 for oc, g, m in ((oc, oc.gone_by(as_of), m) for oc, m in zip(late, missed))]
        # Each one to check first and none most likely missed: past due and not ticked, not what we
        # know we are late on. Kestrel's brief said "We are late on" of laptops for starters three
        # months gone, where its profile said "nothing logged says whether it was done: not counted
        # as a risk" (a thirtieth blind read).
        unticked = all(d is not None for d in doubt) and not any(missed)
        # Its day still to come, or today, is said: Kestrel's brief read "Say when it will come" on
        # the 1 December starters' first day (a check of an eleventh blind read's fix).
        ahead = [oc.coming(as_of) for oc in late]
        # A season under way (Lantern's pre-Christmas check, on 14 Dec): do it now, or say today
        # what instead, as its action says (a fifteenth blind read).
        season = [oc.season_near(as_of) for oc in late]
        listed = [f"{sentence(oc.commitment.text)[:-1]} ({_due(oc)}"
                  + (f"; {d})" if d else f"; it is for {oc.occasion.text}, today)" if day == as_of else
                     f"; it is for {oc.occasion.text}, in {days((day - as_of).days)})" if day else
                     f"; it is for {near.text}, by {fmt_date(near.day)} at the latest)" if near else ")")
                  for oc, d, day, near in zip(late[:3], doubt, ahead, season)]
        more = f" and {len(late) - 3} more" if len(late) > 3 else ""
        what = "; ".join(listed) + more
        # The rest (neither in doubt nor for a day to come): when each will come, except one for a
        # season under way, to be done now.
        rest = [n for n, d, day in zip(season[:3], doubt, ahead) if not d and day is None]
        near = next((n for n in rest if n is not None), None)
        when = (f"do the one for {near.text} now, or say today what we will do instead"
                + (f"; deliver the {'other' if len(rest) == 2 else 'rest'}, or say when it will come"
                   if len(rest) > 1 else "")) if near else ""
        # By name: "the one marked" read as "marked done" where it was marked most likely missed
        # (a check of a sixteenth blind read).
        # One most likely missed among several is owned, as its action says: Lantern's read "Check
        # first whether each was done" beside "Own the missed promise" (a twenty-sixth blind read).
        named_ = [(f"\u201c{sentence(oc.commitment.text)[:-1]}\u201d", m) for oc, d, m in zip(late[:3], doubt, missed)
                  if d]
        owned = tuple(n for n, m in named_ if m)
        checked = tuple(n for n, m in named_ if not m)
        several = [f"own {people(owned, 3)}, unless {'it was' if len(owned) == 1 else 'they were'} done after all"
                   if owned else "",
                   f"check first whether {people(checked, 3)} {'was' if len(checked) == 1 else 'were'} done"
                   if checked else "",
                   "if not, say what we will do now" if all(doubt) else
                   when or f"deliver the {'other' if len(late) - len(named_) == 1 else 'rest'}, or say when it "
                           "will come"]
        several_ = "; ".join(x for x in several if x)
        then = ("If it was done, tick it; if not, deliver it today." if ahead[0] == as_of else
                "Deliver it before then.") \
            if len(late) == 1 and ahead[0] is not None else \
            "Do it now, or say today what we will do instead." if len(late) == 1 and season[0] is not None else \
            (f"{when[0].upper()}{when[1:]}." if near else
             # Delivered first, and only what cannot go yet a date: Calder's schedule, 231 days
             # late, read "Say when it will come" above "Do not pile on" (a twenty-second blind
             # read), and so did Northgate's root-cause report (a twenty-sixth).
             ("Deliver it; if it cannot go yet, say when it will." if len(late) == 1 else
              "Deliver each; for what cannot go yet, say when it will.")) if not any(doubt[:3]) else \
            "Own it, unless it was done after all: say what we will do now." if len(late) == 1 and missed[0] else \
            "Check first whether it was done; if not, say what we will do now." if len(late) == 1 else \
            "Check first whether each was done; if not, say what we will do now." if all(doubt) and not owned else \
            f"{several_[0].upper()}{several_[1:]}."
        # One that waits on whether a renewal gone by went through says so, as its action does:
        # Northgate's brief read "Deliver each" of an exec call its profile held "Low priority until
        # you know whether they renewed: ask that first" (a twenty-ninth blind read).
        # Not one to check in our own records first (done after all? most likely missed?): that
        # needs no answer of theirs, and "check first… ask that first" read as two firsts (a check).
        waiting = [f"\u201c{sentence(oc.commitment.text)[:-1]}\u201d" for oc, d in zip(late[:3], doubt)
                   if d is None and any(a.source == oc.commitment.source and a.waits_on == LAPSED_ASLEEP
                                        for a in r.actions)]
        # (Never all of them: the most late goes into the question, or on its own first.) Said
        # before what to do with the rest: "Deliver each" and then "… waits" read as contradicting.
        if waiting:
            rest = "the other" if len(late) - len(waiting) == 1 else "the rest"
            then = (f"{people(tuple(waiting), 3)} {'waits' if len(waiting) == 1 else 'wait'} on whether they renewed: "
                    f"ask that first. " + then.replace("Deliver each;", f"Deliver {rest};"))
        out.append(Reason(f"{'Past due, not ticked' if unticked else 'We are late on'}: {what}. {then}",
                          late[0].commitment.source))
    told = {id(x.ask) for x in r.arrivals}
    for a in r.parked_asks:
        if id(a) in told:  # no longer a shelved idea: it is in 'what to bring up'
            continue
        until = f" until {fmt_date(a.until)}" if a.until else ""
        # Parked by agreement, it is ours to answer once back (`owed.theirs_back`): Lantern's brief
        # said only "Do not push it" of the Copilot price agreed for after the party season.
        ours = "; it is ours to answer from then" if a.until and not held_by_pause(a, c.pause) else ""
        out.append(Reason(f"Parked{until}: {sentence(a.what)[:-1]}. Do not push it{ours}.", a.source))
    if r.timeline.one_sided:
        # While we are late on what they wait for, their silence may well be ours: "ask whether
        # now is a bad time" beside Calder's schedule, 231 days late, read as evasive (a
        # twenty-first blind read).
        out.append(Reason(f"{unanswered_text(r.timeline)} Do not pile on: "
                          + ("check first whether what is past due (above) went; if not, it is the next message, with "
                             "an apology." if unticked
                             else "the next message is what we are late on (above), with an apology." if late else
                             "ask whether now is a bad time."), r.timeline.unanswered[-1].source))
    for p in c.contacts:
        if p.avoid and not (p.left and p.left <= as_of):
            out.append(Reason(f"{p.name}: avoid {p.avoid.rstrip('.')}.", p.source))
    return out
