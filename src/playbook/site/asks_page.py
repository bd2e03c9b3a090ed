"""The asks pages: what the whole book is asking for, grouped, with what has come in.

`asks.html` lists the groups (most customers first), each with its oldest few asks; each
group has its own page with all of them (`asks/g-<label>.html`), and the asks no one else
shares are on `asks/once.html`. Every list is cut in pages (paging.py), so at 10,000
customers no page is heavy. They are pages over all customers, keyed like the others by a
digest of their view data; a customer's page links to `asks.html` only, so it depends on
nothing but its own files.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Iterator

from ..engine.demand import AskGroup, News, Wish, group_news, matches
from ..engine.types import Relationship
from ..engine.words import count, fmt_date, money
from ..names import ASKS_PAGE, ask_anchor, slugify
from ..records import Record
from .paging import Pages
from .parts import Link, Ref, Site, relative_days

#: A group's card on asks.html shows its oldest few asks; its own page shows them all.
CARD_ASKS = 5
#: The asks no other customer shares.
ONCE_PAGE = "asks/once.html"


def group_page(gid: str) -> str:
    """A group's own page (`gid`: its id from `group_ids`)."""
    return f"asks/{gid}.html"


def base_for(path: str) -> str:
    return "../" * path.count("/")


class AskRow(Record):
    """One customer's ask, in their words."""

    id: str
    """Element id (names.ask_anchor)."""
    customer: Link
    who: str
    """Who asked, or '' when not written."""
    what: str
    """Their wording."""
    about: str
    """Their `about` words, comma-separated, or ''."""
    since_iso: str
    since_label: str
    """'1 Oct 2026', or 'undated'."""
    ago: str
    """'50 days ago', or ''."""
    parked: str
    """'' when open; 'parked', 'parked until 11 Jan 2027'."""
    tell: str
    """'' or what they are to be told of ('Managed zero-trust access')."""
    source: Ref | None


class NewsView(Record):
    what: str
    state: str
    """'available since 18 Nov 2026' or 'coming 1 Dec 2026'."""
    line: str
    """'playbook.yaml:33'."""
    count: str
    """'3 asks to tell', '2 asks'."""
    now: bool
    """Available by the as-of date."""


class GroupView(Record):
    id: str
    label: str
    customers: str
    """'3 customers'."""
    value: str
    """'£133,500 a year', with how many have no value written; '' when none has one."""
    first: str
    """'first asked 50 days ago (1 Oct 2026)'."""
    news: tuple[NewsView, ...]
    rows: tuple[AskRow, ...]
    """On a card, the oldest CARD_ASKS; on the group's own page, those of that page."""
    more: int = 0
    """On a card: how many more asks the group's own page shows."""
    href: str = ""
    """The group's own page."""


def row(site: Site, w: Wish, base: str, tell: str) -> AskRow:
    a = w.ask
    n = (site.as_of - a.since).days if a.since else None
    return AskRow(
        id=ask_anchor(w.customer, a.source.line),
        customer=Link(site.names.get(w.customer, w.customer), site.customer_href(w.customer, base)),
        who=a.from_ or "", what=a.what, about=", ".join(a.about),
        since_iso=a.since.isoformat() if a.since else "", since_label=fmt_date(a.since) if a.since else "undated",
        ago=relative_days(-n) if n is not None else "",
        parked=("" if not w.parked else f"parked until {fmt_date(a.until)}" if a.until else "parked"),
        tell=tell, source=site.ref(a.source),
    )


def news_view(n: News) -> NewsView:
    e = n.entry
    state = f"available since {fmt_date(e.on)}" if n.to_tell else f"coming {fmt_date(e.on)}"
    what = count(n.asks, "ask", "asks") + (" to tell" if n.to_tell else "")
    return NewsView(e.what, state, f"playbook.yaml:{e.line}", what, bool(n.to_tell))


def group_view(site: Site, g: AskGroup, gid: str, base: str, shown: tuple[Wish, ...] | None = None) -> GroupView:
    """The group's head, and rows for `shown` (its wishes, or some of them)."""
    avail = site.config.available
    rows = []
    for w in (g.wishes if shown is None else shown):
        now = [e.what for e, _ in matches(w.ask, avail, site.as_of, 1)] if avail.entries else []
        rows.append(row(site, w, base, now[0] if now else ""))
    currency = site.config.currency
    value = ""
    if g.value:
        value = f"{money(g.value, currency)} a year"
        if g.unvalued:
            value += f" ({g.unvalued} with no value written)"
    first = g.wishes[0].ask.since if g.wishes else None
    return GroupView(
        id=gid, label=g.label, customers=count(len(g.customers), "customer", "customers"), value=value,
        first=f"first asked {relative_days(-(site.as_of - first).days)} ({fmt_date(first)})" if first else "",
        news=tuple(news_view(n) for n in group_news(g, avail, site.as_of)), rows=tuple(rows),
        more=len(g.wishes) - len(rows), href=base + group_page(gid),
    )


