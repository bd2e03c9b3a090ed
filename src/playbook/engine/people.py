"""The people at the customer: who is still there, who decides, how each likes to be reached,
and the few we keep in touch with after they leave or the account ends."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Callable

from msgspec.structs import replace

from ..config import Thresholds
from ..model import Contact, Customer, Interaction
from .dates import RENEWAL_EVE_DAYS, last_renewal_talk
from .types import Action, Flag, KeyDate, Reason, Timeline
from .workdays import Holidays, today_word
from .words import days, first_name, fmt_date, fmt_day, in_days, named_in

#: The decision roles whose silence before a renewal is a coverage gap.
DECIDERS = ("decision maker", "budget holder")
#: How far ahead of a renewal a quiet decision maker is worth a warning (the renewals strip's reach).
COVERAGE_DAYS = 180
#: The verb for getting in touch, by the way they like to be reached.
VERBS = {"email": "Email", "call": "Call", "visit": "Visit", "message": "Message"}


_WORDS = re.compile(r"\w[\w-]*")  # "Alan's back" names Alan; "Élodie" is a word too
#: First names that are also everyday words, so found at the start of a sentence.
WORD_NAMES = frozenset({
    "will", "mark", "may", "june", "april", "august", "bill", "grace", "hope", "joy", "rose", "faith", "frank",
    "sandy", "art", "ray", "pat", "sue", "dawn", "summer", "guy", "rich", "chase", "hunter", "miles", "max",
    "dean", "page", "victor", "jack", "carol", "holly", "ivy", "amber", "robin", "glen", "jay", "drew", "gene",
})


def names_in(customer: Customer) -> Callable[[str], set[str]]:
    """The contacts a text names, by a first name no other contact shares, or in full: made
    once per customer, asked of each note. A first name that is also a word ("Mark the
    anniversary", "Will they renew?") counts only in full."""
    firsts: dict[str, list[str]] = {}
    for c in customer.contacts:
        firsts.setdefault(first_name(c.name), []).append(c.name)
    sole = {f: names[0] for f, names in firsts.items() if len(names) == 1 and f.lower() not in WORD_NAMES}
    shared = [n for f, names in firsts.items() if len(names) > 1 or f.lower() in WORD_NAMES for n in names]

    def named(text: str) -> set[str]:
        found = {sole[w] for w in _WORDS.findall(text) if w in sole}
        found.update(n for n in shared if n in text)
        return found
    return named


def note_text(i: Interaction) -> str:
    """What a note says: its summary and its text, as `names_in` reads them."""
    return f"{i.summary or ''}\n{i.text or i.body}"


def named_without_with(customer: Customer, as_of: date) -> dict[str, date]:
    """Per listed contact, the latest note up to `as_of` that names them (`names_in`) while its
    `with` names nobody: a two-line note ("Alan says they'll call us in the new year…") is a
    valid touch, and People's "Last spoke 27 Aug" beside "since the note of 30 Sep" read as a
    contradiction (Pemberton's; a blind read). Not counted as speaking to them: the note does
    not say who spoke. One pass over the notes."""
    named = names_in(customer)
    found: dict[str, date] = {}
    for i in customer.interactions:
        if i.with_ or i.date > as_of:
            continue
        for n in named(note_text(i)):
            if found.get(n, i.date) <= i.date:
                found[n] = i.date
    return found


def gone(c: Contact, as_of: date) -> bool:
    """Left the customer by as_of."""
    return c.left is not None and c.left <= as_of


def present(customer: Customer, as_of: date) -> Customer:
    """The customer with only the people still there, for choosing whom an action is with."""
    if not any(gone(c, as_of) for c in customer.contacts):
        return customer
    return replace(customer, contacts=tuple(c for c in customer.contacts if not gone(c, as_of)))


def deciders(customer: Customer, as_of: date) -> list[Contact]:
    """Who decides the renewal: the decision makers and budget holders still there."""
    return [c for c in customer.contacts if not gone(c, as_of) and any(r in DECIDERS for r in c.decision)]


def renewal_deciders(customer: Customer, main: str | None, as_of: date) -> list[Contact]:
    """`deciders`, the decision makers first, then the main contact (`main`), as the renewal
    is talked through with the first."""
    return sorted(deciders(customer, as_of), key=lambda c: ("decision maker" not in c.decision, c.name != main))


#: "anything but the outages until they are fixed": someone who asked us to raise one subject
#: only, and for how long.
_KEEPS_TO = re.compile(r"(?:talking about |talk of |raising )?(?:anything|everything) (?:but|except|other than|apart "
                       r"from|besides) (?P<topic>.+?)(?:,? (?P<until>(?:until|till|while) .+))?", re.I)


def keeps_to(c: Contact) -> tuple[str, str | None] | None:
    """(the one subject, until when) for a person who asked us to raise nothing else (`avoid:
    anything but the outages until they are fixed` gives ('the outages', 'until they are
    fixed')); None for an ordinary avoid ('before 10', 'slide decks')."""
    m = _KEEPS_TO.fullmatch((c.avoid or "").strip().rstrip("."))
    return (m["topic"], m["until"]) if m else None


def not_now(c: Contact, subject: str) -> tuple[str, str | None] | None:
    """What `c` asked us to keep to, when `subject` (a word stem: 'renew') is not part of it."""
    kept = keeps_to(c)
    return kept if kept is not None and subject not in kept[0].lower() else None


def once(until: str | None) -> str:
    """'until they are fixed' → 'once they are fixed'; else 'when that no longer holds'."""
    word, _, rest = (until or "").partition(" ")
    return f"once {rest}" if word.lower() in ("until", "till") and rest else "when that no longer holds"


def holder(customer: Customer, name: str | None, as_of: date) -> str | None:
    """The account's owner who holds the relationship with `name`: of the customer's owners, the
    one in the most touches with them by as_of (the latest, between equals); else the first
    owner. Brightwell's meeting with Dave, the decision maker, went to Jonas, where every one
    of Dave's meetings was Tomás's; and one email of Lena's did not make Ashby's Mark, met by
    Tomás at every turn, hers (an account manager's objections)."""
    first = customer.owners[0] if customer.owners else None
    if name is None or len(customer.owners) < 2:
        return first
    held: dict[str, tuple[int, date]] = {}
    for i in customer.interactions:
        if i.date <= as_of and i.by in customer.owners and name in i.with_:
            n, _ = held.get(i.by, (0, i.date))
            held[i.by] = (n + 1, i.date)
    return max(held, key=held.__getitem__) if held else first


def main_contact(customer: Customer, tl: Timeline) -> str | None:
    """Whom an action goes to when nothing names anyone: the primary contact, else the one most
    recently engaged, else the first listed (`customer`: with the people still there)."""
    for c in customer.contacts:
        if c.primary:
            return c.name
    engaged = [c for c in tl.contacts if c.last_touch]
    if engaged:
        return engaged[0].name
    return customer.contacts[0].name if customer.contacts else None


def key_people(customer: Customer, as_of: date) -> list[Contact]:
    """Whose silence matters before a renewal: the deciders, else the primary contact (else the first)."""
    found = deciders(customer, as_of)
    if found:
        return found
    here = [c for c in customer.contacts if not gone(c, as_of)]
    return [c for c in here if c.primary] or here[:1]


#: A contact whose role has one of these words buys for the customer: their side's time to
#: renew (`renewal_lead`) is theirs to start.
_BUYING = re.compile(r"\b(procurement|purchasing|buyer|contracts)\b", re.IGNORECASE)


def buyer_of(customer: Customer, who: str | None, as_of: date) -> Contact | None:
    """The contact still there whose role says they buy for the customer ('Procurement Lead'),
    other than `who` (whom the renewal call is with); the first such in customer.yaml."""
    return next((c for c in customer.contacts if c.name != who and c.role and _BUYING.search(c.role)
                 and (c.left is None or c.left > as_of)), None)


def role_text(c: Contact) -> str:
    """'decision maker', 'budget holder and champion', else their job."""
    return " and ".join(c.decision) if c.decision else (c.role or "")


def verb(c: Contact | None, default: str = "Call") -> str:
    return VERBS.get(c.prefers or "", default) if c is not None else default


def manner(c: Contact | None, back: bool = False) -> str:
    """' Ann: prefers email; avoid before 10.' for an action's why ('' when nothing is written).
    `back`: the action is work we owe them, done elsewhere first, so how they like to be reached
    is for getting back to them: ' When you get back to Ann: prefers email; …'."""
    if c is None or not (c.prefers or c.avoid):
        return ""
    first = c.name.split()[0] if not c.name.split()[0].rstrip(".") in ("Dr", "Prof", "Cllr", "Mr", "Mrs", "Ms") \
        else c.name
    parts = ([f"prefers {'a ' if c.prefers in ('call', 'visit', 'message') else ''}{c.prefers}"] if c.prefers else []) \
        + ([f"avoid {c.avoid.rstrip('.')}"] if c.avoid else [])
    return f" {'When you get back to ' if back else ''}{first}: {'; '.join(parts)}."


def with_manner(actions: list[Action], customer: Customer) -> list[Action]:
    """Each action with a person says how they like to be reached and what to avoid."""
    by_name = {c.name: c for c in customer.contacts}
    out = []
    for a in actions:
        # A promise of ours is found out or made elsewhere first: Rosalind's "avoid calls before
        # 10am" read as if for the call to the oven supplier (blind reads). A chase is theirs to
        # do, and asked of them directly; so is a promise that names them ("Book an exec call
        # between Maya and Simon").
        back = a.kind == "follow-up" and not a.chase and not (a.contact and named_in(a.title, (a.contact,)))
        note = manner(by_name.get(a.contact or ""), back=back)
        out.append(replace(a, why=a.why + note) if note and note not in a.why else a)
    return out


def coverage(customer: Customer, tl: Timeline, as_of: date, t: Thresholds) -> list[tuple[Contact, int | None]]:
    """(decider, days since we heard from them) for each decision maker or budget holder not heard
    from for more than `stakeholder_days`, when the renewal is within COVERAGE_DAYS."""
    r = customer.renewal
    if r is None or not (as_of <= r and (r - as_of).days <= COVERAGE_DAYS):
        return []
    last = {e.name: e.last_touch for e in tl.contacts}
    out = []
    for c in deciders(customer, as_of):
        seen = last.get(c.name)
        quiet = (as_of - seen).days if seen else None
        if quiet is None or quiet > t.stakeholder_days:
            out.append((c, quiet))
    return out


#: Days after the coverage gap opened that the meeting with the quiet decider is due.
COVERAGE_FORTNIGHT = 14


def coverage_flag_and_actions(customer: Customer, tl: Timeline, as_of: date,
                              t: Thresholds, holidays: Holidays = ()) -> tuple[list[Flag], list[Action]]:
    """A 'decision maker quiet' flag and a meeting before the renewal for each quiet decider."""
    flags, actions = [], []
    r = customer.renewal
    here = {o.name: o for o in present(customer, as_of).contacts}
    for c, quiet in coverage(customer, tl, as_of, t):
        role = role_text(c)
        seen = tl_last(tl, c.name)
        when = f"last heard from {fmt_date(seen)}, {days(quiet)} ago" if seen and quiet is not None else \
            "never in a logged touch"
        n = (r - as_of).days
        text = f"{c.name} ({role}) {when}; the renewal is on {fmt_date(r)} ({in_days(n)})."
        flags.append(Flag("coverage", f"{role.split(' and ')[0].capitalize()} quiet", Reason(text, c.source)))
        # On its eve, a call today about where it stands, as the renewal call says (`RENEWAL_EVE_DAYS`).
        title = (f"{verb(c, 'Call')} {c.name} ({role}) {today_word(as_of, holidays)}: where the renewal of "
                 f"{fmt_date(r)} stands"
                 if n <= RENEWAL_EVE_DAYS else
                 f"{verb(c, 'Meet')} {c.name} ({role}) before the renewal on {fmt_date(r)}"
                 if verb(c, "Meet") != "Message" else f"Message {c.name} ({role}) ahead of the renewal on {fmt_date(r)}")
        # Due a fortnight after the gap opened (the renewal came within COVERAGE_DAYS, or they
        # passed `stakeholder_days` quiet), not a fortnight from every build's day: that never
        # fell due (an account manager's objection). Before the renewal, whatever.
        opened = r - timedelta(days=COVERAGE_DAYS)
        since = f"the renewal came within {days(COVERAGE_DAYS)}"
        if seen is not None and seen + timedelta(days=t.stakeholder_days + 1) > opened:
            opened = seen + timedelta(days=t.stakeholder_days + 1)
            since = f"{first_name(c.name)} had gone {days(t.stakeholder_days)} unheard (stakeholder_days)"
        due = min(opened + timedelta(days=COVERAGE_FORTNIGHT), r)
        # Late, it says since when and why: St Aldhelm's "Visit Helen Marsh… 59 days overdue"
        # stood under a run-up said to begin on 5 Dec (a thirty-first blind read).
        # Said as its `timing`, which goes when it joins an action due sooner, or is moved sooner
        # (Brightwell's meeting with Dave, due with Philippa's on 13 Nov, read "the gap opened on
        # 6 Jan… due a fortnight later": a check read).
        talk = {"Meet": "meeting", "Visit": "visit", "Email": "email", "Call": "call", "Message": "message"}.get(
            verb(c, "Meet"), "meeting")
        fell = (f"; the gap opened on {fmt_date(opened)}, when {since}, and the {talk} was due a fortnight later."
                if due < as_of and n > RENEWAL_EVE_DAYS else "")
        # Whoever else was in the last renewal's talk comes to the meeting with whoever decides
        # (`merge.with_joiners`): Brightwell's meeting with Dave and a value review with Philippa
        # stood apart for weeks, the last two annual reviews one meeting of both (a thirteenth
        # blind read). Not those who would rather be written to.
        last = last_renewal_talk(customer, r, as_of) if "decision maker" in c.decision else None
        joiners = tuple(n for n in last[0].with_ if n != c.name and n in here and not written_to(here[n])) \
            if last is not None else ()
        actions.append(Action(
            kind="renewal", title=title, why=f"Coverage before the renewal: {text[:-1] if fell else text}{fell}",
            due=due, timing=fell,
            priority="medium", contact=c.name, owner=holder(customer, c.name, as_of),
            source=c.source, customer=customer.slug, renewal_step="coverage", joiners=joiners,
        ))
    return flags, actions


def written_to(c: Contact | None) -> bool:
    """Whether they would rather be written to (`prefers: email` or `message`) than met."""
    return c is not None and c.prefers in ("email", "message")


def tl_last(tl: Timeline, name: str) -> date | None:
    return next((e.last_touch for e in tl.contacts if e.name == name), None)


def _domain(email: str | None) -> str:
    return email.rpartition("@")[2].strip().lower() if email and "@" in email else ""


#: Mail services anyone may have an address at: two people there share no employer.
PUBLIC_MAIL = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.co.uk",
    "msn.com", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "gmx.com", "gmx.de", "web.de", "mail.com", "zoho.com", "yandex.com", "btinternet.com",
    "sky.com", "virginmedia.com", "talktalk.net", "orange.fr", "free.fr", "libero.it", "qq.com", "163.com",
})


