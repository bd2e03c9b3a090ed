"""The pages over all customers that list customers or actions, in pages (paging.py).

At 10,000 customers the actions list held 50,000 actions (30 MB of HTML) and each person's
page 5 MB; each list is now cut into pages of a few hundred kilobytes at most. Page 1 keeps
the list's address; a person's page shows their most important actions first and their
customers after, each with its own pages. Small books have one page per list and look as
they did.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urlsplit

from msgspec.structs import replace

from ..engine.types import Action, KeyDate, Relationship
from ..listed import row_facts
from ..memo import digest
from ..model import STAGE_LABELS, STAGES
from ..names import CUSTOMERS_PAGE, TEAM_CALENDAR, owner_page, stage_page, tag_page
from . import asks_page
from .kept import Deferred
from .paging import Pager, Pages
from .parts import KIND_LABELS, ActionView, key_date_view
from .views import (
    HOME_DATES_MAX, HOME_KEY_DATE_DAYS, HOME_RENEWAL_DAYS, KEY_DATES_PAGE, RENEWALS_PAGE, STAGE_BLURBS, Option, Page, Views,
    base_for,
)


def relationship_text(r: Relationship) -> int:
    """About the characters of text a customer's row or card shows (for a page's budget):
    from its facts, which key the lists (listed.py)."""
    f = row_facts(r)
    return (len(f.name) + len(f.reason) + len(f.next_action or "") + sum(len(x.reason.text) for x in f.flags)
            + sum(len(h) for h in f.owners))


def action_text(a: Action) -> int:
    """About the characters of text an action shows."""
    return (len(a.title) + len(a.why) + sum(len(x) + 2 for x in a.score_reasons) + len(a.contact or "")
            + len(a.customer) + sum(len(str(x.source)) for x in a.also))


def key_date_text(kr: tuple[KeyDate, Relationship]) -> int:
    return len(kr[0].title) + len(kr[1].customer.name)


def renewal_text(r: Relationship) -> int:
    return len(r.customer.name) + sum(len(f.reason.text) for f in r.flags)


class ListViews(Views):
    """Every page of the site: the customers' own (`customer_pages`) and, in `index_pages`,
    those over all customers."""

    def owned(self) -> dict[str, list[Relationship]]:
        """Each person's customers, by name; `tagged` and `staged` likewise by tag and stage:
        one pass over the book for all the lists (a pass per person, tag and stage was about a
        tenth of a `serve` rebuild in a profile at 10,000 customers)."""
        return self._by("owners", lambda r: r.customer.owners)

    def tagged(self) -> dict[str, list[Relationship]]:
        return self._by("tags", lambda r: r.customer.tags)

    def staged(self) -> dict[str, list[Relationship]]:
        return self._by("stage", lambda r: (r.stage.id,))

    def _by(self, what: str, of: Callable[[Relationship], Sequence[str]]) -> dict[str, list[Relationship]]:
        hit = self._groups.get(what)
        if hit is None:
            hit = self._groups[what] = {}
            for r in self.by_name:
                for x in dict.fromkeys(of(r)):  # once each, as `x in owners` counts it
                    hit.setdefault(x, []).append(r)
        return hit

    def deferred(self, path: str, template: str, make: Callable[[], dict[str, Any]], parts: tuple,
                 *shown: Sequence) -> Page:
        """A list page whose view data is made only when needed (kept.Deferred), keyed by the
        site, `parts` (everything on the page that is not one of the items: its address,
        title, pager and totals) and the list key of each item `shown` (site_files.list_keys:
        what the page reads of it); made now when an
        item has no key (a build without keys, as in tests)."""
        k = self.source_key(parts, shown)
        return path, template, (make() if k is None else Deferred(k, make))

    def source_key(self, parts: tuple, shown: tuple[Sequence, ...]) -> str | None:
        if self.site_key is None or not self.keys:
            return None
        ids = []
        get = self.keys.get
        for items in shown:
            ids.append(str(len(items)))  # two lists cannot run together
            for x in items:
                k = get(id(x))
                if k is None:
                    return None
                ids.append(k)
        # One line per key (no key holds a line break): digesting each as a part of its own was
        # most of this at 10,000 customers.
        return digest(self.site_key, repr(parts), "\n".join(ids))

    def text_size(self, x: Any, size: Callable[[Any], int]) -> int:
        """`size(x)`, once per item (an action is on the actions list and on each of its
        people's), and in `serve` once per item while it is unchanged (kept.py)."""
        return self.kept.size(x, size)

    def pages(self, path: str, items: Sequence, size: Callable[[Any], int], rest: str = "") -> Pages:
        return Pages(path, items, lambda x: self.text_size(x, size), rest=rest)

    def customers(self) -> Iterator[Page]:
        pages = self.pages(CUSTOMERS_PAGE, self.by_name, relationship_text)
        for n, path, chunk in pages:
            base = base_for(path)
            title = "Customers" if n == 1 else f"Customers, page {n}"
            pager = pages.pager(n, base, "Pages of customers")

            def make(path=path, base=base, chunk=chunk, title=title, pager=pager) -> dict[str, Any]:
                return {
                    "page": self.meta(path, title, "customers"),
                    "total": len(self.by_name), "total_text": f"{len(self.by_name):,}",
                    "rows": self.rows(list(chunk), base), "pager": pager,
                }

            yield self.deferred(path, "customers.html", make, (title, pager, len(self.by_name)), chunk)

    def stage(self, stage_id: str) -> Iterator[Page]:
        rels = self.staged().get(stage_id, [])
        pages = self.pages(stage_page(stage_id), rels, relationship_text)
        label = STAGE_LABELS[stage_id]
        for n, path, chunk in pages:
            base = base_for(path)
            title = label if n == 1 else f"{label}, page {n}"
            pager = pages.pager(n, base, f"Pages of {label.lower()} customers")
            legend = self.legend(base)

            def make(path=path, base=base, chunk=chunk, title=title, pager=pager, legend=legend) -> dict[str, Any]:
                return {
                    "page": self.meta(path, title, "customers"),
                    "stage": {"id": stage_id, "label": label, "blurb": STAGE_BLURBS[stage_id]},
                    "total": len(rels), "total_text": f"{len(rels):,}", "rows": self.rows(list(chunk), base),
                    "legend": legend, "pager": pager,
                }

            yield self.deferred(path, "stage.html", make, (stage_id, title, pager, len(rels), legend), chunk)

    def owner(self, handle: str) -> Iterator[Page]:
        """The person's book: their most important actions first, then their customers, each
        list in its own pages (`owners/<slug>/actions/2.html`, `…/customers/2.html`)."""
        slug = self.site.owner_slugs[handle]
        path = owner_page(slug)
        name = self.site.person_name(handle)
        rels = self.owned().get(handle, [])
        actions = self.ranked(owner=handle)
        acts = self.pages(path, actions, action_text, rest=f"owners/{slug}/actions")
        rows = self.pages(path, rels, relationship_text, rest=f"owners/{slug}/customers")

        def page(at: str, title: str, act: int | None, row: int | None) -> Page:
            base = base_for(at)
            acts_pager = None if act is None else acts.pager(act, base, f"Pages of {name}’s actions")
            rows_pager = None if row is None else rows.pager(row, base, f"Pages of {name}’s customers")
            shown_acts = () if act is None else acts.chunks[act - 1]
            shown_rows = () if row is None else rows.chunks[row - 1]

            def make() -> dict[str, Any]:
                return {
                    "page": self.meta(at, title, "team"), "person": self.site.person(handle, base),
                    "team_href": base + "owners/index.html", "calendar": self.site.calendar(handle, base),
                    "customer_count": len(rels), "action_count": len(actions),
                    "counts_text": (f"{len(rels):,}", f"{len(actions):,}"),
                    "groups": None if act is None else due_groups([self.action(a, base) for a in shown_acts]),
                    "actions_pager": acts_pager,
                    "rows": None if row is None else self.rows(list(shown_rows), base),
                    "rows_pager": rows_pager,
                }

            return self.deferred(at, "owner.html", make, (handle, title, act, row, acts_pager, rows_pager,
                                                          len(rels), len(actions)), shown_acts, shown_rows)

        yield page(path, name, 1, 1)
        for n in range(2, len(acts) + 1):
            yield page(acts.address(n), f"{name}: actions, page {n}", n, None)
        for n in range(2, len(rows) + 1):
            yield page(rows.address(n), f"{name}: customers, page {n}", None, n)

    def owners(self) -> Page:
        path = "owners/index.html"
        base = base_for(path)
        people = []
        for h in self.site.handles:
            own, acts = self.owned().get(h, []), self.ranked(owner=h)
            people.append({
                "person": self.site.person(h, base), "customers": len(own),
                "at_risk": sum(1 for r in own if r.stage.id == "at-risk"),
                "actions": len(acts), "overdue": sum(1 for a in acts if a.overdue(self.as_of)),
                "calendar": self.site.calendar(h, base),
            })
        return path, "owners.html", {
            "page": self.meta(path, "Team", "team"), "people": people,
            "team_calendar": base + TEAM_CALENDAR,
        }

    def tag(self, tag: str) -> Iterator[Page]:
        slug = self.site.tag_slugs[tag]
        rels = self.tagged().get(tag, [])
        pages = self.pages(tag_page(slug), rels, relationship_text)
        for n, path, chunk in pages:
            base = base_for(path)
            title = f"Tag: {tag}" if n == 1 else f"Tag: {tag}, page {n}"
            pager = pages.pager(n, base, f"Pages of customers tagged {tag}")

            def make(path=path, base=base, chunk=chunk, title=title, pager=pager) -> dict[str, Any]:
                return {
                    "page": self.meta(path, title, "tags"), "tag": tag,
                    "tags_href": base + "tags/index.html", "total": len(rels), "total_text": f"{len(rels):,}",
                    "rows": self.rows(list(chunk), base), "pager": pager,
                }

            yield self.deferred(path, "tag.html", make, (tag, title, pager, len(rels)), chunk)

    def tags(self) -> Page:
        path = "tags/index.html"
        base = base_for(path)
        counts: dict[str, int] = {}
        for r in self.rels:
            for t in r.customer.tags:
                counts[t] = counts.get(t, 0) + 1
        items = [{"tag": self.site.tag(t, base), "count": counts[t]}
                 for t in sorted(counts, key=lambda t: (-counts[t], t.casefold(), t))]
        return path, "tags.html", {"page": self.meta(path, "Tags", "tags"), "tags": items}

    def actions(self) -> Iterator[Page]:
        """Every action, ranked, in pages. The filters work on the page shown (and say so
        when there are several); each person's page lists all of theirs."""
        ranked = self.ranked()
        pages = self.pages("actions.html", ranked, action_text)
        # An action is under each person it concerns (data-owners="maya tomas"), as on their own page.
        concerned = {h for a in ranked for h in self.site.concerns(a)}
        kinds_used = {a.kind for a in ranked}
        nobody = any(not self.site.concerns(a) for a in ranked)
        dues = [Option("overdue", "Overdue"), Option("today", "Due today"), Option("week", "Within 7 days"),
                Option("month", "Within 30 days")]
        owners = [Option(h, self.site.person_name(h)) for h in self.site.handles if h in concerned]
        if nobody:
            owners.append(Option("-", "Nobody assigned"))
        kinds = [Option(k, v) for k, v in KIND_LABELS.items() if k in kinds_used]
        for n, path, chunk in pages:
            base = base_for(path)
            title = "Actions" if n == 1 else f"Actions, page {n}"
            pager = pages.pager(n, base, "Pages of actions")

            def make(path=path, base=base, chunk=chunk, title=title, pager=pager) -> dict[str, Any]:
                return {
                    "page": self.meta(path, title, "actions"),
                    "actions": [self.action(a, base) for a in chunk], "total": f"{len(ranked):,}",
                    "owners": owners, "kinds": kinds, "dues": dues, "pager": pager,
                    "people_href": base + "owners/index.html",
                }

            yield self.deferred(path, "actions.html", make, (title, pager, len(ranked), owners, kinds, dues), chunk)

    def renewal_pages(self) -> Iterator[Page]:
        """Every renewal the home page counts, soonest first, when it shows only some, and those
        gone by with nothing recorded (`lapsed_items`), first."""
        coming, lapsed = self.renewal_items(), self.lapsed_items()
        if len(coming) <= HOME_DATES_MAX and not lapsed:
            return
        found = lapsed + coming
        pages = Pages(RENEWALS_PAGE, found, renewal_text)
        for n, path, chunk in pages:
            base = base_for(path)
            yield path, "renewals.html", {
                "page": self.meta(path, "Renewals" if n == 1 else f"Renewals, page {n}", "today"),
                "renewals": self.renewals(list(chunk), coming, base), "renewal_days": HOME_RENEWAL_DAYS,
                "total": len(coming), "pager": pages.pager(n, base, "Pages of renewals"),
                "lapsed": self.renewals([], lapsed, base) | {"count": len(lapsed)},
            }

    def key_date_pages(self) -> Iterator[Page]:
        """Every key date the home page counts, soonest first, when it shows only some."""
        found = self.key_date_items()
        if len(found) <= HOME_DATES_MAX:
            return
        pages = Pages(KEY_DATES_PAGE, found, key_date_text)
        for n, path, chunk in pages:
            base = base_for(path)
            yield path, "key-dates.html", {
                "page": self.meta(path, "Key dates" if n == 1 else f"Key dates, page {n}", "today"),
                "key_dates": [key_date_view(self.site, r, k, base) for k, r in chunk],
                "key_date_days": HOME_KEY_DATE_DAYS, "total": len(found),
                "pager": pages.pager(n, base, "Pages of key dates"),
            }

    def asks_pages(self) -> Iterator[Page]:
        yield from asks_page.asks_pages(self.site, self.grouped(), self.meta)

    def search(self) -> Page:
        path = "search.html"
        return path, "search.html", {"page": self.meta(path, "Search", "search")}

    def not_found(self) -> Page:
        """`404.html`, which static hosts (GitHub and GitLab Pages) and `serve` show for an
        address with no page. It is shown at any depth, so with `site_url` its links are
        resolved from the site's root path (`<base>`); it is no page's canonical address."""
        path = "404.html"
        site_url = self.site.config.site_url
        return path, "404.html", {"page": replace(self.meta(path, "Page not found", ""), canonical=None),
                                  "root": urlsplit(site_url).path if site_url else None}

    def all(self) -> Iterator[Page]:
        yield self.home()
        yield from self.customers()
        for r in self.rels:
            yield from self.customer_pages(r)
        yield from self.index_pages()

    def index_pages(self) -> Iterator[Page]:
        """The pages over all customers, after `home` and `customers`."""
        yield from self.lists(customers=False)
        yield from self.others(home=False)

    def lists(self, customers: bool = True) -> Iterator[Page]:
        """The lists of customers and actions, keyed by what they show (`deferred`): a
        function of the site, paging and the list keys of every row and action alone."""
        if customers:
            yield from self.customers()
        for s in STAGES:
            yield from self.stage(s)
        for h in self.site.handles:
            yield from self.owner(h)
        for t in sorted(self.site.tag_slugs):
            yield from self.tag(t)
        yield from self.actions()

    def others(self, home: bool = True) -> Iterator[Page]:
        """The other pages over all customers, keyed by their view data."""
        if home:
            yield self.home()
        yield self.owners()
        yield self.tags()
        yield from self.renewal_pages()
        yield from self.key_date_pages()
        yield from self.asks_pages()
        yield self.search()
        yield self.not_found()


def due_groups(actions: Sequence[ActionView]) -> list[dict[str, Any]]:
    """Actions in due buckets, each still ranked as given (priority, then due date)."""
    buckets = [("overdue", "Overdue"), ("today", "Today"), ("week", "Next 7 days"), ("month", "Next 30 days"),
               ("later", "Later")]
    out = []
    for key, label in buckets:
        items = [a for a in actions if a.due_tokens.split()[0] == key]
        if items:
            out.append({"key": key, "label": label, "actions": items})
    return out


__all__ = ["ListViews", "Pager", "due_groups"]
