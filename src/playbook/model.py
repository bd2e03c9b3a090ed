"""The content model: immutable records, each remembering the file and line it came from."""

from __future__ import annotations

from datetime import date

from msgspec import field

from .records import Record, intern_names

STAGES: tuple[str, ...] = ("establishing", "growing", "steady", "at-risk", "dormant", "ended")
STAGE_LABELS: dict[str, str] = {
    "establishing": "Establishing", "growing": "Growing", "steady": "Steady",
    "at-risk": "At risk", "dormant": "Dormant", "ended": "Ended",
}
#: What puts a relationship at risk, as a play's `at_risk_for` names it: a bad touch with nothing
#: good since (or the silence after one), a silence that breaks the account's rhythm or leaves
#: our outreach unanswered, the renewal (gone by unrecorded, or a key person quiet or our
#: outreach unanswered before it),
#: and a promise of ours well overdue (or a silence while one is late), which delivering fixes.
RISK_CAUSES: tuple[str, ...] = ("setback", "silence", "renewal", "late-promise")
#: Each cause as a play's reason says it: "at risk for a setback".
RISK_CAUSE_WORDS: dict[str, str] = {"setback": "a setback", "silence": "silence", "renewal": "the renewal",
                                    "late-promise": "a late promise"}
INTERACTION_TYPES: tuple[str, ...] = (
    "call", "meeting", "email", "visit", "message", "support", "purchase", "event", "note",
)
SENTIMENT_WORDS: dict[str, int] = {
    "very negative": -2, "negative": -1, "neutral": 0, "positive": 1, "very positive": 2,
}
SENTIMENT_LABELS: dict[int, str] = {v: k for k, v in SENTIMENT_WORDS.items()}
DIRECTIONS: tuple[str, ...] = ("in", "out")
STATUSES: tuple[str, ...] = ("active", "ended")
ASK_STATUSES: tuple[str, ...] = ("open", "answered", "parked")
CHANNELS: tuple[str, ...] = ("email", "call", "visit", "message")
OPPORTUNITY_STATUSES: tuple[str, ...] = ("open", "won", "lost")
#: "gatekeeper": they asked that everything go through them (Oakmere's "just go through me").
DECISION_ROLES: tuple[str, ...] = ("champion", "decision maker", "budget holder", "user", "gatekeeper")


class Source(Record, order=True):
    """Where a record was written."""

    path: str
    """Path relative to the playbook root, forward slashes."""
    line: int = 1
    """1-based line."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Birthday(Record):
    """A recurring date; the year is known only when a full date was written."""

    month: int
    """1-12."""
    day: int
    """1-31 (29 February falls on the 28th in other years)."""
    year: int | None = None
    """Birth year when given."""

    def on_year(self, year: int) -> date:
        """The day it falls on in `year`."""
        try:
            return date(year, self.month, self.day)
        except ValueError:  # 29 February outside leap years
            return date(year, self.month, self.day - 1)


class Contact(Record):
    """A person at the customer."""

    name: str
    """Full name as written; interactions refer to it."""
    role: str | None
    """Job or role, free text (e.g. 'CFO', 'Head of IT')."""
    email: str | None
    """Email address."""
    phone: str | None
    """Phone number, kept exactly as written."""
    birthday: Birthday | None
    """Birthday, for the personal touch."""
    notes: str | None
    """Markdown: family, preferences, what they care about."""
    primary: bool
    """The main contact of the account."""
    source: Source
    """Where the contact is defined."""
    prefers: str | None = None
    """How they like to be reached: one of CHANNELS."""
    avoid: str | None = None
    """Times or things to avoid ('before 10', 'Six Nations Saturdays')."""
    decision: tuple[str, ...] = ()
    """Their part in the buying decision: DECISION_ROLES."""
    left: date | None = None
    """When they left the customer."""
    now: str | None = None
    """Where they went, or what they do now."""
    keep_in_touch: int | None = None
    """Days between personal check-ins kept up with them even after they leave or the account ends."""


class Ask(Record):
    """Something the customer asked us about that we owe an answer to."""

    what: str
    """The question or request, in a sentence."""
    since: date | None
    """When they asked."""
    done: bool
    """True once answered (`done: true` or `status: answered`)."""
    source: Source
    """Where the ask is written."""
    status: str = "open"
    """One of ASK_STATUSES; 'parked' asks wait (until `until`, if given) and are never overdue."""
    until: date | None = None
    """For a parked ask: when it comes back as open."""
    from_: str | None = None
    """The contact who asked, resolved like an interaction's `with`."""
    about: tuple[str, ...] = ()
    """Words or tags saying what it is about, as written: when given, they (not the words of
    `what`) group it with other customers' asks and find the `available` entries it matches."""

    def parked_on(self, day: date) -> bool:
        """Whether the ask is parked on `day` (a parked ask with an `until` wakes up that day)."""
        return self.status == "parked" and not self.done and (self.until is None or day < self.until)


class Opportunity(Record):
    """More business with the customer, open or decided."""

    what: str
    """What it is, in a few words."""
    value: float | None
    """What it is worth."""
    since: date | None
    """When it came up."""
    status: str
    """One of OPPORTUNITY_STATUSES."""
    closed: date | None
    """When it was won or lost."""
    source: Source
    """Where it is written."""

    def decided_on(self) -> date | None:
        """When it was won or lost (`closed`, else `since`), None while open."""
        return None if self.status == "open" else (self.closed or self.since)


class Pause(Record):
    """A pause the customer asked for: no chasing, and no alarm about the silence, until a date."""

    until: date
    """The first day we may get in touch again."""
    why: str | None
    """Their reason, in a sentence."""
    since: date | None
    """When it was agreed; None: from the last conversation before the analysis date and `until`
    (`pause.pause_start`)."""
    source: Source
    """Where the pause is written."""


