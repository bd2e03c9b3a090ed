"""Problems are values: every loader and validator returns them instead of raising.

`check`, `build` and `serve` share one list of problems and one formatter, so a fault
reads the same wherever it shows up.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Literal
from .records import fast_pickling

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One fault in the content, located in the file a person edits."""

    path: str
    """Path relative to the playbook root, with forward slashes."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    column: int
    """1-based column; 0 when unknown."""
    severity: Severity
    """`error` stops a build; `warning` is reported and the build goes on."""
    message: str
    """What is wrong and what to do about it, in words a non-programmer follows."""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.message)


class UsageError(Exception):
    """Wrong command-line arguments (not a fault in the content): the CLI exits 2 with the message."""


def error(path: str, line: int, column: int, message: str) -> Problem:
    return Problem(path, line, column, "error", message)


def warning(path: str, line: int, column: int, message: str) -> Problem:
    return Problem(path, line, column, "warning", message)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A short hint naming the closest allowed value, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices: Iterable[str]) -> str:
    return ", ".join(f"'{c}'" for c in choices)


def format_plain(p: Problem) -> str:
    # Always path:line:column, so editors and CI log parsers can jump to it; a problem
    # about a whole file points at its start.
    return f"{p.path}:{max(p.line, 1)}:{max(p.column, 1)}: {p.severity}: {p.message}"


def _gh_escape(text: str, prop: bool = False) -> str:
    # GitHub's workflow-command escaping; properties also escape ':' and ','.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(p: Problem) -> str:
    props = [f"file={_gh_escape(p.path, True)}"]
    if p.line:
        props.append(f"line={p.line}")
    if p.column:
        props.append(f"col={p.column}")
    return f"::{p.severity} {','.join(props)}::{_gh_escape(p.message)}"


def summary(problems: list[Problem], files: int) -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"
    if not problems:
        return f"No problems in {n(files, 'file')}."
    return f"{n(errors, 'error')}, {n(warnings, 'warning')} in {n(files, 'file')} checked."


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=Problem.sort_key)


fast_pickling(globals())
