"""`playbook.yaml`: site settings, the team, defaults, thresholds and the team's plays.

Every setting has a default; a missing or empty file is a valid configuration.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from datetime import date
from pathlib import Path

from msgspec import field

from .available import Availability, parse_available
from .fields import Fields, parse_cadence, parse_choice, parse_int
from .holidays import parse_holidays
from .limits import MAX_MULTIPLE, MAX_RENEWAL_LEAD_DAYS, MAX_THRESHOLD_DAYS
from .model import DECISION_ROLES, RISK_CAUSES, STAGES, TeamMember
from .problems import Problem, error, warning
from .records import Record
from .reading import Refused, decode, read_file
from .siteurl import normalise_site_url
from .yamlio import Map, Scalar, Seq, kind_name, parse

CONFIG_FILE = "playbook.yaml"
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")


class Thresholds(Record):
    """The numbers behind every stage and action; each can be set in `thresholds:`."""

    dormant_days: int = 180
    """Nothing heard for this many days → dormant…"""
    dormant_cadence_multiple: float = 3.0
    """…and for more than this many times the cadence (so a twice-a-year account is not dormant at 180)."""
    negative_window_days: int = 30
    """A negative touch this close to the last touch heard from them, with nothing positive since
    → at risk (silence does not age it)."""
    overdue_days: int = 14
    """A commitment overdue by more than this → at risk."""
    silence_cadence_multiple: float = 2.0
    """Silent over this many times the cadence after a bad touch, or with our outreach unanswered → at risk."""
    cold_cadence_multiple: float = 3.0
    """Silent over this many times the cadence, whatever the last touch was → at risk (going cold)…"""
    cold_usual_multiple: float = 1.5
    """…once the silence is also this many times the account's usual gap between touches over the last
    year (a quiet spell no longer than its rhythm has always had is not a warning)."""
    establishing_days: int = 90
    """A relationship younger than this → establishing."""
    growth_window_days: int = 90
    """Length of the two windows compared for growth."""
    growth_touches_multiple: float = 1.5
    """Touches in the last window must be at least this many times those in the window before
    (and at least GROWTH_MIN_MORE more) to count as growth."""
    renewal_days: int = 60
    """A renewal this close → a renewal action."""
    personal_days: int = 14
    """A birthday or anniversary this close → a personal action."""
    repair_days: int = 30
    """A negative touch this close to the last touch heard, without a positive one since → a repair action."""
    single_thread_days: int = 180
    """Window, up to the last touch with anyone in it, in which only one engaged contact means
    single-threaded."""
    stakeholder_days: int = 90
    """Before a renewal (within renewal_days), a key person not heard from for this long → at risk."""


class RoleGap(Record):
    """A play condition: no touch with a contact of `role` for `days`."""

    role: str
    """Role text, matched case-insensitively as a word within the contact's role."""
    days: int
    """Days without a touch."""


class Play(Record):
    """A team rule: when the conditions hold, suggest the action."""

    name: str
    """Name of the rule, shown as the reason."""
    do: str
    """The action's title."""
    within: int
    """Days from as_of until the action is due."""
    priority: str | None
    """Explicit priority, else medium."""
    stages: tuple[str, ...] = ()
    """Any of these stages (empty: any)."""
    at_risk_for: tuple[str, ...] = ()
    """At risk for any of these kinds of risk (`model.RISK_CAUSES`; empty: no such condition)."""
    tiers: tuple[str, ...] = ()
    """Any of these tiers (empty: any)."""
    tags: tuple[str, ...] = ()
    """Any of these tags (empty: any)."""
    owners: tuple[str, ...] = ()
    """Any of these owners (empty: any)."""
    days_since_contact: int | None = None
    """At least this many days since the last touch."""
    health_below: int | None = None
    """Health strictly below this."""
    no_win_within: int | None = None
    """No opportunity won in this many days (so an expansion play waits after a signed expansion)."""
    no_open_opportunity: bool = False
    """No opportunity is open (so an expansion play waits while one is being worked on)."""
    no_touch_with_role: RoleGap | None = None
    """No touch with a contact in this role for so many days."""
    internal: bool = False
    """A chore for the team (a review at stand-up), left out of the customer's brief."""
    with_: str | None = None
    """Whom the action is with: a decision role ('budget holder') or a job title ('CFO')."""
    line: int = 0
    """Line in playbook.yaml, for source links."""


