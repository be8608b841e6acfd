"""Build the icon sprite (edge/static/edge/icons.svg) from the Tabler Icons package.

    npm pack @tabler/icons@3.54.0 && tar xzf tabler-icons-3.54.0.tgz
    uv run python scripts/build_icons.py package

Only the icons named in ``dangjian.edge.icons.ICONS`` go in; each becomes a ``<symbol>`` with
the icon's name as its id, used as ``{% icon "name" %}``. Run by hand when the list changes;
the sprite is committed, so neither Node.js nor the package is needed to run or test.
"""

import json
import re
import sys
from pathlib import Path

from dangjian.edge.icons import ICONS

# On each symbol, since a <use> takes its inherited style from the page, not from the sprite.
STROKE = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'
SPRITE = Path(__file__).resolve().parent.parent / "src/dangjian/edge/static/edge/icons.svg"


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    symbols = []
    for name in sorted(set(ICONS)):
        svg = (package / "icons/outline" / f"{name}.svg").read_text()
        body = re.sub(r"^.*?<svg[^>]*>|</svg>\s*$", "", svg, flags=re.S)
        body = re.sub(r'<path stroke="none" d="M0 0h24v24H0z" fill="none"\s*/>', "", body)
        body = re.sub(r"\s+", " ", body).strip()
        symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24" {STROKE}>{body}</symbol>')
    SPRITE.write_text(
        f"<!-- Tabler Icons {version} (MIT, https://tabler.io/icons): the icons dangjian uses. -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
    )
    print(f"{len(symbols)} icons written to {SPRITE.name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
