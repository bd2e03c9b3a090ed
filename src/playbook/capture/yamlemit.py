"""Values written into YAML (front matter, customer.yaml) so that they read back exactly."""

from __future__ import annotations

import yaml

from ..yamlio import Map, Scalar, Seq, parse
from .errors import CaptureError


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar that escapes everything but printable characters."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _reads_back(out: str, value: str | list[str]) -> bool:
    node, problems = parse(f"k: {out}\n", "check")
    if problems or not isinstance(node, Map):
        return False
    got = node.items.get("k")
    if isinstance(value, str):
        return isinstance(got, Scalar) and got.text == value and not got.is_null
    return (isinstance(got, Seq) and len(got.items) == len(value)
            and all(isinstance(g, Scalar) and g.text == v and not g.is_null for g, v in zip(got.items, value)))


def yaml_value(value: str | list[str]) -> str:
    """Text, or a list of texts, as one line of YAML that reads back exactly: quoted where YAML
    needs it ('Re: renewal', 'No', '- x'). PyYAML's own choice is tried first and checked with
    our reader; a few characters it gets wrong (e.g. U+0085 inside single quotes) fall back to
    fully escaped double quotes."""
    out = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000,
                         sort_keys=False)
    if out.endswith("\n...\n"):
        out = out[:-5]
    out = out.rstrip("\n")
    if "\n" not in out and _reads_back(out, value):
        return out
    out = _double_quoted(value) if isinstance(value, str) else "[" + ", ".join(map(_double_quoted, value)) + "]"
    if not _reads_back(out, value):
        raise CaptureError(f"cannot write {value!r} as YAML (a bug in Playbook; please report it)")
    return out


def one_line(text: str) -> str:
    """Runs of whitespace, newlines included, as one space: a value for a one-line field."""
    return " ".join(text.split())
