"""`playbook log --eml`: emails into interaction notes, one note per message.

Each message is read (`mailread`), placed with a customer (named, or guessed from the
addresses), dated in the importing person's time zone, and written with the same front
matter and the same checks as `playbook log` (`log.interaction_text`, `log.loads_back`,
`files.create_numbered`), plus its `message_id`: a message already in the customer's notes
is skipped, so an import can be run again over the same folder or mbox.
"""

from __future__ import annotations

import re
from datetime import date, tzinfo
from pathlib import Path
from typing import Iterator, Sequence

from msgspec import Struct, field

from ..config import Config, load_config
from ..limits import MAX_NOTE_BYTES, in_range
from ..load import read_text, split_front_matter
from ..folders import CUSTOMERS_DIR, ignored
from ..model import Contact, Customer
from ..records import Record
from ..yamlio import Map, Scalar, parse
from .customers import CustomerRef, customer_model, list_customers, match_customer
from .errors import CaptureError
from .files import create_numbered, within_root
from .log import as_of_note, interaction_text, loads_back, words_stem
from .mailread import Address, Mail, Unparseable, Unreadable, messages, parse_mail
from .mailtext import clean_subject

#: Addresses anyone can have: a customer is never guessed from one of these domains alone.
FREE_MAIL = frozenset("""
    gmail.com googlemail.com outlook.com hotmail.com hotmail.co.uk hotmail.fr hotmail.de live.com live.co.uk
    msn.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de ymail.com rocketmail.com icloud.com me.com mac.com aol.com
    proton.me protonmail.com pm.me gmx.com gmx.de gmx.net gmx.at web.de t-online.de freenet.de mail.com
    yandex.com yandex.ru mail.ru inbox.ru zoho.com fastmail.com fastmail.fm hey.com tutanota.com tuta.io
    btinternet.com sky.com virginmedia.com talktalk.net orange.fr free.fr laposte.net sfr.fr wanadoo.fr
    libero.it virgilio.it qq.com 163.com 126.com naver.com hanmail.net seznam.cz wp.pl o2.pl onet.pl
    bigpond.com optusnet.com.au shaw.ca rogers.com comcast.net verizon.net att.net sbcglobal.net
""".split())
#: Longest summary taken from a subject, in characters.
SUMMARY_CHARS = 200


def domain(email: str) -> str:
    return email.rsplit("@", 1)[-1]


class Outcome(Record):
    """What became of one message."""

    where: str
    """The file (and message of an mbox) it came from."""
    path: Path | None = None
    """The note written (or, with dry_run, that would be written)."""
    text: str | None = None
    """The note's text (with dry_run)."""
    skipped: str | None = None
    """Why nothing was written for it: a duplicate (not a problem) or a problem (see `problem`)."""
    problem: bool = False
    """True when the message could not be imported (the command then exits 1)."""
    notes: tuple[str, ...] = ()
    """Things worth saying about the note written (unknown addresses, a cut body, a date…)."""


class _Book(Struct):
    """What the run knows of the playbook: the team's addresses, each customer's contacts by
    address, and the message ids already in each customer's notes (read once, when first needed)."""

    root: Path
    config: Config
    refs: list[CustomerRef]
    team: dict[str, str] = field(default_factory=dict)
    team_domains: set[str] = field(default_factory=set)
    models: dict[str, Customer | None] = field(default_factory=dict)
    by_address: dict[str, set[str]] = field(default_factory=dict)
    by_domain: dict[str, set[str]] = field(default_factory=dict)
    seen: dict[str, dict[str, str]] = field(default_factory=dict)

    def model(self, ref: CustomerRef) -> Customer | None:
        if ref.slug not in self.models:
            self.models[ref.slug] = customer_model(self.root, ref, self.config)
        return self.models[ref.slug]

    def ours(self, email: str) -> bool:
        return email in self.team or domain(email) in self.team_domains

    def contact(self, ref: CustomerRef, email: str) -> Contact | None:
        model = self.model(ref)
        if model is None:
            return None
        return next((c for c in model.contacts if c.email and c.email.strip().lower() == email), None)

    def ids(self, ref: CustomerRef) -> dict[str, str]:
        if ref.slug not in self.seen:
            self.seen[ref.slug] = _message_ids(self.root, ref)
        return self.seen[ref.slug]


def _book(root: Path, customer: str | None) -> _Book:
    config, _ = load_config(root)
    refs = [match_customer(root, customer)] if customer is not None else list_customers(root)
    if not refs:
        raise CaptureError(f"there are no customers in {root / CUSTOMERS_DIR} yet; add one with "
                           "'playbook new \"Customer Name\"'")
    book = _Book(root, config, refs)
    for m in config.team:
        if m.email and "@" in m.email:
            book.team[m.email.strip().lower()] = m.handle
    book.team_domains = {domain(e) for e in book.team} - FREE_MAIL
    if customer is None:
        for ref in refs:
            model = book.model(ref)
            for c in model.contacts if model is not None else ():
                email = (c.email or "").strip().lower()
                if "@" not in email or book.ours(email):
                    continue
                book.by_address.setdefault(email, set()).add(ref.slug)
                if domain(email) not in FREE_MAIL:
                    book.by_domain.setdefault(domain(email), set()).add(ref.slug)
    return book


