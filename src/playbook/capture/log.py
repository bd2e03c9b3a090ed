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
from datetime import date
from pathlib import Path
from typing import Sequence

from ..config import Config, load_config
from ..limits import MAX_NOTE_BYTES
from ..load import parse_interaction, read_text
from ..folders import CUSTOMERS_DIR
from ..model import DIRECTIONS, INTERACTION_TYPES, SENTIMENT_LABELS, SENTIMENT_WORDS, Contact
from ..problems import Problem, did_you_mean, one_of
from ..records import Record
from .customers import CustomerRef, customer_model, fold, match_customer
from .errors import CaptureError, InvalidArgument
from .files import create_numbered, within_root
from .profile import add_ask, add_contact, edit_profile, new_contact
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


def words_stem(text: str, max_words: int = 6, max_len: int = 48) -> str:
    """A file name's words from `text`: lower-case ASCII words joined by '-' ('' when none)."""
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
                     summary: str | None = None, hints: Sequence[str] = (), message_id: str | None = None) -> str:
    """The text of an interaction file: front matter with the fields given, then the notes.
    `hints`: commented lines for the fields left out, for a note opened in an editor;
    `message_id`: the email it was taken from (see `mail`)."""
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
    if message_id:
        lines.append(f"message_id: {yaml_value(message_id)}")
    lines += hints
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def edit_hints(*, with_: bool, by: bool, sentiment: bool, direction: bool, summary: bool,
               contacts: Sequence[str], team: Sequence[str]) -> list[str]:
    """Commented front matter for the fields not given, each with the values it takes: an
    editor opened on the note shows what can be written, and a hint left as it is, is removed
    when the editor closes (see `drop_hints`)."""
    def shown(names: Sequence[str]) -> str:
        return ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    out = ["# Uncomment ('# ' off) and fill in the fields you want; the notes go below the last '---'."]
    if not with_:
        out.append(f"# with: [{contacts[0] if contacts else 'Name'}]   # who took part"
                   + (f": {shown(contacts)}" if contacts else ""))
    if not by:
        out.append(f"# by: {team[0] if team else 'handle'}   # who on the team" + (f": {shown(team)}" if team else ""))
    if not sentiment:
        out.append("# sentiment: positive   # very negative, negative, neutral, positive, very positive")
    if not direction:
        out.append("# direction: out   # in: they reached out; out: we did")
    if not summary:
        out.append('# summary: "One line"   # default: the first sentence of the notes')
    out.append("# Promises are task items in the notes: - [ ] Send the quote (due 2026-12-01)")
    return out


