"""Font substitution for rendering GB/T 9704 documents where the Windows fonts are absent.

Our .docx files name 仿宋_GB2312, 方正小标宋简体, 黑体 and 楷体_GB2312, the fonts Chinese
offices have. On Linux they do not exist; ``resources/fonts.conf`` tells fontconfig (and so
LibreOffice) which free font to use for each, so glyphs never go missing and line breaks stay
close to the Windows result. On Windows the real fonts are installed and nothing is needed.
"""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def fontconfig_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a rendering program, with our substitutions added (not on Windows)."""
    env = dict(os.environ if base is None else base)
    if os.name != "nt":
        conf = RESOURCES / "fonts.conf"
        if conf.exists():
            env["FONTCONFIG_FILE"] = str(conf)
    return env
