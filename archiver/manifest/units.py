"""Unit names as people write them: one comparison rule and one lookup of names and aliases."""

from __future__ import annotations

import unicodedata

from archiver.errors import ArchiverError
from archiver.manifest.model import UNASSIGNED, Manifest


def unit_key(name: str) -> str:
    """Compare unit names ignoring width (（）vs ()) and spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def unit_lookup(manifest: Manifest) -> dict[str, str]:
    """``unit_key`` of every name and alias (and 未分配) → the canonical unit name."""
    names = {unit_key(UNASSIGNED): UNASSIGNED}
    for u in manifest.units:
        for spelling in (u.name, *u.aliases):
            names[unit_key(spelling)] = u.name
    return names


def resolve_unit(manifest: Manifest, name: str, choices: tuple[str, ...] | None = None) -> str:
    """The canonical name of the unit ``name`` (a name or an alias); raise when unknown."""
    found = unit_lookup(manifest).get(unit_key(name))
    if found is None:
        listed = manifest.unit_names() if choices is None else choices
        raise ArchiverError(f"清单中没有单位“{name}”;可选:{'、'.join(listed)}")
    return found
