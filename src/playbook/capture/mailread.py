"""Reading emails: `.eml` files, folders of them and mbox files, into plain `Mail` records.

The standard library does the MIME work (`email` with `policy.default`, `mailbox` for mbox);
this module only picks what a note needs and distrusts all of it: every header may be
missing, malformed, wrongly encoded or hostile, and none of that raises. Only the files and
folders given are read: a folder's own regular `.eml` files, never a link out of it.
"""

from __future__ import annotations

import hashlib
import mailbox
import os
import re
import stat
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.header import decode_header, make_header
from email.utils import getaddresses
from pathlib import Path
from typing import Iterator, Sequence

from ..reading import Refused, entry_kind, list_folder, read_file
from ..records import Record
from .errors import InvalidArgument
from .mailtext import html_to_text, is_forward, trim_reply
from .yamlemit import one_line

#: The largest single message read (attachments included; they are skipped, not kept).
MAX_MAIL_BYTES = 64_000_000
#: Addresses read from one message's From, To and Cc (a mailing list's thousands add nothing).
MAX_ADDRESSES = 200
#: Characters read from one header: a longer one is cut before it is parsed.
MAX_HEADER_CHARS = 20_000
#: Lines starting '--' (MIME boundaries, mostly) in one message: the standard library's parser
#: takes about 1 ms per part with headers (5,000 parts: 6 s), and no real message has this many.
MAX_PART_LINES = 5_000


class Unparseable(ValueError):
    """A message the standard library cannot take apart; str() says why."""


class Address(Record):
    """One address of a message."""

    name: str
    """The display name, on one line ('' when none)."""
    email: str
    """The address, lower case."""

    def shown(self) -> str:
        return f"{self.name} ({self.email})" if self.name and self.name.lower() != self.email else self.email


class Mail(Record):
    """What a note needs from one message."""

    where: str
    """Which file (and which message of an mbox) it came from, for messages to the user."""
    message_id: str
    """Its Message-ID without angle brackets, or 'sha256:…' of its date, sender, subject and body."""
    when: datetime | None
    """The Date header; naive when it gave no time zone; None when missing or unreadable."""
    date_header: str
    """The Date header as written ('' when missing), to say what was wrong with it."""
    sender: Address | None
    """From."""
    recipients: tuple[Address, ...]
    """To and Cc, in order, each once."""
    subject: str
    """The subject on one line, as written (prefixes and all)."""
    body: str
    """The text, quoted history and signature cut (HTML turned into text)."""
    attachments: tuple[str, ...]
    """Attachment file names, on one line each (their content is never read)."""


def _text(value: str) -> str:
    """Header text as real Unicode: bytes that were not valid in the header (kept by the parser
    as surrogates) are read as UTF-8, else as Windows-1252, the usual culprit."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", "replace")


def _raw_values(msg: EmailMessage, name: str, parsed: bool = True) -> list[str]:
    """A header's values, decoded as `policy.default` does, except that bytes which were not
    valid in it (a header in raw Latin-1, which the parser would show as '�') are read by
    `_text` first. Not `parsed`: as written (for Message-ID, whose parser drops what it does
    not understand, and two ids cut to the same rest would be taken for one message)."""
    out: list[str] = []
    try:
        for key, raw in msg.raw_items():
            if key.lower() != name.lower():
                continue
            raw = str(raw)[:MAX_HEADER_CHARS]
            try:
                raw.encode("utf-8")
            except UnicodeEncodeError:
                raw = _text(raw)
            out.append(_text(str(policy.default.header_fetch_parse(key, raw))) if parsed else raw)
    except Exception:  # noqa: BLE001 — a malformed header is no reason to stop
        pass
    return out


def _header(msg: EmailMessage, name: str) -> str:
    """One header's decoded text ('' when missing or unreadable)."""
    values = _raw_values(msg, name)
    return values[0] if values else ""


def _name(display: str) -> str:
    """A display name with its encoded words ('=?utf-8?q?Tom=C3=A1s?=') decoded."""
    try:
        return str(make_header(decode_header(display)))
    except Exception:  # noqa: BLE001 — an unknown charset, a broken encoded word
        return display


