"""The rhythm chart starts where the relationship did: a new customer's chart shades no month
before it began as "had no touch", and its summary counts only the windows since."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from playbook.site.svg import rhythm

AS_OF = date(2026, 11, 20)


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def touches(*days_ago: int) -> list[tuple[date, int | None, str]]:
    return [(ago(n), 1, f"touch {n}") for n in days_ago]


@pytest.mark.parametrize("began,cadence,touched,windows,missed", [
    # no start known, or one before the twelve months: every window of the year, as before
    (None, 30, (5, 40), 13, 11),
    (ago(400), 30, (5, 40), 13, 11),
    (ago(365), 30, (5, 40), 13, 11),
    # began 60 days ago, touched in both 30-day windows: nothing shaded, and nothing before
    (ago(60), 30, (60, 20), 2, 0),
    # began 90 days ago, touched only lately: the two quiet windows since are shaded
    (ago(90), 30, (10,), 3, 2),
    # began 45 days ago: a 15-day window at the start is too short to have missed the cadence
    (ago(45), 30, (10,), 2, 0),
    (ago(45), 30, (), 2, 1),
    # began today with its first touch: nothing to have missed yet
    (ago(0), 14, (0,), 0, 0),
    # the first touch on the day it began counts for the first window
    (ago(28), 14, (28, 3), 2, 0),
])
def test_windows_start_where_the_relationship_began(began, cadence, touched, windows, missed):
    r = rhythm(touches(*touched), AS_OF, cadence, began=began)
    assert len(r.windows) == windows
    assert sum(w.missed for w in r.windows) == missed
    assert (f"{missed} of {windows} {cadence}-day windows had no touch" in r.summary) == (windows > 0)
    xs = [float(w.x) for w in r.windows]
    assert xs == sorted(xs) and all(float(w.width) > 0 for w in r.windows)
    if began is not None and began > AS_OF - timedelta(days=365):
        assert not xs or xs[0] == float(r.began_x)  # the first band begins where the relationship did
        assert "since the relationship began on" in r.summary
    else:
        assert r.began_x is None and "in the 12 months to 20 Nov 2026" in r.summary


@pytest.mark.parametrize("layout", ["wide", "narrow"])
@pytest.mark.parametrize("days,anchor", [(200, "start"), (363, "start"), (20, "end"), (0, "end")])
def test_the_start_is_labelled_beside_its_line_clear_of_today(layout, days, anchor):
    """Right of its line when "today" (written left of its own) leaves room, else left of it."""
    assert rhythm(touches(days), AS_OF, 30, layout, ago(days)).began_anchor == anchor


def test_a_new_customers_page_shades_nothing_before_it_began(example_site):
    html = (example_site / "customers/fernhill-dental/index.html").read_text("utf-8")  # since 2026-09-22
    wide = re.search(r'<svg class="chart rhythm rhythm-wide".*?</svg>', html, re.S).group(0)
    began = float(re.search(r'<line class="began" x1="([\d.]+)"', wide).group(1))
    bands = [(float(x), "missed" in cls) for cls, x in re.findall(r'<rect class="(window[^"]*)" x="([\d.]+)"', wide)]
    assert bands and bands[0][0] == began
    assert not any(missed for _, missed in bands)
    assert ">began</text>" in wide and "since the relationship began on 22 Sep 2026" in wide
    old = (example_site / "customers/brightwell-precision/index.html").read_text("utf-8")  # since 2020
    assert 'class="began"' not in old


@pytest.mark.parametrize("inbound,outbound,said", [
    # Ashby's profile read "They reached out 0 of 1 times in the last year".
    (0, 1, "The one touch in the last year that says who reached out was ours."),
    (1, 0, "The one touch in the last year that says who reached out was theirs."),
    (0, 3, "All 3 touches in the last year that say who reached out were ours."),
    (2, 0, "Both touches in the last year that say who reached out were theirs."),
    (4, 6, "They reached out 4 of 10 times in the last year."),
])
def test_who_reached_out_reads_as_a_count_a_person_would_say(inbound, outbound, said):
    from playbook.site.views import who_reached_out
    assert who_reached_out(inbound, outbound) == said


def test_a_month_shown_as_at_mid_month_says_what_it_turned_to_by_its_end():
    """Kestrel's strip read "15 Jan 2027: Steady" beside "It was due before 21 Jan 2027, when the
    account turned at risk" (a check of a twentieth blind read's fixes)."""
    from playbook.model import STAGE_LABELS
    from playbook.site.svg import journey
    strip = journey([(date(2026, 12, 31), "growing", None), (date(2027, 1, 15), "steady", "at-risk"),
                     (date(2027, 2, 8), "at-risk", None)], STAGE_LABELS)
    assert [c.title for c in strip.cells] == ["31 Dec 2026: Growing", "15 Jan 2027: Steady (at risk by 31 Jan)",
                                              "8 Feb 2027: At risk"]
