"""Reading a CSV export as it comes out of a CRM or a spreadsheet: any of the encodings and
delimiters they write, every record with the physical line it starts on.

- UTF-8 with or without a BOM; UTF-16 with a BOM (Excel's "Unicode text"); else Windows-1252
  (Excel on Windows saving "CSV"), said so in a notice;
- ',', ';' (Excel in locales with a decimal comma) or a tab, chosen from the header line;
- quoted fields holding newlines: a record's line is the one it starts on, so a problem
  names the line a person finds in an editor.

Only the file named is read, and only when it is a regular file (a FIFO would block).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path
from typing import Iterator

from ..reading import kind
from ..records import Record

#: The largest export read: 50,000 rows of long notes fit well within it.
MAX_CSV_BYTES = 500_000_000
#: The largest single field (a note's body); csv's own default (128 KB) refuses long notes.
MAX_FIELD = 10_000_000


class Unreadable(Exception):
    """The file cannot be read as a CSV; str() says why and what to do."""


def _unclosed_from(text: str, delimiter: str) -> int | None:
    """The line of the record whose quoted value is still open at the end of the file, as a
    strict reader finds it (the lenient one the import reads with takes the rest of the file
    as that value); None when there is none, or the strict reader stops on something else
    first (which the lenient one reads as exported)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        return start if "unexpected end of data" in str(exc) else None
    return None


class Table(Record):
    """A CSV file read: its header and its text, ready to be walked record by record."""

    shown: str
    """The file as the user named it, for messages."""
    header: tuple[str, ...]
    """The first record, each name stripped."""
    text: str
    delimiter: str
    encoding: str
    """'UTF-8', 'UTF-16' or 'Windows-1252'."""

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line the record starts on, header name → value) for each record after the header;
        a row shorter than the header has empty values for the rest. Raises Unreadable with
        the line when the CSV is broken past repair (an unclosed quote at the end)."""
        unclosed = _unclosed_from(self.text, self.delimiter)
        if unclosed is not None:
            # A quote opened and never closed took every row after it into one value, silently
            # (a fuzzing session: `1,"Acme` swallowed all the rows below it).
            raise Unreadable(f"{self.shown}:{unclosed}: a quote opened in this record is never closed, so every "
                             "line after it would read as one value; nothing was imported. Close the quote "
                             "there, or re-export the file")
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter, strict=False)
        try:
            next(reader)
            while True:
                start = reader.line_num + 1
                try:
                    record = next(reader)
                except StopIteration:
                    return
                if not any(v.strip() for v in record):
                    continue
                row = dict(zip(self.header, record))
                yield start, row
        except csv.Error as exc:
            raise Unreadable(f"{self.shown}:{reader.line_num}: cannot read this CSV record ({exc}); "
                             "the rest of the file was not read. Re-export the file, or fix the quotes there") from None


def read_bytes(path: Path) -> bytes:
    """The file's bytes; only a regular file, never blocking on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Unreadable(f"{path}: cannot open it ({exc.strerror or exc}); give the path of an exported "
                         "CSV file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(f"{path}: this is {kind(st.st_mode)}, not a file; give the exported CSV file")
        if st.st_size > MAX_CSV_BYTES:
            raise Unreadable(f"{path}: {st.st_size:,} bytes; Playbook imports files up to {MAX_CSV_BYTES:,} bytes. "
                             "Split the export")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_CSV_BYTES + 1)
    finally:
        os.close(fd)
    return data


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Windows-1252 is the last resort: every byte but five decodes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise Unreadable(f"it starts as UTF-16 text but byte {exc.start} is not; export the file again "
                             "as CSV (UTF-8)") from None
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise Unreadable(f"byte 0x{data[exc.start]:02x} at {exc.start} is neither UTF-8 nor Windows-1252 text; "
                         "export the file again as CSV (UTF-8)") from None


def pick_delimiter(first_line: str) -> str:
    """The delimiter the header line uses most, outside quotes: ',', ';' or a tab."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda c: (counts[c], c == ","))
    return best


def open_table(path: Path, shown: str) -> Table:
    """The file read as a CSV table (Unreadable when it is not one)."""
    csv.field_size_limit(MAX_FIELD)
    try:
        text, encoding = decode(read_bytes(path))
    except Unreadable as exc:
        msg = str(exc)
        raise Unreadable(msg if msg.startswith(str(path)) else f"{shown}: {msg}") from None
    if "\x00" in text:
        raise Unreadable(f"{shown}:{text.count(chr(10), 0, text.index(chr(0))) + 1}: the file holds NUL bytes, so "
                         "it is not a CSV text file (an .xlsx saved as .csv?); save it as CSV")
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise Unreadable(f"{shown}:1: the first line is empty; an export starts with its header row "
                         "(the column names)")
    delimiter = pick_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = tuple(h.strip() for h in next(reader))
    except (csv.Error, StopIteration) as exc:
        raise Unreadable(f"{shown}:1: cannot read the header row ({exc})") from None
    return Table(shown, header, text, delimiter, encoding)
