"""From the exports' records to what an import writes, decided before anything is written:
which customers are new and which are there already, which contacts and notes are new, and
every row that cannot be used with its file and line.

Companies come first, then people, then touches, whatever order the files were given in, so
a contact can name a company from a file given after it. Everything is looked up in dicts
built once: time is linear in the rows.
"""

from __future__ import annotations

from datetime import date

from msgspec import Struct, field

from ..capture import fold
from ..names import slugify
from ..records import Record
from .existing import Book, Folder
from .owners import Owners
from .rows import Company, Person, Touch, Where

#: Folder names never given to a customer (they name the site's own pages).
RESERVED = frozenset({"index"})


class NewContact(Record):
    name: str
    role: str
    email: str
    phone: str
    notes: str
    """Further addresses and numbers, in words."""
    key: str | None
    where: Where


class NewCustomer(Struct):
    slug: str
    name: str
    keys: list[str]
    owner: str | None
    """Team handle."""
    crm_owner: str
    """The owner as the CRM wrote it, kept as a comment when it matched no one."""
    since: date | None
    where: Where


class NewNote(Record):
    slug: str
    touch: Touch
    with_: tuple[str, ...]
    by: str | None


class Plan(Struct):
    """What an import would write, and what it refused."""

    customers: list[NewCustomer] = field(default_factory=list)
    contacts: dict[str, list[NewContact]] = field(default_factory=dict)
    """slug → contacts to add, for new customers and existing ones alike."""
    notes: list[NewNote] = field(default_factory=list)
    refused: list[tuple[Where, str]] = field(default_factory=list)
    """Rows not used, each with what to do."""
    notices: list[tuple[Where, str]] = field(default_factory=list)
    """Rows used in a way worth saying (merged, a duplicate)."""
    planned: list[Where] = field(default_factory=list)
    """Activities not done yet, left out."""
    already: dict[str, int] = field(default_factory=lambda: {"customers": 0, "contacts": 0, "notes": 0})
    """Records found in the playbook from an earlier import (or by name)."""


def _told_apart(name: str, new: NewCustomer) -> bool:
    """Whether a company with its own CRM id is not `new`, though their names fold alike: named
    otherwise but for symbols ("C++ Labs" and "C# Labs" became one customer with both ids, and
    every name of symbols only, "---" and "~", one called "customer": a fuzzing session).
    Named the same, two ids are one company entered twice, as CRMs often have it."""
    if not new.keys:
        return False
    return " ".join(name.casefold().split()) != " ".join(new.name.casefold().split())