def work_email(customer: Customer, c: Contact) -> bool:
    """Whether `c`'s email is at the customer's own domain: another of its contacts has one
    there, and it is no public mail service (`PUBLIC_MAIL`)."""
    mine = _domain(c.email)
    return bool(mine) and mine not in PUBLIC_MAIL and any(_domain(o.email) == mine
                                                          for o in customer.contacts if o is not c)


_KIN = re.compile(r"\b([A-Z][\w-]+)['\u2019]s\s+(?:son|daughter|wife|husband|partner|brother|sister|father|mother|"
                  r"dad|mum|mom|nephew|niece|cousin|uncle|aunt|grandson|granddaughter)\b")


def kin_of(c: Contact, customer: Customer) -> tuple[Contact, str] | None:
    """Another contact the notes give as family of `c` ("Bill's son"), with those words: who
    may know how to reach them."""
    for m in _KIN.finditer(c.notes or ""):
        found = next((o for o in customer.contacts if o is not c and o.name.split()[0] == m.group(1)), None)
        if found is not None:
            return found, m.group(0)
    return None


def keep_in_touch(customer: Customer, tl: Timeline, dates: tuple[KeyDate, ...], as_of: date,
                  t: Thresholds) -> list[Action]:
    """Personal touches kept up with people marked `keep_in_touch` after they leave or the
    account ends: a birthday greeting, and a check-in at their own rhythm."""
    ended = customer.status == "ended"
    here = present(customer, as_of)
    out = []
    via: dict[str, str] = {}  # whose keep-in-touch is a call to someone else (kin) to ask for their email
    for c in customer.contacts:
        if c.keep_in_touch is None or not (ended or gone(c, as_of)):
            continue
        story = (f"{c.name} left {customer.name} on {fmt_date(c.left)}" if c.left
                 else f"{customer.name} is no longer a customer") + (f" (now: {c.now.rstrip('.')})" if c.now else "")
        for k in dates:
            if k.kind == "birthday" and k.contact == c.name and k.days_until <= t.personal_days:
                out.append(Action(
                    kind="personal", title=f"Wish {c.name} a happy birthday ({fmt_day(k.date)})",
                    why=f"{k.title} is {in_days(k.days_until)}. {story}; "
                        "you keep in touch.",
                    due=k.date, priority="medium", contact=c.name, owner=customer.owners[0] if customer.owners else None,
                    source=k.source, customer=customer.slug, firm=True))
        seen = tl_last(tl, c.name) or c.left or tl.last_contact
        if seen is None:
            continue
        due = seen + timedelta(days=c.keep_in_touch)
        if (due - as_of).days <= t.personal_days:
            # Marlow's Lewis and Bill were to be reached at the addresses of the firm they had left
            # (an eleventh blind read).
            # A phone on file is the way to ask: Marlow's said to find Bill an address, his mobile
            # on the same profile (a nineteenth blind read).
            stayed = min(here.contacts, key=lambda o: not o.primary, default=None)
            ask = f" (or ask {stayed.name}, still there)" if c.phone and stayed is not None else \
                f" ({stayed.name}, still there, may have it)" if stayed is not None else ""
            # Family first: Lewis, "Bill's son", was to be found through the office manager
            # while we were to call Bill anyway (a twenty-eighth blind read).
            kin = kin_of(c, customer)
            if kin is not None and not c.phone:
                # Bill had left too, his email with the firm: the way to ask him is his phone
                # (Lewis's line read "ask Bill Marlow" above Bill's own "call the phone on file").
                kc = kin[0]
                gone_too = kc.phone and kc.left and kc.left <= as_of and work_email(customer, kc)
                how = f"call {kc.name} on {kc.phone} and ask" if gone_too else f"ask {kc.name}"
                ask = f" ({how}: the notes say \u201c{kin[1]}\u201d)"
                if gone_too and c.left and c.left <= as_of and work_email(customer, c):
                    via[c.name] = kc.name
            find = f"call the phone on file ({c.phone}) and ask them for an email that reaches them now{ask}" \
                if c.phone else f"find one that reaches them now{ask}"
            old = (f" Their email on file is at {customer.name}, which they have left: {find}, and put it in "
                   "customer.yaml." if c.left and c.left <= as_of and work_email(customer, c) else "")
            out.append(Action(
                kind="personal", title=f"Keep in touch with {c.name}",
                why=f"{story}. Last heard {fmt_date(seen)}; keep in touch every {days(c.keep_in_touch)} "
                    f"(keep_in_touch in customer.yaml).{old}",
                # Past its day, held at today and "overdue since" it, as a check-in past its cadence
                # is: "due today" on every build never fell due (Marlow's, due 15 Sep, read "today"
                # into December, on a Sunday), and "146 days overdue" counted as growing urgency
                # what a check-in past its cadence did not (a check read on 6 Dec).
                due=max(due, as_of), due_since=due, priority="low", contact=c.name,
                owner=customer.owners[0] if customer.owners else None, source=c.source, customer=customer.slug))
    return one_call(out, via)


def one_call(out: list[Action], via: dict[str, str]) -> list[Action]:
    """A keep-in-touch that is a call to someone we keep in touch with too (Lewis's email, asked
    of Bill on his phone) is that person's keep-in-touch as well: one call, one action, on the
    earlier day. Marlow's read two overdue rows for one phone call (a check read)."""
    keeps = {a.contact: a for a in out if a.title.startswith("Keep in touch with ")}
    gone: set[int] = set()
    joined: dict[int, Action] = {}
    for name, kin in via.items():
        a, b = keeps.get(name), keeps.get(kin)
        if a is None or b is None or id(a) in gone or id(b) in gone:
            continue
        gone.add(id(b))
        since = min((d for d in (a.due_since, b.due_since) if d is not None), default=None)
        joined[id(a)] = replace(a, due=min(a.due, b.due), due_since=since, also=(*a.also, Reason(b.title, b.source)),
                                why=f"{a.why} The same call is {kin}'s own keep-in-touch too.")
    return [joined.get(id(a), a) for a in out if id(a) not in gone]
