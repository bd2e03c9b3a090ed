"""Stakes-weighted ranking: one score per action, from what is at stake and how urgent it is,
with the reasons that make it up.

The score depends only on the action and its own account (its value, its renewal, its stage),
never on other customers, so each customer's analysis stays independent; lists over many
customers sort by it. An action's priority is the higher of its rule's and its score's band,
so a rule never lowers what the stakes call for and the label agrees with the rank.
"""

from __future__ import annotations

import math
from datetime import date

from msgspec.structs import replace

from ..model import Customer, Opportunity
from .dates import RENEWAL_CALL_DAYS, renewal_lapsed
from .merge import similar, topic
from .owed import is_chase
from .types import PRIORITY_RANK, Action, Stage
from .words import days, fmt_date, money

#: What each kind of action is worth before the stakes: a promise we made comes first.
KIND_POINTS: dict[str, tuple[int, str]] = {
    "follow-up": (25, "a promise we made"),
    "repair": (20, "setting right a bad touch"),
    "answer": (15, "they are waiting for an answer"),
    "tell": (15, "what they asked for is here"),
    "renewal": (15, "the renewal conversation"),
    "prepare": (15, "a day that matters to them"),
    "play": (10, "one of the team's plays"),
    "reach-out": (10, "a touch is due"),
    "personal": (5, "a personal touch"),
    "broaden": (5, "widening the relationship"),
}
#: Asking how one of their days went (`actions.prepare`, after the day): about that day.
AFTER_DAY_POINTS = (15, "after a day that matters to them")
#: A chore for the team, whatever its rule's kind.
INTERNAL_POINTS = (-10, "a chore for the team")
#: A late promise as likely done as not, or past helping (`Action.check`): a check, whose lateness
#: no longer adds urgency. Lantern's pre-Christmas check ranked above the call before its
#: renewal, four days off, in April (an account manager's objection).
CHECK_POINTS = (10, "a check: done, or past helping?")
CHECK_LATE_POINTS = 3
#: A promise missed (`Action.missed`: well late when its day came): owning it sets a let-down
#: right, like a renewal call; its lateness since counts as a check's, so the call before the
#: renewal, days off, still comes first (the objection behind CHECK_POINTS).
MISSED_POINTS = (15, "a promise we missed: own it")
#: An ask back from parking (`Action.reopened`): whether it still stands is theirs to say.
#: Ashby's held Phase 2 pricing read "they are waiting for an answer (+15)… 36 days overdue"
#: beside "do not press it" (an account manager's objection).
REOPENED_POINTS = (5, "parked until its day: whether it still stands is theirs to say")
#: Their side's time to renew has begun with nothing heard (`Action.lead_begun`): unless it has
#: started, the renewal cannot be done in time. St Aldhelm's question, six days before a
#: £186,000 renewal, tied with an answer 239 days late (a seventh blind read).
LEAD_BEGUN_POINTS = 15
#: A renewal conversation while a setback is not set right (the stage's "setback" reason): the
#: most at stake a renewal can be. Northgate's question whether it had renewed, with a tender
#: "on the table" since the escalation meeting, ranked eighth for the team, under promises
#: of other accounts (a seventh blind read).
SETBACK_RENEWAL_POINTS = (10, "the renewal, with a setback not set right")
#: The rule's own urgency (an overdue promise is high, a dormant account's asks are low).
URGENCY_POINTS: dict[str, int] = {"high": 15, "medium": 5, "low": -15}
STAGE_POINTS: dict[str, tuple[int, str]] = {
    "at-risk": (15, "the account is at risk"),
    "establishing": (5, "a new account"),
}
#: Value: 12 points per tenfold above 1,000 a year, at most 30 (a million a year).
VALUE_POINTS_PER_TENFOLD = 12
VALUE_POINTS_MAX = 30
#: A renewal this close adds points, up to RENEWAL_POINTS on the day.
RENEWAL_WINDOW = 180
RENEWAL_POINTS = 20
#: Lateness: 3 points, plus one per 3 days late, at most 15.
LATE_POINTS_MAX = 15
#: A customer's day (or its check) due today: above the latest of the work that can wait a day.
TODAY_POINTS = 30
#: Its readiness check, that day this close: a share of TODAY_POINTS growing to the day. Kestrel's
#: check before its fixed-date move, three days off, ranked under a question 80 days old
#: (an account manager's objection).
NEAR_DAYS = 7
#: The same for the day their side's time to renew must start, checked with whoever buys for
#: them (`actions.renewal`'s 'paperwork').
PAPERWORK_NEAR_DAYS = 14
#: Score bands for the priority label.
HIGH_FROM = 70
MEDIUM_FROM = 40


