"""The floor plan holds: imports run downhill, feature apps meet only along the named pairs, no circle.

The contracts are in pyproject.toml (`[tool.importlinter]`) and drawn in docs/architecture.md. When
this fails, import-linter's report above the failure names each import that runs the wrong way.
"""

import pathlib

from importlinter.cli import lint_imports

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_imports_run_downhill_along_the_floor_plan(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_the_contracts_name_every_app():
    """A new app has to be placed on a floor; otherwise no contract would look at it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    packages = {
        path.parent.name for path in (ROOT / "src" / "dangjian").glob("*/__init__.py") if path.parent.name != "locale"
    } | {"cli"}
    assert packages <= placed, f"not on any floor: {sorted(packages - placed)}"
