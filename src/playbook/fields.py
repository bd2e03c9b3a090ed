"""Typed reading of YAML fields, collecting problems instead of raising.

Each field is read as the type it needs from the text the person wrote, so YAML 1.1's
guesses never leak in: a `name: No` stays "No", a `phone: 0612` stays "0612".
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Iterable

from .limits import DATE_RANGE, in_range
from .problems import Problem, did_you_mean, error, one_of, warning
from .yamlio import Map, Node, Scalar, Seq, kind_name

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.+\-Z ]*)?$")
# Matched against the stripped text: "^\s*(\d+)\s*([dwmy]?)\s*$" backtracked between its last
# two \s* runs, quadratic in the spaces (40,000 took 16 s).
_CADENCE = re.compile(r"(\d+)\s*([dwmy]?)", re.I)
MAX_CADENCE_DAYS = 3650
#: The largest `value` read: a trillion a year is more than any one customer is worth.
MAX_AMOUNT = 10 ** 12
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


class Fields:
    """Reads fields from one mapping; remembers which keys were used."""

    def __init__(self, node: Map, path: str, problems: list[Problem], what: str):
        self.node = node
        self.path = path
        self.problems = problems
        self.what = what
        self._seen: set[str] = set()

    # -- helpers -------------------------------------------------------------
    def err(self, at: Node | Map, message: str) -> None:
        self.problems.append(error(self.path, at.line, at.column, message))

    def warn(self, at: Node | Map, message: str) -> None:
        self.problems.append(warning(self.path, at.line, at.column, message))

    def raw(self, key: str) -> Node | None:
        self._seen.add(key)
        node = self.node.items.get(key)
        if isinstance(node, Scalar) and node.is_null:
            return None
        return node

    def line_of(self, key: str) -> int:
        k = self.node.keys.get(key)
        return k.line if k else self.node.line

    def scalar(self, key: str, expected: str) -> Scalar | None:
        node = self.raw(key)
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self.err(node, f"'{key}' should be {expected}, not {kind_name(node)}")
            return None
        return node

    # -- typed fields --------------------------------------------------------
    def text(self, key: str, required: bool = False) -> str | None:
        node = self.scalar(key, "text")
        if node is None:
            # A list or mapping given here was reported by scalar(); don't also call it missing.
            if required and not isinstance(self.node.items.get(key), (Seq, Map)):
                self.problems.append(error(
                    self.path, self.node.line, self.node.column,
                    f"{self.what} has no '{key}'; add a line like '{key}: ...'",
                ))
            return None
        value = node.text.strip()
        if required and not value:
            self.err(node, f"'{key}' is empty; write the {key}")
            return None
        return value

    def text_list(self, key: str) -> tuple[Scalar, ...]:
        """A list of texts; a single text is accepted as a list of one."""
        node = self.raw(key)
        if node is None:
            return ()
        if isinstance(node, Scalar):
            return (node,) if node.text.strip() else ()
        if isinstance(node, Map):
            self.err(node, f"'{key}' should be a list like [a, b], not {kind_name(node)}")
            return ()
        out = []
        for item in node.items:
            if isinstance(item, Scalar) and not item.is_null:
                if item.text.strip():
                    out.append(item)
                else:  # `owner: [maya, '']` made a page for nobody, and the build failed on it
                    self.warn(item, f"an empty entry in '{key}' is left out; remove it")
            elif not isinstance(item, Scalar):
                self.err(item, f"each entry of '{key}' should be text, not {kind_name(item)}")
        return tuple(out)

    def date(self, key: str) -> date | None:
        node = self.scalar(key, "a date like 2026-11-20")
        return parse_date(node, self.path, self.problems, key) if node else None

    def number(self, key: str) -> float | None:
        """An amount of money (a customer's or an opportunity's `value`): 0 up to MAX_AMOUNT.
        A negative one counted as growth, and 1.7e308 three times read "GBP inf" at risk on the
        home page (a fuzzing session)."""
        node = self.scalar(key, "a number")
        if node is None:
            return None
        text = node.text.replace(",", "").replace("_", "").strip()
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value):
            self.err(node, f"'{key}' should be a number like 12000, not '{node.text}'")
            return None
        if not 0 <= value <= MAX_AMOUNT:
            self.err(node, f"'{key}' should be an amount from 0 to {MAX_AMOUNT:,}, not '{node.text}'")
            return None
        return value

    def integer(self, key: str, lo: int | None = None, hi: int | None = None) -> int | None:
        node = self.scalar(key, "a whole number")
        return parse_int(node, self.path, self.problems, key, lo, hi) if node else None

    def boolean(self, key: str) -> bool | None:
        node = self.scalar(key, "true or false")
        if node is None:
            return None
        low = node.text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        self.err(node, f"'{key}' should be true or false, not '{node.text}'")
        return None

    def choice(self, key: str, allowed: Iterable[str], aliases: dict[str, str] | None = None) -> str | None:
        node = self.scalar(key, "one word")
        if node is None:
            return None
        return parse_choice(node, self.path, self.problems, key, allowed, aliases)

    def cadence(self, key: str) -> int | None:
        node = self.scalar(key, "a number of days like 14, '14d', '2w' or '1m'")
        return parse_cadence(node, self.path, self.problems, key) if node else None

    def mapping(self, key: str) -> Map | None:
        node = self.raw(key)
        if node is None:
            return None
        if not isinstance(node, Map):
            self.err(node, f"'{key}' should be a mapping (key: value lines), not {kind_name(node)}")
            return None
        return node

    def sequence(self, key: str) -> tuple[Node, ...]:
        node = self.raw(key)
        if node is None:
            return ()
        if not isinstance(node, Seq):
            self.err(node, f"'{key}' should be a list (lines starting with '- '), not {kind_name(node)}")
            return ()
        return node.items

    def reject_unknown(self, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key, k in self.node.keys.items():
            if key not in allowed:
                self.problems.append(error(
                    self.path, k.line, k.column,
                    f"unknown field '{key}' in {self.what}{did_you_mean(key, allowed)}; "
                    f"expected one of {one_of(allowed)}",
                ))


def parse_date(node: Scalar, path: str, problems: list[Problem], key: str) -> date | None:
    m = _DATE.match(node.text.strip())
    if not m:
        problems.append(error(path, node.line, node.column,
                              f"'{key}' should be a date written YYYY-MM-DD, not '{node.text}'"))
        return None
    y, mo, d = (int(g) for g in m.groups())
    try:
        day = date(y, mo, d)
    except ValueError as exc:
        problems.append(error(path, node.line, node.column,
                              f"'{key}: {node.text.strip()}' is not a real date ({exc}); check the day and month"))
        return None
    if not in_range(day):
        problems.append(error(path, node.line, node.column,
                              f"'{key}: {node.text.strip()}' is out of range; Playbook reads dates {DATE_RANGE} "
                              "(check the year)"))
        return None
    return day


def parse_int(node: Scalar, path: str, problems: list[Problem], key: str,
              lo: int | None = None, hi: int | None = None) -> int | None:
    text = node.text.strip()
    try:
        # (Python refuses a number of over 4,300 digits: no bound here is near that.)
        value = int(text) if len(text) <= 40 else None
    except ValueError:
        value = None
    if value is None:
        shown = text if len(text) <= 40 else text[:20] + "…"
        problems.append(error(path, node.line, node.column, f"'{key}' should be a whole number"
                              + (f" between {lo} and {hi}" if lo is not None and hi is not None else "")
                              + f", not '{shown}'"))
        return None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        problems.append(error(path, node.line, node.column,
                              f"'{key}' should be between {lo} and {hi}, not {value}"))
        return None
    return value


def parse_choice(node: Scalar, path: str, problems: list[Problem], key: str,
                 allowed: Iterable[str], aliases: dict[str, str] | None = None) -> str | None:
    allowed = list(allowed)
    word = node.text.strip().lower()
    if aliases and word in aliases:
        return aliases[word]
    if word in allowed:
        return word
    problems.append(error(path, node.line, node.column,
                          f"unknown {key} '{node.text}'{did_you_mean(word, allowed)}; use one of {one_of(allowed)}"))
    return None


def parse_cadence(node: Scalar, path: str, problems: list[Problem], key: str) -> int | None:
    m = _CADENCE.fullmatch(node.text.strip())
    if not m or not m.group(1).strip("0"):
        problems.append(error(path, node.line, node.column,
                              f"'{key}' should be a number of days like 14, '14d', '2w' or '1m', not '{node.text}'"))
        return None
    # Read only when short enough to be a cadence at all: Python refuses to read a number of
    # over 4,300 digits (a ValueError that was a traceback, and ended `serve`).
    digits, unit = m.group(1).lstrip("0"), m.group(2).lower()
    days = int(digits) * {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}[unit] if len(digits) <= 9 else None
    if days is None or days > MAX_CADENCE_DAYS:
        size = f"{days:,} days" if days is not None else f"a number of {len(digits):,} digits"
        shown = node.text.strip() if len(node.text.strip()) <= 40 else node.text.strip()[:20] + "…"
        problems.append(error(path, node.line, node.column,
                              f"'{key}: {shown}' is {size}; a cadence can be at most "
                              f"{MAX_CADENCE_DAYS} days (10 years)"))
        return None
    return days