def parts(a: Action, customer: Customer, stage: Stage, as_of: date,
          currency: str | None = None, follows: bool = False) -> list[tuple[float, str]]:
    """The score's parts as (points, why), the largest stakes first after the kind. `follows`:
    it goes after (or in) another action listed, so its own lateness is not scored (`actions.due_after`)."""
    out: list[tuple[float, str]] = []
    points, what = KIND_POINTS.get(a.kind, (10, a.kind))
    if a.kind == "follow-up" and (a.chase or is_chase(a.title)):
        what = "a to-do we noted"
    if a.kind == "reach-out" and a.held:
        # Through a pause, the touch is the call before the renewal inside it: "a touch is due"
        # read against its "chase nothing before then" (a check of a twenty-ninth blind read).
        what = "the next touch, the call before the renewal"
    if a.after_day:
        # Asking how their day went (a move, the starters' first day) is about that day, not a
        # greeting: Kestrel's "Ask Joe Whitcombe how it went" after a fixed-price move ranked as
        # "a personal touch (+5)" (blind reads, twice).
        points, what = AFTER_DAY_POINTS
    if a.internal:
        # A chore for the team (a review at stand-up) comes after the work with the customer it is
        # about: Northgate's "Review account health" ranked above Simon's two conditions.
        points, what = INTERNAL_POINTS
    elif a.check:
        points, what = CHECK_POINTS
    elif a.missed:
        points, what = MISSED_POINTS
    elif a.reopened:
        points, what = REOPENED_POINTS
    out.append((points, what))
    # Its urgency as the engine left it, which the reason above explains: "its rule's urgency:
    # high" on a play playbook.yaml set low (raised as the account was about to turn at risk),
    # and "low" on a chore set high (waiting on whether they renewed), read as the team's own
    # setting changed (a nineteenth blind read).
    out.append((URGENCY_POINTS[a.priority], f"its urgency: {a.priority}, while it waits" if a.waits_on and
                a.priority == "low" else f"its urgency: {a.priority}"))
    live = customer.status != "ended"  # an ended account has nothing at stake any more
    opp = new_business(a, customer) if live else None
    if opp is not None and opp.value and opp.value > (customer.value or 0) and opp.value > 1000:
        # Work for new business worth more than the contract is weighed by it: Westmarch's quote
        # for a £60,000 lab tied with a training session on a £27,000 contract (a fourth blind read).
        out.append((value_points(opp.value), f"new business worth {money(opp.value, currency)} (\u201c{opp.what}\u201d)"))
    elif live and customer.value and customer.value > 1000:
        out.append((value_points(customer.value), f"{money(customer.value, currency)} a year"))
    r = customer.renewal
    if live and r is not None and as_of <= r and (r - as_of).days <= RENEWAL_WINDOW:
        n = (r - as_of).days
        points, what = RENEWAL_POINTS * (1 - n / RENEWAL_WINDOW), f"renewal in {days(n)}" if n else "renewal today"
        if n <= RENEWAL_CALL_DAYS and before_renewal(a, (as_of - a.due).days):
            # The renewal's own conversation, due and not had, ranks as its day comes, from the
            # three weeks before it that it is due, as a readiness check does: Kestrel's meeting
            # with Nadia, six days before the renewal, came twelfth on the team's list, under
            # promises of other accounts weeks late, and Lantern's, eight days before, eighteenth
            # (blind reads, a fifteenth and a sixteenth). So does what we are late on for them,
            # which the brief says to see to first: alone, the boost put Northgate's email to
            # Fiona above the root-cause report Simon's tender threat hung on (a check of it).
            points += nearing(n, RENEWAL_CALL_DAYS)
            # ("Comes before it" read as a leftover on the renewal day itself, a twenty-fifth blind
            # read; "needed by then" as untrue of a missed promise, or of the conversation itself,
            # a twenty-sixth.)
            what += ", and this is its conversation" if a.kind == "renewal" else \
                ", and this is ours to settle before it" if n else ", and this is ours to settle today"
        out.append((points, what))
    elif renewal_lapsed(customer, as_of) and a.kind == "renewal":
        # Gone by with nothing recorded (customer.yaml still gives it): whether they renewed is
        # open, the most at stake a renewal can be. Its points had vanished the day after, and a
        # lapsed renewal ranked below one still to come (Saltmarsh, an account manager's objection).
        # Only the renewal's own question takes them: given to every action of the account, they
        # ranked a 140-day-late report above asking whether Northgate had renewed.
        out.append((RENEWAL_POINTS, f"the renewal of {fmt_date(r)} went by unrecorded"))
    if live and a.kind == "renewal" and any(x.cause == "setback" for x in stage.reasons):
        out.append(SETBACK_RENEWAL_POINTS)
    if live and a.lead_begun is not None:
        out.append((LEAD_BEGUN_POINTS, f"their side's time to renew began {fmt_date(a.lead_begun)}, nothing heard since"))
    late = (as_of - a.due).days
    if late > 0 and not follows:
        out.append((CHECK_LATE_POINTS if a.check or a.missed or a.reopened else min(LATE_POINTS_MAX, 3 + late / 3),
                    f"{days(late)} overdue"))
    if late >= 0 and a.for_day is not None:
        # A late promise for a day that is today or days off ranks as that day's check does:
        # Kestrel's laptops "for the 1 December starters" came second on the starters' first
        # day, under an answer 42 days late (an eleventh blind read).
        # So does the check that their side's time to renew starts in time, as that day comes.
        # A fortnight ahead for that: procurement is slow to chase.
        n = (a.for_day - as_of).days
        day = "their side's time to renew starts" if a.renewal_step == "paperwork" else None
        near = PAPERWORK_NEAR_DAYS if day else NEAR_DAYS
        if n == 0:
            out.append((nearing(0, near), f"{day} today" if day else "for their day, today"))
        elif n <= near:
            out.append((nearing(n, near), f"{day} in {days(n)}" if day else f"their day is in {days(n)}"))
    elif late == 0 and a.kind == "prepare":
        # Their day, or its check, is today (Kestrel's office move, "no slack at all"): it came
        # fourth on the profile and ninth on Jonas's list, under answers weeks late (an account
        # manager's objection). What happens once comes before what can still be done tomorrow.
        out.append((TODAY_POINTS, "for their day, due today"))
    if a.kind == "prepare" and late >= 0:
        # From as far before it as its check is due (`prepare`), at least a week: Kestrel's move,
        # "no slack at all", seven days off with its check 14 days late, came 22nd on the team's
        # list at +4 (a sixteenth blind read).
        event = next((e for e in customer.dates if e.source == a.source), None)
        n = (event.on - as_of).days if event is not None else None
        ramp = max(NEAR_DAYS, event.prepare) if event is not None else NEAR_DAYS
        if n is not None and 0 < n <= ramp and late > 0:  # (due today, it counts as such, above)
            out.append((nearing(n, ramp), f"their day is in {days(n)}"))
    if stage.id in STAGE_POINTS:
        out.append(STAGE_POINTS[stage.id])
    return out