class Planner:
    """Builds a Plan against a Book, record by record."""

    def __init__(self, book: Book, owners: Owners) -> None:
        self.book, self.owners = book, owners
        self.plan = Plan()
        self.new_by_slug: dict[str, NewCustomer] = {}
        self.new_contact_keys: set[str] = set()
        self.new_note_keys: set[str] = set()
        self.added: set[tuple[str, str]] = set()
        """(slug, fold(name)) of the contacts this import adds."""

    # -- customers -------------------------------------------------------------------------
    def _slug_for(self, name: str) -> str:
        base = slugify(name, "customer")[:60].strip("-") or "customer"
        slug, n = base, 1
        while slug in self.book.folders or slug in RESERVED:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _create(self, name: str, key: str | None, owner: str, since: date | None, where: Where) -> str:
        slug = self._slug_for(name)
        new = NewCustomer(slug, name, [key] if key else [], self.owners.handle(owner), owner, since, where)
        self.plan.customers.append(new)
        self.new_by_slug[slug] = new
        folder = Folder(slug, name, set(new.keys), new=True)
        self.book.folders[slug] = folder
        self.book.names.setdefault(fold(name), []).append(slug)
        if key:
            self.book.customer_keys[key] = slug
        return slug

    def company(self, c: Company) -> None:
        if c.key and c.key in self.book.customer_keys:
            slug = self.book.customer_keys[c.key]
            if slug in self.new_by_slug:
                self.plan.notices.append((c.where, f"{c.key} is listed again; the first row of it is used"))
            else:
                self.plan.already["customers"] += 1
            return
        same = self.book.names.get(fold(c.name), []) if fold(c.name) else []
        if same and c.key and same[0] in self.new_by_slug and _told_apart(c.name, self.new_by_slug[same[0]]):
            same = []
        if same:
            slug = same[0]
            if slug in self.new_by_slug:
                new = self.new_by_slug[slug]
                if c.key:
                    new.keys.append(c.key)
                if c.key and new.keys[0] != c.key:  # rows without ids repeat a company by name
                    self.plan.notices.append((c.where, f"'{c.name}' has the same name as the company at {new.where}; "
                                                   f"both are one customer ({slug}), with both CRM ids"))
            else:
                self.plan.already["customers"] += 1
            if c.key:
                self.book.customer_keys[c.key] = slug
            return
        self._create(c.name, c.key, c.owner, c.created, c.where)

    def _customer_of(self, keys: tuple[str, ...], name: str) -> str | None:
        for k in keys:
            if k in self.book.customer_keys:
                return self.book.customer_keys[k]
        same = self.book.names.get(fold(name), []) if name else []
        return same[0] if same else None

    # -- contacts --------------------------------------------------------------------------
    def person(self, p: Person) -> None:
        if p.key and (p.key in self.book.contact_keys or p.key in self.new_contact_keys):
            if p.key in self.new_contact_keys:
                self.plan.notices.append((p.where, f"{p.key} is listed again; the first row of it is used"))
            else:
                self.plan.already["contacts"] += 1
            return
        slug = self._customer_of(p.company_keys, p.company)
        if slug is None and p.company:
            slug = self._create(p.company, None, "", None, p.where)
            self.plan.notices.append((p.where, f"no company export names '{p.company}'; made it a customer "
                                               f"({slug}) from {p.name}'s company"))
        if slug is None:
            self.plan.refused.append((p.where, f"{p.name}'s company {', '.join(p.company_keys)} is in no companies "
                                               "export given and not in the playbook; give its companies/accounts/"
                                               "organizations export too, or add the customer first"))
            return
        folder = self.book.folders[slug]
        key = fold(p.name)
        if key in folder.contact_names:
            if (slug, key) not in self.added:
                self.plan.already["contacts"] += 1
            elif p.key:  # rows without ids (a flat spreadsheet) repeat a person on purpose
                self.plan.notices.append((p.where, f"{p.name} is listed twice for {folder.name}; the first row is "
                                                   "used (merge the two in the CRM, or add the other by hand)"))
            if p.key:
                self.book.contact_keys[p.key] = (slug, folder.contact_names[key])
            return
        if not folder.readable:
            self.plan.refused.append((p.where, f"{CUSTOMERS}/{slug}/customer.yaml has errors, so {p.name} was not "
                                               "added; fix it ('playbook check') and import again"))
            return
        extra = [*p.emails[1:], *p.phones[1:]]
        contact = NewContact(p.name, p.role, p.emails[0] if p.emails else "", p.phones[0] if p.phones else "",
                             f"Also: {', '.join(extra)}" if extra else "", p.key, p.where)
        self.plan.contacts.setdefault(slug, []).append(contact)
        folder.contact_names[key] = p.name
        self.added.add((slug, key))
        if p.key:
            self.new_contact_keys.add(p.key)
            self.book.contact_keys[p.key] = (slug, p.name)

    # -- history ---------------------------------------------------------------------------
    def touch(self, t: Touch) -> None:
        if not t.done:
            self.plan.planned.append(t.where)
            return
        if t.key and (t.key in self.book.note_keys or t.key in self.new_note_keys):
            if t.key in self.new_note_keys:
                self.plan.notices.append((t.where, f"{t.key} is listed again; the first row of it is used"))
            else:
                self.plan.already["notes"] += 1
            return
        slug = self._customer_of(t.company_keys, t.company)
        people = [self.book.contact_keys[k] for k in t.contact_keys if k in self.book.contact_keys]
        if slug is None and people:
            slug = people[0][0]
        if slug is None:
            named = t.company or ", ".join(t.company_keys + t.contact_keys)
            self.plan.refused.append((t.where, f"its company ({named or 'none given'}) is in no export given and not "
                                               "in the playbook; give the companies and contacts exports too, or "
                                               "add the customer first"))
            return
        folder = self.book.folders[slug]
        names = [n for s, n in people if s == slug]
        names += [folder.contact_names[fold(n)] for n in t.contacts if fold(n) in folder.contact_names]
        if t.key:
            self.new_note_keys.add(t.key)
        self.plan.notes.append(NewNote(slug, t, tuple(dict.fromkeys(names)), self.owners.handle(t.owner)))
        new = self.new_by_slug.get(slug)
        if new is not None and (new.since is None or t.day < new.since):
            new.since = t.day


CUSTOMERS = "content/customers"
