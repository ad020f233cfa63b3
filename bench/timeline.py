"""When each stage of one build runs, in every thread: a wall-clock timeline (not a test).

Usage: python bench/timeline.py WORKSPACE OUT JSON

Runs ``run_build`` in this process with the stage functions wrapped, so that each call's
start and end (seconds from the start of the build) and its thread are recorded; the
LibreOffice runs are the calls of ``engines.libreoffice._run_soffice``. Writes the spans
as JSON. cProfile sees only the main thread; this shows what runs beside it.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (module, attribute, label): what is recorded
WATCHED = [
    ("archiver.binding.run", "check_opened", "check"),
    ("archiver.binding.run", "_convert", "convert the inputs"),
    ("archiver.binding.convert", "prepare_copies", "prepare office copies"),
    ("archiver.binding.run", "render_pages", "render own pages"),
    ("archiver.binding.explanations", "compile_elsewhere", "compile 情况说明汇编"),
    ("archiver.binding.run", "_write_parts", "assemble the volumes"),
    ("archiver.binding.run", "write_index", "write the index"),
    ("archiver.binding.publish", "write_checksums", "checksums"),
    ("archiver.engines.libreoffice", "_run_soffice", "LibreOffice"),
    ("archiver.engines.officeserver", "convert_served", "LibreOffice server"),
]


def main() -> None:
    import importlib

    ws, out, target = (Path(a) for a in sys.argv[1:4])
    spans: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    names: dict[int, str] = {}

    def thread() -> str:
        ident = threading.get_ident()
        if ident not in names:
            names[ident] = (
                "main"
                if threading.current_thread() is threading.main_thread()
                else (f"worker {len([n for n in names.values() if n != 'main']) + 1}")
            )
        return names[ident]

    for module, attr, label in WATCHED:
        owner: Any = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        real = getattr(owner, name)

        def wrapped(*a: Any, _real: Any = real, _label: str = label, **k: Any) -> Any:
            start = time.perf_counter() - t0
            try:
                return _real(*a, **k)
            finally:
                end = time.perf_counter() - t0
                spans.append({"stage": _label, "thread": thread(), "start": start, "end": end})

        setattr(owner, name, functools.wraps(real)(wrapped))
    from archiver.binding.run import run_build

    run_build(ws, out=out)
    total = time.perf_counter() - t0
    target.write_text(json.dumps({"total": total, "spans": spans}, ensure_ascii=False))


if __name__ == "__main__":
    main()