def drop_hints(text: str, hints: Sequence[str]) -> str:
    """`text` without the hint lines still as they were written, in the front matter only;
    every other line, and its line ending, kept."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        return text
    wanted = set(hints)
    out = [lines[0]]
    for k, line in enumerate(lines[1:], 1):
        bare = line.rstrip("\r\n")
        if bare == "---":
            return "".join(out + lines[k:])
        if bare not in wanted:
            out.append(line)
    return text  # no closing '---': leave it for the loader to report


class Logged(Record):
    """What `log` wrote."""

    path: Path
    """The new interaction file."""
    warnings: tuple[str, ...] = ()
    """Things worth saying that did not stop the write."""
    changed: tuple[str, ...] = ()
    """What else was written, in words (a contact or an ask added to customer.yaml)."""
    hints: tuple[str, ...] = ()
    """The commented lines written for an editor (see `edit_hints`)."""


def as_of_note(day: date, as_of: date) -> str:
    return (f"this note is dated {day.isoformat()}, after the date playbook.yaml pins as 'as_of: "
            f"{as_of.isoformat()}', so the site, which shows the playbook as of that day, leaves it out. "
            f"To see it: playbook build --as-of {day.isoformat()} (or serve --as-of {day.isoformat()}), "
            "or remove 'as_of' from playbook.yaml to follow today")


def loads_back(content: str, filename: str, rel: str, contacts: Sequence[Contact] | None,
               config: Config) -> list[str]:
    """The loader's warnings about an interaction about to be written. What we write must load
    as given: were the loader to reject it, that is a bug here, never the user's fault, and
    CaptureError says so before anything is written."""
    problems: list[Problem] = []
    it = parse_interaction(content, filename, rel, tuple(contacts) if contacts is not None else None, config,
                           problems)
    errors = [p for p in problems if p.severity == "error"]
    if it is None or errors:
        raise CaptureError("refusing to write an interaction the loader would reject: "
                           + "; ".join(p.message for p in errors))
    return [p.message for p in problems if p.severity == "warning"]


def log(root: Path, customer: str, text: str, *, today: date, day: date | None = None,
        type: str | None = None, with_: Sequence[str] = (), by: str | None = None,
        sentiment: str | None = None, direction: str | None = None,
        summary: str | None = None, asks: Sequence[str] = (), ask_from: str | None = None,
        add_contacts: bool = False, hints: bool = False) -> Logged:
    """Write a new interaction for `customer` and return its path. `asks` are what the customer
    asked (added to customer.yaml's asks, from `ask_from`); with `add_contacts`, names in
    `with_` or `ask_from` that are not contacts yet are added to customer.yaml's contacts."""
    # Validate every argument before touching the disk.
    itype = _check_choice("--type", type, INTERACTION_TYPES) if type is not None else "note"
    sent = _sentiment_word(sentiment) if sentiment is not None else None
    direc = None
    if direction is not None:
        direc = {"inbound": "in", "outbound": "out"}.get(direction.strip().lower(), direction)
        direc = _check_choice("--direction", direc, DIRECTIONS)
    asks = [a for a in (one_line(a) for a in asks) if a]
    ask_from = one_line(ask_from) if ask_from else None
    if ask_from and not asks:
        raise InvalidArgument("--from says who asked: give the ask with --ask \"…\"")
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    if "\x00" in body:
        raise InvalidArgument("the note contains NUL bytes; give plain text")
    if summary is not None:
        summary = one_line(summary) or None
    by = one_line(by) if by else None
    names = [n for n in (one_line(w) for w in with_) if n]
    if ask_from and fold(ask_from) not in {fold(n) for n in names}:
        names.append(ask_from)  # who asked took part
    day = day or today
    ref = match_customer(root, customer)
    config, _ = load_config(root)
    model = customer_model(root, ref, config)
    warnings: list[str] = []
    contacts = list(model.contacts) if model is not None else []
    new_people: list[str] = []
    if model is None:
        if add_contacts or asks:
            raise CaptureError(f"{CUSTOMERS_DIR}/{ref.slug}/customer.yaml has errors, so Playbook will not add "
                               "to it; fix them (see 'playbook check') and try again")
        warnings.append(f"{ref.slug}/customer.yaml has errors, so 'with' names were not checked; "
                        "run 'playbook check'")
    else:
        resolved = []
        for n in names:
            full = _resolve_contact(n, contacts)
            if full is None and add_contacts:
                if fold(n) not in {fold(p) for p in new_people}:
                    new_people.append(n)
                full = next(p for p in new_people if fold(p) == fold(n))
            resolved.append(full or n)
        names = resolved
        if ask_from:
            ask_from = _resolve_contact(ask_from, contacts) or next(
                (p for p in new_people if fold(p) == fold(ask_from)), ask_from)
    names = list(dict.fromkeys(names))
    if not body and asks:
        who = ask_from or "They"
        body = "\n".join(f"{who} asked: {a}" for a in asks)
    body = body + "\n" if body else ""
    if day > today:
        warnings.append(f"the date {day.isoformat()} is in the future; analysis ignores it until then")
    elif config.as_of and day > config.as_of:
        warnings.append(as_of_note(day, config.as_of))
    stem = itype if type is not None else (words_stem(body) or words_stem(summary or "") or itype)
    folder = ref.folder / "interactions"
    filename = f"{day.isoformat()}-{stem}.md"
    rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{filename}"
    hint_lines = edit_hints(with_=bool(names), by=bool(by), sentiment=bool(sent), direction=bool(direc),
                            summary=bool(summary), contacts=[c.name for c in contacts] + new_people,
                            team=[m.handle for m in config.team]) if hints else []
    content = interaction_text(day, itype, body, with_=names, by=by, sentiment=sent, direction=direc,
                               summary=summary, hints=hint_lines)
    data = content.encode("utf-8")
    if len(data) > MAX_NOTE_BYTES:
        raise InvalidArgument(f"the note is {len(data):,} bytes; Playbook reads notes up to {MAX_NOTE_BYTES:,}")
    known = tuple(contacts) + tuple(new_contact(n) for n in new_people) if model is not None else None
    # The loader's own words, and how to add the person from here.
    warnings += [w + (" (or log it again with --add-contact)" if "not among this customer's" in w else "")
                 for w in loads_back(content, filename, rel, known, config)]
    changed: list[str] = []
    if new_people or asks:
        changes = [add_contact(n) for n in new_people] + [add_ask(a, day, ask_from) for a in asks]
        profile = edit_profile(root, ref, config, changes)
        changed += [f"added {n} to the contacts in {profile.rel}" for n in new_people]
        changed += [f"added the ask '{a}'" + (f" from {ask_from}" if ask_from else "") + f" to {profile.rel}"
                    for a in asks]
    within_root(ref.folder, root)
    folder.mkdir(exist_ok=True)
    within_root(folder, root)
    path = create_numbered(folder / filename, data, root)
    return Logged(path, tuple(warnings), tuple(changed), tuple(hint_lines))


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


class Edited(Record):
    """The outcome of editing a freshly logged interaction."""

    status: int
    """The editor's exit status."""
    kept: bool
    """False when the file was removed because the editor left an empty note untouched."""
    problems: tuple[Problem, ...] = ()
    """What the loader says about the file as saved."""


def edit_new(argv: Sequence[str], path: Path, root: Path, discard_if_unchanged: bool,
             hints: Sequence[str] = ()) -> Edited:
    """Open a just-written interaction in the editor. An empty note saved unchanged is removed
    (like an empty commit message); the hint lines left as they were are taken out; whatever
    else is saved is checked with the loader."""
    real = within_root(path, root)
    before = real.read_bytes()
    status = subprocess.run([*argv, str(real)]).returncode
    if not real.exists():
        return Edited(status, False)
    after = real.read_bytes()
    if discard_if_unchanged and after == before:
        real.unlink()
        return Edited(status, False)
    if hints:
        try:
            text = after.decode("utf-8")
        except UnicodeDecodeError:
            text = None  # the loader below says what is wrong
        if text is not None and drop_hints(text, hints) != text:
            from .profile import rewrite_file
            rewrite_file(real, after, drop_hints(text, hints).encode("utf-8"), root)
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