class Lead(Record):
    """A `renewal_lead` set in playbook.yaml, for every customer of a tier or for all."""

    days: int
    where: str
    """Where it was set, as the renewal call's reason says it: "playbook.yaml's key tier"."""


class Config(Record):
    """The whole validated configuration."""

    title: str = "Relationship Playbook"
    """Site title."""
    team: tuple[TeamMember, ...] = ()
    """Known team members."""
    default_cadence: int = 30
    """Desired days between touches when neither customer nor tier says."""
    tier_cadence: dict[str, int] = field(default_factory=dict)
    """Desired cadence per tier."""
    default_renewal_lead: Lead | None = None
    """The `renewal_lead` of a customer whose file and tier set none."""
    tier_renewal_lead: dict[str, Lead] = field(default_factory=dict)
    """The `renewal_lead` per tier, for the customers whose file sets none."""
    thresholds: Thresholds = field(default_factory=Thresholds)
    """Stage and action thresholds."""
    plays: tuple[Play, ...] = ()
    """The team's rules."""
    as_of: date | None = None
    """Pinned analysis date."""
    repo_url: str | None = None
    """Web URL of the repository, for edit links."""
    branch: str = "main"
    """Branch for edit links."""
    repo_host: str | None = None
    """'github' or 'gitlab': which editor the links open; None: github.com is GitHub, any other host GitLab."""
    robots_noindex: bool = True
    """Keep search engines out (this is customer data)."""
    holidays: tuple[tuple[date, date], ...] = ()
    """Days the team does not work, as (first, last) ranges: no action falls due on one."""
    currency: str | None = None
    """Shown with every value: a symbol ('£') or a code ('GBP')."""
    site_url: str | None = None
    """Where the site is published ('https://…/', one trailing slash): the feed's, calendars' and
    canonical links are absolute with it; None keeps every link relative."""
    available: Availability = field(default_factory=Availability)
    """What customers asked for that has come in: each customer who asked is to be told."""

    def member(self, handle: str) -> TeamMember | None:
        for m in self.team:
            if m.handle == handle:
                return m
        return None

    def cadence_for(self, own: int | None, tier: str | None) -> tuple[int, str]:
        """The desired cadence and where it comes from."""
        if own:
            return own, "the customer's own cadence"
        if tier and tier in self.tier_cadence:
            return self.tier_cadence[tier], f"the {tier} tier's cadence"
        return self.default_cadence, "the default cadence"

    @property
    def tiers(self) -> set[str]:
        """The tiers playbook.yaml names (with a cadence, a renewal lead or both)."""
        return self.tier_cadence.keys() | self.tier_renewal_lead.keys()

    def renewal_lead_for(self, tier: str | None) -> Lead | None:
        """The renewal lead of a customer of `tier` whose customer.yaml gives none: a team
        that renews 300 NHS trusts on one framework writes its eight weeks once."""
        return self.tier_renewal_lead.get(tier or "", self.default_renewal_lead)


def resolve_as_of(cli_value: date | None, pinned: date | None) -> date:
    """--as-of wins, then the date pinned in playbook.yaml, then today: the one place
    that reads the clock, so everything below it is a pure function of its inputs."""
    return cli_value or pinned or date.today()


_TOP = ("title", "team", "defaults", "thresholds", "plays", "as_of", "repo_url", "branch", "repo_host", "robots",
        "holidays", "currency", "site_url", "available")
_WHEN = ("stage", "at_risk_for", "tier", "tags", "owner", "days_since_contact", "health_below",
         "no_touch_with_role", "no_win_within", "no_open_opportunity")


