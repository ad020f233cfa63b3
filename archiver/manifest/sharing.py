"""Shared materials: resolve ``same_as`` links between indicators (part of loading).

A material may be “the same as” another indicator's; chains are followed to the material that
is collected, cycles and dangling links are problems, and every member of a group learns the
others (``shared_with``), so later stages never follow links again.
"""

from __future__ import annotations

from dataclasses import replace

from archiver.manifest.model import Indicator, MaterialRef
from archiver.problems import KeyPath, ProblemList


def link_shared(indicators: list[Indicator], p: ProblemList) -> list[Indicator]:
    """Resolve ``same_as`` links: inherit text and kind, fill ``shared_with`` both ways."""
    by_id = {i.id: i for i in indicators}
    groups: dict[MaterialRef, list[MaterialRef]] = {}
    resolved: dict[MaterialRef, MaterialRef] = {}
    for idx, ind in enumerate(indicators):
        for j, mat in enumerate(ind.materials):
            if mat.same_as is None:
                continue
            here = MaterialRef(ind.id, mat.no)
            target: MaterialRef = mat.same_as
            at: KeyPath = ("indicators", idx, "materials", j, "same_as")
            hops = 0
            while True:
                owner = by_id.get(target.indicator)
                tmat = owner.material(target.material) if owner else None
                if tmat is None:
                    p.error(at, f"引用的材料 {target} 不存在")
                    break
                if tmat.same_as is None:
                    groups.setdefault(target, []).append(here)
                    resolved[here] = target
                    break
                hops += 1
                nxt: MaterialRef = tmat.same_as
                if hops > len(indicators) or nxt == here:
                    p.error(at, "same_as 形成了循环引用")
                    break
                target = nxt
    members: dict[MaterialRef, tuple[MaterialRef, ...]] = {}
    for root, refs in groups.items():
        everyone = [root, *refs]
        for ref in everyone:
            members[ref] = tuple(x for x in everyone if x != ref)
    out = []
    for ind in indicators:
        mats = []
        partners: list[str] = []
        for mat in ind.materials:
            key = MaterialRef(ind.id, mat.no)
            shared = members.get(key, ())
            new = replace(mat, shared_with=shared)
            origin = resolved.get(key)
            if origin is not None:
                owner = by_id[origin.indicator]
                rmat = owner.material(origin.material)
                assert rmat is not None
                new = replace(
                    new,
                    same_as=origin,
                    text=mat.text or rmat.text,
                    kind=rmat.kind,
                    lead_units=rmat.lead_units if not mat.own_lead_units else mat.lead_units,
                    word_limit=rmat.word_limit,
                    explicit_limit=rmat.explicit_limit,
                )
            for ref in shared:
                if ref.indicator != ind.id and ref.indicator not in partners:
                    partners.append(ref.indicator)
            mats.append(new)
        out.append(replace(ind, materials=tuple(mats), shared_with=tuple(partners)))
    return out
