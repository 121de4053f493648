"""The layer contract (pyproject.toml, checked by ``lint-imports`` in ``make test``) names every
module, so a new one cannot slip past it unconstrained."""

import tomllib
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
PYPROJECT = PORTAL.parent / "pyproject.toml"


def contract_layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    assert contract["containers"] == ["portal"]
    return contract["layers"]


def named_modules(layers: list[str]) -> set[str]:
    names = set()
    for layer in layers:
        for part in layer.replace("|", ":").split(":"):
            names.add(part.strip().strip("()"))
    return names


def test_every_module_of_the_portal_is_in_a_layer():
    present = {
        path.stem if path.is_file() else path.name
        for path in PORTAL.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert present - named_modules(contract_layers()) == set()

