"""Chart geometry: numbers the templates draw as inline SVG, computed once at build time.

Pure functions of view data; no markup here (the team's templates own the drawing). Every
chart comes with a sentence that says what it shows, for its <title>/<desc>.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..engine.words import MONTHS, fmt_date, sentiment_word
from ..records import Record

#: The relationship path, in order; 'ended' is drawn aside.
PATH: tuple[str, ...] = ("establishing", "growing", "steady", "at-risk", "dormant")
ASIDE = "ended"


def _n(x: float) -> str:
    """A coordinate as short, stable text."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


# -- the stage mix of the whole book ------------------------------------------------------

class Segment(Record):
    """One stage's share of the book."""

    stage: str
    label: str
    count: int
    x: str
    width: str
    percent: int
    href: str


class StageMix(Record):
    """A stacked bar: every customer counted once, by stage."""

    width: int
    height: int
    segments: tuple[Segment, ...]
    """Only stages with customers (the legend lists all)."""
    total: int
    summary: str


def stage_mix(counts: list[tuple[str, str, int, str]], width: int = 600, height: int = 28) -> StageMix:
    """counts: (stage id, label, count, href) in path order."""
    total = sum(c for _, _, c, _ in counts)
    gap = 3
    shown = [c for c in counts if c[2] > 0]
    usable = width - gap * max(0, len(shown) - 1)
    segs, x = [], 0.0
    for stage, label, count, href in shown:
        w = usable * count / total
        segs.append(Segment(stage, label, count, _n(x), _n(w), round(100 * count / total), href))
        x += w + gap
    parts = ", ".join(f"{count} {label.lower()}" for _, label, count, _ in counts if count)
    summary = f"{total} customers: {parts}." if total else "No customers yet."
    return StageMix(width, height, tuple(segs), total, summary)


# -- the relationship path with the current stage marked ----------------------------------

class PathNode(Record):
    stage: str
    label: str
    cx: int
    cy: int
    current: bool
    aside: bool
    label_x: int


class StagePath(Record):
    width: int
    height: int
    nodes: tuple[PathNode, ...]
    line_x: int
    line_y1: int
    line_y2: int
    branch: str
    """Path data of the dashed branch towards 'ended'."""
    summary: str


def stage_path(current: str, labels: dict[str, str]) -> StagePath:
    """A vertical path: establishing at the top, dormant at the bottom, ended off to the side."""
    step, top, x = 34, 18, 16
    nodes = [PathNode(s, labels[s], x, top + i * step, s == current, False, x + 20) for i, s in enumerate(PATH)]
    ay = top + len(PATH) * step + 6
    nodes.append(PathNode(ASIDE, labels[ASIDE], x + 34, ay, current == ASIDE, True, x + 54))
    last = nodes[len(PATH) - 1]
    branch = f"M{x} {last.cy}C{x} {ay} {x} {ay} {x + 26} {ay}"
    order = " → ".join(labels[s] for s in PATH)
    summary = (f"Relationship path: {order}, with Ended aside. "
               f"This relationship is now {labels.get(current, current)}.")
    return StagePath(190, ay + 18, tuple(nodes), x, nodes[0].cy, last.cy, branch, summary)


# -- the 12-month journey ------------------------------------------------------------------

class JourneyCell(Record):
    stage: str
    x: int
    width: int
    month: str
    label_x: int
    title: str


class Journey(Record):
    width: int
    height: int
    cells: tuple[JourneyCell, ...]
    summary: str


