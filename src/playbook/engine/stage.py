"""The stage of a relationship: the first rule that holds, in a fixed order, with its reasons.

Order: ended → dormant → at-risk → establishing → growing → steady. Each rule returns the
reasons that put the relationship there (or nothing), so the page can show why.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..config import Thresholds
from ..model import STAGE_LABELS, Customer, Interaction
from .types import OpenCommitment, Reason, Stage, Timeline
from .timeline import ONE_SIDED_RUN, upto
from .words import ago, days, fmt_date, sentiment_word, per


def unrepaired_negatives(items: tuple[Interaction, ...], as_of: date, window: int) -> list[Interaction]:
    """Negative touches within `window` days with nothing positive after them, worst first
    (lowest sentiment, then the latest): the escalation matters more than the grumble after it."""
    found = []
    for i in reversed(items):
        if (i.sentiment is not None and i.sentiment > 0) or (as_of - i.date).days > window:
            break
        if i.sentiment is not None and i.sentiment < 0:
            found.append(i)
    return sorted(found, key=lambda i: (i.sentiment, -i.date.toordinal(), i.source.path))


def last_unrepaired_negative(items: tuple[Interaction, ...], as_of: date, window: int) -> Interaction | None:
    """The worst unrepaired negative touch within `window` days, if any."""
    found = unrepaired_negatives(items, as_of, window)
    return found[0] if found else None


def ended(customer: Customer, tl: Timeline) -> list[Reason]:
    if customer.status != "ended":
        return []
    out = [Reason("Marked 'status: ended' in customer.yaml.", customer.at("status"))]
    if tl.last_interaction:
        out.append(Reason(f"Last touch {fmt_date(tl.last_contact)}: {tl.last_interaction.summary or tl.last_interaction.type}.",
                          tl.last_interaction.source))
    return out


def dormant(tl: Timeline, cadence: int, t: Thresholds) -> list[Reason]:
    if tl.days_since is None:
        return []
    limit = t.dormant_cadence_multiple * cadence
    src = tl.last_interaction.source if tl.last_interaction else None
    what = f"the last touch ({fmt_date(tl.last_contact)})" if tl.last_contact else "the start of the relationship"
    if tl.days_since >= t.dormant_days:
        return [Reason(f"Nothing for {days(tl.days_since)} since {what}; {t.dormant_days} days of silence "
                       "makes a relationship dormant.", src)]
    if tl.days_since > limit:
        return [Reason(f"Nothing for {days(tl.days_since)} since {what}, over {t.dormant_cadence_multiple:g}× "
                       f"the {per(cadence)} cadence ({days(int(limit))}).", src)]
    return []


def at_risk(items: tuple[Interaction, ...], tl: Timeline, commitments: tuple[OpenCommitment, ...],
            cadence: int, as_of: date, t: Thresholds) -> list[Reason]:
    out: list[Reason] = []
    for neg in unrepaired_negatives(items, as_of, t.negative_window_days)[:3]:
        who = f" with {', '.join(neg.with_)}" if neg.with_ else ""
        when = ago(as_of, neg.date).replace(f" ({fmt_date(neg.date)})", "")
        out.append(Reason(f"{sentiment_word(neg.sentiment).capitalize()} {neg.type}{who} on {fmt_date(neg.date)}"
                          f" ({when}): {neg.summary or 'no summary'}. Nothing positive since.", neg.source))
    for oc in commitments:
        if oc.overdue_days > t.overdue_days:
            out.append(Reason(f"Promise \u201c{oc.commitment.text}\u201d was due {fmt_date(oc.due)}, "
                              f"{days(oc.overdue_days)} overdue.", oc.commitment.source))
    if tl.days_since is not None and tl.days_since > t.silence_cadence_multiple * cadence:
        src = tl.last_interaction.source if tl.last_interaction else None
        out.append(Reason(f"Silent for {days(tl.days_since)}, over {t.silence_cadence_multiple:g}× the "
                          f"{per(cadence)} cadence.", src))
    if out and tl.one_sided:
        out.append(Reason(f"The last {ONE_SIDED_RUN} touches were all ours; "
                          "the customer has not reached out lately."))
    return out


def establishing(tl: Timeline, customer: Customer, as_of: date, t: Thresholds) -> list[Reason]:
    if tl.start is None:
        return [Reason("No interactions logged yet.", customer.source)]
    age = (as_of - tl.start).days
    if age < t.establishing_days:
        src = customer.at("since") if customer.since == tl.start else None
        return [Reason(f"The relationship began {fmt_date(tl.start)}, {days(age)} ago "
                       f"(under {t.establishing_days} days).", src)]
    return []


def growing(tl: Timeline, t: Thresholds) -> list[Reason]:
    more_touches = tl.touches_recent > tl.touches_earlier
    more_people = tl.people_recent > tl.people_earlier
    positive = tl.sentiment_recent is not None and tl.sentiment_recent > 0
    if not (more_touches or more_people) or not positive:
        return []
    w = t.growth_window_days
    out = []
    if more_touches:
        out.append(Reason(f"{tl.touches_recent} touches in the last {w} days, up from {tl.touches_earlier} "
                          f"in the {w} before."))
    if more_people:
        out.append(Reason(f"{tl.people_recent} people engaged in the last {w} days, up from {tl.people_earlier}."))
    out.append(Reason(f"Recent sentiment is positive (average {tl.sentiment_recent:+.1f})."))
    return out


def steady(tl: Timeline, cadence: int, t: Thresholds) -> list[Reason]:
    out = []
    if tl.days_since is not None:
        src = tl.last_interaction.source if tl.last_interaction else None
        out.append(Reason(f"Last touch {days(tl.days_since)} ago, within twice the {per(cadence)} cadence.", src))
    if tl.typical_gap is not None:
        out.append(Reason(f"Typically in touch every {days(round(tl.typical_gap))} over the last year."))
    if tl.sentiment_recent is not None:
        out.append(Reason(f"Recent sentiment averages {tl.sentiment_recent:+.1f}; no unrepaired bad meeting, "
                          "no overdue promise."))
    return out or [Reason("No sign of growth or risk.")]


def classify(customer: Customer, tl: Timeline, commitments: tuple[OpenCommitment, ...], cadence: int,
             as_of: date, t: Thresholds) -> Stage:
    """Exactly one stage, by the first rule that holds."""
    items = upto(customer, as_of)
    for stage_id, reasons in (
        ("ended", lambda: ended(customer, tl)),
        ("dormant", lambda: dormant(tl, cadence, t)),
        ("at-risk", lambda: at_risk(items, tl, commitments, cadence, as_of, t)),
        ("establishing", lambda: establishing(tl, customer, as_of, t)),
        ("growing", lambda: growing(tl, t)),
    ):
        found = reasons()
        if found:
            return Stage(stage_id, STAGE_LABELS[stage_id], tuple(found))
    return Stage("steady", STAGE_LABELS["steady"], tuple(steady(tl, cadence, t)))


def month_ends(as_of: date, count: int = 12) -> list[date]:
    """The last `count - 1` month ends before as_of, then as_of itself (oldest first)."""
    out = [as_of]
    d = as_of.replace(day=1) - timedelta(days=1)
    while len(out) < count:
        out.append(d)
        d = d.replace(day=1) - timedelta(days=1)
    return sorted(out)
