"""Parts assembled in worker processes (binding.assemble.Workers) and LibreOffice's outputs
finished while its batch goes on (binding.finishahead); no LibreOffice needed."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from archiver.binding.assemble import Workers
from archiver.binding.finishahead import FinishAhead

PARENT = os.getpid()


def double(n: int) -> int:
    return 2 * n


def fails_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT:
        raise RuntimeError("a worker that cannot")
    return n + 100


def always_fails(n: int) -> int:
    raise ValueError(f"part {n} cannot be assembled")


def test_parts_come_back_in_order_from_the_workers() -> None:
    with Workers(2, task=double) as workers:
        workers.start(5)
        assert workers.pool is not None
        assert list(workers.write([(n,) for n in range(5)])) == [(i, 2 * i) for i in range(5)]


def test_a_part_a_worker_could_not_write_is_written_here() -> None:
    with Workers(2, task=fails_in_a_worker) as workers:
        assert list(workers.write([(1,), (2,)])) == [(0, 101), (1, 102)]


def test_a_real_error_is_raised_as_itself() -> None:
    with Workers(2, task=always_fails) as workers, pytest.raises(ValueError, match="part 0"):
        list(workers.write([(0,), (1,)]))
    assert workers.pool is None  # closed


def test_an_interrupted_build_stops_the_workers_and_keeps_its_error() -> None:
    with pytest.raises(KeyboardInterrupt), Workers(2, task=double) as workers:
        workers.start(2)
        processes = list(workers.pool._processes.values())
        assert list(workers.write([(1,), (2,)])) == [(0, 2), (1, 4)]
        raise KeyboardInterrupt  # not an AttributeError from closing
    deadline = time.monotonic() + 5  # the pool's own thread may be the one to reap them
    while any(p.is_alive() for p in processes) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes and not any(p.is_alive() for p in processes)


def test_one_core_or_one_part_needs_no_process() -> None:
    with Workers(1, task=double) as workers:
        workers.start(4)
        assert workers.pool is None
        assert list(workers.write([(3,), (4,)])) == [(0, 6), (1, 8)]
    with Workers(2, task=double) as workers:
        assert list(workers.write([(7,)])) == [(0, 14)]
        assert workers.pool is None


def _pdf(path: Path, body: bytes = b"x") -> None:
    path.write_bytes(b"%PDF-1.4\n" + body + b"\n%%EOF\n")


def test_outputs_are_finished_as_they_are_complete(tmp_path: Path) -> None:
    outs = [tmp_path / f"{n}.pdf" for n in range(3)]
    seen: list[str] = []
    lock = threading.Lock()

    def finish(out: Path) -> object:
        with lock:
            seen.append(out.name)
        if out.name == "2.pdf":
            raise OSError("unreadable")
        return out.stat().st_size

    with FinishAhead(outs, finish) as ahead:
        _pdf(outs[0])
        outs[1].write_bytes(b"%PDF-1.4\nhalf written")  # no %%EOF: not finished
        _pdf(outs[2])
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert sorted(seen) == ["0.pdf", "2.pdf"]
    assert ahead.get(outs[0]) == outs[0].stat().st_size
    assert ahead.get(outs[1]) is None  # never complete
    assert ahead.get(outs[2]) is None  # its finishing failed: made again by the build
    _pdf(outs[0], b"rewritten, longer")
    assert ahead.get(outs[0]) is None  # not the file it was made from
