"""The base of the model's records, and their pickling.

Every record of the model (customers, notes, relationships, the site's view data) is a frozen
`msgspec.Struct`: a class made in C. Frozen, slotted dataclasses cost about 0.9 ms each to
define (each generated method is compiled from text): the 94 a one-note build imports took
about 85 ms of its 0.6 s at 1,000 customers. A Struct is defined in about 20 µs, made ten
times faster, and pickles as its class and its fields' values in order: a record of 12 fields
pickles in half the time and unpickles in a fifth. The build cache and the worker processes
move hundreds of thousands of them.
"""

from __future__ import annotations

import pickle
import sys
import types
from typing import Any

from msgspec import Struct
from msgspec.structs import astuple


class Record(Struct, frozen=True):
    """A frozen record: compared, hashed and printed by its fields' values, like a frozen
    dataclass; `msgspec.structs.replace` makes a changed copy."""


#: Per class: the positions of its fields holding tuples of names to intern when read back.
_INTERNED: dict[type, tuple[int, ...]] = {}


def intern_names(cls: type[Struct], *names: str) -> None:
    """Unpickle the fields `names` of `cls` (tuples of names: handles, tags) as interned
    strings. Read back, every record holds its own copy of each name, and a set made of all
    customers' names then compares each copy with the one in the set, character by character,
    wherever it lies in memory: at 10,000 customers, gathering the units' authors took 20 ms of
    every `serve` rebuild, and 2 ms with the names interned."""
    _INTERNED[cls] = tuple(cls.__struct_fields__.index(name) for name in names)
    cls.__reduce__ = _reduce_interning  # type: ignore[method-assign]


def _reduce_interning(self: Struct) -> tuple:
    # `astuple` reads each field as it is held (a `Pickled` one stays so).
    return _interned, (type(self), astuple(self))


def _interned(cls: type[Struct], values: tuple) -> Struct:
    state = list(values)
    for i in _INTERNED[cls]:
        state[i] = tuple(map(sys.intern, state[i]))
    return cls(*state)


class Pickled:
    """A field's value kept as its pickle until first read (`deferred`). Records copied
    before it is read share it, and with it the one value unpickled: a relationship is one
    object whichever copy read it first (the site's views key rows and actions by `id`)."""

    __slots__ = ("data", "value")

    def __init__(self, data: bytes):
        self.data = data

    def load(self) -> Any:
        try:
            return self.value
        except AttributeError:
            self.value = pickle.loads(self.data)
            return self.value

    def __reduce__(self):
        return Pickled, (self.data,)

    # A record compares and hashes the values its fields hold, this one as if unpickled.
    def __eq__(self, other: object) -> bool:
        return self.load() == (other.load() if type(other) is Pickled else other)

    def __hash__(self) -> int:
        return hash(self.load())


def deferred(cls: type, name: str) -> types.MemberDescriptorType:
    """Let the slot `name` of the slotted class `cls` hold a `Pickled` value, unpickled where
    the field is first read and kept so: every reader gets the value as if it had always
    been there. Returns the slot's own descriptor, which reads what the slot holds as it is.
    A Struct's own `__init__`, pickling, `astuple` and `replace` read and set its slots as
    they are: a record copied or pickled keeps such a field pickled."""
    slot = vars(cls)[name]
    if not isinstance(slot, types.MemberDescriptorType):
        raise TypeError(f"{cls.__name__}.{name} is not a slot")

    class Field:
        __slots__ = ()

        def __get__(self, obj, owner=None):
            if obj is None:
                return self
            value = slot.__get__(obj, owner)
            if type(value) is Pickled:
                value = value.load()
                slot.__set__(obj, value)
            return value

        def __set__(self, obj, value):
            slot.__set__(obj, value)

        def __delete__(self, obj):
            slot.__delete__(obj)

    setattr(cls, name, Field())
    return slot
