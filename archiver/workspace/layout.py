"""Plan the drop folders: which folder receives which material (pure, no I/O).

Rules (issue #3):
- one folder per unit; inside it one folder per indicator the unit leads; one sub-folder per
  material where an indicator has several;
- a material several units lead gets a folder under each unit; materials with no lead unit go
  under ``未分配``;
- a material shared by several indicators (``same_as``) gets one folder, under its owner
  indicator; the other indicators get a folder holding only ``材料要求.txt`` that points to it
  (files dropped there still count for the shared material).

The same plan is used to create the folders (``init``) and to attribute files (``scan``), so
the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from archiver.manifest.model import UNASSIGNED, Indicator, Manifest, Material, MaterialRef
from archiver.workspace.naming import (
    indicator_folder_name,
    material_folder_name,
    safe_name,
)


@dataclass(frozen=True)
class Folder:
    rel: PurePosixPath  # relative to the drop root
    unit: str
    indicator: Indicator
    material: Material | None  # the material collected here; None for an indicator folder
    collects: MaterialRef | None  # where files placed here count (None: sub-folders only)
    pointer: bool = False  # holds only a pointer to a shared material's folder


@dataclass(frozen=True)
class Layout:
    folders: tuple[Folder, ...]
    units: tuple[str, ...]  # unit folders, in manifest order (未分配 last when used)

    def folder_of(self, rel: PurePosixPath) -> Folder | None:
        for f in self.folders:
            if f.rel == rel:
                return f
        return None

    def folders_for(self, key: MaterialRef) -> list[Folder]:
        return [f for f in self.folders if f.collects == key and not f.pointer]

    def all_folders_for(self, key: MaterialRef) -> list[Folder]:
        return [f for f in self.folders if f.collects == key]


GENERAL_FOLDER = "总体材料"  # under the drop root: the office's 自评报告, 工作总结 (bound first)


def material_key(indicator: Indicator, material: Material) -> MaterialRef:
    """Where a material is collected: its own place, or its owner's when it is shared."""
    return material.same_as or MaterialRef(indicator.id, material.no)


def unit_folder_name(unit: str) -> str:
    return safe_name(unit, 40)


def plan_layout(manifest: Manifest, level: str) -> Layout:
    folders: list[Folder] = []
    used_units: list[str] = []
    for ind in manifest.indicators_for(level):
        if not ind.materials:
            continue
        ind_name = indicator_folder_name(ind.id, ind.text)
        several = len(ind.materials) > 1
        placed: set[str] = set()
        for mat in ind.materials:
            key = material_key(ind, mat)
            pointer = mat.same_as is not None
            for unit in mat.units:
                if unit not in used_units:
                    used_units.append(unit)
                base = PurePosixPath(unit_folder_name(unit), ind_name)
                if unit not in placed:
                    placed.add(unit)
                    if several:
                        folders.append(Folder(base, unit, ind, None, None))
                if not several:
                    folders.append(Folder(base, unit, ind, mat, key, pointer))
                elif not pointer:
                    sub = base / material_folder_name(mat.no, mat.text)
                    folders.append(Folder(sub, unit, ind, mat, key))
    order = [u.name for u in manifest.units if u.name in used_units]
    if UNASSIGNED in used_units:
        order.append(UNASSIGNED)
    return Layout(tuple(folders), tuple(order))


def required_materials(manifest: Manifest, level: str) -> list[tuple[Indicator, Material]]:
    """Every material to collect once (shared ones under their owner), in manifest order."""
    out = []
    for ind in manifest.indicators_for(level):
        for mat in ind.materials:
            if mat.same_as is None:
                out.append((ind, mat))
    return out
