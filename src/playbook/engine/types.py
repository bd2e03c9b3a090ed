"""What the engine says about a relationship: plain frozen records, every judgement with reasons."""

from __future__ import annotations

from datetime import date

from ..model import Ask, Commitment, Customer, Interaction, Source
from ..records import Record

PRIORITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
#: Each kind of key date, as pages and calendars name it.
KEY_DATE_LABELS: dict[str, str] = {"birthday": "Birthday", "anniversary": "Anniversary", "renewal": "Renewal",
                                   "event": "Their date"}
ACTION_KINDS: tuple[str, ...] = ("follow-up", "reach-out", "personal", "renewal", "repair", "broaden", "answer", "tell",
                                 "prepare", "play")


class Reason(Record):
    """A sentence that explains a judgement, pointing at the content behind it."""

    text: str
    """Human-readable, naming the facts (dates, names, counts)."""
    source: Source | None = None
    """The file and line it stems from, when there is one."""
    cause: str | None = None
    """Of an at-risk stage's reasons, which kind of risk it is (`model.RISK_CAUSES`), for the
    plays that hold for some kinds only; None elsewhere."""


class ContactEngagement(Record):
    """How one person at the customer has been engaged."""

    name: str
    """Contact name (as in customer.yaml, or as written in `with`)."""
    role: str | None
    """Role, when known."""
    last_touch: date | None
    """Most recent interaction with them."""
    touches_recent: int
    """Interactions with them in the growth window (default 90 days)."""
    touches_total: int
    """All interactions with them up to as_of."""
    team: tuple[str, ...]
    """Team handles who talked to them, most recent first."""
    listed: bool
    """True when the contact is in customer.yaml."""
    good_recent: int
    """Of `touches_recent`, those that did not go badly (`went_badly`): a person met only in
    an escalation widens nothing (health's breadth counts these)."""


class Timeline(Record):
    """Facts read off the interactions up to as_of."""

    first_contact: date | None
    last_contact: date | None
    last_interaction: Interaction | None
    count: int
    """Interactions up to as_of."""
    days_since: int | None
    """Days from the last touch (or `since` when there is none) to as_of."""
    last_heard: date | None
    """The last touch that was not our own unanswered outreach: when we last heard from them."""
    days_since_heard: int | None
    """Days from `last_heard` (or `since` when there is none) to as_of: the customer's silence."""
    paused_days: int
    """The days of that silence inside the pause the customer asked for (`pause.paused_days`)."""
    quiet_days: int | None
    """`days_since_heard` less `paused_days`: the silence the rules weigh."""
    quiet_from: date | None
    """The day `quiet_days` counts from (as_of less them): after a pause, a silence tips
    over counted from here, not from `last_heard`."""
    pause_until: date | None
    """The end of the pause when `paused_days` is not 0, for the texts that say so."""
    last_good: date | None
    """The last touch heard from them that did not go badly (`went_badly`): health's recency
    counts from it, so an outage call earns no credit for being recent."""
    gone_badly: int
    """The conversations since `last_good`, all of which went badly (our outreach among them
    counts as heard through them, and is not counted here)."""
    unanswered: tuple[Interaction, ...]
    """Our outreach since `last_heard` that got no reply (emails and messages out, `answered: no`)."""
    start: date | None
    """When the relationship began: `since`, or the first touch if earlier or unknown."""
    usual_gap: float | None
    """Median days between the touches heard from them over the year up to `last_heard`: the
    rhythm a silence since then breaks, which stays put while the silence lasts (None with
    fewer than two such touches in that year). The one gap the site states."""
    sentiment_recent: float | None
    """Mean sentiment over the growth window (rated touches only)."""
    rated_recent: tuple[date, ...]
    """The days of the rated conversations `sentiment_recent` averages."""
    sentiment_earlier: float | None
    """Mean sentiment over the window before it."""
    mood: float | None
    """Mean sentiment over the growth window up to the last rated conversation (`mood_to`), not
    up to today: a figure that only new notes move. A window ending today let a bad meeting
    slide out of it in silence, and health rose with nobody heard from (St Aldhelm's, 19 to 21)."""
    mood_to: date | None
    """The day of the last rated conversation (None if none is rated)."""
    mood_count: int
    """How many rated conversations `mood` averages."""
    touches_recent: int
    touches_earlier: int
    people_recent: int
    """Distinct contacts engaged in the recent window."""
    people_earlier: int
    people_new: tuple[str, ...]
    """The contacts first engaged in the recent window (their first touch is in it), oldest first."""
    inbound_recent: int
    """Touches the customer started (direction: in: requests, support tickets, escalations)
    among the last year's directed touches."""
    outbound_recent: int
    inbound_problems: int
    """Of `inbound_recent`, those that went badly (`timeline.went_badly`): an outage reported, an
    escalation."""
    one_sided: bool
    """Our outreach is going unanswered: UNANSWERED_RUN or more of our touches since we last
    heard from them."""
    contacts: tuple[ContactEngagement, ...]
    """Engagement per person, most recent first (our unanswered outreach does not count)."""
    window: int = 90
    """The growth window's days (`growth_window_days`): "recent" above, and `mood`'s reach."""


