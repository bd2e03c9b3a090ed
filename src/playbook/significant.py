"""The significant words of an ask: what groups asks across customers and finds the asks an
`available` entry answers.

Small and explainable on purpose, so an account manager can tell why two asks were put
together: the text is folded to lower-case ASCII letters and digits, split into words,
common words and the words every request uses ('quote', 'whether', 'new') are left out, and
each word loses a plural or an '-ing'/'-ed' ending, so 'editions' meets 'edition' and
'translated' meets 'translate'. Linear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .limits import MAX_ABOUT, MAX_ABOUT_CHARS
from .problems import Problem, error
from .yamlio import Scalar

#: Words that say nothing about *what* was asked: English function words, and the words of
#: asking itself ('a quote for…', 'whether we can…', 'options for a new…').
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below between
both but by can could did do does doing down during each either few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just let me more most my
myself no nor not now of off on once only or other our ours out over own same she should so some such
than that the their theirs them themselves then there these they this those through to too under until
up upon very was we were what when where which while who whom why will with within without would you
your yours
ask asked asking asks able get gets getting got need needs needed want wants wanted like please whether
quote quotes quoted price prices pricing cost costs option options help new way ways thing things
something someone anything etc per via eg ie us one two let lets make
""".split())

_WORD = re.compile(r"[a-z0-9]+")
_VOWEL = re.compile(r"[aeiouy]")
#: Doubled final consonants undone after a cut ending ('running' → 'run'); 'll', 'ss' and
#: 'zz' are usually part of the word ('installed' → 'install').
_UNDOUBLE = frozenset("bdfgkmnprt")


def fold(text: str) -> str:
    """Lower-case ASCII: accents dropped ('Café' → 'cafe'), apostrophes joined ('Fairline's'
    → 'fairlines', which the plural rule turns to 'fairline')."""
    text = re.sub(r"['\u2019]", "", text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def words(text: str) -> list[str]:
    """The words of `text` that can say what it is about, folded, in order (not stemmed):
    stop words, single characters and lone digits left out."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOP_WORDS]


def _cut(w: str, ending: str) -> str | None:
    """`w` without `ending`, when what is left is a word (three letters or more, a vowel)."""
    base = w[:-len(ending)]
    if len(base) < 3 or not _VOWEL.search(base):
        return None
    if len(base) > 3 and base[-1] == base[-2] and base[-1] in _UNDOUBLE:
        base = base[:-1]
    return base


@lru_cache(maxsize=1 << 16)  # a book's asks repeat their words: stemming was most of grouping
def stem(w: str) -> str:
    """A light stem: plurals ('batteries' → 'battery', 'switches' → 'switch', 'editions' →
    'edition'), then '-ing' and '-ed', then a final 'e' ('cable' and 'cabling' both give
    'cabl'). Words of three letters or fewer, and numbers, are kept as they are."""
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for ending in ("ing", "ed"):
        if w.endswith(ending) and not w.endswith("eed"):
            base = _cut(w, ending)
            if base is not None:
                w = base
                break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def surfaces(text: str) -> dict[str, str]:
    """Each stem of `text`'s significant words, in order, with the first word that gave it
    (for showing a stem as a word)."""
    out: dict[str, str] = {}
    for w in words(text):
        out.setdefault(stem(w), w)
    return out


def terms(text: str) -> tuple[str, ...]:
    """The stems of `text`'s significant words, in order, each once."""
    return tuple(surfaces(text))


def read_about(nodes: tuple[Scalar, ...], path: str, problems: list[Problem]) -> tuple[str, ...]:
    """The `about` words of an ask or an `available` entry, as written, each once: an entry
    with no significant word ('the', 'a quote') could never match anything, so it is an error,
    as are more than MAX_ABOUT entries or one longer than MAX_ABOUT_CHARS."""
    if len(nodes) > MAX_ABOUT:
        problems.append(error(path, nodes[MAX_ABOUT].line, nodes[MAX_ABOUT].column,
                              f"'about' can list at most {MAX_ABOUT} words or tags; this one has {len(nodes):,}"))
        nodes = nodes[:MAX_ABOUT]
    out: dict[str, None] = {}
    for n in nodes:
        text = " ".join(n.text.split())
        if len(text) > MAX_ABOUT_CHARS:
            problems.append(error(path, n.line, n.column, f"'about' entry '{text[:40]}…' is longer than "
                                                          f"{MAX_ABOUT_CHARS} characters; use a word or a short tag"))
        elif not terms(text):
            problems.append(error(path, n.line, n.column, f"'about' entry '{text}' has no word to match by (too "
                                                          "common a word, or no letters); use what it is about, "
                                                          "e.g. 'spanish' or 'zero-trust'"))
        else:
            out[text] = None
    return tuple(out)
