"""Timeline facts: rhythm, sentiment, engagement and reciprocity, read off the interactions."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from ..config import Thresholds
from ..model import Customer, Interaction
from .pause import paused_days
from .touches import one_way
from .types import ContactEngagement, Timeline

#: How many of our touches in a row must go unanswered to call the pattern one-sided.
UNANSWERED_RUN = 2


def upto(customer: Customer, as_of: date) -> tuple[Interaction, ...]:
    """Interactions on or before as_of (the future is not known yet)."""
    return tuple(i for i in customer.interactions if i.date <= as_of)


def _mean_sentiment(items: list[Interaction]) -> float | None:
    rated = [i.sentiment for i in items if i.sentiment is not None]
    # Whole numbers: their float quotient is the correctly rounded mean, as `statistics.mean`
    # gives it, at a tenth of the cost (asked for every month of the stage history).
    return round(sum(rated) / len(rated), 2) if rated else None


def mood(answered: tuple[Interaction, ...], window: int) -> tuple[float | None, date | None, int]:
    """(mean sentiment, last rated day, how many) over the `window` days up to the last rated
    conversation: the mood as last seen, which silence leaves where it was."""
    rated = [i for i in answered if i.sentiment is not None]
    if not rated:
        return None, None, 0
    last = rated[-1].date
    start = last - timedelta(days=window)
    inside = [i for i in rated if i.date > start]
    return _mean_sentiment(inside), last, len(inside)


def _people(items: list[Interaction]) -> set[str]:
    return {name for i in items for name in i.with_}


def went_badly(i: Interaction) -> bool:
    """Rated below neutral: a touch that is no sign of a healthy relationship, however recent
    or however many people were in it."""
    return i.sentiment is not None and i.sentiment < 0


def heard(items: tuple[Interaction, ...]) -> tuple[tuple[Interaction, ...], tuple[Interaction, ...]]:
    """(the touches that show the customer engaged, our outreach since the last of them).
    One-way outreach before a later conversation was answered by it, so it counts."""
    k = len(items)
    while k and one_way(items[k - 1]):
        k -= 1
    return items[:k], items[k:]


def median_gap(items: tuple[Interaction, ...], until: date) -> float | None:
    """Median days between the touch days of the year up to `until` (None with fewer than two)."""
    year_ago = until - timedelta(days=365)
    days = sorted({i.date for i in items if year_ago < i.date <= until})
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    return float(median(gaps)) if gaps else None


def timeline(customer: Customer, as_of: date, t: Thresholds) -> Timeline:
    """All facts the stage, health and actions rest on."""
    items = upto(customer, as_of)
    first = items[0].date if items else None
    last = items[-1] if items else None
    start_candidates = [d for d in (customer.since, first) if d]
    start = min(start_candidates) if start_candidates else None
    anchor = last.date if last else customer.since
    days_since = (as_of - anchor).days if anchor and anchor <= as_of else None
    answered, unanswered = heard(items)
    last_heard = answered[-1].date if answered else None
    # Our own outreach counts as heard through the conversation after it, and that is what
    # says how it went: a remediation plan we emailed is no good touch if the call it led to
    # went badly.
    good = len(answered)
    while good and (went_badly(answered[good - 1]) or one_way(answered[good - 1])):
        good -= 1
    last_good = answered[good - 1].date if good else None
    heard_anchor = last_heard or customer.since
    days_since_heard = (as_of - heard_anchor).days if heard_anchor and heard_anchor <= as_of else None
    excused = paused_days(customer, heard_anchor, as_of) if days_since_heard is not None else 0
    quiet_days = days_since_heard - excused if days_since_heard is not None else None

    year_ago = as_of - timedelta(days=365)

    w = t.growth_window_days
    recent_from = as_of - timedelta(days=w)
    earlier_from = as_of - timedelta(days=2 * w)
    # Growth and breadth count conversations: our unanswered emails are no sign of the customer.
    recent = [i for i in answered if i.date > recent_from]
    earlier = [i for i in answered if earlier_from < i.date <= recent_from]
    first_seen: dict[str, date] = {}
    for i in answered:
        for name in i.with_:
            first_seen.setdefault(name, i.date)

    # Requests, support tickets and escalations are all the customer reaching out.
    directed = [i for i in items if i.direction and i.date > year_ago]
    inbound = sum(1 for i in directed if i.direction == "in")
    problems = sum(1 for i in directed if i.direction == "in" and went_badly(i))

    feel, felt_on, rated = mood(answered, w)
    return Timeline(
        first_contact=first, last_contact=last.date if last else None, last_interaction=last,
        count=len(items), days_since=days_since, last_heard=last_heard, days_since_heard=days_since_heard,
        paused_days=excused, quiet_days=quiet_days,
        quiet_from=as_of - timedelta(days=quiet_days) if quiet_days is not None else None,
        pause_until=customer.pause.until if excused and customer.pause else None,
        last_good=last_good, gone_badly=sum(1 for i in answered[good:] if went_badly(i)),
        unanswered=unanswered, start=start,
        usual_gap=median_gap(answered, last_heard) if last_heard else None,
        sentiment_recent=_mean_sentiment(recent), sentiment_earlier=_mean_sentiment(earlier),
        rated_recent=tuple(i.date for i in recent if i.sentiment is not None),
        mood=feel, mood_to=felt_on, mood_count=rated,
        touches_recent=len(recent), touches_earlier=len(earlier),
        people_recent=len(_people(recent)), people_earlier=len(_people(earlier)),
        people_new=tuple(name for name, day in first_seen.items() if day > recent_from),
        inbound_recent=inbound, outbound_recent=len(directed) - inbound, inbound_problems=problems,
        one_sided=len(unanswered) >= UNANSWERED_RUN, contacts=engagement(customer, answered, recent_from), window=w,
    )


def engagement(customer: Customer, items: tuple[Interaction, ...], recent_from: date) -> tuple[ContactEngagement, ...]:
    """Per person: last touch, recent and total touches, who on the team talked to them."""
    roles = {c.name: c.role for c in customer.contacts}
    names = [c.name for c in customer.contacts] + [n for i in items for n in i.with_ if n not in roles]
    by_name: dict[str, list[Interaction]] = {}  # one pass: per name over all items was contacts × notes
    for i in items:
        for n in (i.with_ if len(i.with_) < 2 else dict.fromkeys(i.with_)):
            by_name.setdefault(n, []).append(i)
    out = []
    for name in dict.fromkeys(names):
        theirs = by_name.get(name, [])
        team = tuple(dict.fromkeys(i.by for i in reversed(theirs) if i.by))
        # The recent touches are the last ones (items come in date order): counted from the end,
        # not over all of them, on every month of the stage history.
        recent = good = 0
        for i in reversed(theirs):
            if i.date <= recent_from:
                break
            recent += 1
            good += not went_badly(i) and not one_way(i)
        out.append(ContactEngagement(
            name=name, role=roles.get(name), last_touch=theirs[-1].date if theirs else None,
            touches_recent=recent, touches_total=len(theirs), team=team, listed=name in roles, good_recent=good,
        ))
    # Most recently engaged first; never-engaged people keep file order at the end.
    order = {n: k for k, n in enumerate(dict.fromkeys(names))}
    out.sort(key=lambda e: (e.last_touch is None, -(e.last_touch.toordinal() if e.last_touch else 0), order[e.name]))
    return tuple(out)
