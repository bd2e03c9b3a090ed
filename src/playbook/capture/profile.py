"""Changes to a customer's customer.yaml from the command line: a new contact, a new ask, an
ask answered, an opportunity added, won or lost.

Each change is text edited in place (yamledit.py: comments and layout kept) and then proved:
the new text is read with the loader, and the customer it gives must equal the customer read
before with exactly the intended change made, every other field, contact and ask the same.
Only then is the file replaced, atomically (a temp file renamed over it, owner and mode kept),
and only if nobody changed it meanwhile.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path
from typing import Any, Callable

from msgspec import Struct
from msgspec.structs import replace

from ..config import Config
from ..limits import MAX_FILE_BYTES
from ..load import parse_customer
from ..folders import CUSTOMERS_DIR
from ..model import Ask, Contact, Customer, Opportunity, Source
from ..problems import Problem
from ..reading import Refused, decode, read_file
from ..records import Record
from .customers import CustomerRef
from .errors import CaptureError
from .files import temp_name, within_root
from .yamledit import Field, Unsupported, append_item, remove_field, set_fields
from .yamlemit import yaml_value


def shape(value: Any) -> Any:
    """A record as plain nested tuples without its sources and line maps: what a change must
    leave equal (lines move when something is added above them)."""
    if isinstance(value, Struct):
        return (type(value).__name__,) + tuple((name, shape(getattr(value, name)))
                                                for name in value.__struct_fields__ if name not in ("source", "lines"))
    if isinstance(value, (tuple, list)):
        return tuple(shape(v) for v in value)
    return value


_NOWHERE = Source("", 0)


def new_contact(name: str) -> Contact:
    return Contact(name, None, None, None, None, None, False, _NOWHERE)


def new_ask(what: str, since: date | None, from_: str | None) -> Ask:
    return Ask(what, since, False, _NOWHERE, "open", None, from_)


class Change(Record):
    """One edit of customer.yaml and what it must do to the customer."""

    edit: Callable[[str], str]
    """The text with the change made."""
    expect: Callable[[Customer], Customer]
    """The customer as it must read afterwards."""


def add_contact(name: str) -> Change:
    return Change(lambda t: append_item(t, "contacts", [("name", yaml_value(name))]),
                  lambda c: replace(c, contacts=c.contacts + (new_contact(name),)))


def add_ask(what: str, since: date | None, from_: str | None) -> Change:
    fields: list[Field] = [("what", yaml_value(what))]
    if since:
        fields.append(("since", since.isoformat()))
    if from_:
        fields.append(("from", yaml_value(from_)))
    return Change(lambda t: append_item(t, "asks", fields),
                  lambda c: replace(c, asks=c.asks + (new_ask(what, since, from_),)))


def answer_ask(ask: Ask) -> Change:
    def edit(text: str) -> str:
        if ask.until is not None:  # a parked ask's 'until' is an error beside 'status: answered'
            text = remove_field(text, "asks", ask.source.line, "until")
        return set_fields(text, "asks", ask.source.line, [("status", "answered")], "what")

    def expect(c: Customer) -> Customer:
        asks = tuple(replace(a, done=True, status="answered", until=None) if a.source == ask.source
                     else a for a in c.asks)
        return replace(c, asks=asks)
    return Change(edit, expect)


def add_opportunity(what: str, value: float | None, since: date | None, written_value: str | None) -> Change:
    fields: list[Field] = [("what", yaml_value(what))]
    if written_value is not None:
        fields.append(("value", written_value))
    if since:
        fields.append(("since", since.isoformat()))
    return Change(lambda t: append_item(t, "opportunities", fields),
                  lambda c: replace(c, opportunities=c.opportunities + (
                      Opportunity(what, value, since, "open", None, _NOWHERE),)))


def decide_opportunity(opp: Opportunity, status: str, closed: date) -> Change:
    def edit(text: str) -> str:
        return set_fields(text, "opportunities", opp.source.line,
                          [("status", status), ("closed", closed.isoformat())], "what")

    def expect(c: Customer) -> Customer:
        opps = tuple(replace(o, status=status, closed=closed) if o.source == opp.source else o
                     for o in c.opportunities)
        return replace(c, opportunities=opps)
    return Change(edit, expect)


class Profile(Record):
    """customer.yaml as read for an edit."""

    path: Path
    rel: str
    data: bytes
    """The file's bytes as read; the file is replaced only while it still holds them."""
    text: str
    """The text as written (line endings kept; a BOM left out and put back)."""
    bom: bool
    customer: Customer


