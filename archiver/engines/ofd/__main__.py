"""Child process entry: ``python -m archiver.engines.ofd SOURCE OUT``.

Prints one JSON line on stdout: ``{"pages": N, "warnings": [...]}`` or ``{"error": "..."}``
(exit code 3). Memory is capped so a hostile file cannot exhaust the machine; the parent
bounds time.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

MEMORY_LIMIT = 2 * 1024 * 1024 * 1024  # bytes of address space


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: only the parent's timeout bounds the work
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _emit(payload: dict[str, object]) -> None:
    sys.stdout.buffer.write(json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("usage: python -m archiver.engines.ofd SOURCE OUT\n")
        return 2
    _limit_memory()
    from archiver.engines.ofd.errors import OfdError, fail
    from archiver.engines.ofd.render import render

    try:
        pages, warnings = render(Path(argv[1]), Path(argv[2]))
    except OfdError as exc:
        _emit({"error": exc.message})
        return 3
    except MemoryError:
        _emit({"error": fail("OFD 绘制所需内存超过上限(文件过大或已损坏)").message})
        return 3
    except RecursionError:
        _emit({"error": fail("OFD 的结构嵌套过深,无法绘制").message})
        return 3
    except Exception:  # an unforeseen defect in the file: report it, never crash
        logging.getLogger(__name__).exception("OFD rendering failed")
        _emit({"error": fail("OFD 绘制时出错(文件中有无法识别的内容)").message})
        return 3
    _emit({"pages": pages, "warnings": warnings})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