def nearing(n: int, ahead: int) -> float:
    """What a day `n` days off adds to what is due for it, from `ahead` days before it: a share
    of TODAY_POINTS growing to all of them on the day."""
    return TODAY_POINTS * (1 - n / (ahead + 1))


def before_renewal(a: Action, late: int) -> bool:
    """What must be done before a renewal days off, and gains as it comes (`parts`): the
    renewal's own conversation (the call, or the meeting with a quiet decider), once due, and
    work we are late on for them (a promise, not a check of one, nor a to-do chasing them; an
    answer)."""
    if a.kind == "renewal":
        return a.renewal_step in ("call", "coverage") and late >= 0
    if late <= 0:
        return False
    if a.kind == "follow-up":
        return not a.check and not a.chase
    return a.kind == "answer" and not a.check and not a.reopened


def value_points(value: float) -> float:
    """VALUE_POINTS_PER_TENFOLD for each tenfold above 1,000, at most VALUE_POINTS_MAX."""
    return min(VALUE_POINTS_MAX, VALUE_POINTS_PER_TENFOLD * math.log10(value / 1000))


#: What work for the customer is: a promise, an answer, news they asked for.
FOR_THEM = ("follow-up", "answer", "tell")


def new_business(a: Action, customer: Customer) -> Opportunity | None:
    """The open opportunity an action is the work for, by the words of it and of what it
    covers (a quote promised, the ask for it), if one with a value is."""
    if a.kind not in FOR_THEM or a.chase or is_chase(a.title):
        return None
    words = topic(" ".join((a.title, *(r.text for r in a.also))))
    found = [o for o in customer.opportunities if o.status == "open" and o.value and similar(words, topic(o.what))]
    return max(found, key=lambda o: o.value or 0, default=None)


