"""`playbook log`: a new interaction file for a customer, and `--edit` to open it in an editor.

What is about to be written is first parsed with the project's own loader, so a file this
module writes always loads back with the values it was given. Nothing here reads the clock
or the environment: `today`, the author and the editor are passed in by the command line.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Sequence

from ..config import load_config
from ..limits import MAX_NOTE_BYTES
from ..load import CUSTOMERS_DIR, parse_interaction, read_text
from ..model import DIRECTIONS, INTERACTION_TYPES, SENTIMENT_LABELS, SENTIMENT_WORDS, Contact
from ..problems import Problem, did_you_mean, one_of
from .customers import CustomerRef, customer_model, fold, match_customer
from .errors import CaptureError, InvalidArgument
from .files import Written, create_numbered, within_root
from .yamlemit import one_line, yaml_value


def _check_choice(flag: str, value: str, allowed: Sequence[str]) -> str:
    word = value.strip().lower()
    if word not in allowed:
        raise InvalidArgument(f"{flag} '{value}' is not known{did_you_mean(word, allowed)}; "
                              f"use one of {one_of(allowed)}")
    return word


def _sentiment_word(value: str) -> str:
    word = re.sub(r"[\s_-]+", " ", value.strip().lower())
    if word in SENTIMENT_WORDS:
        return word
    if re.fullmatch(r"[+-]?[0-2]", value.strip()):
        return SENTIMENT_LABELS[int(value.strip())]
    raise InvalidArgument(f"--sentiment '{value}' is not known{did_you_mean(word, list(SENTIMENT_WORDS))}; "
                          "use -2..2 or one of " + one_of(SENTIMENT_WORDS))


def _resolve_contact(name: str, contacts: Sequence[Contact]) -> str | None:
    """The contact's full name for a full name or a unique first name (as the loader resolves)."""
    key = fold(name)
    full = [c.name for c in contacts if fold(c.name) == key]
    if len(full) == 1:
        return full[0]
    firsts = [c.name for c in contacts if c.name.split() and fold(c.name.split()[0]) == key]
    return firsts[0] if len(firsts) == 1 else None


def _words_stem(text: str, max_words: int = 6, max_len: int = 48) -> str:
    text = re.sub(r"['\u2019]", "", text)  # "she's" → shes, not she-s
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)[:max_words]
    stem = ""
    for w in words:
        if stem and len(stem) + 1 + len(w) > max_len:
            break
        stem = f"{stem}-{w}" if stem else w[:max_len]
    return stem


