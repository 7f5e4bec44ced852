"""Draw the web app's icons (marketplace/static/icons/icon-192.png, icon-512.png) from the
rectangles of marketplace/static/favicon.svg with Pillow: `python scripts/app_icons.py`."""

import re
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "marketplace" / "static"
SUPERSAMPLE = 4


def draw(size: int) -> Image.Image:
    svg = (STATIC / "favicon.svg").read_text()
    scale = SUPERSAMPLE * size / 64
    big = Image.new("RGBA", (SUPERSAMPLE * size,) * 2, (0, 0, 0, 0))
    pen = ImageDraw.Draw(big)
    for attrs in re.findall(r"<rect ([^/]*)/>", svg):
        a = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
        x, y = float(a.get("x", 0)) * scale, float(a.get("y", 0)) * scale
        w, h = float(a["width"]) * scale, float(a["height"]) * scale
        radius = float(a.get("rx", 0)) * scale
        pen.rounded_rectangle([x, y, x + w - 1, y + h - 1], radius=radius, fill=a["fill"])
    return big.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    (STATIC / "icons").mkdir(exist_ok=True)
    for size in (192, 512):
        draw(size).save(STATIC / "icons" / f"icon-{size}.png", optimize=True)
