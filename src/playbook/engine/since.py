"""Since when something has held: the first day of its current run, found by a handful of
looks at past days (each a re-run of the rules on what was written by then), not one a day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from ..config import Config
from ..model import Customer
from .health import health as compute_health
from .history import known_then
from .owed import open_asks, open_commitments
from .pause import in_force
from .stage import classify
from .timeline import timeline
from .types import Health, Stage, Timeline

#: How far back a run is looked for: one that held all that time is said to hold at least since then.
LOOK_BACK_DAYS = 365
#: The steps of the look back, each the last doubled up to MAX_STEP_DAYS: a run is the days
#: since the last of these steps it did not hold on (a break shorter than its step may go
#: unseen: a week for a run of a few weeks, four for an older one), then found to the day by
#: halving. (Doubling without a bound stepped over half a year of another stage.)
FIRST_STEP_DAYS = 7
MAX_STEP_DAYS = 28


def state_at(customer: Customer, config: Config, as_of: date,
             pause_from: date | None = None) -> tuple[Timeline, Stage, Health, bool] | None:
    """The timeline, stage, health and whether a pause was in force as of a past date, from
    what was written by then; None before the relationship began (as `history.stage_at`)."""
    t = config.thresholds
    then = known_then(customer, as_of)
    if then is None:
        return None
    customer = then
    cadence, _ = config.cadence_for(customer.cadence, customer.tier)
    tl = timeline(customer, as_of, t)
    commitments, asks = open_commitments(customer, as_of), open_asks(customer, as_of)
    paused = in_force(customer, as_of, pause_from) if pause_from is not None else None
    stage = classify(customer, tl, commitments, cadence, as_of, t, paused, config.currency, asks)
    return tl, stage, compute_health(customer, tl, commitments, asks, cadence, as_of, t, stage, paused), \
        paused is not None


def first_day(holds: Callable[[date], bool], as_of: date, lower: date | None = None) -> date:
    """The first day of the run of days up to as_of on which `holds` (true at as_of): back a
    week, then twice as far each time (at most four weeks), to a day it did not hold, then
    halving the days between; no further back than LOOK_BACK_DAYS (a run that long gives that
    day), nor than the day before `lower` (a day it is known not to hold on). Halving alone, from a year
    back, found an earlier run (Northgate's health was back over the mark on 10 Nov and the
    play read "since 3 Sep"); a look back of a fixed 91 days moved with every build
    (Pemberton's, dormant since April, read "since at least 3 Sep", then "10 Sep")."""
    floor = lower - timedelta(days=1) if lower is not None else as_of - timedelta(days=LOOK_BACK_DAYS)
    if floor >= as_of:
        return as_of
    hi, step = as_of, FIRST_STEP_DAYS
    while True:
        lo = max(floor, hi - timedelta(days=step))
        if lo == floor and lower is not None:
            break
        if not holds(lo):
            break
        if lo == floor:
            return lo
        hi, step = lo, min(MAX_STEP_DAYS, step * 2)
    while (hi - lo).days > 1:
        mid = lo + (hi - lo) // 2
        if holds(mid):
            hi = mid
        else:
            lo = mid
    return hi


def stage_since(customer: Customer, config: Config, as_of: date, stages: tuple[str, ...],
                pause_from: date | None = None) -> date:
    """The first day of the run up to as_of in which the stage was one of `stages` (it is at
    as_of), as `first_day` finds it."""
    def holds(day: date) -> bool:
        state = state_at(customer, config, day, pause_from)
        return state is not None and state[1].id in stages
    return first_day(holds, as_of)