class Event(Record):
    """A day that matters to the customer's business, written in customer.yaml's `dates`: a move,
    a go-live, an audit. Being ready for it is ours to check."""

    what: str
    """What happens, as written: 'Office move to Temple Quay'."""
    on: date
    with_: str | None
    """Who to check with (a contact's name), if given."""
    prepare: int
    """Days before it to confirm all is ready (0: no action, only the date)."""
    source: Source
    """Where it is written."""


class Commitment(Record):
    """A task-list item in an interaction's notes: a promise made to the customer."""

    text: str
    """The item's text, without the due marker."""
    done: bool
    """Ticked (`- [x]`)."""
    due: date | None
    """From '(due YYYY-MM-DD)' in the text, when written."""
    made_on: date
    """Date of the interaction it was made in."""
    source: Source
    """The exact line of the item."""


class Interaction(Record):
    """One touch: a call, meeting, email, note…"""

    date: date
    """When it happened."""
    type: str
    """One of INTERACTION_TYPES."""
    with_: tuple[str, ...]
    """Contact names, resolved to the customer's contacts where they match."""
    by: str | None
    """Team handle of who had the interaction."""
    sentiment: int | None
    """-2..2, or None when not recorded."""
    direction: str | None
    """'in' when the customer reached out, 'out' when we did, None when unknown."""
    summary: str | None
    """One line; when absent the first sentence of the notes serves."""
    body: str
    """Markdown notes."""
    body_line: int
    """File line on which the body starts (for locating task items and links)."""
    commitments: tuple[Commitment, ...]
    """Task-list items found in the body."""
    source: Source
    """The file (line 1)."""
    date_line: int = 1
    """Line of the `date:` field (1 when the date comes from the file name)."""
    by_from_git: bool = False
    """True when `by` was not written but taken from the git commit that added the file."""
    html: str = ""
    """The notes as safe HTML, from the same parse as `commitments` (so a build parses each
    note once, in the memoised parse phase)."""
    answered: bool | None = None
    """`answered: no` on our outreach that got no reply (a voicemail); False too when not written
    and its summary says our try reached nobody ("Rang Jo, voicemail again": `touches.says_unanswered`,
    read at load); None when neither."""
    message_id: str | None = None
    """The Message-ID of the email it was imported from (`log --eml`), so a second import skips it."""
    text: str = ""
    """The notes as plain text, up to `markdown.TEXT_LIMIT` characters, from the same parse
    (what the search index finds the interaction by)."""

    @property
    def slug(self) -> str:
        """File name without extension, unique within a customer."""
        name = self.source.path.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".md") else name


class Customer(Record):
    """An account and everything written about it."""

    slug: str
    """Directory name: lower-case letters, digits and hyphens."""
    name: str
    """Display name."""
    owners: tuple[str, ...]
    """Team handles responsible for the account."""
    since: date | None
    """When the relationship began, if written."""
    tier: str | None
    """Free-form tier, e.g. 'key'; selects the default cadence."""
    tags: tuple[str, ...]
    """Labels for grouping."""
    cadence: int | None
    """Desired days between touches, when the customer sets its own."""
    renewal: date | None
    """Next renewal date."""
    value: float | None
    """Annual value."""
    status: str
    """'active' or 'ended'."""
    notes: str | None
    """Markdown about the account."""
    contacts: tuple[Contact, ...]
    """People at the customer, in file order."""
    asks: tuple[Ask, ...]
    """Requests from the customer."""
    interactions: tuple[Interaction, ...]
    """Oldest first (date, then file name)."""
    source: Source
    """The customer.yaml file."""
    lines: dict[str, int] = field(default_factory=dict)
    """Line of each top-level field, so reasons can point at `renewal:` or `status:`."""
    pause: Pause | None = None
    """A pause the customer asked for, if any."""
    opportunities: tuple[Opportunity, ...] = ()
    """More business with them, in file order."""
    renewal_lead: int | None = None
    """Days their side needs to renew (procurement, a framework's paperwork), when written here
    or for its tier or all in playbook.yaml: the call before the renewal falls due three weeks
    before that starts. 0: none (written so to opt out of the tier's)."""
    renewal_lead_from: str = ""
    """Where `renewal_lead` was set when not in customer.yaml: "playbook.yaml's key tier"."""
    dates: tuple[Event, ...] = ()
    """Days that matter to their business (`dates` in customer.yaml), in the order written."""

    # Compared and hashed without `lines`: where a field was written is not what it says.
    def __eq__(self, other: object) -> bool:
        if type(other) is not Customer:
            return NotImplemented
        return _compared(self) == _compared(other)

    def __hash__(self) -> int:
        return hash(_compared(self))

    def at(self, key: str) -> Source:
        """The source of one top-level field (the file's first line when it is absent)."""
        return Source(self.source.path, self.lines.get(key, 1))


def _compared(c: Customer) -> tuple:
    return tuple(getattr(c, name) for name in _CUSTOMER_COMPARED)


_CUSTOMER_COMPARED = tuple(name for name in Customer.__struct_fields__ if name != "lines")


class TeamMember(Record):
    """Someone on our side."""

    handle: str
    """Short id used in `owner` and `by`."""
    name: str
    """Display name."""
    email: str | None = None
    """Optional address."""


class Playbook(Record):
    """A whole loaded playbook."""

    customers: tuple[Customer, ...]
    """Sorted by slug."""
    files: int = 0
    """How many files were read (for the check summary)."""


intern_names(Customer, "owners", "tags")
