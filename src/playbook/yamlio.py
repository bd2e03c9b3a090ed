"""The one YAML reader: safe, positioned, strict about duplicates, wary of aliases.

PyYAML's constructors decide types by YAML 1.1 rules (`No` is False, `0612` is an int,
`2026-02-30` raises a bare ValueError) and silently keep the last of two equal keys.
So we only *compose* the document (no construction, no arbitrary tags) and keep every
scalar as the text the person wrote, with its line and column. The schema layer
(`fields.py`) then reads each field as the type that field needs.
"""

from __future__ import annotations

from typing import Iterator, Union

import yaml
from msgspec import Struct, field

from .records import Record

try:  # libyaml is several times faster; fall back silently where it is not built.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader without implicit tag resolution: Playbook never reads a node's tag
    (each field is read as the type it needs), and matching every scalar against YAML's
    patterns was a tenth of loading a note."""

    _TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
             yaml.MappingNode: "tag:yaml.org,2002:map"}

    def resolve(self, kind, value, implicit):  # noqa: D102 - PyYAML's hook
        return self._TAGS[kind]

from .problems import Problem, error, warning

#: How many values aliases (*name) may add to one document before we refuse it. Only the
#: copies an alias makes count, not the values written out (a 25,000-contact customer.yaml
#: is fine; the file size limit bounds those): a "billion laughs" bomb adds billions.
MAX_NODES = 50_000


class Scalar(Record):
    """A scalar exactly as written."""

    text: str
    """The characters of the value, after YAML's quoting and folding rules."""
    line: int
    """1-based line of the value."""
    column: int
    """1-based column of the value."""
    plain: bool
    """True when unquoted (so `null`, `~` and empty mean "no value")."""

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in ("", "~", "null", "Null", "NULL")


class Seq(Record):
    """A YAML sequence."""

    items: tuple["Node", ...]
    line: int
    column: int


class Map(Record):
    """A YAML mapping with string keys, in the order written."""

    items: dict[str, "Node"]
    """Value nodes by key text."""
    keys: dict[str, Scalar]
    """The key scalars, for pointing at a misspelt key."""
    line: int
    column: int


Node = Union[Scalar, Seq, Map]


class _Budget(Struct):
    left: int = MAX_NODES
    problems: list[Problem] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    """Nodes converted once: meeting one again means an alias copies it."""
    restore: dict[int, str] = field(default_factory=dict)
    """Stand-ins for the characters `_shield` hid, as a str.translate table back to them."""


class _TooBig(Exception):
    pass


#: The tags YAML itself gives (the resolver's, or written as `!!str`): any other is not read.
_CORE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map", "int", "float", "bool", "null",
                                                            "timestamp"))


def _tagged(node: yaml.Node, path: str, budget: _Budget, line: int, col: int) -> None:
    """A warning for a tag Playbook does not read (`!!python/name:os.system`, `!!binary`,
    `!mine`): nothing runs, the value is read as its text, but `check` said nothing of it (a
    fuzzing session)."""
    if node.tag not in _CORE_TAGS and node.tag != "!":
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")[:60]
        budget.problems.append(warning(path, line, col, f"the tag '{shown}' is not read: Playbook reads this value "
                                                        "as plain text; remove the tag"))


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, path: str, budget: _Budget, line_offset: int, copy: bool = False) -> Node:
    """The node as Scalar, Seq or Map. `copy`: reached through an alias (the composer hands
    out the anchored node itself again), so it and all below it count against the budget."""
    copy = copy or id(node) in budget.seen
    budget.seen.add(id(node))
    if copy:
        budget.left -= 1
        if budget.left < 0:
            raise _TooBig
    line, col = _pos(node)
    line += line_offset
    _tagged(node, path, budget, line, col)
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value.translate(budget.restore) if budget.restore else node.value, line, col,
                      node.style in (None, ""))
    if isinstance(node, yaml.SequenceNode):
        return Seq(tuple(_convert(n, path, budget, line_offset, copy) for n in node.value), line, col)
    assert isinstance(node, yaml.MappingNode)
    items: dict[str, Node] = {}
    keys: dict[str, Scalar] = {}
    for knode, vnode in node.value:
        kline, kcol = _pos(knode)
        kline += line_offset
        if not isinstance(knode, yaml.ScalarNode):
            budget.problems.append(error(path, kline, kcol, "a key must be a plain word, not a list or mapping"))
            continue
        key = knode.value.translate(budget.restore) if budget.restore else knode.value
        if key == "<<" and knode.style in (None, ""):
            budget.problems.append(error(path, kline, kcol, "merge keys ('<<') are not supported; write the fields out"))
            continue
        if key in keys:
            first = keys[key]
            budget.problems.append(error(
                path, kline, kcol,
                f"duplicate key '{key}' (first set on line {first.line}); keep one of them",
            ))
            continue
        keys[key] = Scalar(key, kline, kcol, knode.style in (None, ""))
        items[key] = _convert(vnode, path, budget, line_offset, copy)
    return Map(items, keys, line, col)


