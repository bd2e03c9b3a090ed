"""View records for the pieces pages share: an action, a customer row, an interaction…

Templates get these plain, frozen records (never the model or the engine's types). Every
date is already worded, every href already relative to the page it appears on, every list
already in its final order, so templates only lay things out.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Any

from markupsafe import Markup

from ..config import Config
from ..gitinfo import GitInfo
from ..listed import row_facts
from ..memo import fingerprint
from ..engine.dates import BELATED_DAYS, last_birthday
from ..engine.owed import is_chase
from ..engine.people import named_without_with
from ..engine.health import HEALTH_FAIR, HEALTH_GOOD
from ..engine.types import KEY_DATE_LABELS, Action, Flag, KeyDate, Reason, Relationship
from ..engine.words import MONTHS, fmt_date, fmt_day, sentiment_word
from ..model import STAGE_LABELS, Contact, Customer, Interaction, Source
from ..names import (
    brief_page, customer_page, interaction_anchor, owner_calendar, owner_page, owner_slugs, person_name,
    site_handles, stage_page, tag_page, tag_slugs,
)
from ..notes import render as render_notes
from ..records import Record
from .hosting import host_for

KIND_LABELS: dict[str, str] = {
    "follow-up": "Promise", "reach-out": "Reach out", "personal": "Personal", "renewal": "Renewal",
    "repair": "Repair", "broaden": "Broaden", "answer": "Answer", "tell": "Tell", "prepare": "Prepare",
    "play": "Play",
}
#: The label of asking how one of their days went (`engine.actions.prepare`, after the day).
AFTER_DAY_LABEL = "Their day"
DIRECTION_LABELS: dict[str, str] = {"in": "they reached out", "out": "we reached out"}


def relative_days(n: int) -> str:
    """'today', 'tomorrow', 'in 5 days', 'yesterday', '3 days ago'."""
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n == -1:
        return "yesterday"
    return f"in {n} days" if n > 0 else f"{-n} days ago"


def when_due(n: int, since: date | None = None) -> str:
    """How a due date reads next to an action; `since`: the day it has been held from
    (`Action.due_since`)."""
    if since is not None:
        return f"overdue since {fmt_date(since)}"
    if n < 0:
        return f"{-n} day{'s' if n != -1 else ''} overdue"
    if n == 0:
        return "due today"
    if n == 1:
        return "due tomorrow"
    return f"due in {n} days"


def due_tokens(n: int) -> str:
    """The filter buckets an action falls in (space-separated, for data-due)."""
    if n < 0:
        return "overdue week month"
    if n == 0:
        return "today week month"
    if n <= 7:
        return "week month"
    return "month" if n <= 30 else "later"


def day_label(d: date, as_of: date) -> str:
    """'Tue 24 Nov' in the coming or past months, '15 Jan 2027' further off."""
    return fmt_day(d) if abs((d - as_of).days) <= 120 and d.year == as_of.year else fmt_date(d)


# -- the site: names and hrefs (the rules are in playbook.names) ------------------------

class Link(Record):
    text: str
    href: str


class Ref(Record):
    """A link to the source of an item: plain path text, or an edit link when repo_url is set."""

    text: str
    """'path:line'."""
    href: str | None


class Person(Record):
    """Someone on our team."""

    name: str
    handle: str
    href: str


class StageChip(Record):
    id: str
    label: str
    href: str


class Site:
    """The whole site's names and links for one set of relationships, so every page links
    the same way: who has a page, their and the tags' slugs, and hrefs made with
    `playbook.names` and relative to a page whose `base` prefix leads back to the root
    ("" at the root, "../" one level down…)."""

    def __init__(self, relationships: list[Relationship], config: Config, as_of: date,
                 git: GitInfo | None = None, since: str | None = None, authors: set[str] | None = None,
                 people: set[str] | None = None, tags: set[str] | None = None):
        """`authors`: the `by` handles of all interactions, when the caller knows them already;
        `people`: the customers' owners and the actions' assignees, likewise (a build has each
        customer's: `Unit.calendar_people`, a pass over 10,000 customers rather than over
        their 114,000 actions); `tags`: the customers' tags, likewise (units.gather)."""
        self.config = config
        self.as_of = as_of
        self.host = host_for(config.repo_url, config.branch, config.repo_host)
        self.git = git or GitInfo()
        self.since = since
        if people is not None:
            self.handles: list[str] = site_handles(config, (), people, authors)
        else:
            self.handles = site_handles(config, (r.customer for r in relationships),
                                        (h for r in relationships for a in r.actions for h in a.assignees), authors)
        self.owner_slugs = owner_slugs(self.handles)
        self.tag_slugs = tag_slugs(tags if tags is not None else (t for r in relationships for t in r.customer.tags))
        self._rels = relationships
        self._order = {h: n for n, h in enumerate(self.handles)}
        self._assigned: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}

    # What only the pages over all customers read is made when first asked: `serve` writes the
    # edited customer's pages before those, and at 10,000 customers these passes were a tenth
    # of the time until then.

    @cached_property
    def names(self) -> dict[str, str]:
        return {r.customer.slug: r.customer.name for r in self._rels}

    @cached_property
    def owners_of(self) -> dict[str, tuple[str, ...]]:
        return {r.customer.slug: r.customer.owners for r in self._rels}

    @cached_property
    def _owned(self) -> dict[str, tuple[str, ...]]:
        """Each customer's owners in team order, once: every person's list asks `concerns` of
        every action (in a profile of a `serve` rebuild at 10,000 customers, asking it afresh
        per action was a seventh of the time), and once per set of owners (a book has few:
        sorting every customer's was a twentieth of that rebuild)."""
        in_order: dict[tuple[str, ...], tuple[str, ...]] = {}
        return {slug: in_order[owners] if owners in in_order else in_order.setdefault(owners, self._in_order(owners))
                for slug, owners in self.owners_of.items()}

    def key(self) -> str | None:
        """A digest of everything a customer's row or an action's view takes from the site
        besides its own relationship (its name and owners are its own): what `Kept` keys on."""
        return fingerprint((self.config, self.as_of, self.since, self.handles, self.owner_slugs, self.tag_slugs))

    def concerns(self, a: Action, owners: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """Whose list an action is on, in team order: its assignees and the customer's owners
        (the meaning of `playbook actions --owner`, the owner pages and the calendars).
        `owners`: the customer's, when the caller has them."""
        owned = self._owned.get(a.customer, ()) if owners is None else self._in_order(owners)
        if not a.also_for and (not a.owner or a.owner in owned):
            return owned  # most actions: asked of each on every list, so no tuple is made for them
        assigned = a.assignees
        key = (a.customer, assigned)
        found = self._assigned.get(key)
        if found is None:
            found = self._assigned[key] = self._in_order((*owned, *assigned))
        return found

    def _in_order(self, handles: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """The team's people among `handles`, once each, in team order."""
        order = self._order
        return tuple(sorted({h for h in handles if h in order}, key=order.__getitem__))

    def last_change(self, c: Customer) -> dict[str, str] | None:
        """When the customer's files last changed in git, and by whom. `after`: the day the site
        is built for, when that change came later (a site built `--as-of` a past day read "Files
        last changed (git): 5 Dec 2026" on 25 Nov, as if from the future: a blind read)."""
        change = self.git.last_change([c.source.path] + [i.source.path for i in c.interactions])
        if change is None:
            return None
        return {"date": fmt_date(change.date), "date_iso": change.date.isoformat(), "author": change.author,
                "subject": change.subject, "commit": change.commit[:10],
                "after": fmt_date(self.as_of) if change.date > self.as_of else ""}

    def changes(self, base: str) -> list[dict[str, Any]] | None:
        """Commits after `since` (a date or a commit), newest first, with the customers they touched."""
        if not self.since:
            return None
        found = self.git.changes_after(self.since) or []
        out = []
        for change, files in found:
            slugs = sorted({f.split("/")[2] for f in files if f.startswith("content/customers/") and f.count("/") >= 3})
            out.append({"date": fmt_date(change.date), "date_iso": change.date.isoformat(), "author": change.author,
                        "subject": change.subject, "commit": change.commit[:10],
                        "customers": [Link(self.names[s], self.customer_href(s, base)) for s in slugs if s in self.names]})
        return out

    def person_name(self, handle: str) -> str:
        return person_name(self.config, handle)

    def person(self, handle: str, base: str) -> Person:
        return Person(self.person_name(handle), handle, base + owner_page(self.owner_slugs[handle]))

    def calendar(self, handle: str, base: str) -> str:
        return base + owner_calendar(self.owner_slugs[handle])

    def customer_href(self, slug: str, base: str, anchor: str = "") -> str:
        return base + customer_page(slug, anchor)

    def brief_href(self, slug: str, base: str) -> str:
        return base + brief_page(slug)

    def tag(self, tag: str, base: str) -> Link:
        return Link(tag, base + tag_page(self.tag_slugs[tag]))

    def stage(self, stage_id: str, base: str) -> StageChip:
        return StageChip(stage_id, STAGE_LABELS.get(stage_id, stage_id), base + stage_page(stage_id))

    def ref(self, source: Source | None, short_for: str | None = None) -> Ref | None:
        """The source link; on a customer's own pages its folder prefix is dropped from the text."""
        if source is None:
            return None
        text = str(source)
        if short_for and text.startswith(short_for):
            text = text[len(short_for):]
        return Ref(text, self.edit(source))

    def edit(self, source: Source) -> str | None:
        """The host's editor at the source's line; None without `repo_url`."""
        return self.host.edit(source.path, source.line) if self.host else None


# -- items --------------------------------------------------------------------------------

class ActionView(Record):
    title: str
    why: str
    kind: str
    kind_label: str
    priority: str
    due_iso: str
    due_label: str
    due_when: str
    """How it is due, beside `due_label` ('38 days overdue'; held since an earlier day, 'overdue since then')."""
    due_said: str
    """How it is due, on its own, where no date is beside it (the brief, the home page): 'overdue since 1 Dec 2025'."""
    overdue: bool
    due_tokens: str
    customer: Link
    contact: str | None
    owner: Person | None
    also_for: tuple[Person, ...]
    """Others of the team it is for too (`Action.also_for`): named in it, or a merged job's owner."""
    owners_key: str
    """Everyone whose list it is on (`Site.concerns`), space-separated, or '-' for nobody (for filtering)."""
    source: Ref | None
    also: tuple[Ref, ...] = ()
    """Sources of the actions merged into this one (the same job)."""
    score: int = 0
    """The stakes-weighted rank."""
    score_why: str = ""
    """What makes up the score, in one line."""


def action_view(site: Site, a: Action, base: str, short_for: str | None = None,
                of: Customer | None = None) -> ActionView:
    """`of`: the action's customer, when the caller has it (its own pages): its name and
    owners are then not looked up in maps over the whole book, which `serve` would make
    before it writes the edited customer's pages."""
    n = (a.due - site.as_of).days
    mine = of is not None and of.slug == a.customer
    return ActionView(
        title=a.title, why=a.why, kind=a.kind, priority=a.priority,
        # A chase is a to-do waiting on them, not a promise (engine.owed.is_chase). Asking how one of
        # their days went is about that day, not a personal touch: Kestrel's "Ask Joe Whitcombe how
        # it went: Office move", our own fixed-price project, read "Personal" (a seventeenth blind read).
        kind_label="To-do" if a.kind == "follow-up" and (a.chase or is_chase(a.title)) else
        AFTER_DAY_LABEL if a.after_day else
        KIND_LABELS.get(a.kind, a.kind),
        # Held at today since an earlier day (`Action.due_since`): that day, overdue since then.
        due_iso=(a.due_since or a.due).isoformat(), due_label=day_label(a.due_since or a.due, site.as_of),
        due_when="overdue since then" if a.due_since else when_due(n), due_said=when_due(n, a.due_since),
        overdue=a.overdue(site.as_of), due_tokens=due_tokens(-1 if a.due_since else n),
        customer=Link(of.name if mine else site.names.get(a.customer, a.customer), site.customer_href(a.customer, base)),
        contact=a.contact, owner=site.person(a.owner, base) if a.owner else None,
        also_for=tuple(site.person(h, base) for h in a.also_for),
        owners_key=" ".join(site.concerns(a, of.owners if mine else None)) or "-",
        source=site.ref(a.source, short_for),
        also=tuple(r for r in (site.ref(x.source, short_for) for x in a.also) if r is not None),
        score=a.score, score_why=", ".join(a.score_reasons),
    )


class ReasonView(Record):
    text: str
    source: Ref | None


def reason_view(site: Site, r: Reason, short_for: str | None = None) -> ReasonView:
    return ReasonView(r.text, site.ref(r.source, short_for))


class FlagView(Record):
    """A chip beside the stage ('Needs a touch', 'Paused until 1 Apr 2027') and why."""

    id: str
    label: str
    text: str
    source: Ref | None


def flag_view(site: Site, f: Flag, short_for: str | None = None) -> FlagView:
    return FlagView(f.id, f.label, f.reason.text, site.ref(f.reason.source, short_for))


HEALTH_BANDS: tuple[tuple[int, str, str], ...] = ((HEALTH_GOOD, "good", "good"), (HEALTH_FAIR, "fair", "fair"),
                                                  (0, "poor", "poor"))


def health_band(score: int) -> tuple[str, str]:
    for floor, band, label in HEALTH_BANDS:
        if score >= floor:
            return band, label
    return "poor", "poor"


class CustomerRow(Record):
    """One customer in a list or a card."""

    name: str
    href: str
    brief_href: str
    stage: StageChip
    flags: tuple[FlagView, ...]
    """Beside the stage: paused, needs a touch."""
    reason: str
    """The stage's first reason."""
    health: int
    health_text: str
    """The score as shown, or 'Ended' for an ended relationship (no live score)."""
    health_band: str
    """'good', 'fair', 'poor', or 'ended'."""
    owners: tuple[Person, ...]
    tier: str | None
    tags: tuple[Link, ...]
    last_touch: str
    last_touch_iso: str
    next_action: str | None
    next_due: str | None
    next_overdue: bool


def customer_row(site: Site, r: Relationship, base: str) -> CustomerRow:
    # Only from the row's facts: the list pages are keyed by their digest (listed.py).
    f = row_facts(r)
    return CustomerRow(
        name=f.name, href=site.customer_href(f.slug, base), brief_href=site.brief_href(f.slug, base),
        stage=site.stage(f.stage, base), flags=tuple(flag_view(site, x) for x in f.flags), reason=f.reason,
        health=f.health, health_text="Ended" if f.stage == "ended" else str(f.health),
        health_band="ended" if f.stage == "ended" else health_band(f.health)[0],
        owners=tuple(site.person(h, base) for h in f.owners), tier=f.tier,
        tags=tuple(site.tag(t, base) for t in f.tags),
        last_touch=relative_days(-f.days_since) if f.last_contact and f.days_since is not None else "no touch yet",
        last_touch_iso=f.last_contact.isoformat() if f.last_contact else "",
        next_action=f.next_action,
        next_due=when_due((f.next_due - site.as_of).days) if f.next_due is not None else None,
        next_overdue=f.next_due is not None and f.next_due < site.as_of,
    )


class InteractionView(Record):
    id: str
    """Anchor on the customer page."""
    href: str
    date_iso: str
    date_label: str
    ago: str
    type: str
    type_label: str
    with_: str
    by: Person | None
    by_git: bool
    """True when `by` came from the commit that added the note, not from the note."""
    sentiment: str
    """'s-2'…'s2', or 's-none'."""
    sentiment_label: str
    direction: str | None
    summary: str
    notes_html: Markup
    customer: Link
    source: Ref | None


def _only_summary(i: Interaction) -> bool:
    """The notes say nothing beyond the summary (which was taken from them)."""
    body = i.body.strip()
    return not body or body == (i.summary or "").strip()


def interaction_view(site: Site, r: Relationship, i: Interaction, base: str, short: bool = False) -> InteractionView:
    c = r.customer
    anchor = interaction_anchor(i)
    return InteractionView(
        id=anchor, href=site.customer_href(c.slug, base, anchor), date_iso=i.date.isoformat(),
        date_label=fmt_date(i.date), ago=relative_days((i.date - site.as_of).days), type=i.type,
        type_label=i.type.capitalize(), with_=", ".join(i.with_), by=site.person(i.by, base) if i.by else None,
        by_git=i.by_from_git,
        sentiment="s-none" if i.sentiment is None else f"s{i.sentiment}", sentiment_label=sentiment_word(i.sentiment),
        direction=DIRECTION_LABELS.get(i.direction or ""), summary=i.summary or i.type.capitalize(),
        notes_html=Markup("") if short or _only_summary(i) else Markup(i.html),
        customer=Link(c.name, site.customer_href(c.slug, base)),
        source=site.ref(i.source, f"content/customers/{c.slug}/"),
    )


class KeyDateView(Record):
    kind: str
    kind_label: str
    date_iso: str
    date_label: str
    when: str
    title: str
    contact: str | None
    customer: Link
    source: Ref | None


def key_date_view(site: Site, r: Relationship, k: KeyDate, base: str) -> KeyDateView:
    return KeyDateView(
        kind=k.kind, kind_label=KEY_DATE_LABELS.get(k.kind, k.kind.capitalize()), date_iso=k.date.isoformat(),
        date_label=day_label(k.date, site.as_of), when=relative_days(k.days_until), title=k.title, contact=k.contact,
        customer=Link(r.customer.name, site.customer_href(r.customer.slug, base)),
        source=site.ref(k.source, f"content/customers/{r.customer.slug}/"),
    )


class ContactView(Record):
    name: str
    id: str
    role: str | None
    email: str | None
    phone: str | None
    phone_href: str | None
    birthday: str | None
    birthday_when: str | None
    primary: bool
    notes_html: Markup
    last_touch: str | None
    last_spoke_with: Person | None
    """Who on the team spoke to them last (the engine's team list is most recent first)."""
    named_in: str | None
    """'named in the note of 30 Sep 2025': a later note that names them with nobody in `with`."""
    source: Ref | None
    decision: str | None = None
    """Their part in the decision: 'decision maker', 'budget holder and champion'."""
    manner: str | None = None
    """'Prefers email · avoid slide decks'."""
    left: str | None = None
    """'Left 30 Jun 2026 · now: starting a sign-making business'."""
    keep_in_touch: str | None = None
    """'Keep in touch every 90 days'."""


class PerPerson(Record):
    """What the People list looks up per contact, made once per relationship: looked up per
    contact, a page of 25,000 contacts scanned the list 25,000 times (80 s), and their
    birthdays the key dates as many times (16,000 contacts with birthdays, 55 s)."""

    engaged: dict[str, Any]
    """The engine's engagement by name."""
    named: dict[str, date]
    """The latest note naming each with nobody in `with` (`people.named_without_with`)."""
    birthdays: dict[str, KeyDate]
    """Each one's birthday among the key dates (the last listed, as the scan kept it)."""


_PER_PERSON: dict[int, tuple[Relationship, PerPerson]] = {}


def per_person(r: Relationship) -> PerPerson:
    hit = _PER_PERSON.get(id(r))
    if hit is None or hit[0] is not r:  # the relationship itself is kept, so its id stays its own
        if len(_PER_PERSON) > 8:
            _PER_PERSON.clear()
        hit = _PER_PERSON[id(r)] = (r, PerPerson(
            engaged={e.name: e for e in reversed(r.timeline.contacts)},
            named=named_without_with(r.customer, r.as_of),
            birthdays={k.contact: k for k in r.key_dates if k.kind == "birthday" and k.contact}))
    return hit[1]


def contact_view(site: Site, r: Relationship, c: Contact, base: str, anchor: str) -> ContactView:
    bday = when = None
    if c.birthday:
        b = c.birthday
        bday = f"{b.day} {MONTHS[b.month - 1]}" + (f" {b.year}" if b.year else "")
        k = per_person(r).birthdays.get(c.name)
        if k is not None:
            when = k.title.replace(f"{c.name}'s birthday", "").strip(" ()")
            when = relative_days(k.days_until) + (f", turns {when}" if when else "")
        last = last_birthday(b, site.as_of)
        gone = (site.as_of - last).days
        if when is not None and 0 < gone <= BELATED_DAYS:  # just gone by: not "in 364 days" the day after
            when = relative_days(-gone) + (f", turned {last.year - b.year}" if b.year else "")
    people = per_person(r)
    eng = people.engaged.get(c.name)
    last_named = people.named.get(c.name)
    phone_digits = re.sub(r"[^\d+]", "", c.phone) if c.phone else ""
    return ContactView(
        name=c.name, id=anchor, role=c.role, email=c.email, phone=c.phone,
        phone_href=f"tel:{phone_digits}" if phone_digits else None, birthday=bday, birthday_when=when,
        primary=c.primary, notes_html=Markup(render_notes(c.notes)),
        last_touch=(f"{fmt_date(eng.last_touch)} ({relative_days((eng.last_touch - site.as_of).days)})"
                    if eng and eng.last_touch else None),
        last_spoke_with=site.person(eng.team[0], base) if eng and eng.team else None,
        # Only when newer than the last touch with them: it is what "Last spoke" leaves out.
        named_in=(f"named in the note of {fmt_date(last_named)}" if last_named is not None
                  and (eng is None or eng.last_touch is None or last_named > eng.last_touch) else None),
        source=site.ref(c.source, f"content/customers/{r.customer.slug}/"),
        decision=" and ".join(c.decision) or None,
        manner=" · ".join(([f"Prefers {c.prefers}"] if c.prefers else []) + ([f"avoid {c.avoid}"] if c.avoid else []))
        or None,
        left=(f"Left {fmt_date(c.left)}" + (f" · now: {c.now}" if c.now else "")) if c.left else None,
        keep_in_touch=f"Keep in touch every {c.keep_in_touch} days" if c.keep_in_touch else None,
    )
