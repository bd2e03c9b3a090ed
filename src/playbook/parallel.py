"""Work spread over forked processes, results in order.

Workers inherit what they need when forked, instead of being sent it, and
results come back in the items' order, so the output never depends on who did what.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
#: Items per task handed to a worker.
CHUNK = 25

#: What forked workers inherit: set just before a pool starts, under `_POOL` (so builds in
#: two threads of one process, as in `serve`'s tests, never see each other's).
_SHARED: dict = {}
_POOL = threading.Lock()


def _run_chunk(args: tuple[Callable, int, int]) -> list:
    fn, lo, hi = args
    return [fn(x, _SHARED) for x in _SHARED["items"][lo:hi]]


def can_fork() -> bool:
    return os.name == "posix" and "fork" in multiprocessing.get_all_start_methods()


def in_process(items: Sequence, jobs: int, chunk: int = CHUNK) -> bool:
    """Whether `ordered_map` does `items` in this process (too few of them for workers to pay)."""
    return jobs <= 1 or len(items) <= chunk or not can_fork()


def workers(jobs: int | None = None) -> int:
    if jobs is not None:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(fn: Callable[[T, dict], R], items: Sequence[T], jobs: int, chunk: int = CHUNK,
                meanwhile: Iterable[R] = (), when: Callable[[], bool] | None = None, **share) -> Iterator[R]:
    """`fn(item, share)` over `items`, results in the items' order, after those of `meanwhile`.

    With jobs > 1, forked workers take chunks of `items` while this process goes through
    `meanwhile` (while `when()` says so; else it waits for the workers' oldest chunk).
    Workers inherit `items` and `share` instead of being sent them, so `fn` must be a
    module-level function. Without fork: one process."""
    if in_process(items, jobs, chunk):
        yield from meanwhile
        yield from (fn(x, share) for x in items)
        return
    with _POOL:
        _SHARED.update(share, items=items)
        try:
            yield from _forked(fn, items, jobs, chunk, iter(meanwhile), when)
        finally:
            _SHARED.clear()


def _forked(fn: Callable, items: Sequence, jobs: int, chunk: int, more: Iterator,
            when: Callable[[], bool] | None = None) -> Iterator:
    spans = iter([(fn, lo, min(lo + chunk, len(items))) for lo in range(0, len(items), chunk)])
    done = object()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        # A few chunks in flight at a time, so finished results never pile up in memory;
        # while the oldest is not ready, this process works through `meanwhile`.
        pending = deque(pool.submit(_run_chunk, span) for span in islice(spans, 8 * jobs))
        while pending:
            while not pending[0].done() and (when is None or when()):
                item = next(more, done)
                if item is done:
                    break
                yield item
            results = pending.popleft().result()
            span = next(spans, None)
            if span is not None:
                pending.append(pool.submit(_run_chunk, span))
            yield from results
            del results
        yield from more


def _run_beside(k: int) -> object:
    if "beside" not in _SHARED:  # a programming error: the worker was forked after the share was cleared
        raise RuntimeError("a worker started without the share it was forked for")
    return _SHARED["beside"][k](_SHARED)


def beside(fn: Callable[[dict], R], meanwhile: Callable[[], None], **share) -> R:
    """`fn(share)` in one forked worker while this process runs `meanwhile()`; `fn`'s result,
    once both are done (see `beside_all`)."""
    return beside_all([fn], meanwhile, **share)[0]


def beside_all(fns: Sequence[Callable[[dict], R]], meanwhile: Callable[[], None], **share) -> list[R]:
    """Each of `fns` called with `share`, each in a forked worker of its own, while this
    process runs `meanwhile()`; their results in order, once all are done (an error in any is
    raised here, after all: `meanwhile`'s, else the first worker's in order). The workers
    inherit `share` and `fns` instead of being sent them, so they may be any callables; all
    are forked before the pool starts its thread (a fork copies no thread, and a lock a
    thread held would stay held in the child). Without fork: each of `fns`, then `meanwhile`,
    in this process. `meanwhile` may start workers of its own (`ordered_map`)."""
    if not can_fork():
        found = [fn(share) for fn in fns]
        meanwhile()
        return found
    with _POOL:
        _SHARED.update(share, beside=list(fns))
        try:
            # A fork context starts all its workers within the first `submit`: they have the
            # share as it is now. Each takes one call, so the calls run side by side.
            pool = ProcessPoolExecutor(max_workers=len(fns), mp_context=multiprocessing.get_context("fork"))
            futures = [pool.submit(_run_beside, k) for k in range(len(fns))]
        finally:
            _SHARED.clear()
    with pool:  # leaving it waits for the workers, whatever `meanwhile` raised
        try:
            meanwhile()
        finally:
            for f in futures:
                f.exception()  # wait for each; the first one's error is raised below
        return [f.result() for f in futures]
