"""The manifest reader gives the same values, lines and errors with libyaml as without."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from archiver import yamlsource
from archiver.yamlsource import YamlReadError, parse_yaml

MANIFESTS = sorted((Path(__file__).parents[2] / "manifests").glob("*.yaml"))

BAD = {
    "syntax": "indicators:\n  - id: 1\n    name: [未闭合\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "alias": "a: &x 1\nb: *x\n",
}


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    out: list[object] = []
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        monkeypatch.setattr(yamlsource, "_LOADER", loader)
        try:
            doc = parse_yaml(text, "x.yaml")
            out.append((doc.data, doc.lines))
        except YamlReadError as exc:
            out.append([(p.line, p.message.split("(")[0]) for p in exc.problems])
    return out


@pytest.mark.parametrize("path", MANIFESTS, ids=[p.stem for p in MANIFESTS])
def test_shipped_manifests_read_the_same(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pure, fast = _both(path.read_text(encoding="utf-8"), monkeypatch)
    assert pure == fast
    assert len(pure[1]) > 100  # type: ignore[index]  # lines of many keys


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_yaml_reported_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pure, fast = _both(BAD[name], monkeypatch)
    assert isinstance(pure, list) and pure, pure
    assert pure == fast
