"""``run`` stops a program that makes no progress, long before its whole timeout."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from archiver.engines.run import run
from archiver.errors import ProgramTimeoutError


def test_a_stalled_program_is_stopped_early(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ProgramTimeoutError) as err:
        run(
            [sys.executable, "-c", "import time; time.sleep(30)"],
            timeout=60,
            stall=(lambda: 0, 1, 1),
        )
    assert time.monotonic() - started < 10
    assert "处理一个文件超过 1 秒" in err.value.message


def test_a_program_making_progress_is_left_alone(tmp_path: Path) -> None:
    code = (
        "import pathlib, sys, time\n"
        "for i in range(6):\n"
        f"    pathlib.Path(r'{tmp_path}', str(i)).write_text('x'); time.sleep(0.4)\n"
    )
    done = run(
        [sys.executable, "-c", code],
        timeout=60,
        stall=(lambda: len(list(tmp_path.iterdir())), 1, 1),
    )
    assert done.returncode == 0 and len(list(tmp_path.iterdir())) == 6


def test_the_first_progress_may_take_longer(tmp_path: Path) -> None:
    code = (
        "import pathlib, time\n"
        "time.sleep(2)\n"  # starting up
        f"pathlib.Path(r'{tmp_path}', 'a').write_text('x')\n"
    )
    done = run(
        [sys.executable, "-c", code],
        timeout=60,
        stall=(lambda: len(list(tmp_path.iterdir())), 1, 5),
    )
    assert done.returncode == 0