def _pairs(name: str, values: list[str]) -> list[tuple[str, str]]:
    """(display name, address) pairs of raw header values; `getaddresses` first, and where it
    fails (it recurses once per nested '(' of a comment) `policy.default`'s own parser."""
    try:
        return getaddresses(values)
    except Exception:  # noqa: BLE001 — RecursionError, and whatever else a header can cause
        pass
    pairs: list[tuple[str, str]] = []
    for value in values:
        try:
            header = policy.default.header_fetch_parse(name, value)
            pairs += [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]
        except Exception:  # noqa: BLE001
            continue
    return pairs


def _addresses(msg: EmailMessage, names: Sequence[str]) -> list[Address]:
    """The addresses of the headers `names`, each once. The raw headers go to `getaddresses`,
    not through `policy.default`'s parser, which needs some 150 µs per character of a header
    of unbalanced quotes (1.5 s for 10 KB)."""
    out: dict[str, Address] = {}
    for name in names:
        for display, addr in _pairs(name, _raw_values(msg, name, parsed=False)):
            addr = one_line(addr).strip("<>").lower()
            if "@" not in addr or addr in out:
                continue
            out[addr] = Address(one_line(_name(display)).strip("'\""), addr)
            if len(out) >= MAX_ADDRESSES:
                return list(out.values())
    return list(out.values())


def _decoded(part: EmailMessage) -> str:
    """A text part's content as text, whatever its charset says (an unknown or wrong one
    falls back to UTF-8, then Windows-1252)."""
    try:
        content = part.get_content()
        if isinstance(content, str):
            return _text(content)
    except Exception:  # noqa: BLE001 — LookupError for an unknown charset, and worse
        pass
    try:
        raw = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001
        return ""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _body(msg: EmailMessage) -> tuple[str, bool]:
    """(the message's text, True when it came from HTML). Plain text is preferred; an empty
    plain part gives way to the HTML one."""
    for kinds in (("plain",), ("html",)):
        try:
            part = msg.get_body(preferencelist=kinds)
        except Exception:  # noqa: BLE001
            part = None
        if part is None:
            continue
        text = _decoded(part)
        if kinds == ("html",):
            return html_to_text(text), True
        if text.strip():
            return text, False
    return "", False


def _attachments(msg: EmailMessage) -> tuple[str, ...]:
    names: list[str] = []
    try:
        parts = list(msg.iter_attachments()) if msg.is_multipart() else []
    except Exception:  # noqa: BLE001
        parts = []
    for part in parts[:50]:
        try:
            name = part.get_filename()
        except Exception:  # noqa: BLE001
            name = None
        name = one_line(_text(name))[:120] if name else ""
        names.append(name or f"an unnamed {part.get_content_type()}")
    return tuple(names)


def _date(msg: EmailMessage) -> datetime | None:
    try:
        value = msg.get("Date")
        when = getattr(value, "datetime", None) if value is not None else None
    except Exception:  # noqa: BLE001
        return None
    return when if isinstance(when, datetime) else None


def parse_mail(raw: bytes, where: str) -> Mail:
    """One message's bytes as a `Mail`; Unparseable for the few messages the standard library
    cannot take apart in reasonable time and depth."""
    parts = raw.count(b"\n--")
    if parts > MAX_PART_LINES:
        raise Unparseable(f"it has {parts:,} lines starting '--' (MIME parts); Playbook reads messages of up "
                          f"to {MAX_PART_LINES:,}")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except RecursionError:
        raise Unparseable("its parts are nested too deep to read (hundreds of levels)") from None
    assert isinstance(msg, EmailMessage)
    subject = one_line(_header(msg, "Subject"))
    date_header = one_line(_header(msg, "Date"))
    senders = _addresses(msg, ("From",))
    sender = senders[0] if senders else None
    recipients = [a for a in _addresses(msg, ("To", "Cc")) if sender is None or a.email != sender.email]
    text, _ = _body(msg)
    body = trim_reply(text, forward=is_forward(subject))
    ids = _raw_values(msg, "Message-ID", parsed=False)
    message_id = one_line(ids[0]).strip("<>").strip() if ids else ""
    if not message_id or len(message_id) > 250 or not re.search(r"\S", message_id):
        # No Message-ID (or a monstrous one): a digest of what makes the message this message.
        basis = "\x00".join((date_header, sender.email if sender else "", subject, text.strip()))
        message_id = "sha256:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]
    return Mail(where=where, message_id=message_id, when=_date(msg), date_header=date_header, sender=sender,
                recipients=tuple(recipients), subject=subject, body=body, attachments=_attachments(msg))


