"""Page contexts: everything a template shows, computed here from the engine's relationships.

Each `*_page` function returns (output path, template name, context). The context is a dict
of plain view records (see parts.py) and chart geometry (see svg.py); all grouping, sorting,
date wording and stage decisions happen here, none in the templates.
"""

from __future__ import annotations

import heapq
import re
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Callable, Iterator

from markupsafe import Markup
from msgspec.structs import replace

from ..engine.agenda import Entry, ranked as rank_all
from ..engine.dates import renewal_lapsed
from ..engine.stage import over_year
from ..engine.timeline import upto
from ..engine.types import Action, KeyDate, Relationship
from ..engine.brief import handle_with_care, talking_points
from ..engine.demand import asked, group_asks
from ..engine.owed import ask_gone_by, back_from_parking, held_by_pause, is_chase, theirs_back, waiting_since
from ..engine.words import days, fmt_date, half_up, money, weeks_or_days
from ..model import STAGE_LABELS, STAGES, Interaction
from ..names import (
    ASKS_PAGE, CUSTOMERS_PAGE, TEAM_CALENDAR, brief_page, contact_ids, customer_page,
    interaction_anchor, stage_page,
)
from ..notes import render as render_notes
from ..records import Record
from ..siteurl import absolute
from . import asks_page, svg
from .hosting import write_view
from .kept import Kept
from .parts import (
    ActionView, CustomerRow, Link, Person, Site, action_view, contact_view, customer_row,
    flag_view, health_band, interaction_view, key_date_view, reason_view, relative_days, when_due,
)

#: What each stage means, shown on its page and as a hint beside the path.
STAGE_BLURBS: dict[str, str] = {
    "establishing": "New relationships, still finding their rhythm.",
    "growing": "Clearly more touches, someone new engaged or new business, with warm sentiment: the relationship is widening.",
    # Not "no sign of growth": St Aldhelm's read so beside £140,000 of new business being
    # worked on (a nineteenth blind read); nor "nothing pulling it down" above a reason saying
    # when it would turn at risk (its check).
    "steady": "Not at risk, and not clearly growing of late; a quiet one may need a touch.",
    "at-risk": "A bad touch left unrepaired, a promise well overdue, silence after a bad touch or with our "
               "outreach unanswered, a silence that breaks the account's rhythm, a key person quiet or our "
               "outreach unanswered before the renewal, or a renewal gone by unrecorded.",
    "dormant": "Nothing heard for a long time: these need rekindling before anything else.",
    "ended": "Relationships marked as ended; kept for the record.",
}
HOME_DUE_DAYS = 7
HOME_KEY_DATE_DAYS = 30
HOME_RECENT = 10
#: Nothing logged by anyone for longer than this, and the home page says so: every silence the
#: site weighs may be the team's, not the customers' (the example's notes stop in November, and
#: by June 13 of 15 accounts read dormant with nothing to say why).
LOGGING_GAP_DAYS = 14
#: The home page's renewals strip looks this far ahead.
HOME_RENEWAL_DAYS = 180
#: The home page is a morning digest: per person at most this many actions (most important
#: first) and this many customers at risk (the largest yearly value first, then the least
#: healthy); the rest are a link away.
HOME_GROUP_MAX = 25
HOME_RISK_MAX = 12
#: Renewals and key dates on the home page, soonest first; the rest are on their own pages.
HOME_DATES_MAX = 15
#: The pages listing every renewal and key date the home page counts.
RENEWALS_PAGE = "renewals.html"
KEY_DATES_PAGE = "key-dates.html"
BRIEF_INTERACTIONS = 3
BRIEF_ACTIONS = 5
BRIEF_POINTS = 4
#: The customer's own notes on the brief: whole paragraphs up to about this many characters.
BRIEF_ABOUT_CHARS = 600

Page = tuple[str, str, dict[str, Any]]


class PageMeta(Record):
    """What the layout needs: titles, the way back to the root, and the current section."""

    title: str
    site_title: str
    base: str
    """Relative prefix to the site root: '', '../' or '../../'."""
    section: str
    """Which nav item is current: 'today', 'customers', 'actions', 'team', 'tags', 'search' or ''."""
    noindex: bool
    as_of_label: str
    as_of_iso: str
    description: str
    canonical: str | None = None
    """The page's absolute address, from `site_url` (None without one: no canonical link)."""


