"""Merging actions about the same topic, in time near-linear in their number.

Two actions are the same job when their topic words overlap enough (`similar`). Comparing
every action with every kept one is quadratic: 8,000 open task items took a minute. Prefix
filtering (Bayardo et al., "Scaling up all pairs similarity search", 2007) finds the same
pairs by looking up only each topic's rarest words in an index, then checks each candidate
with `similar` itself, so the result is exactly the pairwise one.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import lru_cache

from msgspec.structs import replace

from ..model import Source
from .types import PRIORITY_RANK, Action, Reason
from .words import first_name, fmt_date, people
from .workdays import Holidays, working_due

_STOP = frozenset("a an and the to of for on in at with about from by our their them they we us it is be "
                  "this that up follow answer before after "
                  # dates in titles ('…the renewal on 14 Dec 2026') say when, not what
                  "jan feb mar apr may jun jul aug sep oct nov dec january february march april june july "
                  "august september october november december".split())
_WORD = re.compile(r"[a-z]+")
#: One spelling for British and American words before stemming, which keeps them apart
#: ('organise', 'organize'): -ize and -yze as -ise and -yse (American 'revise' and 'promise'
#: are spelt so too), and a long word's -our as -or ('colour').
_IZE = re.compile(r"(?<=..[iy])z(?=(?:e|ed|es|er|ers|ing|ation|ations)$)")
_OUR = re.compile(r"(?<=...o)u(?=rs?$)")
#: Stems that name one thing: the short forms account managers write, and British spellings
#: Snowball keeps as their own words.
_SAME_STEM = {
    "execut": "exec", "introduc": "intro", "introduct": "intro", "demonstr": "demo", "configur": "config",
    "specif": "spec", "evalu": "eval", "document": "doc", "inform": "info", "administr": "admin",
    "mgmt": "manag", "quotat": "quot", "licenc": "licens", "catalogu": "catalog", "programm": "program",
    "enquiri": "inquiri", "centr": "center",
}


@lru_cache(maxsize=1)
def _stemmer():  # imported when first asked: it loads all its 35 languages, 10 ms
    import snowballstemmer
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A word of a topic (lower case) as its stem: 'revised' and 'revision' meet, 'review'
    does not; 'exec' meets 'executive' and 'organise' 'organize'. Remembered: a book has few
    words, its titles many."""
    found = _stemmer().stemWord(_OUR.sub("", _IZE.sub("s", word)))
    return _SAME_STEM.get(found, found)


#: The topic word of a renewal: any action about it is part of the renewal conversation.
RENEWAL_WORD = "renew"  # stem("renewal"), written out: the stemmer is imported when first used

#: The share of the smaller topic the two must have in common.
OVERLAP = 0.6


@lru_cache(maxsize=1 << 14)
def topic(title: str) -> frozenset[str]:
    """The words that say what an action is about, each as its stem (`stem`). Cutting each to
    four letters, as this did, made 'contract' one word with 'contact' and 'revised' with
    'review', and so one job of "Send the revised contract" and "Review contact details".
    Remembered: a promise's and an ask's words are asked again on every past day the stage
    history reads (`occasion.promise_for` took 3% of the engine's time at 1,000 × 50, 1.5%
    with this)."""
    return frozenset(stem(w) for w in _WORD.findall(title.lower()) if len(w) > 2 and w not in _STOP)


def action_topic(a: Action) -> frozenset[str]:
    """What an action is about: its title's topic without the name of the person it is with,
    so 'Check in with Gareth Pryce' is not the same job as 'Answer Gareth Pryce: nurse-call'."""
    return topic(a.title) - topic(a.contact or "")


def apart(a: Action, b: Action) -> bool:
    """Two personal touches for two people are two jobs, however alike their titles without
    the names: "Keep in touch with Bill Marlow" (who refers us) had become an "(Also covers …)"
    of Lewis's (an account manager's objection). Two renewal actions are joined by their steps
    (`with_renewal`, `same_person`, `with_joiners`), never by their words: "Meet Dave Brightwell
    before the renewal" and "Meet Philippa Rowe (budget holder) before the renewal" read alike."""
    return (a.kind == b.kind == "personal" and a.contact != b.contact) or a.kind == b.kind == "renewal"


