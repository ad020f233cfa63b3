#!/usr/bin/env bash
# Regenerate the screenshots in docs/images/ from a build of the demo workspace.
# Usage: bash scripts/screenshots.sh   (after bash scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1617235200
.venv/bin/archiver demo "$tmp/ws" >/dev/null
.venv/bin/archiver build "$tmp/ws" --out "$tmp/out" >/dev/null
mkdir -p docs/images
front=$(.venv/bin/python - "$tmp/out" <<'PY'
import sys, pathlib
from pypdf import PdfReader
vol = sorted(pathlib.Path(sys.argv[1]).glob("01_*.pdf"))[0]
print(sum(1 for label in PdfReader(str(vol)).page_labels if label.isalpha()))
PY
)
page=$(.venv/bin/python - "$tmp/out/00_索引卷.pdf" <<'PY'
import sys
from pypdf import PdfReader
pages = PdfReader(sys.argv[1]).pages
print(next(i for i, p in enumerate(pages, 1) if "牵头单位" in p.extract_text().replace(" ", "")))
PY
)
pdftoppm -r 50 -f "$page" -l "$page" -png -singlefile "$tmp/out/00_索引卷.pdf" docs/images/index-page
vol=$(ls "$tmp/out"/01_*.pdf)
pdftoppm -r 50 -f 2 -l 2 -png -singlefile "$vol" docs/images/volume-contents
pdftoppm -r 50 -f $((front + 1)) -l $((front + 1)) -png -singlefile "$vol" docs/images/volume-page
ls -la docs/images