def _read(root: Path, ref: CustomerRef, config: Config) -> Profile:
    rel = f"{CUSTOMERS_DIR}/{ref.slug}/customer.yaml"
    path = ref.folder / "customer.yaml"
    try:
        data = read_file(path, root.resolve(), MAX_FILE_BYTES)
    except Refused as exc:
        raise CaptureError(f"{rel}: {exc}") from None
    problems: list[Problem] = []
    normal = decode(data, rel, problems)
    customer = parse_customer(normal, ref.slug, rel, config, problems) if normal is not None else None
    errors = [p for p in problems if p.severity == "error"]
    if customer is None or errors:
        first = f"{errors[0].path}:{errors[0].line}: {errors[0].message}" if errors else rel
        raise CaptureError(f"{rel} has errors, so Playbook will not edit it (first: {first}); fix them "
                           "(see 'playbook check') and try again")
    bom = data.startswith(b"\xef\xbb\xbf")
    return Profile(path, rel, data, data[3 if bom else 0:].decode("utf-8"), bom, customer)


def _written(profile: Profile, text: str) -> bytes:
    return (b"\xef\xbb\xbf" if profile.bom else b"") + text.encode("utf-8")


def edit_profile(root: Path, ref: CustomerRef, config: Config, changes: list[Change]) -> Profile:
    """Make `changes` to the customer's customer.yaml, proved and written atomically; returns
    the profile as it was read. Raises CaptureError (nothing written) when it cannot."""
    profile = _read(root, ref, config)
    text, expected = profile.text, profile.customer
    marker = next((n for n, line in enumerate(text.splitlines(), 1) if line.rstrip() in ("...", "---")
                   and (n > 1 or line.rstrip() == "...")), None)
    if marker is not None:
        # Valid YAML, but what is added would land past the marker, in no document: said, not
        # "please report this" (a fuzzing session).
        raise CaptureError(f"{profile.rel}:{marker}: this line marks where the YAML document ends or a new one "
                           "begins; Playbook adds to a customer.yaml of one document without such lines. "
                           "Remove it and try again")
    try:
        for change in changes:
            text = change.edit(text)
            expected = change.expect(expected)
    except Unsupported as exc:
        raise CaptureError(f"{profile.rel}: {exc}") from None
    data = _written(profile, text)
    problems: list[Problem] = []
    normal = decode(data, profile.rel, problems)
    after = parse_customer(normal, ref.slug, profile.rel, config, problems) if normal is not None else None
    errors = [p for p in problems if p.severity == "error"]
    if after is None or errors or shape(after) != shape(expected):
        # A bug here, never the user's: say so, and leave the file as it was.
        raise CaptureError(f"{profile.rel}: Playbook could not make this change without altering something "
                           "else, so it left the file as it was; add it by hand (and please report this)")
    if len(data) > MAX_FILE_BYTES:
        raise CaptureError(f"{profile.rel} would grow past {MAX_FILE_BYTES:,} bytes; nothing was written")
    rewrite_file(profile.path, profile.data, data, root)
    return profile


def rewrite_file(path: Path, before: bytes, after: bytes, root: Path) -> None:
    """Replace the file's bytes `before` with `after` in one step: a temp file beside it, with
    its mode (and owner, where allowed), renamed over it; unless it changed meanwhile. Unlike
    an in-place write, a crash or a full disk never leaves half a file (a hard link to the old
    file keeps the old bytes)."""
    real = within_root(path, root)
    st = os.stat(real)
    if not stat.S_ISREG(st.st_mode):
        raise CaptureError(f"{path} is not a regular file; nothing was changed")
    tmp = temp_name(real)
    try:
        with open(tmp, "xb") as fh:
            fh.write(after)
            fh.flush()
            os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            try:
                os.fchown(fh.fileno(), st.st_uid, st.st_gid)
            except OSError:  # not ours to give away: the file stays the editor's own
                pass
            os.fsync(fh.fileno())
        with open(real, "rb") as fh:
            if fh.read(len(before) + 1) != before:
                raise CaptureError(f"{path} changed while Playbook was editing it; nothing was written, try again")
        os.replace(tmp, real)
    finally:
        tmp.unlink(missing_ok=True)
    try:
        fd = os.open(real.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
