"""What a library raised is told in Chinese; its class and text go to the log (``-v``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from archiver.scan import facts


def test_an_unforeseen_error_reads_in_chinese_and_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pdf = tmp_path / "通知.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ZeroDivisionError("division by zero in a hostile file")

    monkeypatch.setattr(facts, "_pdf", broken)
    with caplog.at_level(logging.INFO, logger="archiver"):
        got = facts.examine(pdf, "MARK", want_text=False)
    assert got.problem == "unreadable"
    assert "ZeroDivisionError" not in got.reason and "division" not in got.reason
    assert "已损坏" in got.reason
    assert "ZeroDivisionError: division by zero in a hostile file" in caplog.text
    assert str(pdf) in caplog.text