def band(score: int) -> str:
    return "high" if score >= HIGH_FROM else "medium" if score >= MEDIUM_FROM else "low"


def rank(actions: list[Action], customer: Customer, stage: Stage, as_of: date,
         currency: str | None = None) -> list[Action]:
    """Each action with its score and reasons, highest first."""
    scored = []
    listed = {a.source for a in actions if a.source is not None}
    for a in actions:
        first = a.after if a.after is not None else a.rides
        found = parts(a, customer, stage, as_of, currency, first is not None and first in listed)
        scored.append((round(sum(p for p, _ in found)),
                       tuple(f"{why} ({'+' if p >= 0 else '−'}{abs(round(p))})" for p, why in found if round(p))))
    # What goes after another action (`Action.after`) ranks below it, whatever its own stakes.
    by_source = {a.source: n for n, a in enumerate(actions) if a.source is not None}
    for n, a in enumerate(actions):
        first = by_source.get(a.after) if a.after is not None else None
        if first is not None and first != n and scored[n][0] >= scored[first][0]:
            cut = scored[n][0] - scored[first][0] + 1
            said = f"it goes after \u201c{actions[first].title}\u201d (\u2212{cut})"
            scored[n] = (scored[n][0] - cut, scored[n][1] + (said,))
    out = []
    for a, (score, reasons) in zip(actions, scored):
        # The stakes can raise a rule's priority, never lower it; 'low' by a rule (a dormant
        # account's asks, a chase held for a pause) means "not now" and stays. So does a check
        # (done, or past helping?): what the account is worth makes it no more urgent. Kestrel's
        # laptops "for the 1 December starters" read High in February (a ninth blind read).
        priority = a.priority if a.priority == "low" or a.check else \
            min(a.priority, band(score), key=PRIORITY_RANK.__getitem__)
        if priority != a.priority:
            reasons += (f"{priority} because of what is at stake (a score of {HIGH_FROM if priority == 'high' else MEDIUM_FROM} or more)",)
        out.append(replace(a, score=score, score_reasons=reasons, priority=priority))
    out.sort(key=Action.sort_key)
    return out