def journey(points: list[tuple[date, str, str | None]], labels: dict[str, str]) -> Journey:
    """One cell per month (its end, or its middle when the stage changed late in it, with what
    it had turned to by the end; the last is as_of), coloured by stage, its title the day it was
    read on: "15 Jan 2027: Steady (at risk by 31 Jan)"."""
    cell, gap = 40, 3
    cells = []
    for i, (d, stage, by_end) in enumerate(points):
        label = labels.get(stage, "Not started")
        x = i * cell
        end = (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        turned = f" ({labels.get(by_end, by_end).lower()} by {end.day} {MONTHS[end.month - 1]})" if by_end else ""
        cells.append(JourneyCell(stage, x, cell - gap, MONTHS[d.month - 1], x + (cell - gap) // 2,
                                 f"{fmt_date(d)}: {label}{turned}"))
    runs: list[list] = []
    for d, stage, _ in points:
        if runs and runs[-1][0] == stage:
            runs[-1][2] = d
        else:
            runs.append([stage, d, d])
    said = "; ".join(f"{labels.get(s, 'not started')} {MONTHS[a.month - 1]} {a.year}"
                     + ("" if a == b else f" to {MONTHS[b.month - 1]} {b.year}") for s, a, b in runs)
    summary = f"Stage month by month over the last year: {said}." if points else "No history yet."
    return Journey(len(points) * cell, 42, tuple(cells), summary)


# -- the rhythm of touches -----------------------------------------------------------------

class Mark(Record):
    cx: str
    cy: int
    tone: str
    """'s-2'…'s2' by sentiment, 's-none' when unrated."""
    title: str


class Window(Record):
    """One cadence-long window, counted back from as_of."""

    x: str
    width: str
    missed: bool


class Tick(Record):
    x: str
    label: str


class Level(Record):
    y: int
    label: str


class Rhythm(Record):
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    radius: int
    marks: tuple[Mark, ...]
    windows: tuple[Window, ...]
    months: tuple[Tick, ...]
    levels: tuple[Level, ...]
    now_x: str
    summary: str
    legend: str
    layout: str
    """'wide' or 'narrow'; ids in the drawing carry it, so both can be on one page."""
    began_x: str | None = None
    """Where the relationship began, when that is inside the twelve months: no band before it."""
    began_anchor: str | None = None
    """Its label's text-anchor ('start': right of the line, 'end': left of it); None: no room for one."""


RHYTHM_DAYS = 365

#: (width, height, left, right, top, bottom, mark radius) per layout: 'wide' for the desktop
#: column, 'narrow' drawn at phone width so its labels stay legible without scaling.
RHYTHM_LAYOUTS: dict[str, tuple[int, int, int, int, int, int, int]] = {
    "wide": (720, 180, 44, 712, 18, 150, 6),
    "narrow": (330, 170, 26, 324, 18, 140, 5),
}


def rhythm(touches: list[tuple[date, int | None, str]], as_of: date, cadence: int, layout: str = "wide",
           began: date | None = None) -> Rhythm:
    """touches: (date, sentiment, short description), each drawn at its date and sentiment,
    over cadence-long windows counted back from as_of (a window without a touch is shaded), back
    to when the relationship `began` at most: the months before it had nothing to miss. A window
    cut short by that start is not shaded either (the cadence had not run its course)."""
    width, height, left, right, top, bottom, radius = RHYTHM_LAYOUTS[layout]
    start = as_of - timedelta(days=RHYTHM_DAYS)
    span = right - left
    step = (bottom - top - 16) / 4

    def x_of(d: date) -> float:
        return left + span * (d - start).days / RHYTHM_DAYS

    def y_of(s: int | None) -> int:
        return round(top + 8 + (2 - (0 if s is None else s)) * step)

    inside = [(d, s, what) for d, s, what in touches if start < d <= as_of]
    marks = tuple(Mark(_n(x_of(d)), y_of(s), "s-none" if s is None else f"s{s}",
                       f"{fmt_date(d)}: {what} ({sentiment_word(s)})") for d, s, what in inside)
    floor = max(start, began) if began is not None else start
    fresh = floor > start  # the relationship began within the twelve months
    windows, missed = [], 0
    end = as_of
    while end > floor:
        begin = max(floor, end - timedelta(days=cadence))
        first = fresh and begin == floor  # (begin, end], but the first takes in the day it all began
        hit = any(begin < d <= end or (first and d == begin) for d, _, _ in touches)
        short = first and (end - begin).days + 1 < cadence
        missed += not hit and not short
        windows.append(Window(_n(x_of(begin)), _n(x_of(end) - x_of(begin)), not hit and not short))
        end = begin
    windows.reverse()
    months = []
    m = date(start.year, start.month, 1)
    while m <= as_of:
        if m > start:
            label = MONTHS[m.month - 1]
            months.append(Tick(_n(x_of(m)), label[0] if layout == "narrow" else label))
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    levels = tuple(Level(y_of(s), lab) for s, lab in ((2, "+2"), (1, "+1"), (0, "0"), (-1, "−1"), (-2, "−2")))
    rated = [s for _, s, _ in inside if s is not None]
    mood = ""
    if rated:
        pos, neg = sum(1 for s in rated if s > 0), sum(1 for s in rated if s < 0)
        mood = f" {pos} positive, {neg} negative, {len(rated) - pos - neg} neutral."
    n = len(inside)
    when = f"since the relationship began on {fmt_date(began)}" if fresh and began else \
        f"in the 12 months to {fmt_date(as_of)}"
    gaps = f": {missed} of {len(windows)} {cadence}-day windows had no touch" if windows else ""
    summary = f"{n} touch{'es' if n != 1 else ''} {when} against a desired {cadence}-day cadence{gaps}.{mood}"
    legend = f"Each band is {cadence} days (the desired cadence); shaded bands had no touch."
    began_x = anchor = None
    if fresh and began:
        began_x = x_of(began)
        # "today" is written left of its line: the label goes right of this one when there is room
        anchor = "start" if x_of(as_of) - began_x >= 80 else "end" if began_x - left >= 44 else None
    return Rhythm(width, height, left, right, top, bottom, radius, marks, tuple(windows), tuple(months), levels,
                  _n(x_of(as_of)), summary, legend, layout, None if began_x is None else _n(began_x), anchor)


# -- health as a ring ----------------------------------------------------------------------

class Ring(Record):
    score: int
    band: str
    """'good', 'fair' or 'poor'."""
    dash: str
    """stroke-dasharray of the filled arc."""
    summary: str


RING_R = 26


def ring(score: int, band: str, band_label: str) -> Ring:
    circumference = 2 * 3.14159265 * RING_R
    filled = circumference * max(0, min(100, score)) / 100
    return Ring(score, band, f"{_n(filled)} {_n(circumference)}", f"Health {score} out of 100 ({band_label}).")