def similar(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Whether two topics are one job: two words or more each, mostly shared."""
    return (len(mine) >= 2 and len(theirs) >= 2
            and len(mine & theirs) / min(len(mine), len(theirs)) >= OVERLAP)


@lru_cache(maxsize=None)
def _needed(size: int) -> int:
    """The fewest shared words that make a topic of `size` words (the smaller one) similar,
    by the very division `similar` does, so rounding cannot make the two disagree."""
    return next(x for x in range(size + 1) if x / size >= OVERLAP)


def merge_similar(actions: list[Action], renewal_passed: bool = False, as_of: date | None = None,
                  eve: bool = False) -> list[Action]:
    """One action per topic: a promise to send the schedule and the ask for the schedule are the
    same job (see `groups` and `combine`); and one renewal conversation (`with_renewal`).
    `renewal_passed`: the renewal date went by with nothing recorded; `eve`: the renewal is
    within `dates.RENEWAL_EVE_DAYS` (see `with_renewal`)."""
    return with_renewal([combine(g) for g in groups(actions)], renewal_passed, as_of, eve)


#: An ask back from parking due before the renewal conversation joins it only once that is due
#: within this many days (`with_renewal`).
JOIN_SOON_DAYS = 7
#: The renewal conversation takes in a late conversation of those it asks to join (`with_joiners`)
#: from this many days before it is due.
JOIN_LATE_DAYS = 30


def with_renewal(actions: list[Action], renewal_passed: bool = False, as_of: date | None = None,
                 eve: bool = False) -> list[Action]:
    """The call before a renewal and any other action about the renewal ('Follow up with Jo on
    the renewal quote'), taking up again with the same person an ask back from parking, and the
    anniversary of working together are one conversation with the customer: one action. Once the
    renewal date has gone by unrecorded, asking how it went leads: Saltmarsh's lapsed renewal
    read only as "(Also covers …)" under the quote's follow-up (an account manager's objection)."""
    # The call before the renewal (or the question how a lapsed one went), never a meeting with
    # a quiet decider: Tasha's ask for evidence for "their PI insurance renewal" swallowed the
    # email to Eleanor, who decides ours and had not been heard from in 472 days. Nor the check
    # with whoever buys for them that their paperwork starts in time.
    call = next((a for a in actions if a.kind == "renewal" and a.renewal_step not in ("coverage", "paperwork")), None)
    if call is None:
        return actions
    # So is taking up again, with the same person, what was parked until a day now gone by:
    # Ashby's Phase 2 pricing, held "until spending controls lift", came third and low beside
    # the question whether its support had renewed, both with Mark (a seventh blind read).
    # Not while that conversation is weeks off: merged, Lantern's Copilot ask, back from parking
    # and 14 days overdue, became "due in 29 days" with the call (a tenth blind read). Joined,
    # the conversation keeps its own day: due from the ask's, "Call Camille before the renewal"
    # read 74 days overdue, a renewal call missed for months, and "Check whether the renewal of
    # 6 Apr went through" 143 days overdue, 65 days after it (an eleventh blind read). The ask is
    # theirs to take up, and waits a week at most.
    soon = as_of is None or (call.due - as_of).days <= JOIN_SOON_DAYS
    # The quiet deciders whose meetings go into the conversation on the renewal's eve (below),
    # with a play with one of them (St Aldhelm's executive sponsor call with Helen, which her
    # visit had covered, would stand alone on the day). Not when the conversation is with a
    # quiet decider already: that one's meeting is the same conversation (`same_person`), and
    # whoever else was in the last renewal's talk joins it (`with_joiners`: "Call Dave
    # Brightwell with Philippa Rowe today").
    coverage = [a for a in actions if eve and a.renewal_step == "coverage" and a.contact]
    quiet = {a.contact for a in coverage} if not any(a.contact == call.contact for a in coverage) else set()
    about = [a for a in actions if a is not call and (
        (a.kind in ("follow-up", "answer", "play") and RENEWAL_WORD in action_topic(a))
        or (a.unparked and a.contact is not None and a.contact == call.contact and (soon or a.due >= call.due))
        # and the anniversary of working together, a line of thanks in it, when the conversation
        # comes first: Saltmarsh's "Mark the 4th anniversary", high, on the day of a renewal not
        # yet confirmed (a seventh blind read). Not one due before it: thanks weeks late.
        # Nor one that waits, low, on what we owe them (`actions.personal`).
        or (a.anniversary and a.due >= call.due and a.priority != "low")
        # On the renewal's eve, where it stands is one question, asked in that conversation: St
        # Aldhelm's on the day asked Siobhan (then Helen, for an extension), and beside it had
        # "Visit Helen Marsh today" and "Email Anjali Desai today", each "where the renewal
        # stands" (a thirty-first blind read).
        or (a.contact in quiet and (a.renewal_step == "coverage" or a.kind == "play")))]
    if not about:
        return actions
    # An ask back from parking joins the renewal's conversation, which leads: ours to answer, it
    # outranked the meeting before Lantern's renewal, which went into its "Also covers" (a check
    # of a twenty-eighth blind read's fix).
    merged = combine(sorted([call, *about], key=Action.sort_key),
                     call if renewal_passed or call.lead_begun is not None or any(a.unparked or a.contact in quiet
                                                                                    for a in about) else None)
    gone = {id(a) for a in about} | {id(call)}
    return [merged if a is call else a for a in actions if id(a) not in gone or a is call]


def combine(group: list[Action], lead: Action | None = None) -> Action:
    """One action for a group of the same job, ranked best first. It leads with `lead` if given,
    on its day, else the member that has a firm date (a promise's own due date) if any, else
    the best-ranked, on the earliest firm date (a rule-of-thumb date, such as an ask's week to
    answer, never moves a promise earlier), of the members that are no check when there are
    any; it takes the group's highest priority, and keeps every member's source."""
    if len(group) == 1:
        return group[0]
    # A check (done, or past helping?) never leads live work of the same job: Northgate's reply
    # to Simon was led by his engineer "through peak", gone by, and so scored as a tick-box,
    # with his service credit, still owed, in its parenthesis (an account manager's objection).
    # Nor does the anniversary of working together, or an ask back from parking: a line in the
    # conversation they join (Lantern's renewal call was led by "Take up again with Camille:
    # Copilot", parked until January, and due then).
    live = [a for a in group if not a.check and not a.anniversary and not a.reopened] \
        or [a for a in group if not a.check] or group
    firm = [a for a in live if a.firm]
    if lead is not None:
        # A lead given keeps its own day: "Call Jo to confirm how the renewal of 14 Dec went",
        # due 24 Nov from the quote's follow-up it covers, made no sense (an account manager's
        # objection).
        firm, due = [lead] if lead.firm else [], lead.due
    else:
        # With no firm date, the one due first leads, so its reason says why it is due then:
        # St Aldhelm's renewal call ("the call comes 3 weeks before that", 13 Jan) led a merge
        # due 16 Oct, the coverage meeting's day (an account manager's objection).
        due = min(a.due for a in (firm or live))
        lead = firm[0] if firm else next(a for a in live if a.due == due)
    others = [a for a in group if a is not lead]
    priority = min((a.priority for a in group), key=PRIORITY_RANK.__getitem__)
    also = tuple(Reason(a.title, a.source) for a in others) + tuple(r for a in group for r in a.also)
    # The call before the renewal keeps its reason when it joins another action: what was said
    # at the last renewal, their side's lead time (St Aldhelm's 8 weeks had vanished).
    # What a member covered itself is named too: a second ask of one person, merged into the
    # first (`same_asker`), vanished from the text once that reply joined another action.
    # So does an ask whose day has gone by: Simon's engineer "through peak", covered by his
    # service credit in April, must still say that peak is over.
    def own(a: Action) -> bool:  # says its own reason, not only its title
        return (a.renewal_step == "call" or a.kind == "repair"
                or (a.kind in ("answer", "follow-up") and (a.check or a.unparked or a.helps_until))
                or (a.kind == "follow-up" and lead.kind == "prepare" and a.occasion == lead.source)
                or (a.renewal_step == "coverage" and lead.lead_begun is not None))
    # Those named by title only, in one bracket: St Aldhelm's read "(Also covers “Check in…”.)
    # (Also covers “Schedule a value review…”.)" (a check of a seventeenth blind read's fixes).
    titled = [a for a in others if not own(a)]
    # The lead's own "when it is due" goes too when the merge is due sooner (`Action.timing`).
    why = own_why(lead, due) + "".join(f" (It is the renewal conversation too: {own_why(a, due)})" if _itself(a, lead)
                             else f" (Also covers \u201c{a.title}\u201d: {own_why(a, due)})" if own(a)
                             else f" (Also covers {_listed([_titles(x) for x in titled])}.)" if a is titled[0]
                             else "" for a in others)
    # The person who asked is the one the work is for; one it was promised to hears too:
    # Brightwell's switches, promised to Karen and asked for by Stefan, read "tell Karen Osei
    # so" on an action with Stefan, and readers could not tell whom to call (blind reads, thrice).
    askers = [a.contact for a in group if a.kind in ("answer", "tell") and a.contact]
    contact = (askers or [a.contact for a in (lead, *others) if a.contact] or [None])[0]
    promised_to = lead.promised_to
    if promised_to and contact and contact != promised_to:
        why += f" It is with {contact}, who asked for it; tell {promised_to} too."
        promised_to = None  # said: a later merge does not say it again
    return replace(lead, why=why, due=due, priority=priority, firm=bool(firm), also=also, contact=contact,
                   internal=all(a.internal for a in group), also_for=also_for(lead, others),
                   joiners=tuple(dict.fromkeys(n for a in group for n in a.joiners)),
                   asked_to_join=tuple(dict.fromkeys(n for a in group for n in a.asked_to_join)),
                   promised_to=promised_to)


def _itself(a: Action, lead: Action) -> bool:
    """Whether `a` is the call before the renewal with the very person the meeting before it
    that takes it in is with: "Email Eleanor Calder… (Also covers “Email Eleanor Calder before
    the renewal…”)" read as an action covering itself (a seventeenth blind read)."""
    return a.renewal_step == "call" and lead.renewal_step == "coverage" and a.contact == lead.contact


def own_why(a: Action, due: date) -> str:
    """What an action merged into another says, without when it is due itself when the merge is
    due sooner (`Action.timing`)."""
    return a.why.replace(a.timing, ".", 1) if a.timing and due < a.due else a.why


def _listed(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _titles(a: Action) -> str:
    """An action's title and the titles of what it covers, quoted."""
    return " and ".join(f"\u201c{t}\u201d" for t in (a.title, *(r.text for r in a.also)))


def also_for(lead: Action, others: list[Action]) -> tuple[str, ...]:
    """Whose list one action made of several is on besides its owner's: everyone the others
    were for. Maya's promise of a quote, merged into Tomás's renewal call, is still hers to send."""
    found = dict.fromkeys(h for a in (lead, *others) for h in a.assignees)
    found.pop(lead.owner, None)
    return tuple(found)


def _part_title(a: Action) -> str:
    """How a part merged into another is named where its lateness is said: on the renewal's eve
    not by its title, "today: where the renewal… stands", which read as a call "due since 13 Nov
    2026" (a twenty-seventh read)."""
    where = _BEFORE_RENEWAL.search(a.title)
    return f"A conversation with {a.contact} before the renewal" if where and "where" in where[0] and a.contact \
        else a.title


def _since(parts: tuple[tuple[str, date], ...]) -> str:
    """' “Schedule a value review with finance” has been due since 22 Oct 2026.' for each."""
    return "".join(f" \u201c{title}\u201d has been due since {fmt_date(day)}." for title, day in parts)


def same_person(actions: list[Action], as_of: date | None = None, holidays: Holidays = ()) -> list[Action]:
    """A meeting with a quiet decider before the renewal, the renewal call when it is with that
    same person (it goes to whoever decides), and a team play about them (a value review with
    the CFO who holds the budget) are one conversation; so are the renewal call and a play
    about the person it is with, with no such meeting due (a sponsor call with Pete, who
    decides the renewal, beside the call before it with Pete), and so are the question whether
    a renewal gone by went through and a play with the person it asks. Once the call is due
    within JOIN_SOON_DAYS of `as_of` (or late), the renewal's own conversation leads a play it
    joins, on its own day; so does the meeting, once due, over a play due before it of no
    higher priority, whose lateness, if it is of weight, is said (`Action.late_parts`)."""
    meets = {a.contact: a for a in actions if a.kind == "renewal" and a.renewal_step == "coverage" and a.contact}
    for a in actions:
        # (or the question whether a renewal gone by went through: Ashby's budget-round check-in
        # with Mark stood beside asking Mark that, and Mark "hates being chased": a blind read)
        if a.kind == "renewal" and a.renewal_step in ("call", "lapsed") and a.contact and a.contact not in meets:
            meets[a.contact] = a
    # With no such meeting or call, two plays with one person are one conversation too: St
    # Aldhelm's value review with finance and the budget-round check-in, both with Anjali.
    for a in actions:
        if a.kind == "play" and not a.internal and a.contact and a.contact not in meets \
                and sum(1 for b in actions if b.kind == "play" and not b.internal and b.contact == a.contact) > 1:
            meets[a.contact] = a
    joined = [a for a in actions if a.contact in meets and meets[a.contact] is not a
              and (a.kind == "play" or (a.kind == "renewal" and a.renewal_step == "call"))]
    if not joined:
        return actions
    out = []
    for a in actions:
        if any(a is j for j in joined):
            continue
        if a.contact in meets and meets[a.contact] is a:
            # The one due first leads, so its reason says why it is due then: a sponsor call
            # that "has applied since 5 Dec" read 53 days overdue, from the meeting it covered.
            # Unless their time to renew has begun unheard: asking whether it has started leads
            # (St Aldhelm's, 25 Mar: led by the meeting with Helen due 16 Oct); and so does asking
            # whether a renewal gone by went through.
            group = [a, *(j for j in joined if j.contact == a.contact)]
            lead = next((x for x in group if x.lead_begun is not None or x.renewal_step == "lapsed"), None)
            waited: list[Action] = []
            if lead is None and as_of is not None and any(x.kind == "play" for x in group):
                # And the renewal's own conversation once it is due: Westmarch's renewal, the next
                # day, was only in the "Also covers" of a budget-round check-in due in January (an
                # eleventh blind read). So does the meeting with a quiet decider, once due, over a
                # play due before it and no weightier: Westmarch's meeting with Tom, late since
                # March, was in that check-in's "Also covers" in May and July, and St Aldhelm's
                # email to Anjali, 37 days before the renewal, in that of hers (a fifteenth). A
                # weightier play due first (an executive sponsor call, high) leads still. Before
                # then the play, due first, leads, saying why.
                soon = [x for x in group if x.kind == "renewal" and (x.due - as_of).days <= JOIN_SOON_DAYS]
                first = min(group, key=lambda x: (x.due, x.sort_key()))
                if any(x.renewal_step == "call" for x in soon):
                    lead = min((x for x in group if x.kind == "renewal"), key=lambda x: (x.due, x.sort_key()))
                elif soon:
                    meet = min(soon, key=lambda x: (x.due, x.sort_key()))
                    if first.kind == "play" and PRIORITY_RANK[first.priority] >= PRIORITY_RANK[meet.priority]:
                        lead = meet
                # A play of weight due before it keeps its lateness in the text (Brightwell's value
                # review with finance, due since October: a check of a thirteenth blind read).
                if lead is not None:
                    waited = [x for x in group if x.kind == "play" and x.priority != "low"
                              and x.due < min(lead.due, as_of)]
            a = combine(sorted(group, key=lambda x: (x.due, x.sort_key())), lead)
            if waited and as_of is not None:
                parts = tuple((x.title, working_due(x, holidays, as_of)) for x in waited)
                a = replace(a, why=a.why + _since(parts), late_parts=parts)
        out.append(a)
    return out


def with_joiners(actions: list[Action], as_of: date, holidays: Holidays = ()) -> list[Action]:
    """Those the renewal conversation asks to join (`Action.joiners`): their own meeting before
    the renewal and the team's plays with them join it once it is due within JOIN_SOON_DAYS
    (or late; within JOIN_LATE_DAYS when one of theirs is late already), named in its title,
    due when the first of it was. Brightwell's meeting with Dave asked Philippa to join, beside
    a value review with her and a meeting with her before the renewal: one annual review, as
    the last two were (an eleventh blind read). Before then, each stands on its own day."""
    def joins(a: Action, talk: Action) -> bool:
        return a is not talk and a.contact in talk.joiners and not a.internal \
            and (a.kind == "play" or (a.kind == "renewal" and a.renewal_step == "coverage"))

    # Sooner while a conversation of theirs is already late: Brightwell's read "Meet Philippa
    # Rowe (budget holder) before the renewal, 60 days overdue" beside "Meet Dave Brightwell…,
    # due in 8 days", two meetings where the last two renewals were one (a nineteenth blind read).
    talk = next((a for a in actions if a.kind == "renewal" and a.joiners and (
        (a.due - as_of).days <= JOIN_SOON_DAYS
        or ((a.due - as_of).days <= JOIN_LATE_DAYS and any(b.due < as_of and joins(b, a) for b in actions)))), None)
    if talk is None:
        return actions
    joining = [a for a in actions if joins(a, talk)]
    if not joining:
        return actions
    merged = combine(sorted([talk, *joining], key=Action.sort_key), talk)
    # Who comes is in its title, and what of theirs has waited is said: the brief's list shows
    # titles, and "Meet Dave Brightwell" gave no sign that Philippa was to be there, nor that
    # her value review had been due for three months (a check of a thirteenth blind read's fix).
    names = tuple(dict.fromkeys(a.contact for a in joining if a.contact))
    # Due when the first of it was: joined, work of theirs already late is no later (the meeting
    # is due within the week), and the text says whose day that is, and that of the work of weight
    # each had taken in (the value review with Philippa, inside her meeting before the renewal).
    parts = tuple(part for a in joining
                  for part in (((_part_title(a), working_due(a, holidays, as_of)),) if a.due < min(as_of, talk.due)
                               else ()) + a.late_parts)
    ask = tuple(n for n in names if n not in merged.asked_to_join)
    due = min([talk.due, *(a.due for a in joining)])
    # (Its own "when it is due" goes when what joins it was due sooner: `Action.timing`.)
    why = own_why(merged, due) + (f" Ask {people(ask)} to join, as at the last renewal." if ask else "") + \
        _since(parts)
    merged = replace(merged, why=why, due=due,
                     asked_to_join=merged.asked_to_join + ask, late_parts=merged.late_parts + parts)
    gone = {id(a) for a in joining}
    return [merged if a is talk else a for a in actions if id(a) not in gone]


def named_joiners(actions: list[Action]) -> list[Action]:
    """Whom a conversation before the renewal asks to join (`Action.asked_to_join`) is in its
    title, once nothing of theirs stands apart: the brief's list shows titles, and Westmarch's
    "Meet Dr Tom Adebayo (budget holder) before the renewal" asked Hannah only inside the call
    it had taken in, Brightwell's "Meet Dave Brightwell" Philippa only in its text (blind reads).
    Beside a conversation of their own before it (Philippa's meeting, until `with_joiners` takes
    it in; a team's play with them), not yet: two meetings with her read as one too many."""
    out = []
    for a in actions:
        names = tuple(n for n in a.asked_to_join if n not in a.title and n != a.contact
                      and not any(b is not a and b.kind in _THEIR_OWN and b.contact == n and not b.internal
                                  for b in actions))
        mark = _BEFORE_RENEWAL.search(a.title)
        if names and mark:
            a = replace(a, title=a.title.replace(mark[0], f" with {people(names)}{mark[0]}", 1))
        out.append(a)
    return out


def invited_in_their_own(actions: list[Action]) -> list[Action]:
    """Whom a conversation before the renewal asks to join, when a conversation of their own
    before it stands apart (one who would rather be written to: `with_joiners` leaves theirs on
    its own), is asked in that one: St Aldhelm's "Visit Helen Marsh… ask Anjali to join (Anjali:
    prefers email)" stood beside "Email Anjali Desai (budget holder) before the renewal", two
    asks of her that did not know of each other (a seventeenth blind read)."""
    out = list(actions)
    for a in actions:
        talk = _TALKS.get(a.title.split(" ", 1)[0]) if a.kind == "renewal" else None
        for n in a.asked_to_join if talk else ():
            k = next((k for k, b in enumerate(out) if b is not a and b.kind in _THEIR_OWN and b.contact == n
                      and not b.internal), None)
            if k is not None:
                out[k] = replace(out[k], why=f"{out[k].why} In it, ask {first_name(n)} to join the {talk} with "
                                             f"{a.contact} too (\u201c{a.title}\u201d).")
    return out


#: A conversation of someone's own before the renewal: a meeting with them, or a team's play with
#: them (St Aldhelm's budget-round check-in with Anjali, which covered her email before it).
_THEIR_OWN = ("renewal", "play")

#: The conversations one can join, by the verb their title starts with.
_TALKS = {"Visit": "visit", "Meet": "meeting", "Call": "call"}


#: Where a conversation's title names the renewal (`actions.renewal`, `people.coverage_flag_and_actions`).
_BEFORE_RENEWAL = re.compile(r" (?:before the renewal|(?:today|on \w{3} \d{1,2} \w{3}): where the renewal)")


#: What the customer asked us and waits on: one reply to one person, however many asks.
ASKED = ("answer", "tell")


def same_asker(actions: list[Action]) -> list[Action]:
    """What one person asked of us (answers owed, news they asked for) is one reply to them, led
    by the one due first: Northgate had "Answer Simon Hurst" twice, for the two conditions he
    set in one meeting, and Kestrel answered Ravi and told Ravi separately, both from one call
    (an account manager's objections)."""
    by: dict[str, list[Action]] = {}
    for a in actions:
        if a.kind in ASKED and a.contact and not a.internal:
            by.setdefault(a.contact, []).append(a)
    # Led by an ask whose answer helps whenever it comes, not by one for a day (`helps_until`):
    # Northgate's service credit, one of Simon's conditions, sat in the "Also covers" of his
    # engineer "through peak… after that, answering it no longer helps" (a seventeenth blind read).
    for g in by.values():
        g.sort(key=lambda x: (x.due, x.helps_until is not None, x.sort_key()))
    merged = {id(g[0]): combine(g) for g in by.values() if len(g) > 1}
    if not merged:
        return actions
    gone = {id(a) for g in by.values() if len(g) > 1 for a in g[1:]}
    return [merged.get(id(a), a) for a in actions if id(a) not in gone]


def with_their_ask(actions: list[Action]) -> list[Action]:
    """A promise that is the work for one of their asks (`Action.answers`: it shares its words
    and takes its day) and the answer to that ask are one job, led by the promise's firm date
    and with whoever asked: Brightwell had "Answer Stefan Novak: Network drops for the new Haas
    machines…" and "Confirm lead time on switches for the Haas drops" side by side, and health
    charged the one piece of work twice (an account manager's objection)."""
    holders = {s: a for a in actions if a.kind == "answer"
               for s in (a.source, *(r.source for r in a.also)) if s is not None}
    groups: dict[int, list[Action]] = {}
    for a in actions:
        held = holders.get(a.answers) if a.kind == "follow-up" and a.answers is not None else None
        if held is not None:
            groups.setdefault(id(held), [held]).append(a)
    if not groups:
        return actions
    joined = {id(a) for g in groups.values() for a in g[1:]}
    return [combine(sorted(groups[id(a)], key=Action.sort_key)) if id(a) in groups else a
            for a in actions if id(a) not in joined]


#: A promise of a conversation: 'Book an exec call between Maya and Simon'.
_TALK = re.compile(r"\b(?:call|meeting|meet|visit|catch[- ]?up|lunch|coffee)\b", re.IGNORECASE)


def repair_in_talk(actions: list[Action], as_of: date) -> list[Action]:
    """A repair after a bad touch and a conversation promised in that very touch, once due, are
    one job: the conversation is the repair. Northgate's "Repair: talk to Craig Dunmore, Simon
    Hurst and 2 others about the meeting of 6 Nov" ranked second for the team beside "Book an
    exec call between Maya and Simon", promised in that meeting and late, as if nobody had acted
    (a ninth blind read). The promise leads (its date is firm); the repair's reason stays in its
    text. Before the promise is due the repair stands alone: talking to them is late already."""
    repairs = {a.source: a for a in actions if a.kind == "repair" and a.source is not None}
    if not repairs:
        return actions
    talks: dict[Source, Action] = {}  # a repair's note → the first conversation promised in it
    for a in actions:
        if (a.kind == "follow-up" and not a.chase and not a.check and a.source is not None and a.due <= as_of
                and _TALK.search(a.title)):
            for src in repairs:
                if a.source.path == src.path:
                    talks.setdefault(src, a)
    if not talks:
        return actions
    repair_of = {id(talk): repairs[src] for src, talk in talks.items()}
    joined = {id(r) for r in repair_of.values()}
    return [combine([a, repair_of[id(a)]], lead=a) if id(a) in repair_of else a
            for a in actions if id(a) not in joined]


def same_day(actions: list[Action], as_of: date | None = None) -> list[Action]:
    """A late promise for one of the customer's dates and the call to confirm all is ready for
    it are one conversation: Loomwork had "Send the device order confirmation to Marta" and
    "Call Marta Ruiz to confirm all is ready" for the same starters' first day, side by side
    (an account manager's objection). The promise leads (its date is firm), but on the day
    itself (`as_of`) being on hand for it does, the promise in its text: Loomwork's starters'
    first morning was headed "Send the device order confirmation to Marta" (a twenty-first
    blind read)."""
    # After the day, asking how it went is that conversation (Loomwork's "Ask Marta Ruiz how it
    # went" beside the promise to send her the device order confirmation: an eighth blind read).
    checks = {a.source: a for a in actions if a.source is not None and (
        a.kind == "prepare" or a.after_day)}
    days: dict[Source, list[Action]] = {}  # a day's check → the promises for it
    for a in actions:
        if a.occasion is not None and a.occasion in checks and checks[a.occasion] is not a:
            days.setdefault(a.occasion, []).append(a)
    if not days:
        return actions
    out = []
    for a in actions:
        if a.source in days and checks.get(a.source) is a:
            continue  # in the group of the first promise for its day
        group = days.get(a.occasion) if a.occasion is not None else None
        if group is not None:
            if a is not group[0]:
                continue  # a second promise for the same day: in the first one's group
            check = checks[a.occasion]
            a = combine(sorted([*group, check], key=Action.sort_key),
                        check if check.kind == "prepare" and check.due == as_of else None)
        out.append(a)
    return out


def _filed(a: Action) -> tuple[tuple, ...]:
    """Where a kept action is filed, so that `_searched` finds only those `a` is not `apart`
    from: filed apart, 2,000 birthday greetings (one topic, each for its own person) were each
    compared with all the others (16,000 contacts with birthdays: 10 million comparisons, a
    quarter of a 55 s build). A personal touch is filed under its person and under them all."""
    if a.kind == "personal":
        return (("personal", a.contact), ("personal",))
    return (("renewal",),) if a.kind == "renewal" else (("",),)


def _searched(a: Action) -> tuple[tuple, ...]:
    """The files of kept actions `a` is not `apart` from: a personal touch, no one else's;
    a renewal step, no other renewal step. Never more than three, whatever the people."""
    if a.kind == "personal":
        return ("",), ("renewal",), ("personal", a.contact)
    return (("",), ("personal",)) + ((("renewal",),) if a.kind != "renewal" else ())


def groups(actions: list[Action]) -> list[list[Action]]:
    """Actions grouped by job, each group ranked best first and led by its best-ranked member;
    each action joins the earliest-ranked group whose leader it is similar to."""
    ordered = sorted(actions, key=Action.sort_key)
    topics = [action_topic(a) for a in ordered]
    # Each topic's words rarest first (ties by the word): two topics sharing n words share
    # one among the first len - n + 1 words of each, so only those need looking up.
    df = Counter(w for t in topics for w in t)
    kept: list[Action] = []
    kept_topics: list[frozenset[str]] = []
    covers: list[list[Action]] = []
    # Per file (`_filed`): word → kept topics with it in their rare prefix, and word → kept
    # topics with it in all but their commonest.
    buckets: dict[tuple, tuple[dict[str, list[int]], dict[str, list[int]]]] = {}
    for a, mine in zip(ordered, topics):
        words = sorted(mine, key=lambda w: (df[w], w)) if len(mine) >= 2 else []
        rare = words[:len(words) - _needed(len(words)) + 1] if words else []
        # A kept topic no bigger than mine shares at least its own needed count with me (two
        # or more), so one in its rare prefix and one in my all-but-commonest; a bigger one
        # shares my needed count, so one in my rare prefix and one in its all-but-commonest.
        found: set[int] = set()
        for by_rare, by_most in (buckets[f] for f in _searched(a) if f in buckets) if words else ():
            found.update(k for w in words[:-1] for k in by_rare.get(w, ()))
            found.update(k for w in rare for k in by_most.get(w, ()))
        twin = next((k for k in sorted(found) if similar(mine, kept_topics[k]) and not apart(a, kept[k])), None)
        if twin is not None:
            covers[twin].append(a)
            continue
        for f in _filed(a):
            by_rare, by_most = buckets.setdefault(f, ({}, {}))
            for w in rare:
                by_rare.setdefault(w, []).append(len(kept))
            for w in words[:-1]:
                by_most.setdefault(w, []).append(len(kept))
        kept.append(a)
        kept_topics.append(mine)
        covers.append([])
    return [[b, *more] for b, more in zip(kept, covers)]
