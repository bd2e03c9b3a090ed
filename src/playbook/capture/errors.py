"""The refusals of capture: nothing was written, and the message says why."""

from __future__ import annotations


class CaptureError(Exception):
    """Nothing was written: a lookup found no match or several, or a file is in the way (exit 1)."""

    exit_code = 1


class InvalidArgument(CaptureError):
    """A value given on the command line is not valid (exit 2, like any usage fault)."""

    exit_code = 2