def read_config(root: Path) -> tuple[bytes | None, list[Problem]]:
    """The bytes of ROOT/playbook.yaml (None when there is none, or it is refused: a link out
    of the playbook, a FIFO, a device, too big; reading.py)."""
    path = root / CONFIG_FILE
    if not os.path.lexists(path):
        return None, []
    try:
        return read_file(path, root.resolve()), []
    except Refused as exc:
        return None, [error(CONFIG_FILE, 0, 0, str(exc))]


def load_config(root: Path, data: bytes | None = None) -> tuple[Config, list[Problem]]:
    """The config in ROOT/playbook.yaml; `data`: its bytes, when the caller read them already
    (so what it fingerprints is what was parsed)."""
    problems: list[Problem] = []
    if data is None:
        data, problems = read_config(root)
        if data is None:
            return Config(), problems
    text = decode(data, CONFIG_FILE, problems)
    if text is None:
        return Config(), problems
    config, more = parse_config(text)
    return config, problems + more


def parse_config(text: str, path: str = CONFIG_FILE) -> tuple[Config, list[Problem]]:
    problems: list[Problem] = []
    node, problems_yaml = parse(text.replace("\r\n", "\n"), path)
    problems += problems_yaml
    if node is None:
        return Config(), problems
    if not isinstance(node, Map):
        problems.append(error(path, node.line, node.column,
                              f"playbook.yaml should hold 'key: value' settings, not {kind_name(node)}"))
        return Config(), problems
    f = Fields(node, path, problems, "playbook.yaml")
    f.reject_unknown(_TOP)
    kw: dict = {}
    title = f.text("title")
    if title:
        kw["title"] = title
    kw["team"] = _team(f, path, problems)
    handles = {m.handle for m in kw["team"]}
    defaults = f.mapping("defaults")
    if defaults is not None:
        d = Fields(defaults, path, problems, "defaults")
        d.reject_unknown(("cadence", "renewal_lead", "tiers"))
        c = d.cadence("cadence")
        if c:
            kw["default_cadence"] = c
        lead = days_ahead(d, path, problems, "renewal_lead")
        if lead is not None:
            kw["default_renewal_lead"] = Lead(lead, "playbook.yaml's defaults")
        tiers = d.mapping("tiers")
        if tiers is not None:
            tc: dict[str, int] = {}
            tl: dict[str, Lead] = {}
            for name, v in tiers.items.items():
                if isinstance(v, Map):  # key: {cadence: 14d, renewal_lead: 8w}
                    tf = Fields(v, path, problems, f"tiers.{name}")
                    tf.reject_unknown(("cadence", "renewal_lead"))
                    days = tf.cadence("cadence")
                    lead = days_ahead(tf, path, problems, "renewal_lead")
                    if lead is not None:
                        tl[name] = Lead(lead, f"playbook.yaml's {name} tier")
                elif isinstance(v, Scalar) and not v.is_null:
                    days = parse_cadence(v, path, problems, f"tiers.{name}")
                else:
                    problems.append(error(path, v.line, v.column, f"tier '{name}' needs a cadence like 14d, or "
                                                                  "settings like '{cadence: 14d, renewal_lead: 8w}'"))
                    continue
                if days:
                    tc[name] = days
            kw["tier_cadence"] = tc
            kw["tier_renewal_lead"] = tl
    thr = f.mapping("thresholds")
    if thr is not None:
        kw["thresholds"] = _thresholds(thr, path, problems)
    kw["plays"] = _plays(f, path, problems, handles)
    as_of = f.date("as_of")
    if as_of:
        kw["as_of"] = as_of
    repo = f.text("repo_url")
    if repo:
        # Read as site_url is: a newline in it had reached each page's links raw (a fuzzing session).
        url, why = normalise_site_url(repo, "repo_url")
        if why:
            problems.append(error(path, f.line_of("repo_url"), 0, why))
        else:
            kw["repo_url"] = (url or repo).rstrip("/")
    branch = f.text("branch")
    if branch:
        kw["branch"] = branch
    host = f.choice("repo_host", ("github", "gitlab"))
    if host:
        kw["repo_host"] = host
    robots = f.text("robots")
    if robots:
        if robots not in ("noindex", "index"):
            problems.append(error(path, f.line_of("robots"), 0, "robots should be 'noindex' (default) or 'index'"))
        kw["robots_noindex"] = robots != "index"
    kw["holidays"] = parse_holidays(f.sequence("holidays"), path, problems)
    kw["currency"] = _currency(f, path, problems)
    site = f.scalar("site_url", "a web address")
    if site is not None and not site.is_null and site.text.strip():
        kw["site_url"], why = normalise_site_url(site.text)
        if why:
            problems.append(error(path, site.line, site.column, why))
    kw["available"] = parse_available(f.sequence("available"), path, problems)
    return Config(**kw), problems