def parse(text: str, path: str, line_offset: int = 0) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document. Returns (root node or None, problems).

    `line_offset` shifts reported lines, for front matter that starts below line 1.
    An empty document gives (None, []).
    """
    text, restore = _shield(text)
    budget = _Budget(restore=restore)
    try:
        deep_at = _too_deep_at(text)
        if deep_at is not None:
            return None, [error(path, deep_at[0] + 1 + line_offset, deep_at[1] + 1,
                                f"this YAML nests too deeply (more than {MAX_DEPTH} levels); flatten it")]
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context or ""
        # An unclosed quote or bracket, or a line missing its colon, is only noticed further
        # down (often at the end of the file); point at where it began, where the fix goes.
        what = exc.problem or "invalid YAML"
        if exc.context_mark is not None and (_unclosed_quote(what, context)
                                             or any(w in context for w in ("flow", "simple key"))):
            mark = exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        hint = _hint_for(what, context, _char_at(text, mark))
        return None, [error(path, line, col, f"YAML syntax: {what}{hint}")]
    except yaml.YAMLError as exc:
        return None, [error(path, 1 + line_offset, 0, f"YAML: {exc}")]
    except RecursionError:  # the pure-Python composer recurses per nesting level
        return None, [error(path, 1 + line_offset, 0, "this YAML nests too deeply; flatten it")]
    if root is None:
        return None, []
    try:
        node = _convert(root, path, budget, line_offset)
    except _TooBig:
        line, col = _pos(root)
        return None, [error(
            path, line + line_offset, col,
            f"this YAML expands to more than {MAX_NODES:,} values through aliases (&anchor/*alias), "
            "the pattern of a 'billion laughs' attack; refused. Write the values out instead of aliasing them",
        )]
    except RecursionError:
        return None, [error(path, 1 + line_offset, 0, "this YAML nests too deeply; flatten it")]
    return node, budget.problems


#: What YAML 1.1 (PyYAML) takes for line breaks besides \n and \r; YAML 1.2 and every editor
#: take them for ordinary characters, so inside a value they shifted every line number after.
_OTHER_BREAKS = "\u2028\u2029\x85"


def _shield(text: str) -> tuple[str, dict[int, str]]:
    """`text` with each of _OTHER_BREAKS replaced by a private-use character it does not hold
    (which YAML reads as an ordinary one), and the table that puts them back."""
    found = [c for c in _OTHER_BREAKS if c in text]
    restore: dict[int, str] = {}
    stand_in = 0xE000
    for c in found:
        while chr(stand_in) in text:
            stand_in += 1
        text = text.replace(c, chr(stand_in))
        restore[stand_in] = c
        stand_in += 1
    return text, restore


def _hint_for(problem: str, context: str = "", char: str = "") -> str:
    if "mapping values are not allowed" in problem:
        return " — a value containing ': ' needs quotes, e.g. summary: \"Re: renewal\""
    # libyaml leaves the character out of its message, so look at the text itself.
    if "found character '\\t'" in problem or "tab character" in problem or char == "\t":
        return " — YAML does not allow tabs for indentation; use spaces"
    if "could not find expected ':'" in problem:
        return " — each line needs 'key: value'; this line is missing its colon (or a quote is not closed)"
    if _unclosed_quote(problem, context):
        return " — the quote opened here is never closed; add the closing quote"
    if "escape" in problem:
        return (" — inside double quotes a backslash starts an escape like \\n; use single quotes "
                "or write two backslashes")
    if "flow sequence" in context:
        return " — the list opened with '[' here is not closed properly; check for a missing ']' or ','"
    if "flow mapping" in context:
        return " — the mapping opened with '{' here is not closed properly; check for a missing '}' or ','"
    return ""


def _unclosed_quote(problem: str, context: str) -> bool:
    return "quoted scalar" in context and ("end of stream" in problem or "document" in problem)


def _char_at(text: str, mark) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


#: Deeper nesting than this is refused. Real files nest a handful of levels; libyaml's
#: composer recurses in C per level and crashed the interpreter (a segfault, not an
#: exception) somewhere past 20,000 levels, which a 60 kB line of '[' reaches. Newer libyaml
#: (bundled with PyYAML 6.0.3 and later) instead stops at its own limit of 1,000 levels with
#: a syntax error of its own wording; this limit is well below both.
MAX_DEPTH = 200


def _too_deep_at(text: str) -> tuple[int, int] | None:
    """Where the document first nests deeper than MAX_DEPTH, as 0-based (line, column), or None."""
    # Cheap gate: each level past a few needs a '[', '{', '- ' or '? ' (indentation alone
    # costs quadratic bytes), so only files with that many of them get the exact check.
    if text.count("[") + text.count("{") + text.count("- ") + text.count("? ") <= MAX_DEPTH:
        return None
    try:  # the event parser keeps its own stack, so it is safe at any depth
        return _first_too_deep(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        if exc.problem_mark is None:
            return None
        # Newer libyaml's scanner reads far ahead of the events it hands out and may hit its own
        # nesting limit before we have seen MAX_DEPTH levels. Recount the text before its error
        # with the pure-Python parser, which has no limit (slow, but only on this error path and
        # only up to the error). If the index counts bytes rather than characters, the slice
        # only grows, which is harmless.
        head = text[:exc.problem_mark.index + 1]
        try:
            return _first_too_deep(yaml.parse(head, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            return None  # a real syntax error first: compose reports it with its position
    except yaml.YAMLError:
        return None


def _first_too_deep(events: Iterator[yaml.Event]) -> tuple[int, int] | None:
    depth = 0
    for event in events:
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line, event.start_mark.column
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def kind_name(node: Node | None) -> str:
    if node is None:
        return "nothing"
    if isinstance(node, Map):
        return "a mapping (key: value lines)"
    if isinstance(node, Seq):
        return "a list"
    # Quoted in part only: a file that is not YAML at all (a key file, a log) is not echoed
    # into a message CI logs keep.
    text = " ".join(node.text.split())
    return f"'{text[:QUOTED]}…'" if len(text) > QUOTED else f"'{text}'"


#: Characters of a value quoted in a message saying what the value is.
QUOTED = 40
