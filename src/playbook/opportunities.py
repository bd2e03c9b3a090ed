"""`opportunities:` in customer.yaml: more business with the customer, open, won or lost."""

from __future__ import annotations

from .fields import Fields
from .model import OPPORTUNITY_STATUSES, Opportunity, Source
from .problems import Problem, error
from .yamlio import Map, Node, Scalar

OPPORTUNITY_KEYS = ("what", "value", "since", "status", "closed")


def parse_opportunities(items: tuple[Node, ...], path: str, problems: list[Problem]) -> tuple[Opportunity, ...]:
    out = []
    for node in items:
        if isinstance(node, Scalar):
            if node.text.strip():
                out.append(Opportunity(node.text.strip(), None, None, "open", None, Source(path, node.line)))
            continue
        if not isinstance(node, Map):
            problems.append(error(path, node.line, node.column, "each opportunity should have 'what: …'"))
            continue
        f = Fields(node, path, problems, "an opportunity")
        f.reject_unknown(OPPORTUNITY_KEYS)
        what = f.text("what", required=True)
        status = f.choice("status", OPPORTUNITY_STATUSES) or "open"
        closed = f.date("closed")
        if closed is not None and status == "open":
            problems.append(error(path, f.line_of("closed"), 0, "'closed' is for won or lost opportunities: "
                                                                "add 'status: won' (or lost) or remove 'closed'"))
            closed = None
        if what:
            out.append(Opportunity(what, f.number("value"), f.date("since"), status, closed, Source(path, node.line)))
    return tuple(out)