def _message_ids(root: Path, ref: CustomerRef) -> dict[str, str]:
    """message_id → the note that has it, for a customer's notes (front matter only)."""
    folder = ref.folder / "interactions"
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        if not path.name.endswith(".md") or ignored(path.name):
            continue
        rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{path.name}"
        text = read_text(path, rel, [], root=root.resolve(), limit=MAX_NOTE_BYTES)
        if text is None or "message_id" not in text:
            continue
        split = split_front_matter(text, rel, [])
        if split is None or split[0] is None:
            continue
        node, _ = parse(split[0], rel)
        value = node.items.get("message_id") if isinstance(node, Map) else None
        if isinstance(value, Scalar) and value.text.strip():
            out.setdefault(value.text.strip(), rel)
    return out


def _guess(book: _Book, mail: Mail) -> CustomerRef | str:
    """The customer a message is with, from its addresses that are not the team's: a contact's
    own address first, else a contact's company domain (never a free-mail one). A string says
    why none could be picked."""
    theirs = [a.email for a in ([mail.sender] if mail.sender else []) + list(mail.recipients)
              if not book.ours(a.email)]
    refs = {r.slug: r for r in book.refs}
    for table, how in ((book.by_address, "a contact's address"), (book.by_domain, "their contacts' domain")):
        hits = sorted({slug for a in theirs for slug in table.get(a if table is book.by_address else domain(a), ())})
        if len(hits) == 1:
            return refs[hits[0]]
        if hits:
            names = ", ".join(f"{refs[s].slug} ({refs[s].name})" for s in hits)
            return f"its addresses match several customers by {how}: {names}"
    shown = ", ".join(theirs[:5]) or "none but the team's"
    return (f"no customer has a contact with its addresses ({shown}), nor one at the same company domain"
            + (" (free-mail addresses such as gmail.com never match by domain)"
               if any(domain(a) in FREE_MAIL for a in theirs) else ""))


def _day(mail: Mail, tz: tzinfo | None, fallback: date | None) -> tuple[date, str] | str:
    """The message's date where the team is (`tz`; None: this machine's zone), and its time
    as 'HHMM' ('' when the date is the fallback); a string says what is wrong when there is no
    usable date and no fallback."""
    if mail.when is not None:
        when = mail.when if mail.when.tzinfo is None else mail.when.astimezone(tz)
        if in_range(when.date()):
            return when.date(), when.strftime("%H%M")
    if fallback is not None:
        return fallback, ""
    if not mail.date_header:
        return "it has no Date header; give its date with --date"
    return f"its Date header '{mail.date_header[:80]}' is not a date Playbook can read; give its date with --date"


def _escape(text: str) -> str:
    """Text from a header shown as itself in Markdown (no emphasis, link or code from it)."""
    return "".join("\\" + ch if ch in "\\`*_[]()<>#!|~&" else ch for ch in text)


_TASK = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)\[([ xX])\]", re.MULTILINE)


def no_promises(body: str) -> str:
    """A checkbox item in an email ('- [ ] …') written so it shows as text: a promise on the
    page is one the team wrote down, never one a sender's text makes up."""
    return _TASK.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}]", body)


def _fit(body: str, budget: int) -> tuple[str, int]:
    """`body` cut to at most `budget` UTF-8 bytes, at a line end when one is near; and how
    many bytes were left out."""
    data = body.encode("utf-8")
    if len(data) <= budget:
        return body, 0
    cut = data[:max(budget, 0)].decode("utf-8", "ignore")
    line_end = cut.rfind("\n")
    if line_end > len(cut) * 0.8:
        cut = cut[:line_end]
    return cut.rstrip(), len(data) - len(cut.encode("utf-8"))


