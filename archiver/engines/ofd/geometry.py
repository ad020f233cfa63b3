"""Numbers, boxes, matrices and path data as OFD writes them (GB/T 33190 §7, §9.1).

OFD path letters are not SVG's: ``B`` is a cubic Bézier, ``Q`` a quadratic one, ``A`` an
elliptical arc (SVG's endpoint form), ``C`` closes the subpath and ``S``/``M`` start one.
Arcs are turned into cubic curves here so the drawing code only knows lines and curves.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


_MAX_DELTAS = 100_000  # more than any TextCode holds (text.py reads at most 20,000 characters)
_LIMIT = 1e7  # mm; anything larger is damage, and NaN/inf would break the PDF writer


def sane(value: float) -> bool:
    return math.isfinite(value) and abs(value) < _LIMIT


def number(text: str | None, default: float) -> float:
    """One attribute value as a float; ``default`` when absent, malformed or absurd."""
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return value if sane(value) else default


def numbers(text: str | None) -> list[float]:
    if not text:
        return []
    return [v for v in (float(n) for n in _NUMBER.findall(text)) if sane(v)]


def box(text: str | None) -> Box | None:
    vals = numbers(text)
    if len(vals) != 4:
        return None
    return Box(*vals)


def matrix(text: str | None) -> Matrix | None:
    vals = numbers(text)
    if len(vals) != 6:
        return None
    return (vals[0], vals[1], vals[2], vals[3], vals[4], vals[5])


def deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY with the ``g N v`` repeat form expanded (N copies of v)."""
    if not text:
        return []
    out: list[float] = []
    parts = text.split()
    i = 0
    while i < len(parts) and len(out) < _MAX_DELTAS:
        if parts[i] == "g" and i + 2 < len(parts):
            count_f, value = number(parts[i + 1], 0), number(parts[i + 2], 0)
            count = int(count_f)
            out.extend([value] * max(0, min(count, _MAX_DELTAS - len(out))))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(parts[i]))
        i += 1
    return out


# one drawing op: ("M", x, y) | ("L", x, y) | ("C", x1, y1, x2, y2, x, y) | ("Z",)
Op = tuple[object, ...]


def path_ops(data: str | None) -> list[Op]:
    """Parse AbbreviatedData into move/line/cubic/close ops."""
    if not data:
        return []
    tokens = _TOKEN.findall(data)
    ops: list[Op] = []
    i = 0
    cx = cy = 0.0
    sx = sy = 0.0

    def take(n: int) -> list[float] | None:
        nonlocal i
        vals = tokens[i : i + n]
        if len(vals) < n or any(v.isalpha() for v in vals):
            return None
        i += n
        return [number(v, 0.0) for v in vals]

    while i < len(tokens):
        letter = tokens[i]
        i += 1
        if not letter.isalpha():
            continue
        op = letter.upper()
        if op in ("S", "M"):
            v = take(2)
            if v is None:
                break
            cx, cy = sx, sy = v[0], v[1]
            ops.append(("M", cx, cy))
        elif op == "L":
            v = take(2)
            if v is None:
                break
            cx, cy = v[0], v[1]
            ops.append(("L", cx, cy))
        elif op == "Q":
            v = take(4)
            if v is None:
                break
            x1, y1, x, y = v
            ops.append(
                ("C", cx + 2 / 3 * (x1 - cx), cy + 2 / 3 * (y1 - cy),
                 x + 2 / 3 * (x1 - x), y + 2 / 3 * (y1 - y), x, y)
            )  # fmt: skip
            cx, cy = x, y
        elif op == "B":
            v = take(6)
            if v is None:
                break
            ops.append(("C", *v))
            cx, cy = v[4], v[5]
        elif op == "A":
            v = take(7)
            if v is None:
                break
            ops.extend(_arc(cx, cy, *v))
            cx, cy = v[5], v[6]
        elif op == "C":
            ops.append(("Z",))
            cx, cy = sx, sy
    return ops


def _arc(
    x0: float, y0: float, rx: float, ry: float, angle: float, large: float, sweep: float,
    x: float, y: float,
) -> list[Op]:  # fmt: skip
    """SVG endpoint arc to cubic curves (SVG 1.1 implementation notes, F.6.5)."""
    if (x0 == x and y0 == y) or rx == 0 or ry == 0:
        return [("L", x, y)]
    rx, ry = abs(rx), abs(ry)
    phi = math.radians(angle)
    cos_p, sin_p = math.cos(phi), math.sin(phi)
    dx, dy = (x0 - x) / 2, (y0 - y) / 2
    x1p = cos_p * dx + sin_p * dy
    y1p = -sin_p * dx + cos_p * dy
    lam = (x1p / rx) ** 2 + (y1p / ry) ** 2
    if lam > 1:
        rx, ry = rx * math.sqrt(lam), ry * math.sqrt(lam)
    num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p
    den = rx * rx * y1p * y1p + ry * ry * x1p * x1p
    coef = math.sqrt(max(0.0, num / den)) if den else 0.0
    if bool(large) == bool(sweep):
        coef = -coef
    cxp, cyp = coef * rx * y1p / ry, -coef * ry * x1p / rx
    cx = cos_p * cxp - sin_p * cyp + (x0 + x) / 2
    cy = sin_p * cxp + cos_p * cyp + (y0 + y) / 2
    t1 = math.atan2((y1p - cyp) / ry, (x1p - cxp) / rx)
    t2 = math.atan2((-y1p - cyp) / ry, (-x1p - cxp) / rx)
    dt = t2 - t1
    if sweep and dt < 0:
        dt += 2 * math.pi
    elif not sweep and dt > 0:
        dt -= 2 * math.pi
    segments = max(1, math.ceil(abs(dt) / (math.pi / 2)))
    step = dt / segments
    k = 4 / 3 * math.tan(step / 4)
    ops: list[Op] = []

    def point(t: float) -> tuple[float, float]:
        ex, ey = rx * math.cos(t), ry * math.sin(t)
        return cos_p * ex - sin_p * ey + cx, sin_p * ex + cos_p * ey + cy

    def deriv(t: float) -> tuple[float, float]:
        ex, ey = -rx * math.sin(t), ry * math.cos(t)
        return cos_p * ex - sin_p * ey, sin_p * ex + cos_p * ey

    t = t1
    for _ in range(segments):
        p0, p3 = point(t), point(t + step)
        d0, d3 = deriv(t), deriv(t + step)
        ops.append(
            ("C", p0[0] + k * d0[0], p0[1] + k * d0[1],
             p3[0] - k * d3[0], p3[1] - k * d3[1], p3[0], p3[1])
        )  # fmt: skip
        t += step
    return ops
