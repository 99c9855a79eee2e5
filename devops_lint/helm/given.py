"""What a given chart values file or partial changes (the format's ``given_dependents`` hook)."""

from __future__ import annotations

from pathlib import Path


def dependents(root: Path, given: set[str]) -> list[Path]:
    """The templates of a chart whose ``values.yaml`` or partial (``_helpers.tpl``) is given:
    what they render changes with it, so their findings belong to the change."""
    out: list[Path] = []
    for rel in sorted(given):
        path = root / rel
        if path.name in ("values.yaml", "values.yml") and (path.parent / "Chart.yaml").is_file():
            templates = path.parent / "templates"
            if templates.is_dir():
                out.append(templates)
        elif path.suffix == ".tpl":
            chart = next((p for p in path.parents if (p / "Chart.yaml").is_file()), None)
            if chart is not None and (chart / "templates") in path.parents:
                out.append(chart / "templates")
    return out
