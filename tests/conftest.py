"""Shared fixtures: a small valid manifest, a CLI runner, and the LibreOffice layer.

Two layers of tests: everything runs in ``.ci/run``; ``pytest -m "not libreoffice"`` runs only
those that need no LibreOffice (seconds). A test (or a fixture it uses) that needs LibreOffice
asks for the ``libreoffice`` fixture, and is then marked ``libreoffice`` automatically. A test
that is not marked cannot start LibreOffice: it fails saying so, so the marker cannot rot.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "libreoffice: runs the real LibreOffice (deselect with -m 'not libreoffice')"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)


_running_marked = {"now": True}  # whether the test being set up, run or torn down is marked


def pytest_runtest_setup(item: pytest.Item) -> None:
    # set before any fixture of the test (module-scoped ones included) is made
    _running_marked["now"] = item.get_closest_marker("libreoffice") is not None


def _guard_libreoffice() -> Callable[[], Path]:
    from archiver.engines import libreoffice as lo

    real = lo.find_soffice

    def guarded() -> Path:
        if not _running_marked["now"]:
            pytest.fail(
                "this test starts LibreOffice: request the `libreoffice` fixture so that it is "
                "marked (pytest -m 'not libreoffice' then leaves it out)"
            )
        return real()

    lo.find_soffice = guarded
    return real


_find_soffice = _guard_libreoffice()


@pytest.fixture(scope="session", autouse=True)
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """archiver's per-user cache (the LibreOffice profile of its servers) made for this run,
    not in the user's own cache folder; the environment is inherited by subprocesses too."""
    if "ARCHIVER_CACHE_HOME" not in os.environ:
        os.environ["ARCHIVER_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


@pytest.fixture(scope="session")
def libreoffice() -> Path:
    """The soffice program; the tests that ask for it are the LibreOffice layer."""
    from archiver.errors import MissingProgramError

    try:
        return _find_soffice()
    except MissingProgramError as exc:
        if os.environ.get("CI"):
            raise  # CI installs it (scripts/setup.sh): its absence is a failure there
        pytest.skip(exc.message)


ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = ROOT / "manifests"

SMALL_MANIFEST = textwrap.dedent(
    """\
    schema_version: 1
    title: 测试指标体系
    source:
      issuer: 测试局
      document: 关于印发测试方案的通知
      date: 2021-01-06
      attachment: 附1
    period:
      start: 2016-01-01
    word_limits: {soft: 500, hard: 1000}
    levels:
      - {id: national, name: 国家级, includes: [national]}
      - {id: provincial, name: 省级, includes: [national, provincial]}
    always_included: [bonus]
    units:
      - name: 局法规调研科
        aliases: [市法规调研科]
      - name: 局规划财务与基金监督科
        aliases: [局规划财务和基金监督科]
      - name: 局办公室
    categories:
      - no: 一
        name: 政府职能依法全面履行
        children:
          - {no: "1", name: 行政审批制度改革全面推行}
      - no: 九
        name: 附加项
        children:
          - {no: "1", name: 加分项}
    indicators:
      - id: "1"
        level: national
        category: [一, "1"]
        text: 向社会公布本级政府全部行政审批事项清单。
        lead_units: [市法规调研科]
        materials:
          - no: 1
            text: 压缩行政审批办理时限的情况说明。
            kind: explanation
          - no: 2
            text: 行政审批事项清单。
            kind: evidence
            lead_units: [局办公室]
      - id: "2"
        level: national
        category: [一, "1"]
        text: 非行政许可审批事项全部取消。
        lead_units: [局法规调研科]
        materials:
          - no: 1
            same_as: {indicator: "1", material: 1}
      - id: "(1)"
        level: provincial
        category: [一, "1"]
        text: 严格落实预算法。
        lead_units: [局规划财务和基金监督科]
        materials:
          - no: 1
            text: 预算执行情况的说明,字数不超过2000字。
            kind: explanation
            word_limit: 2000
      - id: "3"
        level: national
        category: [一, "1"]
        text: 全面推行“证照分离”。
        lead_units: [局法规调研科]
        no_materials: 不需提供申报材料
      - id: 加分1
        level: bonus
        category: [九, "1"]
        text: 获得省部级以上表彰。
        lead_units: [局法规调研科]
        materials:
          - {no: 1, text: 证书复印件。, kind: evidence}
    """
)


@pytest.fixture
def small_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_MANIFEST, encoding="utf-8")
    return path


@pytest.fixture
def write_manifest(tmp_path: Path) -> Callable[[str], Path]:
    """Write a manifest made by editing SMALL_MANIFEST (or any text) and return its path."""

    def write(text: str, name: str = "m.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run() -> Callable[..., object]:
    runner = CliRunner()

    def invoke(*args: str) -> object:
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke
