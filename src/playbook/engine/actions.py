"""Next actions: one small pure function per kind, each naming the facts that call for it."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date, timedelta
from typing import Callable

from msgspec.structs import replace

from ..config import Thresholds
from ..model import Ask, Customer, Interaction, Pause, Source, TeamMember
from ..sentences import first_sentence
from .dates import (ANNIVERSARY, RENEWAL_CALL_DAYS, last_renewal_talk, lead_unheard, renewal_call_days,
                    RENEWAL_EVE_DAYS, renewal_doubt, renewal_lapsed, renewal_talk_text, renewal_window, wished)
from .occasion import ask_for
from .owed import (ASK_ANSWER_DAYS, MISSED_OWN, OWN_IT, UNDATED_PROMISE_DAYS, back_from_parking, chase_of,
                   chased_thing, is_chase, named_for, owed_to, theirs_back, waiting_since)
from .pause import pause_ended_text, pause_text, quiet_since
from .people import (buyer_of, holder, main_contact, manner, names_in, not_now, note_text, once, renewal_deciders,
                     role_text, verb, written_to)
from .stage import theirs_since, unanswered_text, unrepaired_negatives
from .timeline import upto
from .types import Action, Arrival, KeyDate, OpenCommitment, Reason, Stage, Timeline
from .words import (
    ago, day_list, days, first_name, fmt_date, fmt_day, in_days, money, name_words, people, per, sentence,
    sentiment_word, short_date, theirs_to_raise, weeks_or_days, year_meant,
)
from .workdays import Holidays, after_working_days, today_word


def weekday_before(d: date) -> date:
    """The date itself on a weekday, else the Friday before: nobody plans a call for a Sunday."""
    return d - timedelta(days=max(0, d.weekday() - 4))


def call_day(customer: Customer, renewal: date) -> date:
    """The day the call before the renewal on `renewal` is due (`dates.renewal_call_days`
    before it, on a weekday)."""
    return weekday_before(renewal - timedelta(days=renewal_call_days(customer)))


def _owner(customer: Customer, by: str | None = None) -> str | None:
    return by or (customer.owners[0] if customer.owners else None)


def _person(customer: Customer, name: str | None):
    return next((c for c in customer.contacts if c.name == name), None)


def follow_up_title(text: str) -> str:
    """The promise as written, as a to-do: 'Send the quote', 'Build and enrol 12 laptops'.
    (The kind says it is a promise; 'Follow up: Build…' read as if the work were a reminder.)"""
    text = text.strip()
    return text[:1].upper() + text[1:]


#: First names that are everyday words too: at the start of a sentence ('Will send the deck',
#: 'Mark it done') one is not taken to name a team member; anywhere else it is.
WORD_NAMES = frozenset(
    "Al Amber Art Bill Chase Chip Dawn Don Faith Frank Gene Grace Hope Jack Joy June Mark Max May "
    "Pat Ray Rich Rose Sue Summer Sunny Will".split())


def team_named(text: str, team: tuple[TeamMember, ...], contacts: tuple[str, ...], owner: str | None) -> tuple[str, ...]:
    """The handles of the team members, other than `owner`, that a promise names: by '@handle',
    full name, or first name ('Book an exec call between Maya and Simon'), in team order. A
    name one of the customer's `contacts` also answers to is theirs: a promise is made to them."""
    # Accents are left out on both sides: people type "Tomas" for Tomás.
    text = _unaccented(text)
    theirs = {_unaccented(w) for name in contacts for w in name_words(name)}
    starts = {m.end() for m in _SENTENCE_START.finditer(text)}
    found = []
    for m in team:
        if m.handle == owner:
            continue
        if re.search(rf"(?<![\w@])@{re.escape(m.handle)}(?![\w-])", text, re.IGNORECASE) or any(
                not (word in WORD_NAMES and hit.start() in starts)
                for word in map(_unaccented, name_words(m.name)) if word not in theirs
                for hit in re.finditer(rf"\b{re.escape(word)}\b", text)):
            found.append(m.handle)
    return tuple(found)


def _unaccented(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


#: Where a sentence starts: the text's start, or after . ! ? : ; with any spaces, quotes or brackets.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;])[\s\"'\u201c(]*")


#: Days after the day a late promise was for that checking whether it was done waits, low.
STALE_CHECK_DAYS = 30


def follow_ups(customer: Customer, open_: tuple[OpenCommitment, ...], as_of: date,
               t: Thresholds, team: tuple[TeamMember, ...] = (), here: Customer | None = None) -> list[Action]:
    """Each open promise, with the person it names (else the first person present). One late by
    more than `t.overdue_days` says what to do besides the work: tick it if it was done (Kestrel's
    laptops "for the 1 December starters", 23 days late, read as if still to build), else tell
    them when it will come. A to-do chasing them more than twice that late goes through a second
    contact (`second_contact`; `here`: the customer with the people still there)."""
    out = []
    names = tuple(c.name for c in customer.contacts)
    for oc in open_:
        i = oc.interaction
        owner = _owner(customer, i.by)
        text = oc.commitment.text
        due = oc.due or (oc.commitment.made_on + timedelta(days=UNDATED_PROMISE_DAYS))
        late = (as_of - due).days
        if oc.due:
            when = f"was due {fmt_date(due)} ({days(late)} overdue)" if late > 0 else f"is due {fmt_date(due)}"
        else:
            when = (f"had no due date, so it counts as due a week after it was made ({fmt_date(due)})"
                    + (f", now {days(late)} overdue" if late > 0 else ""))
        named = named_for(oc)
        # Promised to several, none named: the action is with the first of them, or whoever of
        # them asked for it (`merge.combine`), so the text tells "them", not one by name (Calder's
        # read "tell Owen Price" on an action with Tasha, who had asked for the schedule).
        contact = named or (i.with_[0] if i.with_ else None)
        where = f"the {i.type} of {fmt_date(i.date)}"
        present = f" with {people(i.with_)}" if i.with_ else ""
        if is_chase(text):
            why = f"A to-do from {where}{present}; it {when}."
        elif named:
            others = tuple(n for n in i.with_ if n != named)
            why = f"Promised to {named} in {where}" + (f" (with {people(others)})" if others else "") + f"; it {when}."
        else:
            why = f"Promised in {where}{present}; it {when}."
        note = os.path.basename(oc.commitment.source.path) if oc.commitment.source else "its note"
        found = oc.occasion if late > 0 else None
        for_day, what_day = (found.day, found.text) if found is not None else (None, "")
        answered = oc.answered if late > 0 else None
        if answered is not None:
            # The two disagree; more often the promise was only never ticked (stage: not a risk).
            why += (f" Their ask \u201c{answered.what}\u201d is marked done in customer.yaml (line "
                    f"{answered.source.line}): if this was done with its answer, tick it in {note}; if not, "
                    f"reopen the ask and tell {named or 'them'} when it will come.")
        elif late > 0 and (lag := oc.missed_by(as_of, t.overdue_days)) is not None:
            # Already well late when its day came (the stage's reason it is at risk): most likely
            # missed, not a tick forgotten. Lantern read "at risk" for its pre-Christmas check
            # beside an action scored as a mere check (an account manager's objection).
            why += (f" It was for {what_day}, which has gone by, and it was {days(lag)} late by then: most "
                    f"likely missed. If it was done after all, tick it in {note}; if not, tell "
                    f"{named or 'them'} so, and what we will do now.")
        elif for_day is not None and for_day < as_of:
            # Late for the day it was for: done and not ticked, or missed; no longer "when".
            why += (f" It was for {what_day}, which has gone by: if it was done, tick it in {note}; "
                    f"if not, tell {named or 'them'} what we will do now.")
        elif late > 0 and oc.season_near(as_of) is not None and not is_chase(text):
            # A season's end, within a month: the season is on, and when it will come is no longer
            # the question. Lantern's pre-Christmas Wi-Fi check, 17 days late on 14 Dec, read
            # "tell Camille Roux when it will come", with the party season under way (a fifteenth
            # blind read).
            # Not "in 11 days": the season, when things break, starts weeks before its end.
            # "By … at the latest": a month read "It is for before January 2027" of the January
            # install (a check of a sixteenth blind read).
            why += (f" It is for {what_day}, by {fmt_date(for_day)} at the latest: if it was done, tick it in {note}; "
                    f"if not, do it now, or tell {named or 'them'} today what we will do instead.")
        elif late > t.overdue_days:
            why += f" If it was done, tick it in {note}" + ("." if is_chase(text) else
                                                            f"; if not, deliver it, or tell {named or 'them'} when "
                                                            "it will come.")
        title = follow_up_title(text)
        helper = second_contact(here or customer, contact) if is_chase(text) and late > 2 * t.overdue_days else None
        if helper is not None and contact is not None:
            # Fernhill's "Chase Sarah for the staff list", by email, 58, then 122, then 194 days
            # late, with Dr Qureshi, the primary contact, never asked (a seventh blind read); but
            # going over Sarah's head before anyone had chased her, "burned by the last provider",
            # was the ninth's objection. So: once a chase of ours has gone unanswered.
            who = first_name(contact)
            chased, replied = chase_of(upto(customer, as_of), contact, i)
            if chased is None:
                why += (f" Nothing logged since {fmt_date(i.date)} shows {who} chased: chase {who} first, and if "
                        f"that goes unanswered, ask {helper}, the primary contact, to help move it.")
            elif not replied:
                # Not "Chase Sarah" in a title with Dr Qureshi.
                thing = chased_thing(text)
                title = f"Ask {helper} to help with {thing}" if thing else f"Ask {helper} to help: {title}"
                why += (f" Still not in, {days(late)} past its day, and our {chased.type} of "
                        f"{fmt_date(chased.date)} to {who} has had no reply: ask {helper}, the primary contact, "
                        f"to help move it, as a favour, not a complaint about {who}.")
                contact = helper
        gone = late > 0 and for_day is not None and for_day < as_of
        missed = late > 0 and answered is None and oc.missed_by(as_of, t.overdue_days) is not None
        check = late > 0 and (answered is not None or (gone and not missed))
        if for_day is not None and for_day >= as_of and found.exact:
            # On the day, it may well have gone and only not been ticked: Kestrel's laptops, due the
            # Friday before, read "today" and "Deliver it today" on the starters' morning (a
            # twenty-fifth blind read).
            why += f" It is for {what_day}, " + (f"in {days((for_day - as_of).days)}." if for_day > as_of
                                                  else f"today: if it was done, tick it in {note}; if not, deliver "
                                                       "it today.")
        out.append(Action(
            kind="follow-up", title=title, why=why,
            # Done and not ticked, or past helping: a check to make, not work ranked above the
            # renewal call four days off (Lantern's pre-Christmas check, in April); low once its day
            # is a month gone (Kestrel's laptops for the 1 December starters stood at medium on
            # three people's lists in March: a fourteenth blind read).
            due=due, priority=("low" if check and gone and (as_of - for_day).days > STALE_CHECK_DAYS else
                               "medium" if check else "high") if late > 0 else
            "medium" if (due - as_of).days <= 7 else "low", check=check, missed=missed, chase=is_chase(text),
            contact=contact, owner=owner, also_for=team_named(text, team, names + i.with_, owner),
            promised_to=named if not is_chase(text) else None,
            source=oc.commitment.source, customer=customer.slug, firm=oc.due is not None,
            # Late, it is one conversation with the check that all is ready for that day.
            occasion=found.source if found is not None else None,
            answers=oc.occasion.ask if oc.occasion is not None else None,
            for_day=oc.coming(as_of) if late >= 0 and not check else None,
        ))
    return out


def owned(a: Action) -> Action:
    """A promise most likely missed (`Action.missed`) reads as owning it, not as the work:
    Lantern's "Book the pre-Christmas Wi-Fi health check" stood, high, in February and April (a
    thirteenth blind read). One as likely done and not ticked (`Action.check`) reads as that
    check: Kestrel's "Build and enrol 12 laptops for the 1 December starters", low in January,
    read as work left undone and put off (a sixteenth). Named once merging is done, so its
    words still find its job."""
    if a.kind != "follow-up" or a.chase or not (a.missed or a.check):
        return a
    # (Not "to" the person it is with: that may be who asked, not whom it was promised to.)
    return replace(a, title=f"Own the missed promise: {a.title}" if a.missed else f"Check it was done: {a.title}")


def second_contact(customer: Customer, chased: str | None) -> str | None:
    """Whom to ask for help with what `chased` owes us and has not sent: the primary contact, when
    that is someone else and still there (`customer`: with the people still there)."""
    primary = next((c.name for c in customer.contacts if c.primary), None)
    return primary if primary is not None and chased is not None and primary != chased else None


def reach_out(customer: Customer, tl: Timeline, stage: Stage, cadence: int, as_of: date,
              t: Thresholds, paused: Pause | None = None) -> list[Action]:
    """A touch when we have not heard from them for longer than the cadence: calm after a good
    touch, firmer when the account is at risk; while paused, a reminder for the day it ends."""
    n = tl.quiet_days
    # Their pause is over and they have not been heard from since: the touch it put off is due.
    resumed = paused is None and tl.pause_until is not None and tl.pause_until <= as_of
    if stage.id == "ended" or n is None or (n <= cadence and paused is None and not resumed):
        return []
    # They were to get back to us at a time still to come then ("in the new year"): no touch
    # before a month of it has gone by (`stage.theirs_since`), as the flag (`needs_touch`).
    wait = theirs_since(tl, upto(customer, as_of)) if paused is None and not resumed else None
    if wait is not None and as_of < wait[1]:
        return []
    contact = main_contact(customer, tl)
    who = contact or customer.name
    heard = [i for i in upto(customer, as_of) if i not in tl.unanswered]
    last = heard[-1] if heard else None
    said = (f"Last heard {fmt_date(last.date)}: {sentence(last.summary or last.type)}"
            f"{year_meant(last.summary or '', last.date, as_of)}"
            f"{theirs_to_raise(last.summary or '', last.date, as_of)}" if last
            else f"No touch logged since the start on {fmt_date(customer.since)}.")
    # Whom it is with, when the last word was someone else's: what to pick up from with them
    # (Loomwork's check-in with Aisha quoted only Marta's email of the new-starter list: a check read).
    # (Not when that last note, with nobody in `with`, names them: "Alan says they'll call us".)
    elsewhere = contact is not None and last is not None and contact not in last.with_ and not (
        not last.with_ and contact in names_in(customer)(note_text(last)))
    theirs = [i for i in heard if contact in i.with_] if elsewhere else []
    if theirs:
        said += (f" With {first_name(contact)}, last on {fmt_date(theirs[-1].date)}: "
                 f"{sentence(theirs[-1].summary or theirs[-1].type)}")
    source = last.source if last else customer.source
    if paused is not None:
        inside = customer.renewal if customer.renewal is not None and as_of <= customer.renewal < paused.until else None
        if inside is not None:
            # A renewal inside the pause goes ahead (`defer`: "the renewal cannot wait"), so its call
            # is the next touch, not a reminder for the day after it: Ashby's read "Get back in touch
            # with Mark Ellery when the pause ends" (1 Apr 2027) for a renewal on 31 Mar (a
            # twenty-ninth blind read). Within the renewal's window its own call says it.
            if (inside - as_of).days <= renewal_window(customer, t.renewal_days):
                return []
            call = call_day(customer, inside)
            held = f"(They asked for a pause until {fmt_date(paused.until)}, but the renewal cannot wait.)"
            return [Action(
                kind="reach-out", title=f"Get back in touch with {who} before the renewal on {fmt_date(inside)}",
                why=f"{pause_text(paused)} The renewal on {fmt_date(inside)} falls inside it and cannot wait: the "
                    f"call before it, due {fmt_date(call)}, is the next touch; chase nothing before then. {said}",
                due=call, priority="low", contact=contact, owner=_owner(customer), source=customer.at("renewal"),
                customer=customer.slug, held=held,
            )]
        return [Action(
            kind="reach-out", title=f"Get back in touch with {who} when the pause ends",
            why=f"{pause_text(paused)} {said}", due=paused.until, priority="low", contact=contact,
            owner=_owner(customer), source=paused.source, customer=customer.slug,
        )]
    more = f" {unanswered_text(tl)}" if tl.unanswered else ""
    why = (f"Nothing heard for {days(n)}, {(as_of - wait[0]).days} of them since {fmt_date(wait[0])}, the time they "
           f"gave. {said}{more}" if wait is not None else
           f"Nothing heard for {days(n)}, against a {per(cadence)} cadence. {said}{more}")
    # Past the cadence the useful date is now: "356 days overdue" helps no one. It says since when:
    # the first day past the cadence, when it was first listed (as the flag's "Quiet for 31 days").
    fell = (tl.quiet_from or as_of) + timedelta(days=cadence + 1)
    if wait is not None:
        fell = max(fell, wait[1])
    due = max(as_of, fell)
    if resumed and customer.pause is not None:
        ended = pause_ended_text(customer.pause)
        why = (f"Nothing heard for {days(n)} since {quiet_since(tl, 'the last touch')}, against a {per(cadence)} "
               f"cadence. {ended} {said}{more}")
        if n <= cadence:
            return [Action(
                kind="reach-out", title=f"Get back in touch with {who}: the pause they asked for is over",
                why=f"{ended} Time to get back in touch, as agreed. {said}{more}",
                due=customer.pause.until, priority="high" if stage.id == "at-risk" else "medium", contact=contact,
                owner=_owner(customer), source=customer.pause.source, customer=customer.slug,
            )]
    if stage.id == "dormant":
        title, priority = f"Rekindle: get back in touch with {who}", "medium"
    elif len(tl.unanswered) >= 2:
        title = f"Try {who} another way: no reply to our last {len(tl.unanswered)} touches"
        priority = "high" if stage.id == "at-risk" else "medium"
    else:
        how = {"email": " by email", "message": " by message", "visit": " in person", "call": " by phone"}
        title = f"Check in with {who}{how.get(getattr(_person(customer, contact), 'prefers', None) or '', '')}"
        priority = "high" if stage.id == "at-risk" else "medium"
    return [Action(kind="reach-out", title=title, why=why, due=due, priority=priority, contact=contact,
                   owner=_owner(customer), source=source, customer=customer.slug, due_since=fell)]


#: A play that is a check-in ("Check in on onboarding progress"), not news of ours to tell.
_CHECK_IN = re.compile(r"(?:check\s*in|catch\s*up)\b", re.IGNORECASE)

#: Kinds of action that put us in touch with the customer, so they are the touch a quiet
#: account needs when they fall due soon.
TOUCHING = ("follow-up", "renewal", "repair", "answer", "tell", "personal", "prepare")
COVER_DAYS = 7
#: Someone in this many touches in the last year is one the relationship runs through: work with
#: them may carry a quiet account's touch (`fold_reach_out`'s `anchors`).
REGULAR_TOUCHES = 3


#: How the action that carries a quiet account's touch says so (`fold_reach_out`).
TOUCH_NOTE = " It is also the touch this quiet account needs ("


def fold_reach_out(found: list[Action], as_of: date, anchors: frozenset[str] | None = None) -> list[Action]:
    """A quiet account's touch is the next customer-facing action due within a week, when
    there is one: one task, not two. That action says so; the separate reach-out goes.
    `anchors`: those a touch with carries it besides the check-in's own person (the primary
    contact, the deciders, those the relationship runs through); None for anyone. The renewal's
    own conversation carries it whoever it is with (St Aldhelm's question to Siobhan, who owns
    the framework paperwork: a check of a twenty-eighth blind read's fix)."""
    reach = next((a for a in found if a.kind == "reach-out" and a.due <= as_of + timedelta(days=COVER_DAYS)), None)
    if reach is None or reach.title.startswith("Rekindle"):
        return found
    # A touch already late is not put off: what carries it is done today, and a greeting, which
    # cannot be, carries it only on or after its day. Pemberton's, due 2 Feb, went into an
    # anniversary card for 1 Mar and read "due in 4 days" on 23 Feb (a check read).
    # (`due_since` as made: `workdays.held_since` keeps it only once past, later.)
    late = reach.due < as_of or (reach.due_since is not None and reach.due_since < as_of)
    # News of ours for someone else is no check-in with them: Loomwork's silence was to be broken
    # by zero-trust news for Finn, "suspicious of MSPs", while Aisha, the COO who holds us to the
    # plan, had no action (a thirteenth blind read).
    # Nor is a check (done, or past helping?), which a tick can close with no word to them
    # (Loomwork's touch then fell to "Send the device order confirmation", for a day gone by).
    # Nor is work with someone the relationship does not rest on: Westmarch's silence of five months
    # was to be broken by a training session with Kasia, a lab technician who started in September,
    # while Mei Lin, "still our anchor", had no action (a twenty-eighth blind read).
    # A play of the team's that is a check-in of its own ("Check in on onboarding progress", with
    # nobody named) is one too: beside "Check in with Dr Imran Qureshi" it was a second check-in.
    cover = [a for a in found if (a.kind in TOUCHING or (anchors is not None and a.kind == "play" and not a.internal
                                                           and a.contact is None and a.priority != "low"
                                                           and _CHECK_IN.match(a.title)))
             and a.due <= as_of + timedelta(days=COVER_DAYS) and not (late and a.kind == "personal" and a.due > as_of)
             and not a.check
             and not (a.kind == "tell" and reach.contact is not None and a.contact != reach.contact)
             and (anchors is None or a.contact in (None, reach.contact) or a.contact in anchors
                  or a.kind == "renewal")]
    if not cover:
        return found
    # One that waits ("low while the account is dormant") is not the touch that goes first.
    # What we owe, or a touch with whom the check-in would be, before a conversation with someone
    # else: Brightwell's touch fell to a meeting with its MD and CFO, over the head of Karen, the
    # day-to-day contact, whose MES plan we were months late on (a twenty-second blind read).
    # A promise before an answer: Brightwell's then fell to Karen's Copilot question, a sale, beside
    # her MES plan, 93 days late (a twenty-third blind read).
    first = min(cover, key=lambda a: (a.priority == "low", a.kind not in ("follow-up", "answer")
                                      and a.contact != reach.contact, a.kind != "follow-up", a.due, a.kind, a.title))
    why = first_sentence(reach.why, 300).rstrip(".")  # abbreviation-aware: 'Dr. Ng' stays whole
    note = f"{TOUCH_NOTE}{why[:1].lower()}{why[1:]})."
    # With nobody named (a play's "Check in on onboarding progress"), it is with the check-in's person.
    whom = {"contact": reach.contact} if first.contact is None and anchors is not None else {}
    # A check-in play beside it is that same touch: Fernhill's "Chase Sarah for the staff list"
    # carried it beside "Check in on onboarding progress", one email twice (a check of a
    # twenty-eighth blind read's fix).
    plays = [a for a in cover if a is not first and a.kind == "play" and a.contact is None]
    also = {"also": first.also + tuple(Reason(a.title, a.source) for a in plays)} if plays else {}
    folded = " (Also covers " + " and ".join(f"\u201c{a.title}\u201d" for a in plays) + ".)" if plays else ""
    sooner = {"due": as_of} if late and first.due > as_of else {}
    return [replace(a, why=a.why + note + folded, **whom, **also, **sooner) if a is first else a for a in found
            if a is not reach and not any(a is p for p in plays)]


#: Outreach of our own making (news, a meeting ahead of a far renewal, a team play): while they
#: do not answer, it goes in the one message that goes next. Not reaching a second person: that
#: is one way to break the silence.
NOT_PILED = ("tell", "play")


#: The renewal's conversations with someone other than whom the next message goes to: after
#: that message, not alongside it (`not_piled_on`). So is the question whether a renewal gone
#: by went through: Calder's, to Eleanor, stood beside the schedule to Tasha, both high, with
#: nothing to say which goes first (a twenty-second blind read).
AFTER_THE_MESSAGE = ("call", "coverage", "lapsed")


def not_piled_on(found: list[Action], tl: Timeline, renewal: Source | None = None) -> list[Action]:
    """While our last touches go unanswered, what is ours to raise says to raise it in the one
    message that goes next, not in one of its own: Calder's brief said "Do not pile on" beside
    a separate "Tell Owen Price: zero-trust access is available" and an email to Eleanor six
    months before the renewal (an account manager's objection). What we owe them (a promise,
    an answer) and what is late stand as they are; the first of them is that message, and it
    is named: Calder's email to Eleanor said to raise it "in the one message that goes next"
    while that message, the retention schedule, went to Tasha (an account manager's objection).
    A meeting with a quiet decider that has taken in the call before the renewal (`renewal`: its
    line, as the call's source) is that call, and stands: 18 days before Calder's renewal, its
    email to Eleanor still said to copy her in on a schedule 211 days late (a fourth blind read);
    it goes after that message, not alongside it, when that message is to someone else."""
    if not tl.one_sided:
        return found
    n = len(tl.unanswered)

    def calls(a: Action) -> bool:
        return renewal is not None and any(r.source == renewal for r in a.also)
    lead = next_message(found)
    # With nothing owed, the action that carries the touch the silence calls for is that message
    # (a meeting with a quiet decider read "not in one of its own" while it was the touch).
    carrier = None if lead is not None else next((a for a in found if TOUCH_NOTE in a.why), None)
    # The anniversary of working together too: Saltmarsh's "Mark the 4th anniversary", high, on
    # the day of a renewal its emails had gone unanswered about (a seventh blind read). A
    # person's birthday is theirs, and stays.
    # The renewal's own conversation with someone else still goes after what we owe, not
    # alongside it: 29 days before Calder's renewal, the email to Eleanor had lost that line
    # once it took in the call, inviting two unanswered emails at once (a fifteenth blind read).
    # Not one that waits, low, on what we are late on (`personal`): Calder's "Mark the 3rd
    # anniversary… raise this in the one message that goes next (“Send the revised data retention
    # schedule”)" put thanks for three years in the covering note of a delivery seven months late
    # (a seventeenth blind read).
    piled = [a for a in found if not a.internal and a is not carrier
             and (a.kind in NOT_PILED or (a.renewal_step == "coverage" and not calls(a))
                  or (a.anniversary and not a.waits_on)
                  or (a.renewal_step in AFTER_THE_MESSAGE and lead is not None
                      and lead.contact and a.contact and a.contact != lead.contact))]
    if not piled:
        return found
    lead = lead or carrier
    heads = f" Our last {n} touches are unanswered: raise this in the one message that goes next"

    def note(a: Action) -> str:
        if lead is None:
            return f"{heads}, not in one of its own."
        if lead.renewal_step == "lapsed":
            # That message is the question whether they renewed: what waits on it goes into it
            # (`LAPSED_TAKEN`), after it. "Ask that first" beside "raise this in it" read as a
            # contradiction (Calder on 1 Jul, a check of a seventeenth blind read's fixes).
            heads_ = f" Our last {n} touches are unanswered: raise this after that question, in the same message"
            to = f", to {lead.contact}" if lead.contact and lead.contact not in lead.title else ""
            copied = f", with {a.contact} copied in" if lead.contact and a.contact and a.contact != lead.contact else ""
            return f"{heads_} (\u201c{lead.title}\u201d{to}){copied}, not in one of its own."
        named = f"{heads} (\u201c{lead.title}\u201d"
        if lead.contact and a.contact and a.contact != lead.contact:
            if a.renewal_step in AFTER_THE_MESSAGE:
                # A decider copied in on what we are late with hears of our failure first (a
                # blind read of Calder's email to Eleanor): after that message, not on it.
                # (The silence said once: the question whether they renewed may have said it.)
                said = f"no reply to our last {n} touches" in a.why
                return ((" This goes" if said else f" Our last {n} touches are unanswered: this goes")
                        + f" after the next message (\u201c{lead.title}\u201d, to {lead.contact}), not alongside "
                          "it.")
            return f"{named}, to {lead.contact}), with {a.contact} copied in, not in one of its own."
        return f"{named}), not in one of its own."
    ids = {id(a) for a in piled}
    # The anniversary goes in that message: a line of thanks in it, not a task of its own. What
    # waits on the question whether they renewed, riding on that question, goes into it.
    # Riding on a message that goes whether or not they renewed (what we owe someone other than
    # whom the question asks), it waits on nothing more.
    taken = {"waits_on": LAPSED_TAKEN} if lead is not None and lead.renewal_step == "lapsed" else \
        {"waits_on": ""} if lead is not None else {}

    def piled_on(a: Action) -> Action:
        said = note(a)
        # The brief, which shows the first sentence, says what goes after that message too:
        # Calder's listed the question to Eleanor beside the schedule to Tasha (a twenty-third
        # blind read).
        after = {"goes_with": said.strip(), "after": lead.source} if " goes after the next message" in said else \
            {"rides": lead.source} if lead is not None else {}
        return replace(a, why=a.why + said, **({"priority": "low"} if a.anniversary else {}),
                       **(taken if a.waits_on == LAPSED_ASLEEP else {}), **after)
    return [piled_on(a) if id(a) in ids else a for a in found]


def taken_along(found: list[Action], passed: date, owed: tuple[OpenCommitment, ...] = ()) -> list[Action]:
    """What the question whether a renewal gone by went through takes along (`Action.takes`),
    standing as its own action as well (what we owe them is not held back while the account is
    not long silent), says that it goes with that question: one conversation, not two. Rosalind's
    visit to ask took along the oven supplier's answer, which stood beside it, high, as if for a
    visit of its own (a check of a twentieth blind read). `passed`: the renewal's date; `owed`: the
    open promises. One promised to several, unnamed, goes to them all: Northgate's root-cause
    report, promised in a meeting of four, read "one conversation with Craig" (a twenty-sixth
    blind read)."""
    q = next((a for a in found if a.takes is not None), None)
    if q is None:
        return found
    oc = next((oc for oc in owed if oc.commitment.source == q.takes), None)
    several = oc is not None and len(oc.interaction.with_) > 1 and named_for(oc) is None
    with_ = f" with {first_name(q.contact)}" if q.contact else ""
    note = (f" It goes with asking {first_name(q.contact)} whether the renewal of {fmt_date(passed)} went through: "
            "the same message, to all it was promised to." if several and q.contact else
            f" It goes with asking whether the renewal of {fmt_date(passed)} went through: one "
            f"conversation{with_}, not two.")
    return [replace(a, why=a.why + note, goes_with=note.strip()) if a.source == q.takes and a is not q else a
            for a in found]


#: Why the rest waits on an account silent so long that its renewal went by unrecorded
#: (`engine.analyse`); and what the question whether they renewed takes along (`Action.takes`),
#: or carries while our touches go unanswered (`not_piled_on`): Northgate's root-cause report
#: read "ask that first" beside a question saying "Take what we owe them into it: “Send
#: root-cause report…”" (a check of a seventeenth blind read's fixes).
LAPSED_ASLEEP = "(Low priority until you know whether they renewed: ask that first.)"
LAPSED_TAKEN = "(Low priority until you know whether they renewed: it goes into that question.)"


#: What goes to them anyway while our touches go unanswered: what we owe them, and the touch.
MESSAGES = ("follow-up", "answer", "reach-out")


def next_message(found: list[Action]) -> Action | None:
    """The message that goes to them next: the first (by priority, then day) of what we owe
    them (a promise, an answer) and the touch the silence calls for; None when nothing does. Not
    one that waits on something else (`Action.waits_on`): Calder's news for Owen was to go with
    the retention schedule, itself waiting on the question whether they had renewed (a check of
    a seventeenth blind read's fixes, on 1 Jul)."""
    return min((a for a in found if a.kind in MESSAGES and not a.internal and not a.waits_on), key=Action.sort_key,
               default=None)


def personal(customer: Customer, dates: tuple[KeyDate, ...], t: Thresholds, missed: tuple[KeyDate, ...] = (),
             notes: dict[str, date] | None = None, owing: str | None = None) -> list[Action]:
    """Birthday greetings and anniversaries coming up; `missed`: those of the last days
    (`dates.missed_birthdays`, `dates.missed_anniversary`), for a belated greeting. `notes`:
    the notes that mention one (`dates.greeting_notes`): a greeting a note marks is not
    suggested again. `owing`: what we are most late on (the first of `owed.debt_items`): a note of thanks for the
    years together waits, low, behind it (Kestrel's "Mark the 2nd anniversary" ranked high
    beside its SOC 2 evidence pack, 111 days waiting: an account manager's objection). A
    person's birthday is theirs, and stays."""
    if customer.status == "ended":
        return []
    out = []
    # Said once the merges are done (`Action.waits_on`), and so known to wait: no line of thanks
    # rides on the late delivery it waits on (`not_piled_on`).
    waits = "" if not owing else f"Low priority while we are late on {owing.removesuffix(OWN_IT)}: own that first." \
        if owing.endswith(MISSED_OWN) else f"Low priority while we are late on {owing}: see to that first."
    for k in missed:
        if notes is not None and wished(notes, k.contact or ANNIVERSARY, k.date):
            continue
        when = ago(k.date - timedelta(days=k.days_until), k.date)  # (k.date - days_until: as_of)
        if k.contact is not None:
            title = f"Wish {k.contact} a happy birthday, belatedly ({fmt_day(k.date)})"
            why = f"{k.title} was {when}, and no note since mentions it. Late wishes still count."
        else:
            title = f"Mark the {k.title}, belatedly ({fmt_day(k.date)})"
            why = f"The {k.title} was {when}, and no note since mentions it. A late note of thanks still counts."
        out.append(Action(
            kind="personal", title=title, why=why, due=k.date,
            priority="low" if waits and k.contact is None else "medium", contact=k.contact,
            owner=_owner(customer), source=k.source, customer=customer.slug, firm=True,
            waits_on=waits if k.contact is None else "",
        ))
    for k in dates:
        if k.kind not in ("birthday", "anniversary") or k.days_until > t.personal_days:
            continue
        if notes is not None and wished(notes, k.contact or ANNIVERSARY, k.date):
            continue
        if k.kind == "birthday":
            title = f"Wish {k.contact} a happy birthday ({fmt_day(k.date)})"
            why = f"{k.title} is in {days(k.days_until)}." if k.days_until else f"{k.title} is today."
        else:
            title = f"Mark the {k.title} ({fmt_day(k.date)})"
            why = f"The relationship began {fmt_date(customer.since)}; a note of thanks keeps it personal."
        out.append(Action(
            kind="personal", title=title, why=why, due=k.date,
            priority="low" if waits and k.kind == "anniversary" else "high" if k.days_until <= 2 else "medium",
            contact=k.contact, owner=_owner(customer),
            source=k.source, customer=customer.slug, firm=True, waits_on=waits if k.kind == "anniversary" else "",
        ))
    return out


def due_after(found: list[Action]) -> list[Action]:
    """What goes after another action still listed (`Action.after`), or is raised in it
    (`Action.rides`), is never due before that one: on its own day, or on that one's if later.
    Its day stays put, late or not: "due today" on every build, as a first version had it (it
    follows what we are late on), hid a renewal gone by unrecorded for 110 days from the list
    of what is overdue (Northgate, a check read). Its lateness is not scored while that one is
    listed (`rank`): Calder's email to Eleanor, after the schedule we owe Tasha, had read "High
    · 69 days overdue", inviting a message to the managing partner first (a thirtieth blind read)."""
    due = {a.source: a.due for a in found}

    def first(a: Action) -> Source | None:
        return a.after if a.after is not None else a.rides
    return [replace(a, due=due[f]) if (f := first(a)) is not None and f in due and a.due < due[f] else a
            for a in found]


def after_apart(q: Action, owing: str, at: Source) -> Action:
    """The question whether a renewal gone by went through, when what we are most late on for whom
    it asks goes on its own (`owed.reaches_kept_to`): after it, and listed after it. Northgate's
    question to Craig stood above the root-cause report once that went apart (a check of a
    twenty-eighth blind read's fix)."""
    # "…what we are late on, which goes on its own to all it was promised to" was hard to read
    # (a thirty-first blind read).
    said = (f"It goes after what we are late on: {owing.removesuffix(MISSED_OWN)}. That goes first, on its own, to "
            "everyone it was promised to (delivered, or a date for it).")
    return replace(q, why=f"{q.why} {said}", after=at, goes_with=said)  # the brief says it too


def taken_text(owing: str) -> str:
    """What the question whether a renewal gone by went through says of what we are most late on
    (the first of `owed.debt_items`), which it takes along: brought, or a date for it; owned, if
    most likely missed. "Raise" was too weak for a root-cause report 125 days late, and "if our
    records answer the question, that goes on its own" read as if the question went (a
    twenty-fourth blind read)."""
    if owing.endswith(MISSED_OWN):
        return (f" Own in the same conversation what we most likely missed: {owing.removesuffix(MISSED_OWN)}; own "
                "it whatever our records show.")
    return (f" Bring to the same conversation what we are late on, or a date for it: {owing}; if our records "
            "already answer the question, it still goes to them, on its own.")


#: The extension asked for once their side's time to renew has begun unheard.
LONG_ENOUGH = "(long enough to leave their side its time to renew)"


def eve_ask(customer: Customer) -> str:
    """What the conversation on the renewal's eve asks (`RENEWAL_EVE_DAYS`): whether it is signed,
    and if not, for an extension; long enough for their side's time to renew, when that is known
    (St Aldhelm's read "a short extension" beside 8 weeks of paperwork not begun: a twenty-fifth
    blind read)."""
    lead = f"long enough for their side to finish: it takes them {weeks_or_days(customer.renewal_lead)}" \
        if customer.renewal_lead else "a short one"
    return f" Ask whether it is signed; if it is not, ask for an extension ({lead})."


#: A note that speaks of renewing ("Renewal for 2026 signed", "renewed for two years").
_RENEWING = re.compile(r"\brenew", re.IGNORECASE)


def other_route(customer: Customer, tl: Timeline, ask: str | None, as_of: date) -> str:
    """When whom the question whether they renewed goes to has not answered our last touches:
    who else was there the last time a renewal was talked of (a note that speaks of renewing),
    and how they like to be reached; '' when nobody else was. Saltmarsh's question went to Jo
    for months after our quote to her went unanswered, while Gus, who "doesn't do email", had
    signed the last renewal with her (a check read)."""
    if ask is None or not tl.unanswered or not all(ask in i.with_ for i in tl.unanswered):
        return ""
    here = {c.name: c for c in customer.contacts}
    talk = next((i for i in reversed(upto(customer, as_of)) if _RENEWING.search(note_text(i))
                 and any(n != ask and n in here for n in i.with_)), None)
    if talk is None:
        return ""
    other = here[next(n for n in talk.with_ if n != ask and n in here)]
    role = f" ({other.role})" if other.role else ""
    return (f" If {first_name(ask)} does not answer this either, {other.name}{role} was at the {talk.type} of "
            f"{fmt_date(talk.date)} ({sentence(talk.summary or talk.type).rstrip('.')}) and can answer it."
            f"{manner(other)}")


def renewal(customer: Customer, tl: Timeline, dates: tuple[KeyDate, ...], as_of: date, t: Thresholds,
            currency: str | None = None, setback: date | None = None, owing: str | None = None,
            owing_at: Source | None = None, holidays: Holidays = ()) -> list[Action]:
    """The call before the renewal, with whoever decides it; and, once the date has gone by
    unrecorded, asking how it went. `setback`: the day the run of bad touches with nothing good
    since began, when the account is at risk for it: the call then comes twice as early.
    `owing`: what we are most late on (the first of `owed.debt_items`): asking whether they renewed while we owe
    them it embarrasses the asker, so the question takes it along (a blind read: Calder's
    schedule, 258 days late, waited "low" behind that question); `owing_at`: its line."""
    out = []
    main = main_contact(customer, tl)
    value = f" (worth {money(customer.value, currency)} a year)" if customer.value else ""
    passed = customer.renewal
    if renewal_lapsed(customer, as_of):
        # A renewal date gone by with the profile unchanged: nobody has recorded how it went,
        # and without a date the calls before the next renewal never come. It stays overdue
        # until someone edits the line it links to. With their side's time to renew known, whoever
        # buys for them knows whether it went through: St Aldhelm's asked Gareth, not Siobhan,
        # who owns the framework paperwork (a twelfth blind read).
        buyer = buyer_of(customer, None, as_of) if customer.renewal_lead else None
        ask = buyer.name if buyer is not None else main
        doubt = renewal_doubt(customer, tl.unanswered, tl.last_heard, as_of, t.renewal_days, setback, tl.last_contact)
        out.append(Action(
            # Our records first, then them: "Visit Rosalind Baptiste to confirm how the renewal went",
            # for a renewal that is an invoice, read as a visit to ask whether they had paid (a
            # seventh blind read).
            kind="renewal", title=f"Check whether the renewal of {fmt_date(passed)} went through: our records first, "
                                  f"then ask {ask or customer.name}",
            why=f"The renewal date{value} passed {ago(as_of, passed)} and customer.yaml still gives it. "
                "Check our own records first (a signed order, an invoice raised): a renewal that went through "
                "needs no asking. If they renewed, set renewal: to the next date (the call before it will come "
                "back); if they left, set status: ended."
                # After a setback with nothing good since (or our touches unanswered, or their
                # time to renew begun unheard), no news is no sign it went through: Northgate's
                # tender threat stood, and the question read as a formality (`renewal_doubt`).
                # "If our records do not show it": "With …, do not take it as renewed" after "a renewal that
                # went through needs no asking" read as asking anyway (a twenty-sixth blind read).
                + (f" If our records do not show it, then with {doubt[0]}, do not take it as renewed: ask where it "
                   "stands "
                   + ("(whether they have gone elsewhere, or the contract runs on meanwhile)." if doubt[1] else
                      "(whether it went through, or the contract runs on meanwhile).") if doubt is not None else "")
                # (Not into a question to whoever buys for them: it is someone else's.) "What we are
                # late on", not "what we owe them": Lantern's missed Wi-Fi check read "what we owe
                # them… own it" (a check of a twentieth blind read). Our records answering the
                # question is no reason to keep it back (that check).
                # "Take into it… see to it all the same" read as unidiomatic and ambiguous (see to the
                # renewal?), and beside a missed Christmas check in June (a twenty-third blind read).
                + (taken_text(owing) if owing and buyer is None else "")
                + other_route(customer, tl, ask, as_of),
            due=passed + timedelta(days=1), priority="high", contact=ask, owner=holder(customer, ask, as_of),
            source=customer.at("renewal"), customer=customer.slug, renewal_step="lapsed",
            takes=owing_at if owing and buyer is None else None,
        ))
    ahead = renewal_call_days(customer)
    window = renewal_window(customer, t.renewal_days)
    # The renewal is talked through with whoever decides it: Northgate's call went to Craig, the
    # champion, while Simon, who had threatened a tender, decides (an account manager's
    # objection). The main contact is named to help prepare it.
    decide = renewal_deciders(customer, main, as_of)
    who = decide[0].name if decide else main
    helps = "" if who == main or not main else \
        f" {who} decides it ({role_text(decide[0])}); {main}, the main contact, can help you prepare."
    # Someone who decides it but whose profile keeps us to one subject ("anything but the
    # outages until they are fixed") is not rung about the renewal: it is prepared with the
    # next who decides, else the main contact. Northgate's call went to Simon Hurst in the middle
    # of his outages (an account manager's objection).
    waits = None
    if decide and (kept := not_now(decide[0], "renew")) is not None:
        by_name = {c.name: c for c in customer.contacts}
        free = [c.name for c in decide[1:] if not_now(c, "renew") is None]
        # (The main contact may be someone the notes name and the profile does not list.)
        if main and main != decide[0].name and main not in free and \
                (main not in by_name or not_now(by_name[main], "renew") is None):
            free.append(main)
        if free:
            waits = decide[0].name
            first = waits.split()[0]
            who = free[0]
            role = role_text(by_name[who]) if who in by_name else ""
            also = "".join(f" and {n}" + (", the main contact" if n == main else "") for n in free[1:2])
            helps = (f" {waits} decides it ({role_text(decide[0])}), but their profile says to avoid anything but "
                     f"{kept[0]}{' ' + kept[1] if kept[1] else ''}: prepare the renewal with {who}"
                     f"{f' ({role})' if role else ''}{also}; take it to {first} {once(kept[1])}.")
    for k in dates:
        if k.kind != "renewal" or k.days_until > window:
            continue
        # Said as they would have it: "the email comes 6 weeks before" for Fiona, who prefers
        # email, not "the call"; with no preference, as the last renewal was talked through
        # (Lantern's last two, meetings with Ollie and Camille, and then "Call Camille Roux
        # before the renewal": a twelfth and a thirteenth blind read).
        last = last_renewal_talk(customer, k.date, as_of)
        eve = k.days_until <= RENEWAL_EVE_DAYS  # (a call today: no meeting is set up in time)
        how = verb(_person(customer, who), "Meet" if last is not None and last[0].type in ("meeting", "visit")
                   and not eve else "Call")
        talk = "meeting" if how == "Meet" else how.lower()
        # Call well before the date, so there is time to act on what you hear; a call not made
        # by then is shown late, as a promise is.
        due = call_day(customer, k.date)
        why = f"Renewal{value} in {days(k.days_until)}." if k.days_until else f"Renewal{value} is today."
        begun, timing, buyer, paperwork = None, "", None, None
        if customer.renewal_lead:
            # The day their time starts, named: merged into a meeting due months before, "the
            # visit comes 3 weeks before that" read as the meeting's own day (St Aldhelm's, a
            # fourth blind read).
            starts = k.date - timedelta(days=customer.renewal_lead)
            needs = (f" Their side needs {weeks_or_days(customer.renewal_lead)} to renew (renewal_lead in "
                     f"{customer.renewal_lead_from or 'customer.yaml'})")
            begun = lead_unheard(customer, k.date, tl.last_heard, as_of)
            if begun is None:
                # "At the latest": merged into a meeting due sooner (a quiet decider), "comes 3 weeks
                # before then" read as contradicting that meeting's day (a ninth blind read).
                timing = f": the {talk} is due {weeks_or_days(RENEWAL_CALL_DAYS)} before then at the latest."
                why += f"{needs}, from {fmt_date(starts)}{timing}"
            else:
                why += (f"{needs}. That time began on {fmt_date(begun)}, and nothing has been heard from them "
                        f"since: unless their side has started, the renewal cannot be done by {fmt_date(k.date)}.")
            buyer = buyer_of(customer, who, as_of)
            if buyer is not None:
                # Whoever buys for them starts that time: St Aldhelm's 8 weeks of NHS framework
                # paperwork are Siobhan's, and no action named her (a tenth blind read). Before it
                # begins, checking with them is an action of its own (`paperwork` below): inside
                # a visit to Helen three months late, it waited on that visit (a twelfth blind read).
                if begun is None:
                    paperwork = (starts, buyer) if starts >= as_of else None
                else:
                    # Then the question is theirs: "Ask Helen Marsh whether their side has
                    # started", with Helen, said Siobhan starts it (an eleventh blind read).
                    # The same day: with less time left than their side needs, the extension
                    # cannot wait on another answer (St Aldhelm's 13 days before, with Siobhan
                    # working Mon–Thu: a twenty-fourth blind read).
                    why += (f" {buyer.name} ({buyer.role}) is likely the one who starts it: ask them first; if "
                            f"it has not started, ask {who or 'whoever decides it'} for an extension the same day "
                            f"{LONG_ENOUGH}.")
        # (Once their time to renew has begun unheard, whether it has started is the question, and
        # the extension it says to ask for is long enough for that time.)
        if eve and begun is None:
            why += eve_ask(customer)
        if setback is not None:
            # Winning back a customer who is threatening to leave takes longer than confirming a
            # happy one: Northgate's call fell on Christmas Eve, three weeks before a renewal
            # with a tender "on the table" (an account manager's objection, twice). Never
            # earlier than the repair after the first bad touch, nor later than the usual day.
            early = max(weekday_before(k.date - timedelta(days=ahead + RENEWAL_CALL_DAYS)),
                        setback + timedelta(days=REPAIR_DAYS))
            if early < due:
                due = early
                # (Not on its eve: "the email comes 6 weeks before the renewal" read as a plan left
                # over the day before it, a twenty-fourth blind read.)
                why += "" if eve else (f" With nothing good since the setback of {fmt_date(setback)}, the {talk} "
                                       f"comes {weeks_or_days(ahead + RENEWAL_CALL_DAYS)} before the renewal, not "
                                       f"{weeks_or_days(ahead)}, to leave time to win them back.")
        # Once their time to renew has begun unheard, the call is that question: St Aldhelm's read
        # "Visit Helen Marsh before the renewal", six days before it, the question only in its
        # parenthesis (a seventh blind read).
        asked = buyer.name if begun is not None and buyer is not None else None
        also: tuple[str, ...] = ()
        if last is not None:
            # What was said last time, and who else was in it: they come to this one too; not to
            # the question to whoever buys for them whether the paperwork has started, nor to a
            # call on the renewal's eve about where it stands (Lantern's "Call Camille Roux with
            # Ollie Fenwick today", Ollie "only comes to the annual review": a twenty-fifth read).
            here = {c.name for c in customer.contacts}
            also = () if asked or eve else tuple(n for n in last[0].with_
                                          if n not in (who, main if helps else None, waits) and n in here)
            # "too" only beside whoever the call is with: Westmarch's call to Tom read "Hannah
            # Boateng was in it too", of a call with Hannah alone (a fifteenth blind read).
            too = " too" if who in last[0].with_ else ""
            # And how each likes to be reached, for finding a time, where they are asked: Westmarch's
            # renewal asked Hannah ("avoid anything after 9:30") to join a call with Tom and said
            # nothing of her hours; said at the end, "Gus: prefers a message" read as if unrelated
            # (blind reads).
            reach = "; ".join(m.strip().rstrip(".") for m in (manner(_person(customer, n)) for n in also) if m)
            join = (f" {people(also, 4)} {'was' if len(also) == 1 else 'were'} in it{too}: ask "
                    f"{first_name(also[0]) if len(also) == 1 else 'them'} to join" + (f" ({reach})." if reach else "."))
            why += f" {renewal_talk_text(last, k.date)}" + (join if also else "")
        title = (f"Ask {asked} whether their side has started the renewal of {fmt_date(k.date)}" if asked else
                 f"Ask {who or customer.name} whether their side has started the renewal of {fmt_date(k.date)}, "
                 "or for an extension" if begun is not None else
                 f"{how} {who or customer.name} before the renewal on {fmt_date(k.date)}"
                 if not eve else
                 # On the day, "before the renewal" is gone (Northgate's read so on 15 Jan, 42 days
                 # late: a twelfth blind read): where it stands is today's question; so on its eve.
                 f"{how} {who or customer.name} {today_word(as_of, holidays)}: where the renewal of "
                 f"{fmt_date(k.date)} stands")
        if begun is not None and asked is None:
            # The question is due from the day their time began: "71 days overdue" from the
            # visit's day in January read as if it could have been asked then (a seventh blind read).
            due = max(due, begun)
        elif begun is not None:
            # Asked of whoever buys for them, it carries on the check with them that it would
            # start, and keeps that check's day: St Aldhelm's went from "due 13 Jan" to "due 3
            # Feb, 5 days overdue" once that time had begun unheard (a twentieth blind read).
            ext = f"ask {who or 'whoever decides it'} for an extension the same day {LONG_ENOUGH}."
            why = why.replace(ext, f"{ext} We were due to check with {first_name(asked)} by {fmt_date(due)} that it "
                                   "would start in time.", 1)
        priority = "high" if k.days_until <= window - t.renewal_days + 30 else "medium"
        if paperwork is not None:
            starts, buyer = paperwork
            decides = _person(customer, who)
            out.append(Action(
                kind="renewal", renewal_step="paperwork",
                title=f"Check with {buyer.name} that their side starts the renewal of {fmt_date(k.date)} by "
                      f"{fmt_date(starts)}",
                why=(f"Renewal{value} in {days(k.days_until)}.{needs}, from {fmt_date(starts)}. {buyer.name} "
                     f"({buyer.role}) is likely the one who starts it"
                     + (f"; {who} decides it ({role_text(decides)})." if who and decides and decides.decision
                        else ".")),
                due=due, priority=priority, contact=buyer.name, owner=holder(customer, buyer.name, as_of),
                # Ranked as that day comes (`rank`): nine days before it, St Aldhelm's check came
                # ninth on Tomás's list (a fourteenth blind read).
                source=k.source, customer=customer.slug, for_day=starts))
        out.append(Action(
            kind="renewal", title=title, lead_begun=begun,
            why=why + helps, due=due, priority=priority,
            contact=asked or who, owner=holder(customer, asked or who, as_of), source=k.source, customer=customer.slug,
            renewal_step="call", timing=timing,
            # Not those who would rather be written to: Anjali's budget-round check-in, by email as
            # she prefers, went under a visit to Helen that had waited three months (a twelfth
            # blind read).
            joiners=tuple(n for n in also if not written_to(_person(customer, n))), asked_to_join=also,
        ))
    return out


#: How long before its due day confirming a customer's date is ready shows among the actions.
PREPARE_SHOWN_DAYS = 14


def prepare(customer: Customer, tl: Timeline, items: tuple[Interaction, ...], as_of: date,
            left: frozenset[str] = frozenset()) -> list[Action]:
    """Before a day that matters to their business (customer.yaml's `dates`: a move, a go-live),
    check with them that all is ready on our side, `prepare` days ahead (Kestrel's office move
    on 11 Jan "with no slack at all" was only in a note, and nothing asked about it). A touch
    with that person from a week before then is the check; without one it is late, as a
    promise is. On the day itself: be on hand. For AFTER_SHOWN_DAYS after it: ask how it went.
    `customer`: with the people still there (`people.present`); `left`: the names of those who
    have left."""
    out = []
    present = {c.name for c in customer.contacts}
    for e in customer.dates:
        n = (e.on - as_of).days
        if not e.prepare or n < -after_shown(e.on, customer.renewal, as_of) or n > e.prepare + PREPARE_SHOWN_DAYS:
            continue
        who = e.with_ if e.with_ in present else main_contact(customer, tl)
        gone = f" ({e.with_} has left: {who} instead.)" if e.with_ in left and who else ""
        if n < 0:
            # After the day, ask how it went: Kestrel's fixed-price move, with a payment milestone
            # on the day, passed without a word (an account manager's objection). A touch with
            # them since the day is the asking.
            if not any(e.on <= i.date <= as_of and (who is None or who in i.with_) for i in items):
                out.append(Action(  # a personal touch: no longer the day itself, nor its readiness check
                    kind="personal", title=f"Ask {who or 'them'} how it went: {e.what} ({fmt_day(e.on)})",
                    why=f"{sentence(e.what)[:-1]} was on {fmt_date(e.on)}: ask how it went, and whether anything on "
                        f"our side is still to put right (a touch with {who or 'them'} logged since counts).{gone}",
                    due=e.on + timedelta(days=1), priority="medium", contact=who, owner=_owner(customer),
                    source=e.source, customer=customer.slug, occasion=e.source,
                ))
            continue
        due = weekday_before(e.on - timedelta(days=e.prepare))
        since = due - timedelta(days=PREPARE_EARLY_DAYS)
        checked = any(since <= i.date <= as_of and (who is None or who in i.with_) for i in items)
        if n == 0:
            # The readiness check gone by unlogged is said on the day: its action went with it.
            missed = "" if checked else (f" The check that all was ready (due {fmt_date(due)}) was never logged: ask "
                                         "first whether anything on our side is missing.")
            # "21 days overdue… (today); 3 weeks before it, check…" read oddly on the day: what
            # is left to do then is to be there for them.
            out.append(Action(
                kind="prepare", title=f"Be on hand: {e.what} is today",
                why=f"{sentence(e.what)[:-1]} is today ({fmt_date(e.on)}): check in with {who or 'them'} as it "
                    f"goes, and be reachable in case anything on our side needs fixing.{missed}{gone}",
                # Firm: the day itself, a Saturday's too (it read "due Tue 24 Nov" for a move on
                # Saturday the 21st: a fuzzing session).
                due=e.on, priority="high", contact=who, owner=_owner(customer), source=e.source,
                customer=customer.slug, firm=True,
            ))
            continue
        if checked:
            continue  # checked: a logged touch with them in the run-up
        ask = f"{verb(_person(customer, who))} {who} to confirm" if who else "Confirm"
        out.append(Action(
            kind="prepare", title=f"{ask} all is ready: {e.what} on {fmt_day(e.on)}",
            why=f"{sentence(e.what)[:-1]} is on {fmt_date(e.on)} (in {days(n)}); {weeks_or_days(e.prepare)} before "
                f"it, check with them that our side is ready (a touch with {who or 'them'} logged from "
                f"{fmt_date(since)} on counts).{gone}",
            due=due, priority="high" if n <= 7 else "medium",
            contact=who, owner=_owner(customer), source=e.source, customer=customer.slug,
        ))
    return out


#: A touch this many days before a date's check falls due counts as the check.
PREPARE_EARLY_DAYS = 7
#: For this many days after a customer's date, asking how it went is listed (until a touch with
#: them is logged). Kestrel's fixed-price move, with a payment milestone on the day, vanished
#: from the actions and the brief a fortnight after it, with nothing logged (an account
#: manager's objection): a month is still "how is the new office?".
AFTER_SHOWN_DAYS = 30
#: ...and up to the renewal, when that comes within this many days of the day: how it went is
#: what the renewal rests on. Kestrel's "how it went" left the list 13 days before its renewal,
#: with nothing logged about the £38,000 move (a tenth blind read).
AFTER_RENEWAL_DAYS = 60


def after_shown(day: date, renewal: date | None, as_of: date | None = None) -> int:
    """For how many days after `day` asking how it went is listed (`AFTER_SHOWN_DAYS`, or up
    to a renewal close after it: `AFTER_RENEWAL_DAYS`; and, that renewal gone by unrecorded on
    `as_of`, for as long as it stays so: Kestrel's move, "no slack at all" with a payment
    milestone on the day, left the site as its renewal passed, nothing logged of either (a
    twenty-eighth blind read))."""
    if renewal is not None and day < renewal and (renewal - day).days <= AFTER_RENEWAL_DAYS:
        if as_of is not None and renewal < as_of:
            return max(AFTER_SHOWN_DAYS, (as_of - day).days)
        return max(AFTER_SHOWN_DAYS, (renewal - day).days)
    return AFTER_SHOWN_DAYS


#: Days after a bad touch that talking it through with them is due.
REPAIR_DAYS = 3


def repair(customer: Customer, items: tuple[Interaction, ...], as_of: date, t: Thresholds) -> list[Action]:
    negs = unrepaired_negatives(items, as_of, t.repair_days)
    if not negs or customer.status == "ended":
        return []
    neg = negs[0]
    names = list(neg.with_)
    who = (" and ".join(names) if len(names) <= 2 else f"{', '.join(names[:2])} and {len(names) - 2} other"
           f"{'s' if len(names) > 3 else ''}") if names else customer.name
    others = sorted(x.date for x in negs[1:])
    more = (f" {len(others)} other negative touch{'es' if len(others) > 1 else ''} ({day_list(others)})."
            if others else "")
    return [Action(
        kind="repair", title=f"Repair: talk to {who} about the {neg.type} of {fmt_date(neg.date)}",
        why=f"It went {'very badly' if (neg.sentiment or 0) <= -2 else 'badly'} {ago(as_of, neg.date)}: "
            f"{sentence(neg.summary or 'no summary')}"
            f"{more} {tried_since(items, neg, as_of)}",
        # Due three days after the bad touch, and late from then on: a month of nothing after
        # Northgate's escalation read "due tomorrow" on every build (an account manager's objection).
        due=neg.date + timedelta(days=REPAIR_DAYS), priority="high",
        contact=neg.with_[0] if neg.with_ else None, owner=_owner(customer, neg.by), source=neg.source,
        customer=customer.slug,
    )]


#: Of the touches since a bad one, none of which turned it, how many a repair's reason names.
TRIED_NAMED = 2


def tried_since(items: tuple[Interaction, ...], neg: Interaction, as_of: date) -> str:
    """What the repair's reason says of the touches since the bad one: none of them went well
    (else there would be no repair), but a reader who knows the remediation plan went out on
    10 Nov asked why "talk to Craig…" read as if nobody had (Northgate). The latest are named,
    in order, with how each went: the plan (neutral), then the rollback call (negative)."""
    since = [i for i in items if neg.date < i.date <= as_of]
    named = [f"the {i.type} of {fmt_date(i.date)}{' with ' + people(i.with_) if i.with_ else ''}"
             f" ({(i.summary or 'no summary').rstrip('.')}), {sentiment_word(i.sentiment)}"
             for i in since[-TRIED_NAMED:]]
    if not named:
        return "Nothing positive since."
    if len(since) > len(named):
        return f"Nothing positive in the {len(since)} touches since; the latest: {'; '.join(named)}."
    return f"Nothing positive since: {'; '.join(named)}."


#: Days after an account showed as single-threaded that bringing in a second person is due.
BROADEN_DAYS = 30


def broaden(customer: Customer, items: tuple[Interaction, ...], stage: Stage, as_of: date,
            t: Thresholds, owed: tuple[OpenCommitment, ...] = (),
            stage_since: Callable[[tuple[str, ...]], date] | None = None) -> list[Action]:
    """Bring a second person in when every touch for a while went through one. `owed`: the open
    promises, for a gatekeeper's introduction (a favour is asked once what we owe them is done).
    `stage_since`: the first day of the stage's run among those given (`since.stage_since`)."""
    if stage.id in ("ended", "dormant"):
        return []
    # The window ends at the last touch with anyone in it, not at the build's day: as days went by
    # with nothing logged, touches left a window ending today and Saltmarsh's "Bring Gus into the
    # conversation" came for six weeks and went, the account as single-threaded as before (a check read).
    met = [i for i in items if i.with_]
    window = met[-1].date - timedelta(days=t.single_thread_days) if met else as_of
    recent = [i for i in met if i.date > window]
    engaged = {n for i in recent for n in i.with_}
    if len(engaged) != 1 or len(recent) < 3:
        return []
    only = next(iter(engaged))
    others = [c for c in customer.contacts if c.name != only]
    # They asked that everything go through them: going around them would cost the one thread
    # there is (Oakmere: "just go through me", and the tool said to bring in a partner).
    through = any(c.name == only and "gatekeeper" in c.decision for c in customer.contacts)
    if others:
        pick = sorted(others, key=lambda c: (not c.role, c.name))[0]
        named = f"{pick.name}{f' ({pick.role})' if pick.role else ''}"
        # With them in it: "Ask Freya to introduce Dan Pike" asked for the meeting with Dan she had
        # declined ("just go through me", a twenty-first blind read).
        title = f"Suggest to {only} a joint session with {named}" if through else \
            f"Bring {named} into the conversation"
        contact = only if through else pick.name
    elif stage.id in ("at-risk", "growing"):
        title = f"Ask {only} whom else at {customer.name} we should know" if through \
            else f"Find a second contact at {customer.name}"
        contact = only if through else None
    else:
        return []  # one listed person on a steady account (a family business): nothing to broaden to
    # The whole run through them alone, which the reason counts from: "all 6 touches in the
    # last 180 days" (Oakmere, every touch with Freya since 2024) left the reader asking where
    # the other touches went.
    run = _run_through(items, only)
    showed = run[2]
    if not others and stage_since is not None:
        # With nobody else listed it shows only at risk or growing: from then, not from a run of
        # years with the owner (Rosalind's came in January 2027 "overdue since 10 Feb 2025", a check read).
        showed = max(showed, stage_since(("at-risk", "growing")))
    came_up = ""
    source = recent[-1].source
    if through and others:
        # The others came up with the gatekeeper: the month counts from then. Oakmere's read "overdue
        # since 9 May 2025", though on 22 Sep 2026 we had suggested meeting Dan and Freya had said
        # "just go through me" (two reads).
        named = names_in(customer)
        listed = {c.name for c in others}
        talk = [i for i in items if i.date >= run[0] and only in i.with_ and listed & named(note_text(i))]
        if talk:
            showed = max(showed, talk[-1].date)
            whom = sorted(listed & named(note_text(talk[-1])))
            # In the note's own words, its last line naming them: "came up" alone left out that
            # Freya had said no (a check read).
            lines = [talk[-1].summary or "", *(talk[-1].body or talk[-1].text).splitlines()]
            said = next((ln.strip(" -*\t") for ln in reversed(lines)
                         if set(whom) & named(ln)), "")
            came_up = (f" {people(tuple(whom))} came up with {first_name(only)} in the {talk[-1].type} of "
                       f"{fmt_date(talk[-1].date)}" + (f": \u201c{said.rstrip('.')}\u201d." if said else "."))
            source = talk[-1].source
    debt = first_deliver(only, owed, as_of) if through else ""
    # Not in debt, the introduction is asked with the next thing we send them: Oakmere's read
    # "overdue since 22 Oct" beside the render pricing for Freya due 1 Dec, where the reader
    # would offer the session with the pricing (a check read).
    coming = [oc for oc in owed if oc.overdue_days <= 0 and oc.commitment.due is not None and owed_to(oc, only)
              and not is_chase(oc.commitment.text) and oc.answered is None] if through and others and not debt else []
    ride = min(coming, key=lambda oc: (oc.commitment.due, oc.commitment.source.line), default=None)
    if ride is not None:
        came_up += (f" Offer it when \u201c{ride.commitment.text}\u201d goes to {first_name(only)} (due "
                    f"{fmt_date(ride.commitment.due)}).")
    # An owner does not leave as an employee does: Saltmarsh's co-founder, married to the other,
    # read "if they leave, the relationship leaves with them" (a twenty-eighth blind read).
    owns = any(c.name == only and _OWNER.search(c.role or "") for c in customer.contacts)
    return [Action(
        kind="broaden", title=title,
        why=f"All {len(run)} touches since {fmt_date(run[0])} went through {only}: "
            + (f"when {first_name(only)} is away or busy, nobody else there hears from us." if owns else
               "if they leave, the relationship leaves with them.")
            + (f" {only} is the gatekeeper (customer.yaml): go through {first_name(only)}, not around: a session "
               f"with {first_name(only)} in it, on {first_name(only)}'s terms, rather than asking to meet "
               f"{first_name(pick.name)} alone." + came_up + debt
               if through and others else
               f" {only} is the gatekeeper (customer.yaml): ask them rather than going around them." + debt
               if through else ""),
        # A month from the third touch of the run through them alone (when it first showed), not
        # a month from every build's day, which never came due; nor from the window's third,
        # which moved later as touches left the window (Oakmere's jumped five weeks). Once that
        # day is past it is held at today, "overdue since" then: nobody waits on it, and "9 May 2025 ·
        # 560 days overdue" was an account manager's objection (a touch past its cadence likewise).
        due=max(ride.commitment.due if ride is not None else showed + timedelta(days=BROADEN_DAYS), as_of),
        due_since=None if ride is not None else showed + timedelta(days=BROADEN_DAYS),
        rides=ride.commitment.source if ride is not None else None,
        # A favour asked in debt waits, low, however the account stands: Oakmere's rose to medium
        # as it went at risk, beside "First deliver what we owe them" (an account manager's objection).
        priority="medium" if stage.id == "at-risk" and not debt else "low",
        contact=contact, owner=_owner(customer), source=source, customer=customer.slug,
    )]


#: A role that owns the customer ("Owner", "Co-founder, Commercial", "Founding Partner"): not
#: one who leaves.
_OWNER = re.compile(r"\b(?:owner|co-?founder|founder|founding|proprietor)\b", re.IGNORECASE)


def first_deliver(person: str, owed: tuple[OpenCommitment, ...], as_of: date,
                  lead: str = "First deliver what we owe them") -> str:
    """'First deliver what we owe them: …': asking Freya for an introduction while her render
    pricing was 19 days late was asking a favour in debt (an account manager's objection); so
    was a team's play with someone we are late with (`in_debt`)."""
    # Not a promise likely done (its ask answered), nor one whose day has gone by: neither is
    # there to deliver (Lantern's renewal meeting was to "first deliver" a pre-Christmas check in
    # March, a check of this rule).
    # Nor one promised by name to someone else who was there: Dr Tom Adebayo's check-in listed
    # the training promised to Kasia in a visit he was at, Fiona's renewal email the exec call
    # promised to Simon (checks of a nineteenth blind read's fixes).
    late = [oc for oc in owed if oc.overdue_days > 0 and owed_to(oc, person)
            and not is_chase(oc.commitment.text) and oc.answered is None and oc.gone_by(as_of) is None]
    if not late:
        return ""

    def theirs(oc: OpenCommitment) -> bool:  # promised to them by name comes first
        return named_for(oc) == person
    # Two are both named ("and 1 more" left a reader asking which: a check of a nineteenth
    # blind read's fixes); more, counted.
    ranked = sorted(late, key=lambda oc: (theirs(oc), oc.overdue_days), reverse=True)
    said = [f"\u201c{oc.commitment.text}\u201d, {days(oc.overdue_days)} late"
            for oc in ranked[:2 if len(late) == 2 else 1]]
    more = f", and {len(late) - 1} more" if len(late) > 2 else ""
    return f" {lead}: {', and '.join(said)}{more}."


def in_debt(a: Action, owed: tuple[OpenCommitment, ...], as_of: date, eve: bool = False) -> Action:
    """A team's play with someone we are late with says to deliver that first: Westmarch's
    "Check in before their budget-setting round" with Dr Tom Adebayo said nothing of his
    Geochemistry quote, 42 days late (a nineteenth blind read). So does the conversation before
    the renewal with them: folded into it, the play's note was lost (its check). (While our
    touches go unanswered, `not_piled_on` says which message goes first instead.) On the renewal's
    eve (`eve`) nothing waits: what we owe goes into today's call, or a date for it (Northgate's
    call on its renewal day read "First deliver what we owe them": a twenty-fifth blind read)."""
    talk = a.kind == "play" or (a.kind == "renewal" and a.renewal_step in ("call", "coverage"))
    lead = "Bring to this conversation what we owe them, or a date for it" if eve and a.kind == "renewal" else \
        "First deliver what we owe them"
    debt = first_deliver(a.contact, owed, as_of, lead) if talk and a.contact and not a.internal else ""
    return replace(a, why=a.why + debt) if debt else a


def _run_through(items: tuple[Interaction, ...], only: str) -> list[date]:
    """The days of the latest run of touches with people in them that were all with `only`
    alone, oldest first."""
    run = []
    for i in reversed(items):
        if not i.with_:
            continue
        if set(i.with_) != {only}:
            break
        run.append(i.date)
    return sorted(run)


def asker(customer: Customer, a: Ask, as_of: date) -> tuple[str | None, str]:
    """Who asked, and how we know: the ask's `from`, else the one person in the touches logged
    the day it was asked, else nobody in particular."""
    if a.from_:
        return a.from_, ""
    if a.since is not None:
        people = {n for i in upto(customer, as_of) if i.date == a.since for n in i.with_}
        if len(people) == 1:
            (name,) = people
            return name, f" (by {name}, the one person in the touch logged that day)"
    return None, ""


def answer(customer: Customer, open_asks: tuple[Ask, ...], tl: Timeline, as_of: date) -> list[Action]:
    """An answer to each open ask, with the person who asked (else the main contact)."""
    if customer.status == "ended":
        return []
    out = []
    for a in open_asks:
        since = waiting_since(a, as_of)
        due = (since + timedelta(days=ASK_ANSWER_DAYS)) if since else as_of + timedelta(days=ASK_ANSWER_DAYS)
        waiting = (as_of - since).days if since else None
        who, how = asker(customer, a, as_of)
        contact = who or main_contact(customer, tl)
        reopened = theirs_back(a, as_of, customer.pause)
        ours = not reopened and back_from_parking(a, as_of)
        if reopened:
            # Shelved until a day, not a question waiting: what was agreed then may have moved
            # (Ashby's "pricing held until spending controls lift" read "Answer Mark Ellery").
            back = f" ({days(waiting)} ago)" if waiting else ""
            whom = first_name(contact) if contact else "them"
            when = f"Parked until {fmt_date(since)}{back}: ask {whom} whether it still stands before answering it."
        elif ours:
            # Parked without a pause of theirs: back with us, ours to answer (`theirs_back`).
            when = (f"Parked until {fmt_date(since)}, and back with us since ({days(waiting or 0)} ago): answer it, "
                    "checking as you do that it still stands.")
        elif waiting is not None:
            when = f"Asked {fmt_date(a.since)}{how}, waiting {days(waiting)}."
        else:
            when = "The customer is waiting for an answer."
        head = "Take up again" if reopened else "Answer"
        head = f"{head}{' with' if reopened else ''} {who}" if who else head
        # Asked for a day that has gone by: answering late no longer helps (Brightwell's network
        # drops "ahead of the January install" read "waiting 142 days" in April).
        found = ask_for(a.what, a.since, customer.dates)
        gone = found if found is not None and found.day < as_of else None
        if gone is not None:
            when += (f" It was for {gone.text}, which has gone by: if it was done, mark the ask answered; if not, "
                     f"tell {first_name(contact) if contact else 'them'} where it stands.")
        # And before that day, how long answering it still helps: Northgate's engineer "through
        # peak", waiting 38 days, gave no sign that peak ended in 10 (a fifteenth blind read).
        # Said, not ranked by: for a season ("through peak") the answer helps less as its end
        # comes, not more, as it would for a day ("ahead of the install").
        ahead = found if found is not None and gone is None and found.exact and not reopened else None
        if ahead is not None:
            n = (ahead.day - as_of).days
            # "Its day", not "It is for": the engineer is for the peak, not for its end.
            when += (f" Its day, {ahead.text}, is {in_days(n)}: after that, answering "
                     "it no longer helps.")
        out.append(Action(
            kind="answer", title=f"{head}: {a.what}", why=when,
            # Back from parking, it is theirs to take up, not ours to press: low, which the stakes
            # do not raise (Ashby's held Phase 2 pricing ranked high the week its pause ended,
            # with Mark, who "hates being chased when he can't give an answer").
            # Back with us from parking, it is no fresh question ignored: medium.
            due=due, priority="low" if reopened else "medium" if ours else
            "high" if waiting is not None and waiting > 14 and gone is None else "medium",
            contact=contact, owner=_owner(customer), source=a.source, customer=customer.slug,
            check=gone is not None, reopened=reopened, unparked=reopened or ours,
            helps_until=ahead.day if ahead is not None else None,
        ))
    return out


#: Telling a customer that what they asked for has come in is due within this many working days.
TELL_WORKING_DAYS = 3


def tell(customer: Customer, found: tuple[Arrival, ...], tl: Timeline, as_of: date,
         holidays: Holidays = (), owed: tuple[OpenCommitment, ...] = ()) -> list[Action]:
    """For each ask that something now available answers: tell the person who asked, within a
    few working days of the news (the day it became available, or the day they asked if later)."""
    if customer.status == "ended":
        return []
    out = []
    for x in found:
        a = x.ask
        who, how = asker(customer, a, as_of)
        contact = who or main_contact(customer, tl)
        due = after_working_days(x.since, TELL_WORKING_DAYS, holidays)
        asked = f"asked on {fmt_date(a.since)}" if a.since else "asked for it"
        title = (f"Tell {who}: {x.what} is available \u2014 {first_name(who)} {asked}" if who else
                 f"Tell {contact or customer.name}: {x.what} is available \u2014 {asked}")
        words = ", ".join(f"'{w}'" for w in x.matched)
        ask_of = f"the ask of {short_date(a.since)}" if a.since else "their ask"
        why = (f"{x.what} is available from {fmt_date(x.on)} (playbook.yaml:{x.line}); it matches {words} in "
               f"{ask_of}{how}: \u201c{sentence(a.what)[:-1]}\u201d.")
        if a.parked_on(as_of):
            why += " The ask was parked: this is the news it was waiting for."
        if x.also:
            named = tuple("\u201c" + w + "\u201d" for w in x.also)
            why += f" It also matches {people(named, len(named))}" + (", and more." if x.more else ".")
        why += " Once they are told, mark the ask answered."
        # News of ours while what we owe them is late comes with it, in its covering note, not
        # before it (Calder's zero-trust news ranked high beside a schedule 50 days late).
        debt = first_deliver(contact, owed, as_of) if contact else ""
        if debt and not tl.one_sided:
            # (While our touches go unanswered, `not_piled_on` names the message it goes in: both
            # said it twice over, a check of a nineteenth blind read's fixes.)
            why += f"{debt} Tell them this in its covering note."
        late = as_of > due
        out.append(Action(
            # Low while what we owe is late: it goes with that, whose urgency is what counts, and
            # overdue points raised it back to high within weeks (Calder's, by February).
            kind="tell", title=title, why=why, due=due, priority="low" if debt else "high" if late else "medium",
            contact=contact, owner=_owner(customer), source=a.source, customer=customer.slug,
        ))
    return out
