"""A contact's part in the relationship, as written in customer.yaml: how they like to be
reached, their role in the decision, whether they have left, and whether to keep in touch.

Kept apart from load.py's contact fields so the loader only adds the keys and the call.
"""

from __future__ import annotations

from typing import Any

from .fields import Fields, parse_cadence, parse_choice
from .model import CHANNELS, DECISION_ROLES
from .problems import Problem, error
from .yamlio import Scalar

PERSON_KEYS = ("prefers", "avoid", "decision", "left", "now", "keep_in_touch")
#: Other ways people write a role in the decision.
DECISION_ALIASES = {"signs off": "decision maker", "decision-maker": "decision maker", "decider": "decision maker",
                    "budget": "budget holder", "budget-holder": "budget holder", "sponsor": "champion"}
CHANNEL_ALIASES = {"phone": "call", "text": "message", "sms": "message", "mail": "email", "e-mail": "email",
                   "in person": "visit", "meeting": "visit"}
#: `keep_in_touch: true` means a personal check-in about every quarter.
KEEP_IN_TOUCH_DAYS = 90


def person_fields(f: Fields, path: str, problems: list[Problem]) -> dict[str, Any]:
    """The contact's part as keyword arguments for model.Contact; each mistake a path:line problem."""
    out: dict[str, Any] = {}
    node = f.scalar("prefers", "one word: email, call, visit or message")
    prefers = parse_choice(node, path, problems, "channel", CHANNELS, CHANNEL_ALIASES) if node is not None else None
    if prefers:
        out["prefers"] = prefers
    for key in ("avoid", "now"):
        text = f.text(key)
        if text:
            out[key] = text
    roles = []
    for node in f.text_list("decision"):
        role = parse_choice(node, path, problems, "decision role", DECISION_ROLES, DECISION_ALIASES)
        if role and role not in roles:
            roles.append(role)
    if roles:
        out["decision"] = tuple(roles)
    left = f.date("left")
    if left:
        out["left"] = left
    node = f.scalar("keep_in_touch", "true, false or a cadence like 3m")
    if node is not None:
        days = _keep(node, path, problems)
        if days:
            out["keep_in_touch"] = days
    return out


def _keep(node: Scalar, path: str, problems: list[Problem]) -> int | None:
    word = node.text.strip().lower()
    if word in ("true", "yes", "on", "y"):
        return KEEP_IN_TOUCH_DAYS
    if word in ("false", "no", "off", "n", ""):
        return None
    if word[:1].isdigit():
        return parse_cadence(node, path, problems, "keep_in_touch")
    problems.append(error(path, node.line, node.column,
                          f"'keep_in_touch' should be true, false or a cadence like 3m, not '{node.text.strip()}'"))
    return None
