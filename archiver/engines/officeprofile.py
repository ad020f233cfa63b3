"""The LibreOffice profile of the conversion servers (:mod:`archiver.engines.officeserver`).

LibreOffice replaces the Basic libraries of a profile it has not yet started with (even one
it has only initialised, ``--terminate_after_init``), so the server's module cannot simply be
put into a new profile: :func:`master_profile` lets LibreOffice make a profile with one real
conversion, then installs the module (``resources/officeserver.bas``) as LibreOffice stores
one, and renames the profile into place in archiver's cache folder, once per installation.
Every server copies it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from archiver.engines import run as run_module
from archiver.engines.fonts import RESOURCES
from archiver.errors import ArchiverError

SERVER = RESOURCES / "officeserver.bas"
MODULE = "ArchiverServer"
MADE = "archiver-profile.txt"  # in a master profile: it is complete
REFUSED = "archiver-refused.txt"  # in a master profile: the server did not start with it
SLOW = "archiver-not-started.txt"  # in a master profile: the server did not start once

Command = Callable[[Path, Path, list[str]], tuple[list[str], dict[str, str]]]


def cache_home() -> Path:
    """archiver's cache folder of this user (what may be remade at any time)."""
    override = os.environ.get("ARCHIVER_CACHE_HOME")
    if override:
        return Path(override)
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(local) if local else Path.home() / "AppData" / "Local") / "archiver"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "archiver"


def installation_key(exe: Path) -> str:
    """What a master profile is made for: this LibreOffice (path, size, time) and this server."""
    h = hashlib.sha256(SERVER.read_bytes())
    program = exe.resolve()
    for path in (program, program.parent / "versionrc", program.parent / "version.ini"):
        with contextlib.suppress(OSError):
            st = path.stat()
            h.update(f"{path}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def master_profile(exe: Path, command: Command, timeout: float) -> Path | None:
    """The profile every server copies, made once per installation; None: no server here."""
    home = cache_home()
    master = home / f"libreoffice-profile-{installation_key(exe)}"
    if (master / REFUSED).is_file():
        return None
    if (master / MADE).is_file():
        return master
    try:
        home.mkdir(parents=True, exist_ok=True)
        made = Path(tempfile.mkdtemp(prefix=f"{master.name}-new-", dir=home))
    except OSError:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="archiver-probe-") as tmp:
            probe = Path(tmp) / "probe.txt"
            probe.write_text("archiver\n", encoding="utf-8")
            # a real conversion: a profile only initialised (--terminate_after_init) still
            # replaces its Basic libraries at the next start
            argv, env = command(exe, made, ["--convert-to", "pdf", "--outdir", tmp, str(probe)])
            run_module.run(argv, timeout=timeout, env=env)
        _install(made)
        (made / MADE).write_text(f"{exe}\n", encoding="utf-8")
        with contextlib.suppress(OSError):  # another build made it meanwhile: keep that one
            os.replace(made, master)
    except (ArchiverError, OSError):
        return None
    finally:
        shutil.rmtree(made, ignore_errors=True)
    return master if (master / MADE).is_file() else None


def _install(profile: Path) -> None:
    """Put the server into the profile's Standard library (as LibreOffice stores a module)."""
    library = profile / "user" / "basic" / "Standard"
    index = library / "script.xlb"
    text = index.read_text(encoding="utf-8")  # OSError: not a profile LibreOffice made
    code = SERVER.read_text(encoding="utf-8")
    (library / f"{MODULE}.xba").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
        '"module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" '
        f'script:name="{MODULE}" script:language="StarBasic">'
        f"{escape(code)}</script:module>\n",
        encoding="utf-8",
    )
    if f'"{MODULE}"' not in text:
        text = text.replace(
            "</library:library>", f' <library:element library:name="{MODULE}"/>\n</library:library>'
        )
        index.write_text(text, encoding="utf-8")