def group_ids(groups: list[AskGroup]) -> list[str]:
    """Each group's element id, from its label, in page order (a second group with the same
    label gets '-2')."""
    out, used = [], set()
    for g in groups:
        gid = first = f"g-{slugify(g.label, 'group')}"
        n = 1
        while gid in used:
            n += 1
            gid = f"{first}-{n}"
        used.add(gid)
        out.append(gid)
    return out


def _wish_text(w: Wish) -> int:
    """About the characters an ask's row shows (for a page's budget)."""
    return len(w.ask.what) + len(w.customer) + len(w.ask.from_ or "") + 80


def _card_text(item: tuple[AskGroup, str]) -> int:
    g = item[0]
    return len(g.label) + 120 + sum(_wish_text(w) for w in g.wishes[:CARD_ASKS])


Meta = Callable[[str, str, str, str], Any]


def asks_pages(site: Site, grouped: tuple[list[AskGroup], AskGroup], meta: Meta) -> Iterator[tuple[str, str, dict]]:
    """Every asks page as (path, template, context): `asks.html` (in pages), each group's own
    page (in pages) and `asks/once.html` (in pages). `grouped`: engine.demand.group_asks."""
    groups, alone = grouped
    everyone = {w.customer for g in (*groups, alone) for w in g.wishes}
    asks = sum(len(g.wishes) for g in (*groups, alone))
    summary = (f"{count(asks, 'open or parked ask', 'open or parked asks')} from "
               f"{count(len(everyone), 'customer', 'customers')}; "
               f"{count(len(groups), 'thing', 'things')} asked for by more than one")
    cards = list(zip(groups, group_ids(groups)))
    pages = Pages(ASKS_PAGE, cards, _card_text)
    title = "What customers ask for"
    for n, path, chunk in pages:
        base = base_for(path)
        yield path, "asks.html", {
            "page": meta(path, title if n == 1 else f"{title}, page {n}", "",
                         "Open and parked asks across all customers, grouped"),
            "summary": summary, "pager": pages.pager(n, base, "Pages of asked-for things"),
            "groups": [group_view(site, g, gid, base, g.wishes[:CARD_ASKS]) for g, gid in chunk],
            "alone": {"count": count(len(alone.wishes), "ask", "asks"), "href": base + ONCE_PAGE,
                      "any": bool(alone.wishes)},
        }
    lists = [(g, gid, g.label) for g, gid in cards] + [(alone, "once", "Asked by one customer")]
    for g, gid, label in lists:
        first = ONCE_PAGE if gid == "once" else group_page(gid)
        rows = Pages(first, g.wishes, _wish_text)
        for n, path, chunk in rows:
            base = base_for(path)
            yield path, "asks-list.html", {
                "page": meta(path, label if n == 1 else f"{label}, page {n}", "", f"What customers ask for: {label}"),
                "heading": label, "once": gid == "once", "group": group_view(site, g, gid, base, tuple(chunk)),
                "pager": rows.pager(n, base, f"Pages of asks: {label}"), "back": base + ASKS_PAGE,
                "summary": summary,
            }


#: The home page lists the things most customers ask for, up to this many.
HOME_GROUPS = 3


def home_summary(site: Site, relationships: list[Relationship], grouped: tuple[list[AskGroup], AskGroup],
                 base: str) -> dict:
    """For the home page: what has come in and whom to tell, and the most asked-for things."""
    groups, alone = grouped
    told: dict[tuple[int, str], set[str]] = {}
    for r in relationships:
        if r.customer.status != "ended":
            for x in r.arrivals:
                told.setdefault((x.line, x.what), set()).add(r.customer.slug)
    dates = {(e.line, e.what): e.on for e in site.config.available.entries}
    news = [{"what": what, "since": fmt_date(dates[(line, what)]) if (line, what) in dates else "",
             "tell": count(len(who), "customer", "customers") + " to tell"}
            for (line, what), who in sorted(told.items(), key=lambda kv: (dates.get(kv[0]) or date.min, kv[0]))]
    href = base + ASKS_PAGE
    return {
        "href": href, "news": news,
        "groups": [{"label": g.label, "customers": count(len(g.customers), "customer", "customers"),
                    "href": base + group_page(gid)} for g, gid in list(zip(groups, group_ids(groups)))[:HOME_GROUPS]],
        "asks": sum(len(g.wishes) for g in (*groups, alone)),
        "link": f"All {count(sum(len(g.wishes) for g in (*groups, alone)), 'open or parked ask', 'open and parked asks')}, "
                "grouped by what was asked",
    }