def _currency(f: Fields, path: str, problems: list[Problem]) -> str | None:
    """'£', '€', '$' or a code like 'GBP' (shown as 'GBP 142,000')."""
    text = f.text("currency")
    if not text:
        return None
    # Letters (a code) or currency symbols only: a right-to-left override in it reversed every
    # figure on the site, "<b>" or "\a" passed too (a fuzzing session).
    if len(text) > 4 or not all(c.isalpha() or c == "." or unicodedata.category(c) == "Sc" for c in text) \
            or text.strip(".") == "":
        problems.append(error(path, f.line_of("currency"), 0,
                              f"currency should be a symbol like £ or a code like GBP, not '{text}'"))
        return None
    return f"{text} " if text.isalpha() else text


#: An email address as far as it matters here: one @, something either side, no spaces.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def _team(f: Fields, path: str, problems: list[Problem]) -> tuple[TeamMember, ...]:
    out: list[TeamMember] = []
    seen: set[str] = set()
    for item in f.sequence("team"):
        if isinstance(item, Scalar):
            handle, name, email = item.text.strip(), item.text.strip(), None
            line = item.line
        elif isinstance(item, Map):
            m = Fields(item, path, problems, "a team member")
            m.reject_unknown(("handle", "name", "email"))
            handle = m.text("handle", required=True) or ""
            name = m.text("name") or handle
            email = m.text("email")
            line = item.line
        else:
            problems.append(error(path, item.line, item.column, "each team member should be 'handle: …, name: …'"))
            continue
        if not handle:
            continue
        if handle in seen:
            problems.append(error(path, line, 0, f"team handle '{handle}' appears twice"))
            continue
        like = next((h for h in seen if h.casefold() == handle.casefold()), None)
        if like is not None:
            # Owners are matched exactly: "Maya" and "maya" would be two people's lists.
            problems.append(warning(path, line, 0, f"team handles '{like}' and '{handle}' differ only in case; "
                                                   "if they are one person, keep one handle"))
        if email is not None and not _EMAIL.fullmatch(email):
            # `playbook actions` finds who is asking by git's user.email: a malformed one never matches.
            problems.append(warning(path, line, 0, f"team member '{handle}': '{email}' is not an email address "
                                                   "(like maya@example.com)"))
        seen.add(handle)
        out.append(TeamMember(handle, name, email))
    return tuple(out)


def days_ahead(f: Fields, path: str, problems: list[Problem], key: str,
                 meaning: str = "how long their side needs to renew, e.g. '8w'") -> int | None:
    """A time ahead of a day, in days, at most a year; 0 for none: a `renewal_lead` (customer.yaml's,
    a tier's or the default; 0 opts one customer out of its tier's) or a date's `prepare`.
    `meaning` says what it is for in the message."""
    node = f.scalar(key, "a number of days like '8w', '56d' or '2m'")
    if node is None:
        return None
    if node.text.strip().lower() in ("0", "0d", "0w", "0m"):
        return 0
    days = parse_cadence(node, path, problems, key)
    if days is not None and days > MAX_RENEWAL_LEAD_DAYS:
        problems.append(error(path, node.line, node.column,
                              f"'{key}' is {days:,} days; it can be at most a year (365 days, '52w' or '12m'): "
                              f"{meaning}"))
        return None
    return days


