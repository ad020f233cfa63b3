"""Walk the drop folders and attribute every file to (unit, indicator, material).

Attribution follows the planned layout (``workspace.layout``): the unit folder by name or
alias, the indicator folder by the id before ``_`` in its name (so a renamed title still
works), the material sub-folder by ``材料N``. A unit may organise a material folder with
its own sub-folders. Nothing is written in the drop folders; links leading outside the
workspace are never followed (not even to read them).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from archiver.cache import JsonCache
from archiver.fsutil import is_link
from archiver.manifest.model import Manifest, MaterialRef
from archiver.manifest.units import unit_key, unit_lookup
from archiver.scan.facts import FACTS_VERSION, FileFacts, examine
from archiver.scan.sniff import CONVERTIBLE, name_matches
from archiver.workspace.config import WorkspaceConfig
from archiver.workspace.layout import GENERAL_FOLDER, Folder, Layout
from archiver.workspace.naming import indicator_id_of, material_no_of
from archiver.workspace.requirements import PLACEHOLDER_MARK, REQUIREMENT_FILE

IGNORED_NAMES = {"thumbs.db", ".ds_store", "desktop.ini", REQUIREMENT_FILE.lower()}
IGNORED_PREFIXES = ("~$", ".~lock.", "._")


@dataclass(frozen=True)
class ScannedFile:
    rel: str  # path relative to the workspace, NFC, "/"-separated, as shown to users
    path: Path  # the real path (may hold undecodable bytes on POSIX)
    unit: str | None  # the unit folder it lies in (canonical name)
    indicator: str | None  # the indicator folder's id
    folder: Folder | None  # the planned folder that collects it (None: misplaced)
    facts: FileFacts | None  # None for links that were not followed
    link: str | None = None  # "outside" | "folder": a link that was not followed
    garbled_name: bool = False  # the name was not valid UTF-8 and is shown decoded as GBK
    general: bool = False  # in 材料/总体材料/: a document of the whole office, bound first

    @property
    def material(self) -> MaterialRef | None:
        return self.folder.collects if self.folder else None

    @property
    def usable(self) -> bool:
        """Readable, of a kind archiver converts, and named for what it is."""
        facts = self.facts
        return (
            facts is not None
            and self.link is None
            and facts.problem is None
            and facts.kind in CONVERTIBLE
            and name_matches(facts.kind, self.path)
        )


@dataclass
class Inventory:
    files: list[ScannedFile]
    drop_root: Path

    def for_material(self, key: MaterialRef) -> list[ScannedFile]:
        return [f for f in self.files if f.material == key]


def is_ignored(name: str) -> bool:
    lower = name.lower()
    return lower in IGNORED_NAMES or lower.startswith(IGNORED_PREFIXES)


def display_name(name: str) -> tuple[str, bool]:
    """NFC name for display; names that were not UTF-8 are decoded as GBK (old zips)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            shown = raw.decode("gb18030")
        except UnicodeDecodeError:
            shown = raw.decode("utf-8", "replace")
        return unicodedata.normalize("NFC", shown), True
    return unicodedata.normalize("NFC", name), False


class _Resolver:
    """Maps folder names under the drop root to planned folders."""

    def __init__(self, manifest: Manifest, layout: Layout) -> None:
        self.units = unit_lookup(manifest)
        self.by_indicator: dict[tuple[str, str], Folder] = {}
        self.by_material: dict[tuple[str, str, int], Folder] = {}
        for f in layout.folders:
            if len(f.rel.parts) == 2:
                self.by_indicator[(f.unit, f.indicator.id)] = f
            elif f.material is not None:
                self.by_material[(f.unit, f.indicator.id, f.material.no)] = f

    def resolve(self, parts: tuple[str, ...]) -> tuple[str | None, str | None, Folder | None]:
        """(unit, indicator id, collecting folder) for a file at ``parts`` (dirs only)."""
        if not parts:
            return None, None, None
        unit = self.units.get(unit_key(parts[0]))
        if unit is None or len(parts) < 2:
            return unit, None, None
        ind = indicator_id_of(parts[1])
        folder = self.by_indicator.get((unit, ind or ""))
        if folder is None:
            return unit, ind, None
        if folder.collects is not None:
            return unit, ind, folder
        if len(parts) < 3:
            return unit, ind, None
        no = material_no_of(parts[2])
        sub = self.by_material.get((unit, folder.indicator.id, no or 0))
        return unit, ind, sub


