"""`holidays:` in playbook.yaml: the days the team does not work, so no action falls due on one.

A list whose items are single dates (`- 2026-12-25`) or ranges (`- {from: 2026-12-24, to:
2027-01-01}`, both days included). Each range spans at most a year, so moving a due date off
the holidays stays a short walk.
"""

from __future__ import annotations

from datetime import date

from .fields import Fields, parse_date
from .problems import Problem, error
from .yamlio import Map, Node, Scalar, kind_name

#: The longest range one holiday entry may span.
MAX_RANGE_DAYS = 366


def parse_holidays(items: tuple[Node, ...], path: str, problems: list[Problem]) -> tuple[tuple[date, date], ...]:
    """(first day, last day) per entry, in file order; every mistake is a path:line problem."""
    out: list[tuple[date, date]] = []
    for item in items:
        if isinstance(item, Scalar):
            d = parse_date(item, path, problems, "holidays") if not item.is_null else None
            if d is not None:
                out.append((d, d))
            continue
        if not isinstance(item, Map):
            problems.append(error(path, item.line, item.column,
                                  f"each holiday should be a date or 'from: …, to: …', not {kind_name(item)}"))
            continue
        f = Fields(item, path, problems, "a holiday range")
        f.reject_unknown(("from", "to"))
        first, last = f.date("from"), f.date("to")
        if f.raw("from") is None or f.raw("to") is None:
            problems.append(error(path, item.line, item.column, "a holiday range needs both 'from' and 'to'"))
            continue
        if first is None or last is None:
            continue
        if last < first:
            problems.append(error(path, item.line, item.column,
                                  f"the holiday range ends ({last.isoformat()}) before it starts ({first.isoformat()})"))
        elif (last - first).days >= MAX_RANGE_DAYS:
            problems.append(error(path, item.line, item.column,
                                  f"a holiday range can span at most {MAX_RANGE_DAYS} days; split it up"))
        else:
            out.append((first, last))
    return tuple(out)
