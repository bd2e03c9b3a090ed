"""`playbook opportunity`: more business with a customer, written into customer.yaml's
`opportunities:` from the command line, and marked won or lost there."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from ..config import load_config
from ..engine.words import fmt_date
from ..model import Opportunity
from ..records import Record
from .customers import CustomerRef, customer_model, match_customer
from .errors import CaptureError, InvalidArgument
from .profile import add_opportunity, decide_opportunity, edit_profile
from .yamlemit import one_line


def parse_value(text: str) -> tuple[float, str]:
    """A value as the loader reads it ('40000', '40,000', '40_000.50'), and as it is written."""
    plain = text.strip().replace(",", "").replace("_", "")
    try:
        value = float(plain)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InvalidArgument(f"--value '{text}' is not an amount; write a number like 40000 or 40,000")
    return value, (str(int(value)) if value.is_integer() else repr(value))


class Deal(Record):
    """An opportunity the command wrote or changed."""

    what: str
    rel: str
    """customer.yaml, relative to the playbook root."""
    status: str
    already: bool = False
    """It was decided before: nothing was written."""


def opportunities(root: Path, customer: str) -> tuple[CustomerRef, list[Opportunity]]:
    """The customer and its opportunities as the loader reads them (open ones first)."""
    ref = match_customer(root, customer)
    config, _ = load_config(root)
    model = customer_model(root, ref, config)
    if model is None:
        raise CaptureError(f"{ref.slug}/customer.yaml has errors; fix them (see 'playbook check') and try again")
    return ref, sorted(model.opportunities, key=lambda o: o.status != "open")


def listing(ref: CustomerRef, opps: list[Opportunity], currency: str = "") -> str:
    """Every opportunity, the open ones numbered as `opportunity CUSTOMER N --won` takes them."""
    if not opps:
        return (f"{ref.name} has no opportunities yet; add one with: "
                f"playbook opportunity {ref.slug} \"Second site\" --value 40000")
    lines = []
    for n, o in enumerate(opps, 1):
        worth = f", {currency}{o.value:,.0f}" if o.value is not None else ""
        when = (f", since {fmt_date(o.since)}" if o.status == "open" and o.since else
                f", {o.status} {fmt_date(o.decided_on())}" if o.decided_on() else "")
        mark = f"{n:>3}." if o.status == "open" else f"  ({o.status})"
        lines += [f"{mark} {o.what}{worth}{when}", f"     {o.source}"]
    return "\n".join(lines)


def add(root: Path, customer: str, what: str, *, today: date, value: str | None = None,
        since: date | None = None) -> Deal:
    """Add an open opportunity to the customer's customer.yaml (since today by default)."""
    what = one_line(what)
    if not what:
        raise InvalidArgument("say what the opportunity is, e.g. playbook opportunity acme \"Second site\"")
    amount, written = parse_value(value) if value is not None else (None, None)
    ref = match_customer(root, customer)
    config, _ = load_config(root)
    profile = edit_profile(root, ref, config, [add_opportunity(what, amount, since or today, written)])
    return Deal(what, profile.rel, "open")


def decide(root: Path, customer: str, choice: str, status: str, *, closed: date) -> Deal:
    """Mark the open opportunity `choice` names (its number in `listing`, or part of its
    text) won or lost on `closed`. One decided already says so and is left alone."""
    ref, opps = opportunities(root, customer)
    open_ = [o for o in opps if o.status == "open"]
    key = " ".join(choice.split()).casefold()
    if key.isdigit() and 1 <= int(key) <= len(open_):
        hit = open_[int(key) - 1]
    elif key.isdigit() and open_:
        raise CaptureError(f"there is no open opportunity number {key}:\n{listing(ref, opps)}")
    else:
        hits = [o for o in opps if key and key in " ".join(o.what.split()).casefold()]
        open_hits = [o for o in hits if o.status == "open"]
        if len(open_hits) > 1:
            raise CaptureError(f"'{choice}' matches {len(open_hits)} open opportunities of {ref.name}; give more "
                               f"of the text or the number:\n{listing(ref, opps)}")
        if not open_hits:
            if hits:
                return Deal(hits[0].what, hits[0].source.path, hits[0].status, already=True)
            raise CaptureError(f"no open opportunity of {ref.name} is '{choice}':\n{listing(ref, opps)}")
        hit = open_hits[0]
    if hit.since and closed < hit.since:
        raise InvalidArgument(f"'{hit.what}' came up on {hit.since.isoformat()}; give a --date on or after that")
    config, _ = load_config(root)
    profile = edit_profile(root, ref, config, [decide_opportunity(hit, status, closed)])
    return Deal(hit.what, profile.rel, status)
