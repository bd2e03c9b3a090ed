"""Edits of customer.yaml that keep everything else as written: comments, order, quoting,
blank lines, line endings and a byte order mark.

Each edit is made on the text at the places PyYAML's composer reports (character offsets,
so CRLF and YAML's extra line breaks cannot shift them), and touches only what it adds or
changes. A shape we cannot edit safely (a flow mapping at the top, an alias) is refused with
`Unsupported`; the caller reads the result back with the loader and compares it with what it
meant to write before anything reaches the disk (customer_edit.py).
"""

from __future__ import annotations

import yaml

from ..records import Record
from .errors import CaptureError


class Unsupported(CaptureError):
    """The file is written in a way this module does not edit; nothing was written."""


#: One field of an item, as (key, value already written as YAML).
Field = tuple[str, str]


def _compose(text: str) -> yaml.MappingNode:
    # The pure-Python composer: its marks count characters of `text` (libyaml's may not).
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise Unsupported(f"cannot edit it safely ({str(exc).splitlines()[0]}); edit it by hand") from None
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise Unsupported("it is not written as 'field: value' lines; edit it by hand")
    return root


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")


def _value_of(root: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for k, v in root.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            if v.start_mark.index < k.end_mark.index:  # an alias: its value is written elsewhere
                raise Unsupported(f"its '{key}' is an alias (*name); edit it by hand")
            return k, v
    return None


def _deep_end(node: yaml.Node) -> int:
    """Where the last character written for `node` ends (a block collection's own end mark
    lies at the next token, after any comments that follow it)."""
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _deep_end(node.value[-1])
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _deep_end(node.value[-1][1])
    return node.end_mark.index


def _line_start(text: str, index: int) -> int:
    return max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1


def _column(text: str, index: int) -> int:
    return index - _line_start(text, index)


def _after_line(text: str, index: int, deeper_than: int) -> int:
    """The start of the line after the one holding `index` (`index` itself when it starts a
    line), then past comment lines indented deeper than `deeper_than`: they belong to the
    item above, so what is added goes below them."""
    if index > 0 and text[index - 1] not in "\r\n":
        ends = [i for i in (text.find("\n", index), text.find("\r", index)) if i >= 0]
        if not ends:
            return len(text)
        index = min(ends) + (2 if text.startswith("\r\n", min(ends)) else 1)
    while index < len(text):
        ends = [i for i in (text.find("\n", index), text.find("\r", index)) if i >= 0]
        line_end = min(ends) if ends else len(text)
        line = text[index:line_end]
        stripped = line.lstrip(" ")
        if not stripped.startswith("#") or len(line) - len(stripped) <= deeper_than:
            break
        index = line_end + (2 if text.startswith("\r\n", line_end) else 1) if ends else len(text)
    return index


def _block(fields: list[Field], indent: int, nl: str) -> str:
    """An item of a block list: '- key: value' and the rest of its keys below it."""
    lines = [f"{' ' * indent}- {fields[0][0]}: {fields[0][1]}"]
    lines += [f"{' ' * (indent + 2)}{k}: {v}" for k, v in fields[1:]]
    return nl.join(lines) + nl


def _flow(fields: list[Field]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields) + "}"


def _ensure_final_newline(text: str, nl: str) -> str:
    return text if not text or text.endswith(("\n", "\r")) else text + nl


class _Splice(Record):
    start: int
    end: int
    text: str


def _apply(text: str, splices: list[_Splice]) -> str:
    for s in sorted(splices, key=lambda s: s.start, reverse=True):
        text = text[:s.start] + s.text + text[s.end:]
    return text


def append_item(text: str, key: str, fields: list[Field]) -> str:
    """`text` with an item added at the end of its top-level list `key` (made when missing)."""
    return append_items(text, key, [fields])


def append_items(text: str, key: str, items: list[list[Field]]) -> str:
    """`text` with `items` added at the end of its top-level list `key` (made when missing), in
    one pass over the text: `playbook import` adds thousands of contacts at once."""
    if not items:
        return text
    nl = _newline(text)
    root = _compose(text)
    found = _value_of(root, key)
    if found is None:
        out = _ensure_final_newline(text, nl)
        return out + f"{key}:{nl}" + "".join(_block(f, 2, nl) for f in items)
    knode, value = found
    if isinstance(value, yaml.ScalarNode) or (isinstance(value, yaml.SequenceNode) and not value.value):
        if isinstance(value, yaml.ScalarNode) and value.value not in ("", "~", "null", "Null", "NULL"):
            raise Unsupported(f"its '{key}' is not a list; edit it by hand")
        # 'asks:' with nothing, '~' or '[]': the value goes, the list starts on the next line.
        start = value.start_mark.index
        while start > knode.end_mark.index and text[start - 1] in " \t":
            start -= 1
        text = _ensure_final_newline(text[:start] + text[value.end_mark.index:], nl)
        at = _after_line(text, start, 1 << 30)
        indent = _column(text, knode.start_mark.index) + 2
        return text[:at] + "".join(_block(f, indent, nl) for f in items) + text[at:]
    if not isinstance(value, yaml.SequenceNode):
        raise Unsupported(f"its '{key}' is not a list; edit it by hand")
    if value.flow_style:
        at = value.value[-1].end_mark.index
        return text[:at] + "".join(", " + _flow(f) for f in items) + text[at:]
    first = value.value[0].start_mark.index
    dash = text.rfind("-", 0, first)
    indent = _column(text, dash)
    text = _ensure_final_newline(text, nl)
    at = _after_line(text, _deep_end(value.value[-1]), indent)
    return text[:at] + "".join(_block(f, indent, nl) for f in items) + text[at:]


def set_fields(text: str, key: str, line: int, fields: list[Field], short_key: str) -> str:
    """`text` with `fields` set in the item of top-level list `key` that starts on `line`
    (1-based): a field present has its value replaced, one missing is added after the item's
    last. An item written in short form (`- Can invoices show the shop?`) becomes
    `- short_key: …` with the fields below it."""
    nl = _newline(text)
    root = _compose(text)
    found = _value_of(root, key)
    items = found[1].value if found and isinstance(found[1], yaml.SequenceNode) else []
    item = next((i for i in items if i.start_mark.line + 1 == line), None)
    if item is None:
        raise CaptureError(f"line {line} no longer starts an item of '{key}'; try again")
    flow_list = found[1].flow_style
    if isinstance(item, yaml.ScalarNode):
        from .yamlemit import yaml_value
        every = [(short_key, yaml_value(item.value)), *fields]
        if flow_list or item.style in ("|", ">"):
            new = _flow(every)
        else:
            indent = _column(text, item.start_mark.index)
            new = f"{every[0][0]}: {every[0][1]}" + "".join(f"{nl}{' ' * indent}{k}: {v}" for k, v in every[1:])
        return text[:item.start_mark.index] + new + text[item.end_mark.index:]
    if not isinstance(item, yaml.MappingNode):
        raise Unsupported(f"the item on line {line} is not a list of fields; edit it by hand")
    splices: list[_Splice] = []
    missing: list[Field] = []
    present = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
    for k, v in fields:
        old = present.get(k)
        if old is None:
            missing.append((k, v))
        elif isinstance(old, yaml.ScalarNode) and old.style not in ("|", ">"):
            splices.append(_Splice(old.start_mark.index, old.end_mark.index, v))
        else:
            raise Unsupported(f"its '{k}' on line {old.start_mark.line + 1} is not a single value; edit it by hand")
    if missing:
        if item.flow_style:
            at = item.value[-1][1].end_mark.index if item.value else item.start_mark.index + 1
            sep = ", " if item.value else ""
            splices.append(_Splice(at, at, sep + ", ".join(f"{k}: {v}" for k, v in missing)))
        else:
            indent = _column(text, item.start_mark.index)
            text = _ensure_final_newline(text, nl)
            at = _after_line(text, _deep_end(item), indent)
            splices.append(_Splice(at, at, "".join(f"{' ' * indent}{k}: {v}{nl}" for k, v in missing)))
    return _apply(text, splices)


def remove_field(text: str, key: str, line: int, field: str) -> str:
    """`text` without the field `field` of the item of top-level list `key` that starts on
    `line`, when it is one 'field: value' line of a block item (a parked ask's `until:` once it
    is answered); `text` as it is when the item has no such field."""
    root = _compose(text)
    found = _value_of(root, key)
    items = found[1].value if found and isinstance(found[1], yaml.SequenceNode) else []
    item = next((i for i in items if i.start_mark.line + 1 == line), None)
    if not isinstance(item, yaml.MappingNode):
        raise CaptureError(f"line {line} no longer starts an item of '{key}' with fields; try again")
    pair = next(((k, v) for k, v in item.value if isinstance(k, yaml.ScalarNode) and k.value == field), None)
    if pair is None:
        return text
    k, v = pair
    first = item.value[0][0] is k
    if (item.flow_style or first or not isinstance(v, yaml.ScalarNode) or v.style in ("|", ">")
            or k.start_mark.line != v.end_mark.line):
        raise Unsupported(f"its '{field}' on line {k.start_mark.line + 1} is not a line of its own; edit it by hand")
    start = _line_start(text, k.start_mark.index)
    if text[start:k.start_mark.index].strip(" "):
        raise Unsupported(f"its '{field}' on line {k.start_mark.line + 1} is not a line of its own; edit it by hand")
    return text[:start] + text[_after_line(text, v.end_mark.index, 1 << 30):]
