"""The stage month by month: the same rules as today's stage, re-run on what was written by
each month's end, with enough hysteresis that one event does not flip a month."""

from __future__ import annotations

from datetime import date, timedelta

from msgspec.structs import replace

from ..config import Config
from ..model import Customer, Opportunity
from .owed import open_commitments
from .pause import in_force
from .stage import classify
from .timeline import timeline, upto
from .types import StagePoint

#: The day of each month on which a new stage must already hold for the month to show it.
MID_MONTH = 15


def stage_at(customer: Customer, config: Config, as_of: date, pause_from: date | None = None) -> str:
    """The stage id as of a past date, from what was written up to then. `pause_from`: when
    the customer's pause began (see pause.pause_start)."""
    t = config.thresholds
    cadence, _ = config.cadence_for(customer.cadence, customer.tier)
    then = known_then(customer, as_of)
    if then is None:
        return "none"  # the relationship had not started
    customer = then
    paused = in_force(customer, as_of, pause_from) if pause_from is not None else None
    return classify(customer, timeline(customer, as_of, t), open_commitments(customer, as_of), cadence, as_of, t,
                    paused, config.currency).id


def known_then(customer: Customer, as_of: date) -> Customer | None:
    """The customer as known at a past date: None before the relationship began; not yet
    ended before its last touch ('ended' is known only from then on); its opportunities as
    they stood (`opportunities_then`)."""
    items = upto(customer, as_of)
    if not items and (customer.since is None or as_of < customer.since):
        return None
    if customer.status == "ended" and items[-1:] != customer.interactions[-1:]:
        customer = replace(customer, status="active")
    return opportunities_then(customer, as_of)


def opportunities_then(customer: Customer, as_of: date) -> Customer:
    """The customer with its opportunities as they stood at as_of: one that came up later is
    not there yet, one won or lost later is still open. Built on 15 Oct, Kestrel's stage read
    "New business: Temple Quay office move … won 27 Oct 2026", twelve days ahead."""
    def later(o: Opportunity) -> bool:
        decided = o.decided_on()
        return o.status != "open" and decided is not None and decided > as_of
    opps = customer.opportunities
    if not any((o.since is not None and o.since > as_of) or later(o) for o in opps):
        return customer
    return replace(customer, opportunities=tuple(
        replace(o, status="open", closed=None) if later(o) else o
        for o in opps if o.since is None or o.since <= as_of))


def month_ends(as_of: date, count: int = 12) -> list[date]:
    """The last `count - 1` month ends before as_of, then as_of itself (oldest first)."""
    out = [as_of]
    d = as_of.replace(day=1) - timedelta(days=1)
    while len(out) < count:
        out.append(d)
        d = d.replace(day=1) - timedelta(days=1)
    return sorted(out)


def history(customer: Customer, config: Config, as_of: date, today: str,
            pause_from: date | None = None) -> tuple[StagePoint, ...]:
    """The stage at each of the last eleven month ends and `today`'s at as_of. A month shows a
    new stage only when it held at mid-month too, else the stage at mid-month (dated so), so
    a touch on the 30th, or one bad call set right within the fortnight, does not flip the
    month; today's point is exact. A month is read off its own days and the month end before
    it, never off what the strip showed before it, so it reads the same in every build (it did
    not: built on 20 Nov, Ashby's January showed Steady, smoothed after a steady December;
    built on 20 Dec, with January the strip's first month and nothing before it, At risk)."""
    ends = month_ends(as_of)
    before = ends[0].replace(day=1) - timedelta(days=1)
    raw = {d: stage_at(customer, config, d, pause_from) for d in (before, *ends) if d != as_of}
    out: list[StagePoint] = []
    last = before
    for d in ends:
        at = d
        if d == as_of:
            stage = today
        else:
            stage = raw[d]
            prev = raw[last]
            if prev != "none" and stage not in (prev, "none") and d.day > MID_MONTH:
                # Not yet so at mid-month: the month shows what it was then, which is the month
                # before's stage unless that too had changed (Westmarch, at risk at January's
                # end and set right on 10 Feb, read "At risk" for February).
                # Dated mid-month, then: "31 Jan 2027: Steady" stood beside "It was due before
                # 21 Jan 2027, when the account turned at risk" (a twentieth blind read).
                mid = d.replace(day=MID_MONTH)
                stage = stage_at(customer, config, mid, pause_from)
                if stage != raw[d]:
                    at = mid
        out.append(StagePoint(at, stage, raw[d] if at != d else None))
        last = d
    return tuple(out)
