"""Problems are values: every loader and validator returns them instead of raising.

`check`, `build` and `serve` share one list of problems and one formatter, so a fault
reads the same wherever it shows up.
"""

from __future__ import annotations

import difflib
import errno
import re
from typing import Iterable, Literal

from .records import Record

Severity = Literal["error", "warning"]


class Problem(Record):
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

    def sort_key(self) -> tuple[str, int, int, str, str]:
        # Total: the order never falls back on a set's, which follows the records' hashes.
        return (self.path, self.line, self.column, self.message, self.severity)


class UsageError(Exception):
    """Wrong command-line arguments (not a fault in the content): the CLI exits 2 with the message."""


#: The longest message kept whole: one quoting a value someone pasted (a 1.5 MB `status:`)
#: repeated all of it on one line (a fuzzing session). Its start and its end (what to do) stay.
MAX_MESSAGE = 600


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:400]}… ({len(message) - 600:,} characters left out) …{message[-200:]}"


def error(path: str, line: int, column: int, message: str) -> Problem:
    return Problem(path, line, column, "error", _bounded(message))


def warning(path: str, line: int, column: int, message: str) -> Problem:
    return Problem(path, line, column, "warning", _bounded(message))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A short hint naming the closest allowed value, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices: Iterable[str]) -> str:
    return ", ".join(f"'{c}'" for c in choices)


#: Characters that would start a new line or steer a terminal: C0 and C1 controls (tab
#: aside) and Unicode's line and paragraph separators; and the bytes of a file name that is no
#: UTF-8 (kept by Python as lone surrogates, they went to the terminal raw).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def has_controls(text: str) -> bool:
    """Whether `text` holds what `escape_controls` escapes."""
    return _CONTROL.search(text) is not None


def escape_controls(text: str) -> str:
    """`text` on one line, control characters written as escapes ('\\n', '\\x1b'): a folder
    name or a YAML value holding a newline must not forge a second output line (in CI
    logs, a line starting '::error' is a command), nor an escape code recolour a terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def escape_lines(text: str) -> str:
    """`escape_controls` on each line of `text`: a listing keeps its lines, and what people
    wrote in it steers no terminal (a customer named with an escape that set the window's
    title, cleared the screen or wrote to the clipboard: a probe)."""
    return "\n".join(map(escape_controls, text.split("\n")))


def format_plain(p: Problem) -> str:
    # Always path:line:column, so editors and CI log parsers can jump to it; a problem
    # about a whole file points at its start.
    return (f"{escape_controls(p.path)}:{max(p.line, 1)}:{max(p.column, 1)}: {p.severity}: "
            f"{escape_controls(p.message)}")


def _gh_escape(text: str, prop: bool = False) -> str:
    # GitHub's workflow-command escaping; properties also escape ':' and ','.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(p: Problem) -> str:
    # GitHub's escapes first (a newline becomes %0A, shown as a line break in the annotation),
    # then any other control character as text.
    props = [f"file={escape_controls(_gh_escape(p.path, True))}"]
    if p.line:
        props.append(f"line={p.line}")
    if p.column:
        props.append(f"col={p.column}")
    return f"::{p.severity} {','.join(props)}::{escape_controls(_gh_escape(p.message))}"


def describe_os_error(exc: OSError) -> str:
    """What went wrong with the machine (not the content), with the path, in words: the
    CLI prints it as 'playbook: …' and exits 2."""
    where = exc.filename or "a file"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"the disk is full{f' (writing {exc.filename})' if exc.filename else ''}; free some space and run it again"
    if exc.errno == errno.EROFS:
        return f"{where} is on a read-only file system; write somewhere else (for a build: --out)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied for {where}; make it writable (chmod) or write somewhere else"
    if exc.errno in (errno.EBUSY, errno.EXDEV):
        return (f"cannot replace {where}: it is a mount point or on another disk; build into a folder "
                f"inside it, such as --out {where}/site")
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"{where}: a file is in the way where a folder is needed; move it or write somewhere else"
    return f"{where}: {exc.strerror or exc}"


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


def counted(count: int, word: str) -> str:
    """'1 customer', '1,000 customers': what the commands report ("Built 1 customers" read wrong)."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"
