"""Key dates: birthdays, relationship anniversaries and renewals, next occurrence first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from ..model import Birthday, Contact, Customer, Interaction
from .touches import one_way
from .types import KeyDate
from .words import NAME_TITLES, day_list, fmt_date, ordinal, people, sentence

#: For this many days after a birthday (or the relationship's anniversary) nobody marked, a
#: belated greeting is suggested, and the contact says it was (not "in 364 days"): the day
#: after, the greeting had vanished without a trace, where a late promise stays listed as
#: overdue (an account manager's objection).
BELATED_DAYS = 7
#: A note that mentions a birthday (an anniversary) marks it from the eve on (a card may arrive a day early);
#: a mention any earlier is planning, not the greeting.
WISHED_EARLY_DAYS = 1


#: The call before a renewal falls due this long before the renewal's work starts: the date
#: itself, or earlier by the customer's `renewal_lead`.
RENEWAL_CALL_DAYS = 21


def renewal_call_days(customer: Customer) -> int:
    """Days before the renewal the call before it is due: three weeks before their side's
    `renewal_lead` begins. An NHS framework's paperwork takes eight weeks, and a call three
    weeks before the date came too late to act on (an account manager's objection)."""
    return (customer.renewal_lead or 0) + RENEWAL_CALL_DAYS


def lead_unheard(customer: Customer, day: date, last_heard: date | None, as_of: date) -> date | None:
    """The day their side's time to renew (`renewal_lead`) before the renewal on `day` began,
    when it has begun by as_of with nothing heard from them since; else None. St Aldhelm's
    read "the call comes 3 weeks before that" 16 days before a renewal whose 8 weeks of NHS
    paperwork had begun six weeks earlier, with nothing heard (an account manager's objection)."""
    if not customer.renewal_lead:
        return None
    begun = day - timedelta(days=customer.renewal_lead)
    return begun if as_of > begun and (last_heard is None or last_heard < begun) else None


def renewal_doubt(customer: Customer, unanswered: tuple[Interaction, ...], last_heard: date | None, as_of: date,
                  renewal_days: int, setback: date | None = None,
                  last_contact: date | None = None) -> tuple[str, bool] | None:
    """Why nothing recorded of a renewal gone by is no sign it went through, as the words after
    "With" ("With no reply to our last touch (3 Nov 2026), do not take it as renewed"); None
    when nothing says so. A setback with nothing good since (Northgate's tender threat: a
    seventeenth blind read); their side's time to renew begun unheard, which the call before it
    said it could not be done without (St Aldhelm's); or our outreach unanswered (Saltmarsh's
    renewal quote, Calder's three touches): only Northgate's read "do not take it as renewed"
    (a twenty-first blind read). Or nothing heard all through its run-up (`renewal_window`),
    unless they asked for a pause that reached into it: Kestrel's, Lantern's and Brightwell's
    read "ask only if they do not say" after months of silence (a twenty-third blind read).
    With whether it is a sign they may have gone: a silence both ways is not (Kestrel's and
    Lantern's read "whether they have gone elsewhere", the silence ours as much as theirs: a
    twenty-sixth). `unanswered`: our touches since we last heard from them; `last_contact`: our
    last touch either way, none since `last_heard` making a silence both ways."""
    if setback is not None:
        return f"nothing good since the setback of {fmt_date(setback)}", True
    begun = lead_unheard(customer, customer.renewal, last_heard, as_of) if customer.renewal else None
    if begun is not None:
        # From when they were last heard: "since … 3 Feb 2027" understated St Aldhelm's silence
        # since 9 Oct (a twenty-second blind read).
        since = f" since {fmt_date(last_heard)}," if last_heard is not None else ""
        # Nothing of ours since either: the silence is both ways, no sign they have gone (St
        # Aldhelm's, whose visit, email and paperwork check before the renewal were never done:
        # a check of a twenty-eighth blind read's fixes).
        both = last_heard is not None and last_contact is not None and last_contact <= last_heard
        return (f"nothing heard from them{since} before their side's time to renew began ({fmt_date(begun)})",
                not both)
    if unanswered:
        what = "our last touch" if len(unanswered) == 1 else f"our last {len(unanswered)} touches"
        said = f"no reply to {what} ({day_list([i.date for i in unanswered])})"
        # Our own follow-up of it, noted there and not done, makes the silence ours as much as
        # theirs: no sign they have gone. Saltmarsh's quote, whose "Follow up with Jo" was never
        # done, read "whether they have gone elsewhere" (a twenty-eighth blind read).
        dropped = next((c for i in reversed(unanswered) for c in i.commitments
                        if not c.done and c.due is not None and c.due < as_of), None)
        if dropped is not None:
            return (f"{said}, and our own follow-up not done (\u201c{dropped.text}\u201d, due "
                    f"{fmt_date(dropped.due)})"), False
        return said, True
    run_up = customer.renewal - timedelta(days=renewal_window(customer, renewal_days)) if customer.renewal else None
    if run_up is not None and (last_heard is None or last_heard < run_up) \
            and not (customer.pause is not None and customer.pause.until > run_up):
        since = f" since {fmt_date(last_heard)}" if last_heard is not None else ""
        return f"no word either way{since}, all through the renewal's run-up", False
    return None


#: From this many days before the renewal, its conversation is a call today about where it
#: stands: no meeting is set up in time. Brightwell read "Meet Dave Brightwell… before the
#: renewal on 30 Apr 2027", 167 days overdue, the day before, and on the day "(in 0 days)" (a
#: twenty-third blind read).
RENEWAL_EVE_DAYS = 2


def renewal_window(customer: Customer, renewal_days: int) -> int:
    """Days before the renewal from which it is coming (its call, the digest's line, a quiet
    key person's weight): `renewal_days`, longer by the customer's `renewal_lead`."""
    return renewal_days + (customer.renewal_lead or 0)


#: A touch this long or longer before the renewal date was about an earlier renewal: nearer, it
#: is this one's run-up (a quote sent, a threat to tender), which other rules weigh.
EARLIER_RENEWAL_DAYS = 180
_RENEWAL_TALK = re.compile(r"\brenew(?:al|als|ed|s|ing)?\b", re.IGNORECASE)
#: The review the year turns on: the last renewal when its notes say so (Brightwell's 2026
#: review, "Fixed-fee project bucket renewed"); else, with no touch saying "renewal", named as
#: what it was (St Aldhelm's 2026 "Annual review — first sight of the outpatient wing plans"
#: read "At the last renewal", where the 2025 review had agreed the renewal).
_REVIEW_TALK = re.compile(r"\b(annual review|contract review|annual meeting)\b", re.IGNORECASE)
#: Renewals of something else: their insurance, a lease, a licence, a certificate.
_OTHER_RENEWAL = re.compile(r"\b(?:insurance|lease|licen[cs]e|certificate|domain|ssl|policy|warranty|passport|visa|"
                            r"mot|membership)\s+renew", re.IGNORECASE)


def _clipped(text: str) -> str:
    """A line of a note as quoted in a reason: whole up to 160 characters, else cut with '…'."""
    return text if len(text) <= 160 else text[:157].rstrip() + "…"


def _renewal_line(body: str) -> str | None:
    """The first line of a note's body that speaks of a renewal of ours, as written."""
    for line in body.splitlines():
        text = line.strip().lstrip("-*+ ").strip()
        if _RENEWAL_TALK.search(text) and not _OTHER_RENEWAL.search(text):
            return _clipped(text)
    return None


def last_renewal_talk(customer: Customer, renewal: date, as_of: date) -> tuple[Interaction, str, str | None] | None:
    """The last conversation about an earlier renewal of ours, logged by as_of: (the touch, what
    it was, the line of its notes that speaks of the renewal, if its summary does not). What was
    said and who was in it, for the call before this one. Kestrel's read only "Renewal (worth
    £54,000 a year) in 39 days", to Nadia; its last renewal, with Nadia and Ben, the CFO, ended
    "Ben wants per-seat pricing" (an account manager's objection).

    A touch whose summary says *renewal*; or an annual review whose notes say so (Brightwell's
    2026 review: "Fixed-fee project bucket renewed"), the latest first; else the last annual
    review, named as such."""
    cutoff = min(as_of, renewal - timedelta(days=EARLIER_RENEWAL_DAYS))
    review: tuple[Interaction, str, str | None] | None = None
    for i in reversed(customer.interactions):
        if i.date > cutoff or not i.summary or one_way(i):
            continue
        if _RENEWAL_TALK.search(i.summary) and not _OTHER_RENEWAL.search(i.summary):
            return i, "renewal", None
        if (m := _REVIEW_TALK.search(i.summary)) is not None:
            line = _renewal_line(i.body)
            if line is not None:
                return i, "renewal", line
            if review is None:
                review = i, m.group(1).lower(), None
    return review


#: A renewal's talk this long or longer before the renewal it is quoted for was about the one
#: before last (a year, and the run-up `EARLIER_RENEWAL_DAYS`): the last one went unrecorded.
#: Unless it names the month it ran to (`runs_to`).
ON_RECORD_DAYS = 365 + EARLIER_RENEWAL_DAYS
_MONTH_YEAR = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b", re.IGNORECASE)
_MONTH_NUMBER = {m: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def runs_to(i: Interaction, renewal: date) -> str | None:
    """The line of a renewal's talk that names the renewal's own month and year ('Renewal through
    to March 2027 agreed in principle', of one on 31 Mar 2027), as written: the term it agreed
    runs to this renewal, and no renewal between went unrecorded. St Aldhelm's two-year term
    read "At the last renewal on record" (two twenty-eighth blind reads)."""
    for line in [i.summary or "", *i.body.splitlines()]:
        text = line.strip().lstrip("-*+ ").strip()
        for m in _MONTH_YEAR.finditer(text):
            if (int(m.group(2)), _MONTH_NUMBER[m.group(1).lower()]) == (renewal.year, renewal.month):
                return _clipped(text)
    return None


def renewal_talk_text(found: tuple[Interaction, str, str | None], renewal: date | None = None) -> str:
    """'At the last renewal, the meeting of 24 Feb 2026 with Nadia Farouk and Ben Lowther: Year-one
    renewal signed; Ben wants per-seat pricing.' Of a renewal before last (`renewal`: the one it
    is quoted for), 'At the last renewal on record, …': Westmarch's call of June 2025 read as the
    last renewal's, for one in August 2027 (a check of a fifteenth blind read)."""
    i, what, line = found
    with_ = f" with {people(i.with_, 4)}" if i.with_ else ""
    said = sentence(i.summary or i.type)
    if line is not None:
        said = f"{said[:-1]} (\u201c{line.rstrip('.')}\u201d)."
    old = renewal is not None and (renewal - i.date).days >= ON_RECORD_DAYS
    term = runs_to(i, renewal) if old and renewal is not None else None
    if term is not None and line is None and term != i.summary:
        said = f"{said[:-1]} (\u201c{term.rstrip('.')}\u201d)."
    old = old and term is None
    return f"At the last {what}{' on record' if old else ''}, the {i.type} of {fmt_date(i.date)}{with_}: {said}"


def renewal_lapsed(customer: Customer, as_of: date) -> bool:
    """The renewal date in customer.yaml has gone by with nothing recorded of how it went (a
    renewal recorded sets the next date; an account that left is `status: ended`)."""
    return customer.renewal is not None and customer.renewal < as_of and customer.status != "ended"


def next_birthday(b: Birthday, as_of: date) -> date:
    """The birthday on or after as_of."""
    d = b.on_year(as_of.year)
    return d if d >= as_of else b.on_year(as_of.year + 1)


def last_birthday(b: Birthday, as_of: date) -> date:
    """The birthday on or before as_of."""
    d = b.on_year(as_of.year)
    return d if d <= as_of else b.on_year(as_of.year - 1)


def missed_birthdays(customer: Customer, as_of: date) -> tuple[KeyDate, ...]:
    """Birthdays of the last BELATED_DAYS days (not today's), as key dates that have passed
    (`days_until` below zero), of the people `key_dates` would name; earliest first."""
    out = [_birthday(c, last_birthday(c.birthday, as_of), as_of) for c in _with_birthdays(customer, as_of)]
    return tuple(sorted((k for k in out if 0 < -k.days_until <= BELATED_DAYS), key=lambda k: (k.date, k.title)))


def _with_birthdays(customer: Customer, as_of: date) -> Iterator[Contact]:
    """The contacts whose birthdays count: not of someone who has left, unless we keep in touch."""
    return (c for c in customer.contacts if c.birthday is not None
            and not (c.left is not None and c.left <= as_of and c.keep_in_touch is None))


def _birthday(c: Contact, d: date, as_of: date) -> KeyDate:
    """`c`'s birthday falling on `d`, as a key date."""
    assert c.birthday is not None
    age = f" ({d.year - c.birthday.year})" if c.birthday.year else ""
    return KeyDate("birthday", d, (d - as_of).days, f"{c.name}'s birthday{age}", c.name, c.source)


def missed_anniversary(customer: Customer, as_of: date) -> KeyDate | None:
    """The relationship's anniversary, when it fell in the last BELATED_DAYS days (not today)."""
    if customer.since is None or customer.status == "ended":
        return None
    d = last_birthday(Birthday(customer.since.month, customer.since.day), as_of)
    years = d.year - customer.since.year
    if years < 1 or not 0 < (as_of - d).days <= BELATED_DAYS:
        return None
    return _anniversary(customer, d, years, as_of)


def _anniversary(customer: Customer, d: date, years: int, as_of: date) -> KeyDate:
    return KeyDate("anniversary", d, (d - as_of).days, f"{ordinal(years)} anniversary of working with {customer.name}",
                   None, customer.at("since"))


def greeting_notes(items: tuple[Interaction, ...], since: date) -> dict[str, date]:
    """The notes from `since` on that mention a birthday, by whose birthday they may mark: the
    latest such note's date under each key (and under ANNIVERSARY, the latest that mentions an
    anniversary). A note that says whose birthday it is ("Declan's
    birthday quiz night") marks only theirs: filed under that name and under the full names of
    those it is with who bear it. Any other ("Birthday card to Camille") is filed under each
    name it is with and each word of its text (lowercased), so a first name finds it. One
    pass over the notes, whatever the contacts."""
    found: dict[str, date] = {}
    for i in items:
        if i.date < since:
            continue
        text = f"{i.summary or ''}\n{i.body}".lower()
        if "anniversary" in text and found.get(ANNIVERSARY, since) <= i.date:
            found[ANNIVERSARY] = i.date
        if "birthday" not in text:
            continue
        owners = set(_WHOSE.findall(text)) - _NOT_WHOSE
        keys = ([*(f"{_WHOSE_KEY}{o}" for o in owners), *(n for n in i.with_ if owners & _name_words(n))] if owners
                else [*i.with_, *_WORD.findall(text)])
        for key in keys:
            if found.get(key, since) <= i.date:
                found[key] = i.date
    return found


def wished(notes: dict[str, date], name: str, day: date) -> bool:
    """Whether a note marks `name`'s birthday of `day` (`greeting_notes`; ANNIVERSARY: the
    relationship's anniversary, by any note that mentions one): from
    WISHED_EARLY_DAYS before it on, with them or naming them. A person's word, not a guess:
    no other touch counts as the greeting."""
    keys = (name,) if name == ANNIVERSARY else \
        (name, _first_word(name), *(f"{_WHOSE_KEY}{w}" for w in _name_words(name)))
    latest = max((d for d in map(notes.get, keys) if d is not None), default=None)
    return latest is not None and (day - latest).days <= WISHED_EARLY_DAYS


def _first_word(name: str) -> str:
    """The first word of a name that is not a title, lowercased: 'Dr Mei Lin Cheng' → 'mei'."""
    words = _WORD.findall(name.lower())
    return next((w for w in words if w not in _TITLES), words[0] if words else "")


def _name_words(name: str) -> set[str]:
    """The words of a name but its titles, lowercased: "Mei Lin's birthday" is hers too."""
    return set(_WORD.findall(name.lower())) - _TITLES


_WORD = re.compile(r"\w+")
#: Where `greeting_notes` files the notes that mention an anniversary.
ANNIVERSARY = "\0anniversary"
#: Where a note that says whose birthday it is is filed (apart from the words of any note).
_WHOSE_KEY = "\0whose "
#: "Declan's birthday", "Camille's 40th birthday": whose birthday a note says it is.
_WHOSE = re.compile(r"(\w+)['\u2019]s\s+(?:\w+\s+){0,2}?birthday")
#: "It's her birthday", "today's birthday call": no one's name.
_NOT_WHOSE = frozenset({"it", "he", "she", "that", "what", "who", "there", "here", "today", "tomorrow",
                        "yesterday", "everyone", "everybody", "someone", "somebody"})
_TITLES = frozenset(t.lower() for t in NAME_TITLES)


def next_anniversary(since: date, as_of: date) -> tuple[date, int]:
    """(date, years) of the next anniversary on or after as_of, never the start day itself."""
    b = Birthday(since.month, since.day)
    d = next_birthday(b, as_of)
    years = d.year - since.year
    if years < 1:
        d, years = b.on_year(since.year + 1), 1
    return d, years


def key_dates(customer: Customer, as_of: date, horizon: int) -> tuple[KeyDate, ...]:
    """Every key date from as_of to as_of + horizon days, soonest first."""
    out: list[KeyDate] = []
    out += [_birthday(c, next_birthday(c.birthday, as_of), as_of) for c in _with_birthdays(customer, as_of)]
    if customer.since and customer.status != "ended":
        d, years = next_anniversary(customer.since, as_of)
        out.append(_anniversary(customer, d, years, as_of))
    if customer.renewal and customer.renewal >= as_of and customer.status != "ended":
        out.append(KeyDate("renewal", customer.renewal, (customer.renewal - as_of).days,
                           f"{customer.name} renewal", None, customer.at("renewal")))
    if customer.status != "ended":
        out += [KeyDate("event", e.on, (e.on - as_of).days, e.what, e.with_, e.source)
                for e in customer.dates if e.on >= as_of]
    kept = [k for k in out if k.days_until <= horizon]
    kept.sort(key=lambda k: (k.date, k.kind, k.title))
    return tuple(kept)