def _note(mail: Mail, book: _Book, ref: CustomerRef, day: date, hhmm: str, *, by: str | None,
          sentiment: str | None) -> tuple[str, str, list[str]]:
    """(file name, text, notes) of the interaction for `mail`."""
    people = ([mail.sender] if mail.sender else []) + list(mail.recipients)
    with_: list[str] = []
    unknown: list[Address] = []
    for a in people:
        c = book.contact(ref, a.email)
        if c is not None:
            with_.append(c.name)
        elif not book.ours(a.email):
            unknown.append(a)
    with_ = list(dict.fromkeys(with_))
    sender_ours = mail.sender is not None and book.ours(mail.sender.email)
    if mail.sender is None:
        direction = None
    elif book.team:
        direction = "out" if sender_ours else "in"
    else:  # no team addresses known: go by the customer's side
        theirs = book.contact(ref, mail.sender.email) is not None
        direction = "in" if theirs else "out" if with_ else None
    who = by
    if who is None and mail.sender is not None and mail.sender.email in book.team:
        who = book.team[mail.sender.email]
    elif who is None and direction == "in":
        handles = list(dict.fromkeys(book.team[a.email] for a in mail.recipients if a.email in book.team))
        who = handles[0] if len(handles) == 1 else None
    summary = clean_subject(mail.subject)
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS - 1].rstrip() + "…"
    notes: list[str] = []
    footer: list[str] = []
    if unknown:
        listed = ", ".join(a.shown() for a in unknown[:20]) + (f" and {len(unknown) - 20} more" if len(unknown) > 20 else "")
        footer.append(f"*Also on this email, not among the contacts:* {_escape(listed)}")
        notes.append(f"not among {ref.slug}'s contacts, so listed in the note: {listed} (to count them as "
                     f"people there, add them with their email to {CUSTOMERS_DIR}/{ref.slug}/customer.yaml)")
    if mail.attachments:
        footer.append(f"*Attachments, not imported:* {_escape(', '.join(mail.attachments))}")
    # The time in the name sorts a day's messages as they were sent (a reply after its question).
    stem = "-".join(p for p in (hhmm, words_stem(summary) or "email") if p)
    filename = f"{day.isoformat()}-{stem}.md"

    def text(body: str) -> str:
        joined = body + ("\n\n" if body and footer else "") + "\n\n".join(footer)
        return interaction_text(day, "email", joined.strip() + "\n" if joined.strip() else "", with_=with_, by=who,
                                sentiment=sentiment, direction=direction, summary=summary or None,
                                message_id=mail.message_id)

    body = no_promises(mail.body)
    whole = text(body)
    size = len(whole.encode("utf-8"))
    if size > MAX_NOTE_BYTES:
        marker = "\n\n*[The rest of this email, {:,} bytes, was left out: notes are kept up to {:,} bytes.]*"
        overhead = size - len(body.encode("utf-8")) + len(marker.format(10**9, MAX_NOTE_BYTES).encode())
        body, left = _fit(body, MAX_NOTE_BYTES - overhead)
        body += marker.format(left, MAX_NOTE_BYTES)
        notes.append(f"the email's text was cut to fit a note ({left:,} bytes left out)")
        whole = text(body)
    if not summary and not body.strip():
        notes.append("it has no subject and no text; the note says only who took part")
    return filename, whole, notes


def import_mail(root: Path, paths: Sequence[Path], *, customer: str | None, today: date, tz: tzinfo | None = None,
                day: date | None = None, by: str | None = None, sentiment: str | None = None,
                dry_run: bool = False) -> Iterator[Outcome]:
    """Import each message of `paths` (files, folders of `.eml` files, mbox files) as a note
    of `customer`, or of the customer its addresses point to when `customer` is None. `day`
    dates the messages whose Date header is missing or unreadable. Yields one Outcome per
    message, as it goes; with `dry_run` nothing is written."""
    book = _book(root, customer)
    for item in messages(paths):
        if isinstance(item, Unreadable):
            yield Outcome(item.where, skipped=item.why, problem=True)
            continue
        where, raw = item
        try:
            mail = parse_mail(raw, where)
        except Unparseable as exc:
            yield Outcome(where, skipped=str(exc), problem=True)
            continue
        if customer is not None:
            ref: CustomerRef | str = book.refs[0]
        else:
            ref = _guess(book, mail)
        if isinstance(ref, str):
            yield Outcome(where, skipped=f"{ref}; name the customer: playbook log CUSTOMER --eml {where}",
                          problem=True)
            continue
        seen = book.ids(ref).get(mail.message_id)
        if seen is not None:
            yield Outcome(where, skipped=f"already imported as {seen} (Message-ID {mail.message_id})")
            continue
        dated = _day(mail, tz, day)
        if isinstance(dated, str):
            yield Outcome(where, skipped=dated, problem=True)
            continue
        when, hhmm = dated
        filename, content, notes = _note(mail, book, ref, when, hhmm, by=by, sentiment=sentiment)
        rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{filename}"
        model = book.model(ref)
        notes += loads_back(content, filename, rel, model.contacts if model is not None else None, book.config)
        if model is None:
            notes.append(f"{ref.slug}/customer.yaml has errors, so no address was matched to a contact; "
                         "run 'playbook check'")
        if when > today:
            notes.append(f"its date {when.isoformat()} is in the future; analysis ignores it until then")
        elif book.config.as_of and when > book.config.as_of:
            notes.append(as_of_note(when, book.config.as_of))
        folder = ref.folder / "interactions"
        if dry_run:
            path = folder / filename
        else:
            within_root(ref.folder, root)
            folder.mkdir(exist_ok=True)
            within_root(folder, root)
            path = create_numbered(folder / filename, content.encode("utf-8"), root)
            rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{path.name}"
        book.ids(ref)[mail.message_id] = rel  # the same message twice in one run: the second is skipped
        yield Outcome(where, path=path, text=content if dry_run else None, notes=tuple(notes))
