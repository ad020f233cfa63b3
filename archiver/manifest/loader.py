"""Load a manifest file: read the YAML, validate every field, return a :class:`Manifest`.

Validation collects every problem (with file, line and key path) before failing once with
:class:`ManifestError`, whose details list them all. Unknown keys are warnings, errors under
``strict``. The format is documented field by field in ``docs/manifest.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.errors import ManifestError
from archiver.manifest.model import (
    LEVEL_KINDS,
    MATERIAL_KINDS,
    Category,
    Indicator,
    Level,
    Manifest,
    Material,
    MaterialRef,
    Source,
    Unit,
    WordLimit,
)
from archiver.manifest.schema import Reader
from archiver.manifest.sharing import link_shared
from archiver.manifest.terms import read_terms
from archiver.manifest.units import unit_key
from archiver.problems import KeyPath, Problem, ProblemList
from archiver.yamlsource import YamlReadError, read_yaml

SCHEMA_VERSION = 1

# the keys each mapping of the format may hold (docs/manifest.md); others are warned about
TOP_KEYS = (
    "schema_version", "title", "source", "period", "word_limits", "levels", "always_included",
    "units", "categories", "indicators", "default_material", "explanation", "notes",
    "terms",
)  # fmt: skip
SOURCE_KEYS = ("issuer", "document", "number", "date", "attachment")
INDICATOR_KEYS = (
    "id", "level", "category", "text", "requirement", "lead_units", "no_materials", "materials",
    "note",
)  # fmt: skip
MATERIAL_KEYS = ("no", "text", "kind", "lead_units", "word_limit", "same_as", "note")
CATEGORY_KEYS = ("no", "name", "points", "children", "note")


@dataclass
class LoadResult:
    manifest: Manifest
    warnings: list[Problem]


def load_manifest(path: Path | str, *, strict: bool = False) -> LoadResult:
    """Load and validate; raise :class:`ManifestError` listing every problem."""
    path = Path(path)
    try:
        doc = read_yaml(path)
    except YamlReadError as exc:
        raise ManifestError(
            f"清单文件 {path} 无法读取", details=[str(p) for p in exc.problems]
        ) from exc
    problems = ProblemList(doc.file, doc.lines)
    manifest = _Validator(problems, Reader(problems, strict)).manifest(doc.data, str(path))
    if problems.errors or manifest is None:
        raise ManifestError(
            f"清单文件 {path} 有 {len(problems.errors)} 处错误,请逐条修改后重试",
            details=[str(p) for p in problems.items],
        )
    return LoadResult(manifest, problems.warnings)


class _Validator:
    def __init__(self, problems: ProblemList, reader: Reader) -> None:
        self.p = problems
        self.r = reader
        self.units: dict[str, str] = {}  # unit_key(name or alias) -> canonical name

    # -- top level ---------------------------------------------------------------------
    def manifest(self, data: Any, path: str) -> Manifest | None:
        r = self.r
        if data is None:
            self.p.error((), "文件是空的;清单至少需要 title、units、categories 和 indicators")
            return None
        top = r.mapping(data, ())
        if not top:
            return None
        r.keys(top, (), TOP_KEYS)
        version = top.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            self.p.expected(("schema_version",), f"格式版本 {SCHEMA_VERSION}", version)
        title = r.text(r.required(top, "title", ()), ("title",)) or ""
        source = self._source(top.get("source"))
        period = r.mapping(top.get("period"), ("period",))
        r.keys(period, ("period",), ("start", "end"))
        start = r.date(period.get("start"), ("period", "start"))
        end = r.date(period.get("end"), ("period", "end"))
        if start and end and end < start:
            self.p.error(("period", "end"), "收集期间的结束日期早于开始日期")
        limits = self._word_limits(top.get("word_limits"))
        levels, always = self._levels(top.get("levels"), top.get("always_included"))
        units = self._units(r.required(top, "units", ()))
        categories = self._categories(r.required(top, "categories", ()), ("categories",))
        default_material = self._default_material(top.get("default_material"))
        kinds = {k for lv in levels for k in lv.includes} | set(always)
        indicators = self._indicators(
            r.required(top, "indicators", ()), categories, kinds, limits, default_material
        )
        indicators = link_shared(indicators, self.p)
        notes = tuple(r.text_list(top.get("notes"), ("notes",)))
        explanation = r.text(top.get("explanation"), ("explanation",), optional=True)
        return Manifest(
            path=path,
            title=title,
            source=source,
            period_start=start,
            period_end=end,
            word_limits=limits,
            levels=tuple(levels),
            always_included=tuple(always),
            units=tuple(units),
            categories=tuple(categories),
            indicators=tuple(indicators),
            default_material=default_material,
            explanation=explanation,
            notes=notes,
            terms=read_terms(r, top.get("terms")),
        )

    def _source(self, value: Any) -> Source:
        r, at = self.r, ("source",)
        m = r.mapping(value, at)
        r.keys(m, at, SOURCE_KEYS)
        return Source(
            issuer=r.text(m.get("issuer", ""), (*at, "issuer"), allow_empty=True) or "",
            document=r.text(m.get("document", ""), (*at, "document"), allow_empty=True) or "",
            number=r.text(m.get("number"), (*at, "number"), optional=True),
            date=r.date(m.get("date"), (*at, "date")),
            attachment=r.text(m.get("attachment"), (*at, "attachment"), optional=True),
        )

    def _word_limits(self, value: Any) -> WordLimit:
        r, at = self.r, ("word_limits",)
        m = r.mapping(value, at)
        r.keys(m, at, ("soft", "hard"))
        soft = r.positive_int(m.get("soft", 500), (*at, "soft"), "正整数(字数)")
        hard = r.positive_int(m.get("hard", 1000), (*at, "hard"), "正整数(字数)")
        if soft and hard and soft > hard:
            self.p.error((*at, "soft"), f"建议字数上限 {soft} 大于最高字数上限 {hard}")
        return WordLimit(soft=soft or 500, hard=hard or 1000)

    def _levels(self, value: Any, always_value: Any) -> tuple[list[Level], list[str]]:
        r = self.r
        levels: list[Level] = []
        seen: set[str] = set()
        for i, item in enumerate(r.list_of(value, ("levels",))):
            at: KeyPath = ("levels", i)
            m = r.mapping(item, at)
            r.keys(m, at, ("id", "name", "includes"))
            lid = r.ident(r.required(m, "id", at), (*at, "id"))
            name = r.text(m.get("name", lid), (*at, "name")) or ""
            includes = []
            for j, kind in enumerate(r.list_of(m.get("includes"), (*at, "includes"))):
                k = r.choice(kind, (*at, "includes", j), LEVEL_KINDS, "级别")
                if k:
                    includes.append(k)
            if lid is None:
                continue
            if lid in seen:
                self.p.error((*at, "id"), f"级别“{lid}”重复定义")
            seen.add(lid)
            levels.append(Level(lid, name, tuple(includes)))
        if not levels:
            self.p.error(("levels",), "至少需要定义一个级别(如 national、provincial、municipal)")
        always = []
        for j, kind in enumerate(r.list_of(always_value, ("always_included",))):
            k = r.choice(kind, ("always_included", j), LEVEL_KINDS, "级别")
            if k:
                always.append(k)
        return levels, always

    def _units(self, value: Any) -> list[Unit]:
        r = self.r
        units: list[Unit] = []
        for i, item in enumerate(r.list_of(value, ("units",))):
            at: KeyPath = ("units", i)
            m = r.mapping(item, at)
            r.keys(m, at, ("name", "aliases", "short"))
            name = r.text(r.required(m, "name", at), (*at, "name"))
            aliases = r.text_list(m.get("aliases"), (*at, "aliases"))
            short = r.text(m.get("short"), (*at, "short"), optional=True)
            if name is None:
                continue
            for j, spelling in enumerate([name, *aliases]):
                key = unit_key(spelling)
                if key in self.units and self.units[key] != name:
                    where = (*at, "name") if j == 0 else (*at, "aliases", j - 1)
                    self.p.error(where, f"“{spelling}”已是单位“{self.units[key]}”的名称或别名")
                self.units[key] = name
            units.append(Unit(name, tuple(aliases), short))
        if not units:
            self.p.error(("units",), "至少需要列出一个单位")
        return units

    def _categories(self, value: Any, at: KeyPath) -> list[Category]:
        r = self.r
        out: list[Category] = []
        seen: set[str] = set()
        for i, item in enumerate(r.list_of(value, at)):
            here: KeyPath = (*at, i)
            m = r.mapping(item, here)
            r.keys(m, here, CATEGORY_KEYS)
            no = r.ident(r.required(m, "no", here), (*here, "no"))
            name = r.text(r.required(m, "name", here), (*here, "name"))
            points = r.optional_int(m.get("points"), (*here, "points"))
            children = self._categories(m.get("children"), (*here, "children"))
            if no is None or name is None:
                continue
            if no in seen:
                self.p.error((*here, "no"), f"同一层中编号“{no}”重复")
            seen.add(no)
            out.append(Category(no, name, points, tuple(children)))
        return out

    def _default_material(self, value: Any) -> tuple[str, str] | None:
        if value is None:
            return None
        r, at = self.r, ("default_material",)
        m = r.mapping(value, at)
        r.keys(m, at, ("text", "kind"))
        text = r.text(r.required(m, "text", at), (*at, "text"))
        kind = r.choice(m.get("kind", "evidence"), (*at, "kind"), MATERIAL_KINDS, "材料类型")
        return (text, kind) if text and kind else None

    def resolve_units(self, value: Any, at: KeyPath) -> tuple[str, ...]:
        out: list[str] = []
        for j, spelling in enumerate(self.r.text_list(value, at)):
            canonical = self.units.get(unit_key(spelling))
            if canonical is None:
                self.p.error(
                    (*at, j),
                    f"未知单位“{spelling}”;请在 units 中添加该单位,或把它写为已有单位的别名",
                )
            elif canonical not in out:
                out.append(canonical)
        return tuple(out)

    # -- indicators --------------------------------------------------------------------
    def _indicators(
        self,
        value: Any,
        categories: list[Category],
        kinds: set[str],
        limits: WordLimit,
        default_material: tuple[str, str] | None,
    ) -> list[Indicator]:
        r = self.r
        out: list[Indicator] = []
        seen: dict[str, int] = {}
        items = r.list_of(value, ("indicators",))
        if not items and isinstance(value, list):
            self.p.error(("indicators",), "指标列表是空的")
        for i, item in enumerate(items):
            at: KeyPath = ("indicators", i)
            m = r.mapping(item, at)
            r.keys(m, at, INDICATOR_KEYS)
            iid = r.ident(r.required(m, "id", at), (*at, "id"))
            if iid is not None:
                if iid in seen:
                    self.p.error(
                        (*at, "id"), f"指标编号“{iid}”重复(第一次出现在第 {seen[iid] + 1} 个指标)"
                    )
                else:
                    seen[iid] = i
            level = r.text(r.required(m, "level", at), (*at, "level"))
            if level is not None and level not in kinds:
                self.p.error(
                    (*at, "level"),
                    f"未知级别“{level}”;本清单的级别为:{'、'.join(sorted(kinds)) or '(未定义)'}",
                )
            path_nos, path_names = self._category_path(m.get("category"), categories, at)
            note = r.text(m.get("note"), (*at, "note"), optional=True)
            text = r.text(r.required(m, "text", at), (*at, "text"), allow_empty=True)
            if text == "" and not note:
                self.p.error((*at, "text"), "指标内容为空;原文缺失时请在 note 中说明")
            requirement = r.text(m.get("requirement"), (*at, "requirement"), optional=True)
            leads = self.resolve_units(m.get("lead_units"), (*at, "lead_units"))
            no_materials = r.text(m.get("no_materials"), (*at, "no_materials"), optional=True)
            materials = self._materials(m.get("materials"), at, leads, limits)
            if no_materials and materials:
                self.p.error(
                    (*at, "no_materials"), "已写明不需提供材料,却又列出了上报资料;请二选一"
                )
            if not materials and not no_materials and default_material:
                text_d, kind_d = default_material
                limit = limits if kind_d == "explanation" else None
                materials = [Material(1, text_d, kind_d, leads, False, limit, False, None)]
            out.append(
                Indicator(
                    id=iid or f"?{i}",
                    level=level or "",
                    category=path_nos,
                    category_names=path_names,
                    text=text or "",
                    lead_units=leads,
                    no_materials=no_materials,
                    materials=tuple(materials),
                    requirement=requirement,
                    note=note,
                )
            )
        return out

    def _category_path(
        self, value: Any, categories: list[Category], at: KeyPath
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        here: KeyPath = (*at, "category")
        if value is None:
            self.p.error(at, "缺少必填的键“category”")
            return (), ()
        nos = [self.r.ident(v, (*here, j)) for j, v in enumerate(self.r.list_of(value, here))]
        level = categories
        names: list[str] = []
        for j, no in enumerate(nos):
            found = next((c for c in level if c.no == no), None)
            if found is None:
                known = "、".join(c.no for c in level) or "(无下级)"
                self.p.error((*here, j), f"分类编号“{no}”不存在;此处可用的编号:{known}")
                return tuple(n or "" for n in nos), tuple(names)
            names.append(found.label)
            level = list(found.children)
        if not nos:
            self.p.error(here, "分类路径不能为空")
        return tuple(n or "" for n in nos), tuple(names)

    def _materials(
        self, value: Any, at: KeyPath, leads: tuple[str, ...], limits: WordLimit
    ) -> list[Material]:
        r = self.r
        out: list[Material] = []
        seen: set[int] = set()
        for j, item in enumerate(r.list_of(value, (*at, "materials"))):
            here: KeyPath = (*at, "materials", j)
            m = r.mapping(item, here)
            r.keys(m, here, MATERIAL_KEYS)
            no = r.positive_int(m.get("no", j + 1), (*here, "no"), "正整数(材料序号)")
            if no is not None:
                if no in seen:
                    self.p.error((*here, "no"), f"材料序号 {no} 重复")
                seen.add(no)
            same_as = self._ref(m.get("same_as"), (*here, "same_as"))
            text = r.text(m.get("text", ""), (*here, "text"), allow_empty=True) or ""
            if not text and same_as is None:
                self.p.error((*here, "text"), "材料内容为空;请写明需要上报的资料")
            if same_as is not None and "kind" not in m:
                kind = "evidence"  # inherited from the material it is the same as
            else:
                kind = r.choice(m.get("kind"), (*here, "kind"), MATERIAL_KINDS, "材料类型") or (
                    "evidence"
                )
            own = "lead_units" in m and bool(m.get("lead_units"))
            units = self.resolve_units(m.get("lead_units"), (*here, "lead_units")) if own else leads
            explicit = m.get("word_limit") is not None
            limit: WordLimit | None = None
            if explicit:
                hard = r.positive_int(m["word_limit"], (*here, "word_limit"), "正整数(字数上限)")
                limit = WordLimit(None, hard) if hard else None
            elif kind == "explanation":
                limit = limits
            note = r.text(m.get("note"), (*here, "note"), optional=True)
            out.append(
                Material(no or j + 1, text, kind, units, own, limit, explicit, same_as, note=note)
            )
        return out

    def _ref(self, value: Any, at: KeyPath) -> MaterialRef | None:
        if value is None:
            return None
        m = self.r.mapping(value, at, "键值表 {indicator: 编号, material: 序号}")
        self.r.keys(m, at, ("indicator", "material"))
        ind = self.r.ident(self.r.required(m, "indicator", at), (*at, "indicator"))
        no = self.r.positive_int(m.get("material", 1), (*at, "material"), "正整数(材料序号)")
        return MaterialRef(ind, no) if ind and no else None
