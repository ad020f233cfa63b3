"""Where a page of any size goes on A4: pure geometry, no PDF library.

The rule (docs/paper.md explains it to users):

- a page already A4 (either orientation, within ``TOLERANCE``) is left alone; so is an A3
  page when the office keeps A3 fold-outs;
- any other page gets an A4 sheet of its own orientation (portrait or landscape as the reader
  sees it, after /Rotate), and its content is scaled to fit below a clear band at the top
  edge (as the reader sees it) where the build stamps the page number;
- content is shrunk when it is too big, never enlarged: a PDF page size is a physical size,
  so an A5 notice or a receipt keeps the size of its paper original (its text stays exactly
  as readable as on paper) and is centred in the space left.

Computation is done in the page's own (unrotated) coordinates, so /Rotate stays as it is and
the stamper's upright-number logic keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4
A4 = (595.276, 841.89)  # points, portrait
A3 = (841.89, 1190.551)
TOLERANCE = 3.0  # points (about 1 mm): producers round A4 to 595 x 842 or 595.3 x 841.9
# the number is 14 pt, its baseline 12 mm below the top edge: 15 mm keeps it off the content
NUMBER_BAND = 15 * MM

Box = tuple[float, float, float, float]  # llx, lly, urx, ury
Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Placement:
    """The new page: its size (unrotated) and the matrix that moves the old content onto it."""

    width: float
    height: float
    matrix: Matrix

    @property
    def scale(self) -> float:
        return self.matrix[0]


def is_size(width: float, height: float, size: tuple[float, float]) -> bool:
    """True when (width, height) is ``size`` in either orientation, within ``TOLERANCE``."""
    w, h = sorted((abs(width), abs(height)))
    return abs(w - size[0]) <= TOLERANCE and abs(h - size[1]) <= TOLERANCE


def place(box: Box, rotate: int, *, keep_a3: bool = False) -> Placement | None:
    """How to put a page with visible ``box`` and ``/Rotate`` on A4; None: leave it as it is."""
    llx, lly, urx, ury = (
        min(box[0], box[2]),
        min(box[1], box[3]),
        max(box[0], box[2]),
        max(box[1], box[3]),
    )
    cw, ch = urx - llx, ury - lly
    if is_size(cw, ch, A4) or (keep_a3 and is_size(cw, ch, A3)):
        return None
    if cw <= 0 or ch <= 0:
        return None  # a degenerate box: nothing sensible to fit; the caller reports it
    # same orientation in unrotated space means same orientation as the reader sees it
    tw, th = (A4[1], A4[0]) if cw > ch else A4
    # the edge of the unrotated page that the reader sees at the top (/Rotate is clockwise)
    top = {0: "top", 90: "left", 180: "bottom", 270: "right"}[rotate % 360]
    ax, ay, aw, ah = 0.0, 0.0, tw, th
    if top == "top":
        ah -= NUMBER_BAND
    elif top == "bottom":
        ay, ah = NUMBER_BAND, ah - NUMBER_BAND
    elif top == "left":
        ax, aw = NUMBER_BAND, aw - NUMBER_BAND
    else:
        aw -= NUMBER_BAND
    s = min(1.0, aw / cw, ah / ch)
    tx = ax + (aw - s * cw) / 2 - s * llx
    ty = ay + (ah - s * ch) / 2 - s * lly
    return Placement(tw, th, (s, 0.0, 0.0, s, tx, ty))


def normal_rotate(value: object) -> int:
    """/Rotate as 0, 90, 180 or 270 (PDFs hold negative values and multiples of 360 too)."""
    try:
        r = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
    return r % 360 if r % 90 == 0 else 0
