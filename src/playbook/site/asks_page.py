"""The asks page (`asks.html`): what the whole book is asking for, grouped, with what has come in.

A page over all customers, keyed like the others by a digest of its view data. Each ask's
row has an id made from its own customer and line (`names.ask_anchor`), so a customer's page
links to its asks here without depending on anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..engine.demand import AskGroup, News, Wish, group_news, matches
from ..engine.types import Relationship
from ..engine.words import count, fmt_date, money
from ..names import ASKS_PAGE, ask_anchor, slugify
from ..records import fast_pickling
from .parts import Link, Ref, Site, relative_days


@dataclass(frozen=True, slots=True)
class AskRow:
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


@dataclass(frozen=True, slots=True)
class NewsView:
    what: str
    state: str
    """'available since 18 Nov 2026' or 'coming 1 Dec 2026'."""
    line: str
    """'playbook.yaml:33'."""
    count: str
    """'3 asks to tell', '2 asks'."""
    now: bool
    """Available by the as-of date."""


@dataclass(frozen=True, slots=True)
class GroupView:
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


def group_view(site: Site, g: AskGroup, gid: str, base: str) -> GroupView:
    avail = site.config.available
    rows = []
    for w in g.wishes:
        now = [e.what for e, _ in matches(w.ask, avail) if e.on <= site.as_of] if avail.entries else []
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


def asks_context(site: Site, grouped: tuple[list[AskGroup], AskGroup], base: str) -> dict:
    """The page's data: the groups, the asks left alone (`grouped`: engine.demand.group_asks),
    and the totals."""
    groups, alone = grouped
    views = [group_view(site, g, gid, base) for g, gid in zip(groups, group_ids(groups))]
    single = group_view(site, alone, "asked-once", base)
    everyone = {w.customer for g in (*groups, alone) for w in g.wishes}
    asks = sum(len(g.wishes) for g in (*groups, alone))
    return {
        "groups": views, "alone": single,
        "summary": (f"{count(asks, 'open or parked ask', 'open or parked asks')} from "
                    f"{count(len(everyone), 'customer', 'customers')}; "
                    f"{count(len(groups), 'thing', 'things')} asked for by more than one"),
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
                    "href": f"{href}#{gid}"} for g, gid in list(zip(groups, group_ids(groups)))[:HOME_GROUPS]],
        "asks": sum(len(g.wishes) for g in (*groups, alone)),
        "link": f"All {count(sum(len(g.wishes) for g in (*groups, alone)), 'open or parked ask', 'open and parked asks')}, "
                "grouped by what was asked",
    }


fast_pickling(globals())
