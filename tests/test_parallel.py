"""`parallel.beside` and `beside_all`: forked workers beside this process, which a build after
an edit uses to make the exports (playbook.json, the search index) while it makes the pages
(site_files.split_ok)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from playbook import parallel

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")


def _where(share: dict) -> tuple[int, object]:
    """The worker's process and what it inherited (a lock cannot be pickled: it was not sent)."""
    return os.getpid(), share["made"](share["lock"])


def _failing(share: dict) -> None:
    raise ValueError("the worker failed")


def _slow_write(share: dict) -> str:
    share["path"].write_text("written by the worker")
    return "done"


def _square(x: int, share: dict) -> int:
    return x * x


@needs_fork
def test_the_worker_is_forked_with_the_share_while_this_process_runs_meanwhile():
    here: list[int] = []
    lock = threading.Lock()
    pid, made = parallel.beside(_where, lambda: here.append(os.getpid()), lock=lock,
                                made=lambda held: type(held).__name__)
    assert here == [os.getpid()] and pid != os.getpid()
    assert made == type(lock).__name__
    assert parallel._SHARED == {}  # nothing left for the next pool


@needs_fork
def test_an_error_in_the_worker_is_raised_after_meanwhile_is_done():
    done: list[bool] = []
    with pytest.raises(ValueError, match="the worker failed"):
        parallel.beside(_failing, lambda: done.append(True))
    assert done == [True]


@needs_fork
def test_an_error_meanwhile_is_raised_once_the_worker_is_done(tmp_path: Path):
    """The build's writer is aborted (its scratch folder removed) only after the worker has
    stopped writing into it."""
    target = tmp_path / "out.txt"

    def meanwhile() -> None:
        raise RuntimeError("a template failed")
    with pytest.raises(RuntimeError, match="a template failed"):
        parallel.beside(_slow_write, meanwhile, path=target)
    assert target.read_text() == "written by the worker"


@needs_fork
def test_meanwhile_may_start_workers_of_its_own():
    """The share's lock is released once the worker is forked: `ordered_map` inside
    `meanwhile` (a large book's customer pages) does not wait on it."""
    found: list[int] = []
    result: list[str] = []
    # In a thread, so that a lock held across `meanwhile` fails the test instead of hanging it.
    run = threading.Thread(target=lambda: result.append(parallel.beside(
        _slow_write, lambda: found.extend(parallel.ordered_map(_square, range(60), 2, 10)), path=Path(os.devnull))),
        daemon=True)
    run.start()
    run.join(60)
    assert result == ["done"] and found == [x * x for x in range(60)]


def _pid_after(share: dict, k: int) -> tuple[int, int]:
    """Its process, once every worker has arrived (each call in a worker of its own, side by side)."""
    share["barrier"].wait(timeout=30)
    return k, os.getpid()


def _fails_with(share: dict, k: int) -> None:
    raise ValueError(f"worker {k} failed")


@needs_fork
def test_beside_all_runs_each_call_in_a_worker_of_its_own_forked_before_any_thread(monkeypatch):
    """Each call has its own worker, at once (the barrier needs all three), and the results
    come in the calls' order. The workers are all forked before the pool starts its thread
    (a thread's lock held at a fork stays held in the child)."""
    import functools
    import multiprocessing
    barrier = multiprocessing.get_context("fork").Barrier(3)
    seen: list[int] = []
    threads_at_fork: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        threads_at_fork.append(threading.active_count())
        return real_fork()
    monkeypatch.setattr(os, "fork", fork)
    before = threading.active_count()
    found = parallel.beside_all([functools.partial(_pid_after, k=k) for k in range(3)],
                                lambda: seen.append(os.getpid()), barrier=barrier)
    assert [k for k, _ in found] == [0, 1, 2]
    assert len({pid for _, pid in found}) == 3 and os.getpid() not in {pid for _, pid in found}
    assert threads_at_fork == [before] * 3
    assert seen == [os.getpid()] and parallel._SHARED == {}


@needs_fork
def test_beside_all_raises_the_first_workers_error_after_all_are_done():
    import functools
    done: list[bool] = []
    with pytest.raises(ValueError, match="worker 0 failed"):
        parallel.beside_all([functools.partial(_fails_with, k=k) for k in range(2)], lambda: done.append(True))
    assert done == [True]


def test_without_fork_both_run_in_this_process(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    order: list[str] = []
    target = tmp_path / "out.txt"
    assert parallel.beside(_slow_write, lambda: order.append(target.read_text()), path=target) == "done"
    assert order == ["written by the worker"]


def _square_late(x: int, share: dict) -> int:
    """x², the last item only once this process has taken a step of `meanwhile` (it makes
    the file), so that a step is taken while a worker is busy, whatever the machine's load."""
    if x == share["last"]:
        for _ in range(3000):
            if share["path"].exists():
                break
            time.sleep(0.01)
    return x * x


@needs_fork
def test_ordered_map_goes_through_meanwhile_only_while_told_to(tmp_path: Path):
    """`when()` false: this process waits for the workers instead of taking a step of
    `meanwhile` (what a build reads ahead once a changed folder is seen); the steps not taken
    come after the results, as ever; once told, it takes them while the workers are busy."""
    def meanwhile(flag: Path):
        for k in range(100):
            flag.touch()
            yield -1 - k
    out = list(parallel.ordered_map(_square_late, range(20), 2, 2, meanwhile(tmp_path / "1"), lambda: False,
                                    last=-1, path=tmp_path / "1"))
    assert out[:20] == [x * x for x in range(20)] and out[20:] == [-1 - k for k in range(100)]
    told = [False]
    seen: list[int] = []
    for x in parallel.ordered_map(_square_late, range(20), 2, 2, meanwhile(tmp_path / "2"), lambda: told[0],
                                  last=19, path=tmp_path / "2"):
        seen.append(x)
        told[0] = told[0] or x == 4  # from the third result on (its chunk's results come first)
    firsts = [i for i, x in enumerate(seen) if x < 0]
    results = [i for i, x in enumerate(seen) if x >= 0]
    assert [seen[i] for i in results] == [x * x for x in range(20)]
    assert firsts[0] >= 4 and firsts[0] < results[-1], seen  # taken while a worker was busy
