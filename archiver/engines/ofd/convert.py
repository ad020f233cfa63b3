"""The converter's entry points: render an OFD to PDF in a child process; count its pages.

The child (``python -m archiver.engines.ofd``) runs through :func:`archiver.engines.run.run`
so that a hostile file is bounded in time (and, inside the child, in memory and work). Every
failure becomes an :class:`OfdError` whose Chinese message names the file.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from archiver.engines.ofd.document import document_member, page_refs
from archiver.engines.ofd.errors import ADVICE, OfdError
from archiver.engines.ofd.package import Package, dirname
from archiver.errors import ExternalProgramError, ProgramTimeoutError


@dataclass(frozen=True)
class OfdResult:
    pages: int
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"pages": self.pages, "warnings": list(self.warnings)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> OfdResult:
        pages = data.get("pages")
        warnings = data.get("warnings", [])
        if not isinstance(pages, int) or not isinstance(warnings, list):
            raise ValueError("not an OfdResult")
        return cls(pages, tuple(str(w) for w in warnings))


def convert_ofd(source: Path, out: Path, *, timeout: float) -> OfdResult:
    """Render ``source`` to the PDF ``out`` (written whole or not at all)."""
    from archiver.engines.run import run

    part = out.with_name(out.name + ".ofd-part")
    argv = [sys.executable, "-m", "archiver.engines.ofd", str(source), str(part)]
    try:
        try:
            done = run(argv, timeout=timeout, check=False)
        except ProgramTimeoutError as exc:
            raise OfdError(
                f"{source.name}:OFD 绘制超过 {timeout:g} 秒仍未完成(文件过大或已损坏);{ADVICE}"
            ) from exc
        except ExternalProgramError as exc:
            raise OfdError(f"{source.name}:无法启动 OFD 绘制程序:{exc.message}") from exc
        payload = _last_json(done.stdout)
        if payload is not None and isinstance(payload.get("error"), str):
            raise OfdError(f"{source.name}:{payload['error']}")
        try:
            result = OfdResult.from_json(payload or {})
        except ValueError:
            tail = done.stderr.strip()[-300:]
            raise OfdError(
                f"{source.name}:OFD 绘制程序异常退出(退出码 {done.returncode});{ADVICE}",
                details=[tail] if tail else None,
            ) from None
        _check_output(source, part, result.pages)
        part.replace(out)
        return result
    finally:
        part.unlink(missing_ok=True)


def _last_json(stdout: str) -> dict[str, object] | None:
    for line in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _check_output(source: Path, part: Path, pages: int) -> None:
    """Distrust exit 0: the PDF must exist, open and have the pages the child reported."""
    from pypdf import PdfReader

    try:
        count = len(PdfReader(part).pages)
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise OfdError(f"{source.name}:OFD 绘制结果不是有效的 PDF;{ADVICE}") from exc
    if count != pages:
        raise OfdError(f"{source.name}:OFD 绘制结果页数不符({count}/{pages});{ADVICE}")


def ofd_page_count(source: Path) -> int:
    """Page count from Document.xml alone (cheap, for the checker); OfdError if broken."""
    try:
        package = Package(source, source.name)
    except OfdError as exc:
        raise OfdError(f"{source.name}:{exc.message}") from exc
    try:
        member, _ = document_member(package)
        if not package.exists(member):
            raise OfdError(f"OFD.xml 指向的文档 {member} 不存在;{ADVICE}")
        return len(page_refs(package.xml(member), dirname(member)))
    except OfdError as exc:
        raise OfdError(f"{source.name}:{exc.message}") from exc
    finally:
        package.close()
