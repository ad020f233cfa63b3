"""The stable JSON form of a manifest (``archiver manifest dump --json``).

The shape is a contract for other tools and is documented in ``docs/manifest.md``; add keys,
never rename or remove them.
"""

from __future__ import annotations

from typing import Any

from archiver.manifest.model import Category, Indicator, Manifest, Material, MaterialRef

DUMP_FORMAT = 1


def _ref(ref: MaterialRef) -> dict[str, Any]:
    return {"indicator": ref.indicator, "material": ref.material}


def material_json(mat: Material) -> dict[str, Any]:
    return {
        "no": mat.no,
        "text": mat.text,
        "kind": mat.kind,
        "lead_units": list(mat.lead_units),
        "word_limit": mat.word_limit.to_json() if mat.word_limit else None,
        "explicit_limit": mat.explicit_limit,
        "same_as": _ref(mat.same_as) if mat.same_as else None,
        "shared_with": [_ref(r) for r in mat.shared_with],
        "note": mat.note,
    }


def indicator_json(ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.id,
        "level": ind.level,
        "category": list(ind.category_names),
        "category_no": list(ind.category),
        "text": ind.text,
        "requirement": ind.requirement,
        "no_materials": ind.no_materials,
        "lead_units": list(ind.lead_units),
        "shared_with": list(ind.shared_with),
        "note": ind.note,
        "materials": [material_json(m) for m in ind.materials],
    }


def category_json(cat: Category) -> dict[str, Any]:
    return {
        "no": cat.no,
        "name": cat.name,
        "points": cat.points,
        "children": [category_json(c) for c in cat.children],
    }


def manifest_json(manifest: Manifest, level: str | None = None) -> dict[str, Any]:
    indicators = manifest.indicators_for(level)
    counts: dict[str, int] = {}
    for ind in indicators:
        counts[ind.level] = counts.get(ind.level, 0) + 1
    src = manifest.source
    return {
        "format": DUMP_FORMAT,
        "title": manifest.title,
        "level": level,
        "source": {
            "issuer": src.issuer,
            "document": src.document,
            "number": src.number,
            "date": src.date.isoformat() if src.date else None,
            "attachment": src.attachment,
        },
        "period": {
            "start": manifest.period_start.isoformat() if manifest.period_start else None,
            "end": manifest.period_end.isoformat() if manifest.period_end else None,
        },
        "word_limits": manifest.word_limits.to_json(),
        "levels": [
            {"id": lv.id, "name": lv.name, "includes": list(lv.includes)} for lv in manifest.levels
        ],
        "units": [
            {"name": u.name, "aliases": list(u.aliases), "short": u.short} for u in manifest.units
        ],
        "categories": [category_json(c) for c in manifest.categories],
        "counts": counts,
        "terms": manifest.terms.to_json(),
        "total_points": manifest.total_points,
        "indicators": [indicator_json(i) for i in indicators],
    }