class Stage(Record):
    """The stage of the relationship and why."""

    id: str
    label: str
    reasons: tuple[Reason, ...]


class Flag(Record):
    """Something to know beside the stage: 'Needs a touch', 'Paused until 1 Apr 2027'."""

    id: str
    """'needs-touch' or 'paused'."""
    label: str
    """Short, for a chip beside the stage."""
    reason: Reason
    """Why, with the line behind it."""


class StagePoint(Record):
    """The stage as of one date (a month end, or its middle: `engine.history.history`)."""

    date: date
    stage: str
    by_end: str | None = None
    """Shown as it stood at mid-month, the stage it had turned to by the month's end."""


class HealthFactor(Record):
    """One named part of the health figure."""

    name: str
    effect: int
    """Points added (or taken away, when negative)."""
    why: str


class Health(Record):
    """0-100, the clamped sum of its factors."""

    score: int
    factors: tuple[HealthFactor, ...]


class Occasion(Record):
    """The day a promise is for (`occasion.promise_for`), after its due date."""

    day: date
    text: str
    """How it is said: '1 Dec 2026', 'the renewal of 14 Dec 2026', '“First day of …” (7 Dec 2026)'."""
    source: Source | None = None
    """The customer's date (its line in customer.yaml's `dates`) it is, if one."""
    exact: bool = True
    """False for a season's end ("pre-Christmas": the party season, weeks before 25 Dec): only
    its having gone by is said, never "in N days"."""
    ask: Source | None = None
    """The ask (its line in customer.yaml) whose day it is, when the promise is the work for that
    ask (`occasion.promise_for`): the two are one job (`merge.with_their_ask`)."""


#: A late promise for a season says, from this many days before the season's end, to do it now
#: or say today what we will do instead (`OpenCommitment.season_near`).
SEASON_NEAR_DAYS = 30


class OpenCommitment(Record):
    """A promise still open, with its context."""

    commitment: Commitment
    interaction: Interaction
    due: date | None
    overdue_days: int
    """Days past due (0 when not overdue or undated)."""
    answered: Ask | None = None
    """An ask marked done that this promise is about (`owed.answered_ask`): the two disagree."""
    occasion: Occasion | None = None
    """The day it is for, after its due date (`occasion.promise_for`)."""

    def gone_by(self, as_of: date) -> Occasion | None:
        """The day it was for, if that has gone by on `as_of`: late work no longer helps."""
        return self.occasion if self.occasion is not None and self.occasion.day < as_of else None

    def coming(self, as_of: date) -> date | None:
        """The day it is for, exactly known, if that is `as_of` or later: work for it still helps,
        more urgently as it comes (`rank`, the brief)."""
        o = self.occasion
        return o.day if o is not None and o.exact and o.day >= as_of else None

    def season_near(self, as_of: date) -> Occasion | None:
        """The season it is for ("pre-Christmas": `Occasion.exact` False), if it ends within
        SEASON_NEAR_DAYS after `as_of`: the season is on, so when it will come is no longer the
        question (never "in 11 days": it starts weeks before its end)."""
        o = self.occasion
        return o if o is not None and not o.exact and 0 < (o.day - as_of).days <= SEASON_NEAR_DAYS else None

    def in_doubt(self, as_of: date, overdue_days: int) -> bool:
        """Late, but as likely done and not ticked as broken: the ask it answers is marked done,
        or the day it was for came and went before it was `overdue_days` late (nothing logged
        says whether it was done). Such a promise is said and checked, never counted as a risk:
        Kestrel, just won, read "at risk", its health 97 then 59, over laptops "for the 1
        December starters" that no note said were missing (an account manager's objection)."""
        if self.answered is not None:
            return True
        gone = self.gone_by(as_of)
        return gone is not None and self.due is not None and (gone.day - self.due).days <= overdue_days

    def missed_by(self, as_of: date, overdue_days: int) -> int | None:
        """How late it already was when the day it was for came, when that was more than
        `overdue_days` (it was most likely missed: `Action.missed`); else None."""
        gone = self.gone_by(as_of)
        if gone is None or self.due is None or self.in_doubt(as_of, overdue_days):
            return None
        return (gone.day - self.due).days