# -- which files ---------------------------------------------------------------------------

class Unreadable(Record):
    """A file or message that could not be read, and why."""

    where: str
    """The file (and message) it is about."""
    why: str
    """What is wrong, and what to do."""


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() in (".mbox", ".mbx"):
        return True
    with open(path, "rb") as fh:
        return fh.read(5) == b"From "  # an mbox starts with its 'From ' line; an .eml with headers


def _mbox(path: Path, where: str) -> Iterator[tuple[str, bytes] | Unreadable]:
    box = mailbox.mbox(path, create=False)
    try:
        for n, key in enumerate(box.iterkeys(), 1):
            raw = box.get_bytes(key)
            here = f"{where}, message {n}"
            if len(raw) > MAX_MAIL_BYTES:
                yield Unreadable(here, f"this message is {len(raw):,} bytes; Playbook reads messages up to "
                                       f"{MAX_MAIL_BYTES:,}")
                continue
            # mboxrd: a body line starting 'From ' was written as '>From ' (and '>From ' as '>>From ').
            yield here, re.sub(rb"(?m)^>(>*From )", rb"\1", raw)
    finally:
        box.close()


def messages(paths: Sequence[Path]) -> Iterator[tuple[str, bytes] | Unreadable]:
    """Each message of the files and folders given, as (where, bytes), in order: a folder's
    `.eml` files sorted by name, an mbox's messages as stored. Refusals come as `Unreadable`,
    in place. A path that is not there is a usage error, raised before anything is read."""
    for path in paths:
        if not os.path.lexists(path):
            raise InvalidArgument(f"--eml {path}: no such file or folder")
    for path in paths:
        where = str(path)
        try:
            st = os.stat(path)
        except OSError as exc:
            yield Unreadable(where, f"cannot read it: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            try:
                entries = list_folder(path)
            except Refused as exc:
                yield Unreadable(where, str(exc))
                continue
            found = False
            for entry in entries:
                if not entry.name.lower().endswith(".eml") or entry.name.startswith("."):
                    continue
                found = True
                kind = entry_kind(entry)
                here = os.path.join(where, entry.name)
                if kind != "file":
                    yield Unreadable(here, "a link or not a regular file; only the folder's own .eml files are "
                                           "read" if kind == "link" else "not a regular file; skipped")
                    continue
                yield from _one_file(Path(here), here, mbox_ok=False)
            if not found:
                yield Unreadable(where, "this folder has no .eml files; give a folder of saved messages, an "
                                        ".eml file or an mbox")
        elif stat.S_ISREG(st.st_mode):
            yield from _one_file(path, where, mbox_ok=True)
        else:
            yield Unreadable(where, "not a regular file nor a folder (a FIFO or a device?); give an .eml file, "
                                    "a folder of them or an mbox")


def _one_file(path: Path, where: str, mbox_ok: bool) -> Iterator[tuple[str, bytes] | Unreadable]:
    try:
        if mbox_ok and _is_mbox(path):
            yield from _mbox(path, where)
            return
        yield where, read_file(path, None, MAX_MAIL_BYTES, "messages")
    except Refused as exc:
        yield Unreadable(where, str(exc))
    except (OSError, mailbox.Error) as exc:
        yield Unreadable(where, f"cannot read it: {getattr(exc, 'strerror', None) or exc}")