def _thresholds(node: Map, path: str, problems: list[Problem]) -> Thresholds:
    names = list(Thresholds.__struct_fields__)
    t = Fields(node, path, problems, "thresholds")
    t.reject_unknown(names)
    kw = {}
    for name in names:
        v = t.scalar(name, "a number")
        if v is None:
            continue
        try:
            num = float(v.text)
            if not math.isfinite(num):  # 'nan', 'inf', '1e400' would crash int() below
                raise ValueError
        except ValueError:
            problems.append(error(path, v.line, v.column, f"threshold '{name}' should be a number, not '{v.text}'"))
            continue
        # A count of days is whole: 0.5 passed as "above zero", then read as 0 ("overdue by more
        # than 0 days": a fuzzing session).
        if num <= 0 or ("multiple" not in name and int(num) < 1):
            problems.append(error(path, v.line, v.column, f"threshold '{name}' should be above zero"
                                  + ("" if num <= 0 or "multiple" in name else ", in whole days")))
            continue
        # Bounded so that no date the engine computes from a threshold leaves the calendar.
        most, unit = ((MAX_MULTIPLE, " times the cadence" if "cadence" in name else " times") if "multiple" in name
                      else (MAX_THRESHOLD_DAYS, " days"))
        if num > most:
            problems.append(error(path, v.line, v.column,
                                  f"threshold '{name}' should be at most {most:,}{unit}, not {v.text.strip()}"))
            continue
        kw[name] = num if "multiple" in name else int(num)
    return Thresholds(**kw)


def _lists_nothing(node) -> bool:
    """Whether a condition's value names nothing: empty, `[]`, or only blank entries."""
    if isinstance(node, Scalar):
        return node.is_null or not node.text.strip()
    if isinstance(node, Seq):
        return all(isinstance(it, Scalar) and (it.is_null or not it.text.strip()) for it in node.items)
    return False


def _words(node, path: str, problems: list[Problem], key: str) -> tuple[str, ...]:
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return ()
    if isinstance(node, Scalar):
        return (node.text.strip(),)
    if isinstance(node, Seq):
        out = []
        for it in node.items:
            if isinstance(it, Scalar):
                out.append(it.text.strip())
            else:
                problems.append(error(path, it.line, it.column, f"'{key}' entries should be words"))
        return tuple(out)
    problems.append(error(path, node.line, node.column, f"'{key}' should be a word or a list of words"))
    return ()


def _with(text: str | None) -> str | None:
    """A play's `with`, a decision role as the contacts write it ("decision-maker" and
    "Decision_Maker" are "decision maker"), else the job title as written."""
    if text is None:
        return None
    role = " ".join(text.lower().replace("-", " ").replace("_", " ").split())
    return role if role in DECISION_ROLES else text


def _never(kw: dict) -> list[tuple[str, str]]:
    """Conditions of a play that can never hold (with the key whose line to name): the play would
    sit in playbook.yaml doing nothing, without a word (a fuzzing session)."""
    out = []
    stages, causes = kw.get("stages", ()), kw.get("at_risk_for", ())
    if "ended" in stages:
        out.append(("stage", "lists 'ended', and no play runs for an ended customer: "
                             + ("it can never apply; remove the play or give the stage it is for"
                                if set(stages) == {"ended"} else "remove 'ended' from its stages")))
    if causes and stages and "at-risk" not in stages:
        out.append(("at_risk_for", "asks for a customer at risk, but its 'stage' leaves out at-risk, so it can "
                                   "never apply; add at-risk to its stages or remove one of the two"))
    if kw.get("health_below") == 0:
        out.append(("health_below", "applies below health 0, which health never is (0 to 100), so it can never "
                                    "apply; give a figure from 1 to 101"))
    return out