def scan(config: WorkspaceConfig, manifest: Manifest, layout: Layout) -> Inventory:
    root = config.root.resolve()
    drop = config.drop_root
    cache = JsonCache(config.cache_root / "files.json", FACTS_VERSION)
    resolver = _Resolver(manifest, layout)
    found: list[
        tuple[str, Path, str | None, str | None, Folder | None, str | None, bool, bool]
    ] = []
    jobs: list[tuple[str, Path, bool]] = []
    for path, rel_parts, garbled, linked in _walk(drop, ()):
        rel = "/".join((config.drop_folder, *rel_parts))
        unit, ind, folder = resolver.resolve(rel_parts[:-1])
        general = unit is None and len(rel_parts) > 1 and rel_parts[0] == GENERAL_FOLDER
        link = _link_kind(path, root) if linked else None
        found.append((rel, path, unit, ind, folder, link, garbled, general))
        if link is None:
            wants_text = (
                folder is not None
                and folder.material is not None
                and (folder.material.kind == "explanation")
            )
            jobs.append((rel, path, wants_text))
    facts = all_facts(jobs, cache)
    files = [
        ScannedFile(rel, path, unit, ind, folder, facts.get(rel), link, garbled, general)
        for rel, path, unit, ind, folder, link, garbled, general in found
    ]
    cache.prune({rel for rel, _, _ in jobs})
    cache.save()
    return Inventory(files, drop)


PARALLEL_FROM = 200  # files to read before more processes pay for their start (~0.5 s)


def all_facts(jobs: list[tuple[str, Path, bool]], cache: JsonCache) -> dict[str, FileFacts | None]:
    """The facts of every (rel, path, want text): from the cache when the file is unchanged,
    else read, by one process per core when there are many (hashing and parsing the files of
    a first check is most of its time)."""
    out: dict[str, FileFacts | None] = {}
    todo: list[tuple[str, Path, bool, os.stat_result]] = []
    for rel, path, want_text in jobs:
        try:
            st = path.stat()
        except OSError:
            out[rel] = None
            continue
        hit = _cached(cache, rel, st, want_text)
        if hit is not None:
            out[rel] = hit
        else:
            todo.append((rel, path, want_text, st))
    read = _read_all([(path, want) for _, path, want, _ in todo])
    for (rel, _path, _want, st), result in zip(todo, read, strict=True):
        if isinstance(result, str):  # the file could not be read at all
            result = FileFacts(
                sha256="", size=st.st_size, kind="unknown", problem="unreadable", reason=result
            )
        cache.put(rel, {"size": st.st_size, "mtime": st.st_mtime_ns, "facts": result.to_json()})
        out[rel] = result
    return out


def _cached(cache: JsonCache, rel: str, st: os.stat_result, want_text: bool) -> FileFacts | None:
    cached = cache.get(rel)
    if cached and cached.get("size") == st.st_size and cached.get("mtime") == st.st_mtime_ns:
        try:
            facts = FileFacts.from_json(cached["facts"])
            if not (want_text and facts.kind == "pdf" and facts.has_text is None):
                return facts
        except (TypeError, KeyError):
            pass
    return None


def _examine(job: tuple[Path, bool]) -> FileFacts | str:
    """One file's facts, or why it cannot be read (examine never raises for bad content)."""
    try:
        return examine(job[0], PLACEHOLDER_MARK, job[1])
    except OSError as exc:
        return f"无法读取({exc.strerror or exc})"


def _read_all(jobs: list[tuple[Path, bool]]) -> list[FileFacts | str]:
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        return [_examine(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")  # the same on Windows; safe beside threads
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
            return list(pool.map(_examine, jobs, chunksize=8))
    except Exception:  # a worker died (or cannot start): read them here, one by one
        return [_examine(job) for job in jobs]


def _link_kind(path: Path, root: Path) -> str | None:
    """For a link (symbolic, or a Windows junction): "outside"/"folder" when it must not be
    followed, None when it points at a file inside the workspace."""
    target = Path(os.path.realpath(path))
    try:
        target.relative_to(root)
    except ValueError:
        return "outside"
    return "folder" if target.is_dir() else None


Walked = tuple[Path, tuple[str, ...], bool, bool]


def _walk(folder: Path, parts: tuple[str, ...]) -> Iterator[Walked]:
    """Yield (path, display parts, garbled, is a link) for every file and every link, in a
    stable (sorted) order; links are not followed."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        shown, garbled = display_name(entry.name)
        if is_ignored(shown):
            continue
        path = Path(entry.path)
        try:
            if is_link(entry):
                yield path, (*parts, shown), garbled, True
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk(path, (*parts, shown))
            elif entry.is_file(follow_symlinks=False):
                yield path, (*parts, shown), garbled, False
        except OSError:
            continue


__all__ = ["Inventory", "PurePosixPath", "ScannedFile", "scan"]
