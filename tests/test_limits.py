"""The engine never leaves the calendar for any input the loader accepts (issue 12: `since:
9999-12-31` or `single_thread_days: 99999999` passed check, then build raised 'year 10000 is
out of range'). Dates anywhere in limits' range, thresholds up to their bounds."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

from engine_factory import AS_OF, Ask, Birthday, Source, contact, customer, promise, touch
from playbook.config import Config, Thresholds
from playbook.engine import analyse
from playbook.limits import EARLIEST, LATEST, MAX_MULTIPLE, MAX_THRESHOLD_DAYS

dates = st.dates(EARLIEST, LATEST) | st.sampled_from([EARLIEST, LATEST])
days = st.integers(1, MAX_THRESHOLD_DAYS) | st.just(MAX_THRESHOLD_DAYS)
multiples = st.floats(0.1, MAX_MULTIPLE) | st.just(float(MAX_MULTIPLE))
thresholds = st.builds(
    Thresholds, dormant_days=days, dormant_cadence_multiple=multiples, negative_window_days=days,
    overdue_days=days, silence_cadence_multiple=multiples, establishing_days=days, growth_window_days=days,
    renewal_days=days, personal_days=days, repair_days=days, single_thread_days=days,
    growth_touches_multiple=multiples, cold_cadence_multiple=multiples, cold_usual_multiple=multiples)


def dated(day: date, due: date | None, sentiment: int | None, who: str):
    """A touch on `day` (touch() counts days back from AS_OF) holding one promise."""
    return touch((AS_OF - day).days, sentiment, with_=(who,), commitments=(promise("Send the plan", due),))


@settings(max_examples=150, deadline=None)
@given(as_of=dates, t=thresholds, since=st.none() | dates, renewal=st.none() | dates,
       born=st.integers(EARLIEST.year, LATEST.year), cadence=st.integers(1, 3650),
       items=st.lists(st.tuples(dates, st.none() | dates, st.none() | st.integers(-2, 2),
                                st.sampled_from(["Ann Lee", "Bo Chan"])), max_size=6),
       asked=st.lists(dates, max_size=2))
def test_analyse_stays_in_the_calendar(as_of, t, since, renewal, born, cadence, items, asked) -> None:
    c = customer(*(dated(*i) for i in items), since=since, renewal=renewal, cadence=cadence,
                 contacts=(contact("Ann Lee", "CEO", Birthday(2, 29, born), primary=True), contact("Bo Chan")),
                 asks=tuple(Ask(f"Question {k}", a, False, Source("c.yaml", k + 1)) for k, a in enumerate(asked)))
    r = analyse(c, Config(thresholds=t), as_of)
    assert len(r.stage_history) == 12 and r.stage.reasons  # analysed to the end, no OverflowError