class KeyDate(Record):
    """A coming date worth knowing: birthday, anniversary, renewal."""

    kind: str
    """'birthday', 'anniversary', 'renewal' or 'event' (one of customer.yaml's `dates`)."""
    date: date
    """Next occurrence on or after as_of."""
    days_until: int
    title: str
    contact: str | None
    source: Source


class Arrival(Record):
    """An open or parked ask that something now `available` answers: the customer is to be told."""

    ask: Ask
    """The ask."""
    what: str
    """What is available (the `available` entry's `what`)."""
    on: date
    """Available from."""
    matched: tuple[str, ...]
    """The entry's `about` words, as written, that the ask has."""
    line: int
    """The entry's line in playbook.yaml."""
    also: tuple[str, ...] = ()
    """Other entries, available too, that match the same ask (their `what`), the soonest
    available first, up to `demand.ALSO_NAMED`."""
    more: bool = False
    """More entries than those match it."""

    @property
    def since(self) -> date:
        """When there was news to tell: the day it became available, or the day they asked
        if that was later."""
        return max(self.on, self.ask.since or self.on)


class Action(Record):
    """Something a person should do, and why."""

    kind: str
    """One of ACTION_KINDS."""
    title: str
    """Imperative and specific."""
    why: str
    """The facts that call for it."""
    due: date
    priority: str
    """'high', 'medium' or 'low'."""
    contact: str | None
    """Who at the customer it concerns."""
    owner: str | None
    """Team handle who should do it."""
    source: Source | None
    """The file and line it stems from."""
    customer: str
    """Customer slug, so team-wide lists can link back."""
    firm: bool = False
    """The due date is one someone set (a promise's due date, a birthday), not a rule of thumb."""
    also: tuple[Reason, ...] = ()
    """The other actions merged into this one (same job): their titles and sources."""
    score: int = 0
    """Stakes-weighted rank (engine/rank.py): higher first."""
    score_reasons: tuple[str, ...] = ()
    """What makes up the score, each with its points: '142,000 a year (+26)'."""
    internal: bool = False
    """A chore for the team, not something to do with the customer (left out of the brief)."""
    also_for: tuple[str, ...] = ()
    """Others of the team whose list it is on too, besides `owner`: those its text names ('Book an
    exec call between Maya and Simon', written by Tomás) and the owners of the jobs merged into it."""
    occasion: Source | None = None
    """The customer's date (customer.yaml `dates`) a follow-up is for, a 'prepare' checks, or a
    personal touch asks how it went (after the day): one conversation (`merge.same_day`)."""
    check: bool = False
    """A late promise as likely done and not ticked as broken (`OpenCommitment.in_doubt`: the
    ask it answers is marked done, or its day went by before it was well late), or an ask
    whose day has gone by: a check to make, ranked as one (`rank`), not as work growing more
    urgent by the day."""
    reopened: bool = False
    """An ask back from parking that a pause of theirs held (`owed.theirs_back`): theirs to take up
    again, nobody waiting on us; ranked so (`rank`), its days since adding no urgency."""
    unparked: bool = False
    """An ask back from parking, theirs to take up (`reopened`) or ours to answer: with the same
    person as the renewal's own conversation, part of it (`merge.with_renewal`). Lantern's Copilot
    price, ours once back, stood apart from the question to Camille whether it had renewed (a check
    of a twenty-eighth blind read's fix)."""
    missed: bool = False
    """A promise already well late when the day it was for came (not in doubt): most likely
    missed, and the stage's reason the account is at risk. Owning it is high priority, but
    its lateness since that day adds no urgency (`rank`): it can no longer be helped."""
    chase: bool = False
    """A follow-up that is a to-do waiting on them (`owed.is_chase` of its text), whatever its
    title says ("Ask Dr Imran Qureshi to help with the staff list")."""
    answers: Source | None = None
    """The ask a follow-up is the work for (`Occasion.ask`): one job with answering it."""
    lead_begun: date | None = None
    """On the call before a renewal: the day their side's time to renew (`renewal_lead`) began,
    when nothing has been heard from them since (`dates.lead_unheard`). Asking whether it has
    started is then the call, and it leads what it is merged with (`merge`) and ranks so (`rank`)."""
    renewal_step: str = ""
    """Which renewal action a 'renewal' is: 'call' (before the renewal), 'coverage' (meeting a quiet
    decider before it), 'paperwork' (checking with whoever buys for them that their side's time
    to renew starts in time) or 'lapsed' (asking how one that went by went). Merging reads this, never
    the wording, which may change."""
    joiners: tuple[str, ...] = ()
    """On the call before a renewal, or a meeting with a quiet decision maker before it: those it
    asks to join (they were in the last renewal's talk). Their own meeting before the renewal,
    and the team's plays with them, join it once it is due (`merge.with_joiners`)."""
    asked_to_join: tuple[str, ...] = ()
    """Those `why` already asks to join ("… were in it too: ask them to join"), so that joining
    their actions to it (`merge.with_joiners`) does not ask again."""
    waits_on: str = ""
    """Why it is low while something else comes first ("(Low priority while the account is
    dormant: rekindle it first.)"): said once, at the end of `why`, after the merges, so an
    action it joins does not say it again inside its "Also covers" (Northgate's reply to Simon
    said it twice in one action: a check of a fifteenth blind read). The brief leaves such an
    action out of what to do next: Saltmarsh's put "Bring Gus Armitage into the conversation"
    second, without its "until you know whether they renewed" (a sixteenth)."""
    late_parts: tuple[tuple[str, date], ...] = ()
    """Work of weight merged into it that was due before it, with the day it was due (as shown,
    on a working day): `why` says each ("“Schedule a value review with finance” has been due
    since 22 Oct 2026"), and so does a merge that takes this action in (`merge.with_joiners`)."""
    promised_to: str | None = None
    """On a follow-up: the person `why` says it was promised to, by name. Put with whoever asked
    for it (`merge.combine`), it says to tell them too."""
    takes: Source | None = None
    """On the question whether a renewal gone by went through: the line of what we owe them that
    it takes along ("Bring to the same conversation what we are late on, or a date for it: …", the first of
    `owed.debt_items`). That action says it goes with it (`actions.taken_along`), or, low until
    the question is answered, into it."""
    for_day: date | None = None
    """The day a late promise is for (`OpenCommitment.occasion`), exactly known, today or to come,
    or the day their side's time to renew must start (a 'paperwork' check): it ranks as a
    customer's day does (`rank`)."""
    helps_until: date | None = None
    """On an answer: the day after which answering it no longer helps (Northgate's engineer
    "through peak"), which `why` says. Said, not ranked by; one reply to the same person is led
    by an ask without one (`merge.same_asker`)."""
    timing: str = ""
    """The clause of `why` that says when it is due (': the visit is due 3 weeks before then at
    the latest.'), left out when it joins an action due sooner (`merge.combine`): beside that
    action's day it read as a contradiction (St Aldhelm's visit, "50 days overdue", a tenth
    blind read)."""
    held: str = ""
    """What goes ahead during a pause they asked for says so, and why ('(They asked for a pause
    until 1 Apr 2027, but the renewal cannot wait: this goes ahead; chase nothing else.)', the
    end of `why`): the brief, which shows only the first sentence of `why`, says it too. Ashby's
    put "Call Mark Ellery before the renewal" above "Do not chase" (a nineteenth blind read)."""
    goes_with: str = ""
    """What the question whether a renewal gone by went through takes along says so ('It goes with
    asking whether the renewal of 5 Jan 2027 went through: one conversation with Rosalind, not
    two.', in `why`: `actions.taken_along`); the brief says it too, or listed two jobs (a
    twenty-second blind read). So does a conversation that goes after the one message that goes
    next while our touches go unanswered (`actions.not_piled_on`)."""
    after: Source | None = None
    """The source of the action this one goes after (`actions.not_piled_on`): ranked below it
    (`rank`). Calder's question whether it renewed said "This goes after the next message (“Send
    the revised data retention schedule”…)" from the top of the list, above it (a twenty-eighth
    blind read)."""
    rides: Source | None = None
    """The source of the message this one is raised in while our touches go unanswered
    (`actions.not_piled_on`): never due before that one, and its own lateness not scored while
    that one is listed (`actions.due_after`, `rank`). Calder's "Tell Owen Price: zero-trust access
    is available… raise this in the one message that goes next" scored "21 days overdue" beside
    it (a thirty-first blind read)."""

    due_since: date | None = None
    """The day it fell due, when `due` is held from then at the build's day (or the next working
    day) because nobody waits on it past then: a check-in or a rekindle past its cadence, a second
    contact to reach, a chore for the team; None otherwise (`workdays.held_since`). Shown
    "overdue since 1 Dec 2025" and counted as overdue (`overdue`): "due today" on every build read
    as news on a rekindle after 447 days of silence and on a stand-up review listed for weeks (a
    thirty-fifth final read: Pemberton's, Northgate's), and a blind read found 14 of "15 more due
    within 7 days" months overdue. Not "356 days overdue", a count that grows by the day, as if the
    work grew more urgent (an earlier objection): its rank is a day's, as before."""

    def overdue(self, as_of: date) -> bool:
        """Past its day on `as_of`: due before it, or held at it since an earlier day (`due_since`)."""
        return self.due < as_of or self.due_since is not None

    @property
    def after_day(self) -> bool:
        """Asking how one of their days went (`actions.prepare`, after the day): a personal touch
        whose occasion is its own day. About that day, not a greeting: ranked, labelled ("Their
        day") and filed in the calendars so."""
        return self.kind == "personal" and self.occasion is not None and self.occasion == self.source

    @property
    def anniversary(self) -> bool:
        """The anniversary of working together: a personal touch with nobody (a birthday has one)."""
        return self.kind == "personal" and self.contact is None

    @property
    def assignees(self) -> tuple[str, ...]:
        """Everyone of the team it is assigned to: its owner first, then `also_for`."""
        return (self.owner, *self.also_for) if self.owner else self.also_for

    def sort_key(self) -> tuple:
        """Highest score first, then priority, due date and a stable tie-break."""
        return (-self.score, PRIORITY_RANK[self.priority], self.due, self.customer, self.kind, self.title)


class Relationship(Record):
    """Everything the engine concludes about one customer at as_of."""

    customer: Customer
    as_of: date
    cadence: int
    """Desired days between touches."""
    cadence_from: str
    """Where the cadence comes from, in words."""
    timeline: Timeline
    commitments: tuple[OpenCommitment, ...]
    """Open commitments, most overdue first."""
    key_dates: tuple[KeyDate, ...]
    """Coming dates within the look-ahead, soonest first."""
    open_asks: tuple
    """The customer's unanswered asks (model.Ask), oldest first."""
    stage: Stage
    stage_history: tuple[StagePoint, ...]
    health: Health
    actions: tuple[Action, ...]
    """Ranked: priority, then due date."""
    flags: tuple[Flag, ...] = ()
    """Beside the stage: a pause in force, a touch due."""
    parked_asks: tuple = ()
    """Asks parked on as_of (model.Ask): not waiting for an answer, never overdue."""
    arrivals: tuple[Arrival, ...] = ()
    """Open and parked asks that something available by as_of answers, oldest news first."""