def _plays(f: Fields, path: str, problems: list[Problem], handles: set[str]) -> tuple[Play, ...]:
    out: list[Play] = []
    for item in f.sequence("plays"):
        if not isinstance(item, Map):
            problems.append(error(path, item.line, item.column, "each play needs 'name', 'when', 'do' and 'within'"))
            continue
        p = Fields(item, path, problems, "a play")
        p.reject_unknown(("name", "when", "do", "within", "priority", "internal", "with"))
        do = p.text("do", required=True)
        name = p.text("name") or do or "play"
        within = p.integer("within", 0, 3650)
        priority = p.choice("priority", PRIORITIES)
        when = p.mapping("when")
        kw: dict = {}
        if when is None:
            problems.append(error(path, item.line, item.column, f"play '{name}' has no 'when'; say when it applies"))
        else:
            w = Fields(when, path, problems, f"the 'when' of play '{name}'")
            w.reject_unknown(_WHEN)
            # `tier: []` read as no condition, so the play held for every customer (a fuzzing
            # session): a condition that lists nothing is an error, and the play is left out.
            nothing = [k for k in ("stage", "tier", "tags") if k in when.items and _lists_nothing(when.items[k])]
            if nothing:
                k = nothing[0]
                problems.append(error(path, when.keys[k].line, when.keys[k].column,
                                      f"'{k}' in the 'when' of play '{name}' lists nothing, so it would hold for "
                                      f"every customer; give the {k} it is for, or remove the line"))
                continue
            stages = []
            words = _words(w.raw("stage"), path, problems, "stage")
            for s in words:
                ok = parse_choice(Scalar(s, w.line_of("stage"), 0, True), path, problems, "stage", STAGES,
                                  {"at risk": "at-risk", "at_risk": "at-risk"})
                if ok:
                    stages.append(ok)
            if len(stages) != len(words):
                continue  # a misspelt stage must not widen the play to every stage
            kw["stages"] = tuple(stages)
            causes = []
            words = _words(w.raw("at_risk_for"), path, problems, "at_risk_for")
            for s in words:
                ok = parse_choice(Scalar(s, w.line_of("at_risk_for"), 0, True), path, problems, "at_risk_for",
                                  RISK_CAUSES, {"late promise": "late-promise", "late_promise": "late-promise"})
                if ok:
                    causes.append(ok)
            if len(causes) != len(words):
                continue  # nor a misspelt kind of risk to every kind
            kw["at_risk_for"] = tuple(causes)
            kw["tiers"] = _words(w.raw("tier"), path, problems, "tier")
            kw["tags"] = _words(w.raw("tags"), path, problems, "tags")
            owners = _words(w.raw("owner"), path, problems, "owner")
            for o in owners:
                if handles and o not in handles:
                    problems.append(warning(path, w.line_of("owner"), 0, f"play owner '{o}' is not in the team"))
            kw["owners"] = owners
            kw["days_since_contact"] = w.integer("days_since_contact", 0, 100000)
            kw["health_below"] = w.integer("health_below", 0, 101)
            for line, why in _never(kw):
                problems.append(warning(path, w.line_of(line), 0, f"play '{name}' {why}"))
            kw["no_win_within"] = w.integer("no_win_within", 1, 36500)
            kw["no_open_opportunity"] = bool(w.boolean("no_open_opportunity"))
            gap = w.mapping("no_touch_with_role")
            if gap is not None:
                g = Fields(gap, path, problems, "no_touch_with_role")
                g.reject_unknown(("role", "days"))
                role = g.text("role", required=True)
                days_node = g.scalar("days", "a whole number")
                days = parse_int(days_node, path, problems, "days", 1, 100000) if days_node else None
                if days_node is None:
                    problems.append(error(path, gap.line, gap.column, "no_touch_with_role needs 'days'"))
                if role and days:
                    kw["no_touch_with_role"] = RoleGap(role, days)
        if do is None or within is None:
            if within is None and p.raw("within") is None:
                problems.append(error(path, item.line, item.column,
                                      f"play '{name}' has no 'within'; say in how many days it is due"))
            continue
        out.append(Play(name=name, do=do, within=within, priority=priority, line=item.line,
                        internal=bool(p.boolean("internal")), with_=_with(p.text("with")), **kw))
    return tuple(out)