def interaction_text(day: date, itype: str, body: str, *, with_: Sequence[str] = (), by: str | None = None,
                     sentiment: str | None = None, direction: str | None = None,
                     summary: str | None = None) -> str:
    """The text of an interaction file: front matter with the fields given, then the notes."""
    lines = ["---", f"date: {day.isoformat()}", f"type: {itype}"]
    if with_:
        lines.append(f"with: {yaml_value(with_[0]) if len(with_) == 1 else yaml_value(list(with_))}")
    if by:
        lines.append(f"by: {yaml_value(by)}")
    if sentiment:
        lines.append(f"sentiment: {sentiment}")
    if direction:
        lines.append(f"direction: {direction}")
    if summary:
        lines.append(f"summary: {yaml_value(summary)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def log(root: Path, customer: str, text: str, *, today: date, day: date | None = None,
        type: str | None = None, with_: Sequence[str] = (), by: str | None = None,
        sentiment: str | None = None, direction: str | None = None,
        summary: str | None = None) -> Written:
    """Write a new interaction for `customer` and return its path."""
    # Validate every argument before touching the disk.
    itype = _check_choice("--type", type, INTERACTION_TYPES) if type is not None else "note"
    sent = _sentiment_word(sentiment) if sentiment is not None else None
    direc = None
    if direction is not None:
        direc = {"inbound": "in", "outbound": "out"}.get(direction.strip().lower(), direction)
        direc = _check_choice("--direction", direc, DIRECTIONS)
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    if "\x00" in body:
        raise InvalidArgument("the note contains NUL bytes; give plain text")
    body = body + "\n" if body else ""
    if summary is not None:
        summary = one_line(summary) or None
    by = one_line(by) if by else None
    names = [n for n in (one_line(w) for w in with_) if n]
    day = day or today
    ref = match_customer(root, customer)
    config, _ = load_config(root)
    model = customer_model(root, ref, config)
    warnings: list[str] = []
    if model is None:
        warnings.append(f"{ref.slug}/customer.yaml has errors, so 'with' names were not checked; "
                        "run 'playbook check'")
    else:
        names = [_resolve_contact(n, model.contacts) or n for n in names]
    names = list(dict.fromkeys(names))
    if day > today:
        warnings.append(f"the date {day.isoformat()} is in the future; analysis ignores it until then")
    elif config.as_of and day > config.as_of:
        warnings.append(f"playbook.yaml pins as_of: {config.as_of.isoformat()}; the analysis ignores this "
                        "interaction until as_of is moved on or removed")
    stem = itype if type is not None else (_words_stem(body) or _words_stem(summary or "") or itype)
    folder = ref.folder / "interactions"
    filename = f"{day.isoformat()}-{stem}.md"
    rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{filename}"
    content = interaction_text(day, itype, body, with_=names, by=by, sentiment=sent, direction=direc,
                               summary=summary)
    data = content.encode("utf-8")
    if len(data) > MAX_NOTE_BYTES:
        raise InvalidArgument(f"the note is {len(data):,} bytes; Playbook reads notes up to {MAX_NOTE_BYTES:,}")
    # Read it back with the loader itself before writing: what we write must load as given.
    problems: list[Problem] = []
    contacts = model.contacts if model is not None else None
    it = parse_interaction(content, filename, rel, contacts, config, problems)
    errors = [p for p in problems if p.severity == "error"]
    if it is None or errors:  # a bug in this module, never a user's fault
        raise CaptureError("refusing to write an interaction the loader would reject: "
                           + "; ".join(p.message for p in errors))
    warnings += [p.message for p in problems if p.severity == "warning"]
    within_root(ref.folder, root)
    folder.mkdir(exist_ok=True)
    within_root(folder, root)
    path = create_numbered(folder / filename, data, root)
    return Written(path, tuple(warnings))


def editor_command(editor: str | None) -> list[str]:
    """The editor command line, checked before anything is written."""
    if not editor or not editor.strip():
        raise InvalidArgument("--edit needs an editor: set $VISUAL or $EDITOR (e.g. export EDITOR=nano)")
    try:
        argv = shlex.split(editor)
    except ValueError as exc:
        raise InvalidArgument(f"cannot read the editor command '{editor}': {exc}") from None
    if not argv or shutil.which(argv[0]) is None:
        raise InvalidArgument(f"editor '{editor}' not found; set $VISUAL or $EDITOR to an installed editor")
    return argv


@dataclass(frozen=True, slots=True)
class Edited:
    """The outcome of editing a freshly logged interaction."""

    status: int
    """The editor's exit status."""
    kept: bool
    """False when the file was removed because the editor left an empty note untouched."""
    problems: tuple[Problem, ...] = ()
    """What the loader says about the file as saved."""


def edit_new(argv: Sequence[str], path: Path, root: Path, discard_if_unchanged: bool) -> Edited:
    """Open a just-written interaction in the editor. An empty note saved unchanged is removed
    (like an empty commit message); whatever else is saved is checked with the loader."""
    real = within_root(path, root)
    before = real.read_bytes()
    status = subprocess.run([*argv, str(real)]).returncode
    if not real.exists():
        return Edited(status, False)
    after = real.read_bytes()
    if discard_if_unchanged and after == before:
        real.unlink()
        return Edited(status, False)
    rel = real.relative_to(root.resolve()).as_posix()
    problems: list[Problem] = []
    text = read_text(real, rel, problems)
    if text is not None:
        slug = real.parent.parent.name
        config, _ = load_config(root)
        ref = CustomerRef(slug, slug, real.parent.parent)
        model = customer_model(root, ref, config)
        parse_interaction(text, real.name, rel, model.contacts if model else None, config, problems)
    return Edited(status, True, tuple(problems))
