"""Read a YAML file safely and remember the line of every key.

PyYAML's ``safe_load`` loses line numbers and silently keeps the last of two duplicate keys.
Here the document is composed into nodes (``yaml.SafeLoader``), then turned into plain Python
values by hand, so that each value's key path maps to its line, duplicate keys are reported,
and anchors/aliases are refused: manifests never need them, and refusing them defeats the
"billion laughs" expansion before it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archiver.problems import KeyPath, Problem

# libyaml's composer when PyYAML was built with it: the same nodes and marks, ~7 × faster
# (the 附1 manifest: 0.12 s → 0.02 s, read by every command)
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 8 * 1024 * 1024  # a manifest of 130 indicators is ~100 KB
MAX_NODES = 200_000


@dataclass
class YamlDocument:
    file: str
    data: Any
    lines: dict[KeyPath, int]


class YamlReadError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _fail(file: str, line: int | None, message: str) -> YamlReadError:
    return YamlReadError([Problem(file, line, (), message)])


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read ``path``; raise :class:`YamlReadError` with Chinese problems on any failure."""
    file = display or str(path)
    try:
        if not path.exists():
            raise _fail(file, None, "文件不存在,请检查路径是否正确")
        if path.is_dir():
            raise _fail(file, None, "这是一个文件夹,不是 YAML 文件")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(file, None, f"文件过大({size} 字节,上限 {MAX_BYTES} 字节),不像是清单文件")
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(file, None, f"无法读取文件:{exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(
            file, line, "文件不是 UTF-8 编码;请用记事本“另存为”并选择 UTF-8 编码后重试"
        ) from exc
    return parse_yaml(text, file)


def parse_yaml(text: str, file: str) -> YamlDocument:
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "格式错误"
        raise _fail(file, line, f"YAML 语法错误({what});请检查缩进、冒号和引号") from exc
    except yaml.YAMLError as exc:
        raise _fail(file, None, f"YAML 语法错误:{exc}") from exc
    if node is None:
        return YamlDocument(file, None, {})
    builder = _Builder(file)
    data = builder.build(node, ())
    if builder.problems:
        raise YamlReadError(builder.problems)
    return YamlDocument(file, data, builder.lines)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self.problems.append(
                    Problem(self.file, node.start_mark.line + 1, path, "文件内容过多,已停止读取")
                )
            return None
        self.lines.setdefault(path, node.start_mark.line + 1)
        if getattr(node, "anchor", None) is not None or getattr(node, "_archiver_seen", False):
            self.problems.append(
                Problem(
                    self.file,
                    node.start_mark.line + 1,
                    path,
                    "不支持 YAML 锚点和别名(& 和 *);请把内容直接写出来",
                )
            )
            return None
        node._archiver_seen = True  # type: ignore[attr-defined]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(
                        Problem(self.file, key_node.start_mark.line + 1, path, "键必须是文字")
                    )
                    continue
                key = str(key_node.value)
                if key == "<<":
                    self.problems.append(
                        Problem(self.file, key_node.start_mark.line + 1, path, "不支持合并键 <<")
                    )
                    continue
                if key in out:
                    self.problems.append(
                        Problem(
                            self.file,
                            key_node.start_mark.line + 1,
                            (*path, key),
                            f"键“{key}”重复出现;同一层只能写一次",
                        )
                    )
                    continue
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problems.append(
                Problem(self.file, node.start_mark.line + 1, path, f"无法解析的值:{exc}")
            )
            return None