class Stat(Record):
    value: int | str
    """A count, or an amount already worded ('£180,500')."""
    label: str
    href: str
    tone: str


class LegendItem(Record):
    stage: str
    label: str
    count: int
    percent: int
    href: str
    blurb: str


class OwnerGroup(Record):
    """One person's actions (or nobody's)."""

    person: Person | None
    actions: tuple[ActionView, ...]
    """High and medium priority, ranked."""
    later: tuple[ActionView, ...]
    """Low priority ('when you have time'), ranked."""
    overdue: int
    """Overdue among both."""
    total: int = 0
    """Actions on the list, shown or not."""
    more: int = 0
    """How many of them are not shown here (see `more_href`)."""
    more_href: str = ""


class RiskCard(Record):
    customer: CustomerRow
    reasons: tuple
    actions: tuple[ActionView, ...]
    value: str = ""
    """'£186,000 a year', or '' when its value is not written."""


class Option(Record):
    value: str
    label: str


def base_for(path: str) -> str:
    return "../" * path.count("/")


class Views:
    """Builds every page's context from the relationships, sharing one `Site`."""

    def __init__(self, relationships: list[Relationship], site: Site, kept: Kept | None = None,
                 keys: dict[int, str] | Callable[[], dict[int, str]] | None = None,
                 ranking: Callable[[], list[Entry]] | None = None,
                 recent: Callable[[int], list[tuple[Interaction, Relationship]]] | None = None):
        """`keys`: the list key of each relationship and action (by id), or what makes them
        when first asked, when the build has them: list pages are then keyed by what they
        show without making their view data (lists.py). `ranking`: the relationships'
        actions ranked (engine.agenda), as the build ranks them once, when a page asks.
        `recent`: the `n` latest interactions as `latest` finds them, when the relationships
        do not hold their interactions (slim units)."""
        self._given = relationships
        self._recent = recent
        self.site = site
        self.as_of = site.as_of
        # The pages over all customers show the same rows and actions many times (the home page,
        # the actions page, each person's, each stage's and tag's): each is made once per base,
        # and `serve` keeps them for the next build (kept.py).
        self.kept = kept or Kept()
        self.site_key = site.key()
        self.kept.start(self.site_key)
        self._keys = keys
        self._grouped: tuple | None = None
        self._ranked: dict[str | None, list[Action]] | None = None
        self._ranking = ranking
        self._groups: dict[str, dict[str, list[Relationship]]] = {}
        self._stage_counts: dict[str, int] | None = None

    # The orders only the pages over all customers use, made when first asked (`serve` writes
    # the edited customer's pages before those).

    @cached_property
    def rels(self) -> list[Relationship]:
        return sorted(self._given, key=lambda r: r.customer.slug)

    @cached_property
    def by_name(self) -> list[Relationship]:
        return sorted(self.rels, key=lambda r: (r.customer.name.casefold(), r.customer.slug))

    @cached_property
    def keys(self) -> dict[int, str]:
        keys = self._keys
        return (keys() if callable(keys) else keys) or {}

    # -- shared ----------------------------------------------------------------------------

    def meta(self, path: str, title: str, section: str, description: str = "") -> PageMeta:
        cfg = self.site.config
        full = cfg.title if not title else f"{title} · {cfg.title}"
        return PageMeta(full, cfg.title, base_for(path), section, cfg.robots_noindex, fmt_date(self.as_of),
                        self.as_of.isoformat(), description or cfg.title,
                        absolute(cfg.site_url, path) if cfg.site_url else None)

    def rows(self, rels: list[Relationship], base: str) -> list[CustomerRow]:
        return [self.row(r, base) for r in rels]

    def row(self, r: Relationship, base: str) -> CustomerRow:
        return self.kept.get(r, base, lambda: customer_row(self.site, r, base))

    def action(self, a: Action, base: str) -> ActionView:
        """An action as the lists show it (not a customer's own page, which shortens it)."""
        return self.kept.get(a, base, lambda: action_view(self.site, a, base))

    def ranked(self, owner: str | None = None) -> list[Action]:
        """Every action, ranked like the engine (priority, then due); with `owner`, that
        person's list as `Site.concerns` defines it, and with '' the actions nobody's list has."""
        if self._ranked is None:
            everything = [e[-1] for e in (self._ranking() if self._ranking else rank_all(self.rels))]
            by: dict[str | None, list[Action]] = {None: everything}
            for a in everything:  # one pass for every person's list, each still ranked
                for h in self.site.concerns(a) or ("",):
                    by.setdefault(h, []).append(a)
            self._ranked = by
        return self._ranked.get(owner, [])

    def owner_groups(self, base: str, within: int | None, limit: int | None = None) -> list[OwnerGroup]:
        """Each person's list (their customers' actions and those assigned to them, so an action
        on a shared customer is on both owners' lists), ranked. Low-priority actions are kept
        apart, for when there is time."""
        out = []
        # A date compared, not a difference taken per action: at 10,000 customers this walk
        # over every person's list is in each `serve` rebuild.
        last = None if within is None else self.as_of + timedelta(days=within)
        for handle in [*self.site.handles, ""]:
            items = self.ranked(handle) if last is None else [a for a in self.ranked(handle) if a.due <= last]
            if items:
                person = self.site.person(handle, base) if handle else None
                urgent = [a for a in items if a.priority != "low"][:limit]
                later = [a for a in items if a.priority == "low"][:None if limit is None else max(0, limit - len(urgent))]
                shown = len(urgent) + len(later)
                out.append(OwnerGroup(person, tuple(self.action(a, base) for a in urgent),
                                      tuple(self.action(a, base) for a in later),
                                      sum(1 for a in items if a.overdue(self.as_of)), len(items), len(items) - shown,
                                      person.href if person else f"{base}actions.html"))
        return out

    def legend(self, base: str) -> list[LegendItem]:
        if self._stage_counts is None:
            self._stage_counts = {s: 0 for s in STAGES}
            for r in self.rels:
                self._stage_counts[r.stage.id] = self._stage_counts.get(r.stage.id, 0) + 1
        counts = self._stage_counts
        total = len(self.rels) or 1
        return [LegendItem(s, STAGE_LABELS[s], counts[s], round(100 * counts[s] / total),
                           base + stage_page(s), STAGE_BLURBS[s]) for s in STAGES]

    def grouped(self) -> tuple:
        """The asks of the book, grouped (engine.demand.group_asks), made once for the home
        page and the asks page."""
        if self._grouped is None:
            self._grouped = self.kept.whole("asks", [asked(r) for r in self.rels], lambda: group_asks(self.rels))
        return self._grouped

    def calendars(self, base: str) -> list[Link]:
        return [Link(self.site.person_name(h), self.site.calendar(h, base)) for h in self.site.handles]

    # -- pages -----------------------------------------------------------------------------

    def home(self) -> Page:
        path = "index.html"
        base = base_for(path)
        groups = self.owner_groups(base, HOME_DUE_DAYS, HOME_GROUP_MAX)
        # Counted once each (a shared customer's action is on two lists): overdue, and the rest of the week.
        today, week = self.as_of, self.as_of + timedelta(days=HOME_DUE_DAYS)
        acts = [a for r in self.rels for a in r.actions]
        overdue = sum(1 for a in acts if a.overdue(today))
        due_week = sum(1 for a in acts if not a.overdue(today) and a.due <= week)
        at_risk = [r for r in self.by_name if r.stage.id == "at-risk"]
        currency = self.site.config.currency
        # What is at stake first, then the least healthy (stable: by name after that): by health
        # alone, a health of 0 bottomed out and ranked a £4,800 bakery above a £142,000 account
        # threatening a tender, alphabetically (a ninth blind read).
        worst = sorted(at_risk, key=lambda r: (-(r.customer.value or 0), r.health.score))[:HOME_RISK_MAX]
        risks = [RiskCard(self.row(r, base),
                          tuple(reason_view(self.site, x, f"content/customers/{r.customer.slug}/") for x in r.stage.reasons),
                          tuple(self.action(a, base) for a in r.actions[:2]),
                          f"{money(r.customer.value, currency)} a year" if r.customer.value else "") for r in worst]
        dates = self.key_date_items()
        renewals = self.renewal_items()
        lapsed = self.lapsed_items()
        recent = self._recent(HOME_RECENT) if self._recent is not None else latest(self.rels, self.as_of, HOME_RECENT)
        last = recent[0][0].date if recent else None
        gap = (self.as_of - last).days if last is not None else 0
        legend = self.legend(base)
        mix = svg.stage_mix([(x.stage, x.label, x.count, x.href) for x in legend])
        at_stake = sum(r.customer.value or 0 for r in at_risk)
        stats = [
            Stat(len(self.rels), "customers", base + CUSTOMERS_PAGE, "plain"),
            Stat(len(at_risk), "at risk", base + stage_page("at-risk"), "risk" if at_risk else "plain"),
            *([Stat(money(at_stake, currency), "a year at risk", base + stage_page("at-risk"), "risk")]
              if at_stake else []),
            Stat(overdue, "actions overdue", f"{base}actions.html?due=overdue", "risk" if overdue else "plain"),
            Stat(due_week, f"{'more ' if overdue else 'actions '}due within {HOME_DUE_DAYS} days", f"{base}actions.html?due=week", "plain"),
        ]
        return path, "index.html", {
            "page": self.meta(path, "", "today"), "today_label": long_date(self.as_of),
            "stats": stats, "groups": groups, "due_days": HOME_DUE_DAYS, "risks": risks,
            "renewals": self.renewals(renewals[:HOME_DATES_MAX], renewals, base), "renewal_days": HOME_RENEWAL_DAYS,
            "renewals_more": len(renewals) - min(len(renewals), HOME_DATES_MAX), "renewals_href": base + RENEWALS_PAGE,
            # Gone by with nothing recorded: whether they renewed is open. Left out, the card read
            # "£146,500 a year renews in the next 180 days" beside eight such renewals worth
            # £554,500 (a seventeenth blind read); listed first on the renewals page.
            "lapsed": self.renewals([], lapsed, base) | {"count": len(lapsed)},  # (counted, not listed here)
            "risks_more": len(at_risk) - len(risks), "risks_href": base + stage_page("at-risk"),
            "risks_order": "Largest yearly value first, then the least healthy"
            if any(r.customer.value for r in at_risk) else "The least healthy first",
            "key_dates": [key_date_view(self.site, r, k, base) for k, r in dates[:HOME_DATES_MAX]],
            "key_dates_more": len(dates) - min(len(dates), HOME_DATES_MAX), "key_dates_href": base + KEY_DATES_PAGE,
            "key_date_days": HOME_KEY_DATE_DAYS,
            "mix": mix, "legend": legend,
            "recent": [interaction_view(self.site, r, i, base, short=True) for i, r in recent],
            "calendars": self.calendars(base), "team_calendar": base + TEAM_CALENDAR,
            "changes": self.site.changes(base), "since": self.site.since,
            "demand": asks_page.home_summary(self.site, self.rels, self.grouped(), base),
            "logging_gap": {"last": fmt_date(last), "days": gap} if last is not None and gap > LOGGING_GAP_DAYS
            else None,
        }

    def renewal_items(self) -> list[Relationship]:
        """Renewals in the next HOME_RENEWAL_DAYS, soonest first."""
        return sorted((r for r in self.rels if r.customer.status != "ended" and r.customer.renewal
                       and 0 <= (r.customer.renewal - self.as_of).days <= HOME_RENEWAL_DAYS),
                      key=lambda r: (r.customer.renewal, r.customer.name.casefold()))

    def lapsed_items(self) -> list[Relationship]:
        """Renewals gone by with nothing recorded of how they went (`renewal_lapsed`), oldest first."""
        return sorted((r for r in self.rels if renewal_lapsed(r.customer, self.as_of)),
                      key=lambda r: (r.customer.renewal, r.customer.name.casefold()))

    def key_date_items(self) -> list[tuple[KeyDate, Relationship]]:
        """Birthdays, anniversaries and renewals in the next HOME_KEY_DATE_DAYS, soonest first."""
        return sorted(((k, r) for r in self.rels for k in r.key_dates if k.days_until <= HOME_KEY_DATE_DAYS),
                      key=lambda kr: (kr[0].date, kr[1].customer.name, kr[0].kind, kr[0].title))

    def renewals(self, shown: list[Relationship], every: list[Relationship], base: str) -> dict[str, Any]:
        """The renewals `shown`, with their value and stage, and the value of `every` one."""
        currency = self.site.config.currency
        total = sum(r.customer.value or 0 for r in every)
        return {
            "list": [{
                "customer": Link(r.customer.name, self.site.customer_href(r.customer.slug, base)),
                "date_iso": r.customer.renewal.isoformat(), "date_label": fmt_date(r.customer.renewal),
                "when": relative_days((r.customer.renewal - self.as_of).days)
                + (", nothing recorded" if r.customer.renewal < self.as_of else ""),
                "value": money(r.customer.value, currency) if r.customer.value is not None else "",
                "stage": self.site.stage(r.stage.id, base), "flags": [flag_view(self.site, f) for f in r.flags],
            } for r in shown],
            "total": money(total, currency) if total else "",
        }

    def customer_head(self, r: Relationship, base: str, brief: bool = False) -> dict[str, Any]:
        """Name, stage, health and the key facts; the brief leaves out the cadence to fit one page."""
        c = r.customer
        band, band_label = health_band(r.health.score)
        facts = []
        if c.tier:
            facts.append(("Tier", c.tier))
        if c.since:
            facts.append(("Customer since", fmt_date(c.since)))
        if c.renewal:
            # (Not once it has gone by: "15 days ago; their side needs 8 weeks" read as stale, a
            # twenty-sixth blind read.)
            lead = f"; their side needs {weeks_or_days(c.renewal_lead)}" if c.renewal_lead and c.renewal >= self.as_of \
                else ""
            facts.append(("Renewal", f"{fmt_date(c.renewal)} ({relative_days((c.renewal - self.as_of).days)}{lead})"))
        if c.value is not None:
            facts.append(("Annual value", money(c.value, self.site.config.currency)))
        paused = next((f for f in r.flags if f.id == "paused"), None)
        if paused is not None and c.pause is not None:
            facts.append(("Paused", f"until {fmt_date(c.pause.until)} ({relative_days((c.pause.until - self.as_of).days)})"))
        if not brief:
            facts.append(("Cadence", f"every {r.cadence} days ({r.cadence_from})"))
        tl = r.timeline
        facts.append(("Last touch", f"{fmt_date(tl.last_contact)} ({relative_days(-tl.days_since)})"
                      if tl.last_contact and tl.days_since is not None else "none yet"))
        return {
            "name": c.name, "slug": c.slug, "status": c.status,
            "owners": [self.site.person(h, base) for h in c.owners],
            "tags": [self.site.tag(t, base) for t in c.tags], "facts": facts,
            "stage": self.site.stage(r.stage.id, base),
            "flags": [flag_view(self.site, f, f"content/customers/{c.slug}/") for f in r.flags],
            # An ended relationship has no live health: no ring, and 'Ended' where the score would be.
            "ring": None if r.stage.id == "ended" else svg.ring(r.health.score, band, band_label),
            "health_text": "Ended" if r.stage.id == "ended" else str(r.health.score),
            "href": self.site.customer_href(c.slug, base), "brief_href": self.site.brief_href(c.slug, base),
            "source": self.site.ref(c.source),
        }

    def customer(self, r: Relationship) -> Page:
        c = r.customer
        path = customer_page(c.slug)
        base = base_for(path)
        short = f"content/customers/{c.slug}/"
        items = upto(c, self.as_of)
        anchors = {i.slug: interaction_anchor(i) for i in items}
        ids = contact_ids([x.name for x in c.contacts])
        engaged = [{
            "name": e.name, "role": e.role, "href": f"#{ids[e.name]}" if e.listed else None,
            "last_touch": fmt_date(e.last_touch), "touches_recent": e.touches_recent, "touches_total": e.touches_total,
            "touches": f"{e.touches_recent} recent of {e.touches_total} touch{'' if e.touches_total == 1 else 'es'}",
            "team": [self.site.person(h, base) for h in e.team],
        } for e in r.timeline.contacts]
        tl = r.timeline
        touches = [(i.date, i.sentiment, i.summary or i.type) for i in items]
        rhythm = svg.rhythm(touches, self.as_of, r.cadence, began=tl.start)
        rhythm_narrow = svg.rhythm(touches, self.as_of, r.cadence, "narrow", tl.start)
        rhythm_facts = [f"Desired: every {r.cadence} days ({r.cadence_from})."]
        if tl.usual_gap is not None and tl.last_heard is not None:
            # The stage's figure (`Timeline.usual_gap`), said the stage's way.
            rhythm_facts.append(f"Usually in touch every {half_up(tl.usual_gap)} days "
                                f"{over_year(tl, tl.last_heard, as_of=self.as_of)}.")
        if tl.inbound_recent or tl.outbound_recent:
            rhythm_facts.append(who_reached_out(tl.inbound_recent, tl.outbound_recent))
        return path, "customer.html", {
            "page": self.meta(path, c.name, "customers", f"{c.name}: {r.stage.label}"),
            "c": self.customer_head(r, base),
            "notes_html": Markup(render_notes(c.notes, top=3)),  # under the About h2
            "stage": {
                "id": r.stage.id, "label": r.stage.label, "blurb": STAGE_BLURBS.get(r.stage.id, ""),
                "reasons": [reason_view(self.site, x, short) for x in r.stage.reasons],
                # A flag the reasons already say (a pause) is not repeated under them.
                "notes": [flag_view(self.site, f, short) for f in r.flags
                          if f.reason.text not in {x.text for x in r.stage.reasons}],
                "path": svg.stage_path(r.stage.id, STAGE_LABELS),
                "journey": svg.journey([(p.date, p.stage, p.by_end) for p in r.stage_history], STAGE_LABELS),
            },
            "factors": [{"name": f.name, "effect": _signed(f.effect), "tone": _tone(f.effect), "why": f.why}
                        for f in r.health.factors],
            "actions": [action_view(self.site, a, base, short, c) for a in r.actions],
            "contacts": [contact_view(self.site, r, x, base, ids[x.name]) for x in c.contacts],
            "engaged": engaged,
            "commitments": self.commitments(r, "", anchors),
            "asks": self.asks(r, short),
            "parked": self.parked(r, short),
            "asks_href": base + ASKS_PAGE,
            "opportunities": self.opportunities(r, short),
            "key_dates": [key_date_view(self.site, r, k, base) for k in r.key_dates],
            "rhythm": rhythm, "rhythm_narrow": rhythm_narrow, "rhythm_facts": rhythm_facts,
            "timeline": [interaction_view(self.site, r, i, base) for i in reversed(items)],
            "changed": self.site.last_change(c),
            "write": write_view(self.site.host, c, self.as_of),
        }

    def commitments(self, r: Relationship, page: str, anchors: dict[str, str]) -> list[dict[str, Any]]:
        """Open promises; `page` is the customer page's href from where they are shown ('' on it)."""
        out = []
        for oc in r.commitments:
            i = oc.interaction
            n = (oc.due - self.as_of).days if oc.due else None
            out.append({
                "text": oc.commitment.text,
                "due": fmt_date(oc.due) if oc.due else None,
                "when": when_due(n) if n is not None else "no due date",
                "overdue": oc.overdue_days > 0,
                "made": f"{i.type} of {fmt_date(i.date)}",
                "how": "a to-do from the" if is_chase(oc.commitment.text) else "promised in the",
                "made_href": f"{page}#{anchors[i.slug]}" if i.slug in anchors else None,
                "source": self.site.ref(oc.commitment.source, f"content/customers/{r.customer.slug}/"),
                "done_href": self.site.edit(oc.commitment.source),
            })
        return out

    def asks(self, r: Relationship, short: str) -> list[dict[str, Any]]:
        news = {id(x.ask): x for x in r.arrivals}
        out = []
        for a in r.open_asks:
            since = waiting_since(a, self.as_of)
            gone = ask_gone_by(a, self.as_of, r.customer.dates)
            out.append({
                "what": a.what, "from": a.from_, "since": fmt_date(a.since) if a.since else None,
                # Its day gone by, it is no longer waiting: whether it was done is the question.
                # Back from parking, nobody waits on us: whether it still stands is theirs to say
                # (Ashby's read "waiting 43 days" beside "do not press it": a fourth blind read).
                "waiting": f"it was for {gone.text}, which has gone by" if gone is not None else
                f"parked until {fmt_date(since)}: whether it still stands is theirs to say"
                if since and theirs_back(a, self.as_of, r.customer.pause) else
                f"parked until {fmt_date(since)}, back with us {days((self.as_of - since).days)}"
                if since and back_from_parking(a, self.as_of) else
                f"waiting {days((self.as_of - since).days)}" if since else "",
                "source": self.site.ref(a.source, short), "news": self.news(news.get(id(a))),
            })
        return out

    @staticmethod
    def news(x) -> str:
        """'Managed zero-trust access is available (since 18 Nov 2026): tell them.' or ''."""
        return f"{x.what} is available (since {fmt_date(x.on)}): tell them." if x is not None else ""

    def opportunities(self, r: Relationship, short: str) -> list[dict[str, Any]]:
        """Open ones first (newest first), then those won or lost."""
        currency = self.site.config.currency
        order = sorted(r.customer.opportunities, key=lambda o: (o.status != "open", -(o.since or date.min).toordinal()))
        return [{
            "what": o.what, "status": o.status, "value": money(o.value, currency) if o.value is not None else "",
            "when": (f"since {fmt_date(o.since)}" if o.status == "open" and o.since else
                     f"on {fmt_date(o.decided_on())}" if o.decided_on() else ""),
            "source": self.site.ref(o.source, short),
        } for o in order]

    def parked(self, r: Relationship, short: str) -> list[dict[str, Any]]:
        """Parked asks: shelved ideas and standing agreements, never overdue."""
        news = {id(x.ask): x for x in r.arrivals}
        # Kestrel's read "parked until further notice" directly above "Managed zero-trust access
        # is available: tell them", the notice come (a seventeenth blind read).
        return [{
            "what": a.what, "from": a.from_, "since": fmt_date(a.since) if a.since else None,
            "until": f"until {fmt_date(a.until)}" if a.until else
            "until we could offer it" if id(a) in news else "until further notice",
            # Parked by agreement, not by a pause of theirs, it is ours once back (`owed.theirs_back`):
            # Lantern's profile read "so never overdue" beside its brief's "ours to answer from then".
            "ours": bool(a.until) and not held_by_pause(a, r.customer.pause),
            # Come in, it is not "never overdue": Kestrel's read so above "available: tell them" (a
            # twenty-ninth blind read).
            "come": id(a) in news,
            "source": self.site.ref(a.source, short), "news": self.news(news.get(id(a))),
        } for a in r.parked_asks]

    def brief(self, r: Relationship) -> Page:
        c = r.customer
        path = brief_page(c.slug)
        base = base_for(path)
        short = f"content/customers/{c.slug}/"
        items = upto(c, self.as_of)
        ids = contact_ids([x.name for x in c.contacts])
        about, about_more = brief_notes(c.notes, BRIEF_ABOUT_CHARS)
        # Not what waits on something else first (`Action.waits_on`): Saltmarsh's brief put "Bring
        # Gus Armitage into the conversation" second, while whether they renewed was open.
        outward = [a for a in r.actions if not a.internal and not a.waits_on]
        return path, "brief.html", {
            "page": self.meta(path, f"Brief: {c.name}", "customers", f"Pre-meeting brief for {c.name}"),
            "c": self.customer_head(r, base, brief=True),
            # The customer's notes, cut at a paragraph so the brief stays one page; the profile has them all.
            "about_html": Markup(render_notes(about, top=3)) if about else Markup(""), "about_more": about_more,
            # The brief fits one printed page: the two weightiest reasons (the profile has them all).
            "stage": {"label": r.stage.label, "reasons": [reason_view(self.site, x, short) for x in r.stage.reasons[:2]],
                      "flags": [flag_view(self.site, f, short) for f in r.flags]},
            "contacts": [contact_view(self.site, r, x, base, ids[x.name]) for x in c.contacts],
            "key_dates": [key_date_view(self.site, r, k, base) for k in r.key_dates],
            # Summaries only: the full notes are one tap away on the profile, and the brief stays one page.
            "recent": [interaction_view(self.site, r, i, base, short=True) for i in reversed(items[-BRIEF_INTERACTIONS:])],
            # Open promises and asks are in what to bring up and what to handle with care.
            # The brief is for the meeting: the team's own chores stay on the profile.
            # Each with its first sentence of why: the rest (what it also covers, how they like to
            # be reached) is on the profile and under 'Handle with care'.
            # And, during a pause they asked for, that it is to be kept to (`Action.held`).
            # And what goes with the question whether the renewal went through (`Action.goes_with`).
            "actions": [replace(action_view(self.site, a, base, short, r.customer),
                                why=" ".join(x for x in (first_sentence(a.why), a.held, a.goes_with) if x))
                        for a in outward[:BRIEF_ACTIONS]],
            "more_actions": max(0, len(r.actions) - min(BRIEF_ACTIONS, len(outward))),
            # At most BRIEF_POINTS each, so the brief still prints on one page; the first are the weightiest.
            "points": [reason_view(self.site, x, short)
                       for x in talking_points(r, self.site.config.currency, self.site.config.thresholds)[:BRIEF_POINTS]],
            "care": [reason_view(self.site, x, short)
                     for x in handle_with_care(r, self.site.config.thresholds)[:BRIEF_POINTS]],
        }

    def customer_pages(self, r: Relationship) -> Iterator[Page]:
        """The pages of one customer: they depend on nothing but its relationship and the
        site's names (owners, tags), so a build can render and keep them per customer."""
        yield self.customer(r)
        yield self.brief(r)


def latest(rels: list[Relationship], as_of: date, n: int) -> list[tuple[Interaction, Relationship]]:
    """The `n` latest interactions up to `as_of`, newest first (then by customer and note).
    Only those on or after the n-th latest date can be among them: the rest are never sorted
    (sorting all 200,000 was about a quarter of the home page's time in a profile at
    10,000 customers)."""
    dates = heapq.nlargest(n, (i.date for r in rels for i in r.customer.interactions if i.date <= as_of))
    if not dates:
        return []
    since = dates[-1]
    return sorted(((i, r) for r in rels for i in r.customer.interactions if since <= i.date <= as_of),
                  key=lambda ir: (-ir[0].date.toordinal(), ir[1].customer.slug, ir[0].slug))[:n]


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


def who_reached_out(inbound: int, outbound: int) -> str:
    """Who came to whom in the last year's touches that say so (`direction`): Ashby's profile
    read "They reached out 0 of 1 times in the last year"."""
    total = inbound + outbound
    if total == 1:
        return f"The one touch in the last year that says who reached out was {'theirs' if inbound else 'ours'}."
    if not inbound or not outbound:
        every = "Both" if total == 2 else f"All {total}"
        return f"{every} touches in the last year that say who reached out were {'theirs' if inbound else 'ours'}."
    return f"They reached out {inbound} of {total} times in the last year."


def long_date(d: date) -> str:
    """'Friday 20 November 2026'."""
    return f"{DAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence ('… (7 days overdue).')."""
    m = re.search(r"[.!?](?=\s+[A-Z(])", text)
    return text[:m.end()] if m else text


def brief_notes(notes: str | None, limit: int) -> tuple[str, bool]:
    """The first paragraphs (Markdown blocks) of `notes` that fit in about `limit` characters,
    and whether anything was left out. A first paragraph longer than that is cut at a word."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (notes or "").strip()) if b.strip()]
    kept: list[str] = []
    used = 0
    for b in blocks:
        if kept and used + len(b) > limit:
            break
        if not kept and len(b) > limit:
            cut = b[:limit].rsplit(None, 1)[0].rstrip(" ,;:-–—")
            return cut + "…", True
        kept.append(b)
        used += len(b)
    return "\n\n".join(kept), len(kept) < len(blocks)


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("−" + str(-n) if n < 0 else "0")


def _tone(n: int) -> str:
    return "up" if n > 0 else ("down" if n < 0 else "flat")
