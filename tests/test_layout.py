"""The code's shape, kept by reading its imports (no app needed).

Services are grouped by area, and each area imports only the areas below it in `LAYERS`
(`app/services/errors.py` is below them all). Services and models never import views.
"""

import ast
import pathlib

APP = pathlib.Path(__file__).resolve().parent.parent / "app"

# Lowest first: an area may import itself and any area before it, never one after it.
LAYERS = (
    "trail",
    "access",
    "calendar",
    "catalog",
    "review",
    "ledger",
    "cases",
    "publish",
    "insight",
    "campaign",
    "sheets",
    "demo",
    "maintenance",
)


def imported_modules(path):
    """Every absolute module name a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module
            for alias in node.names:
                yield f"{module}.{alias.name}"


def area_of(module):
    parts = module.split(".")
    if parts[:2] == ["app", "services"] and len(parts) > 2 and parts[2] in LAYERS:
        return parts[2]
    return None


def test_every_service_module_belongs_to_an_area_with_a_docstring():
    loose = [
        p.name
        for p in (APP / "services").glob("*.py")
        if p.name not in ("__init__.py", "errors.py")
    ]
    assert loose == [], "put these in an area under app/services/: " + ", ".join(loose)
    areas = sorted(p.name for p in (APP / "services").iterdir() if (p / "__init__.py").exists())
    assert areas == sorted(LAYERS), "add new areas to LAYERS in their place"
    for area in LAYERS:
        assert ast.get_docstring(ast.parse((APP / "services" / area / "__init__.py").read_text()))


def test_areas_import_only_downward():
    wrong = []
    for path in sorted((APP / "services").rglob("*.py")):
        own = area_of(".".join(path.relative_to(APP.parent).with_suffix("").parts))
        if own is None:
            continue
        for module in imported_modules(path):
            other = area_of(module)
            if other and LAYERS.index(other) > LAYERS.index(own):
                wrong.append(f"{path.relative_to(APP)} imports {module}")
    assert sorted(set(wrong)) == []


def test_errors_module_imports_no_area():
    assert not [m for m in imported_modules(APP / "services" / "errors.py") if area_of(m)]


def test_services_and_models_never_import_views():
    wrong = [
        f"{path.relative_to(APP)} imports {module}"
        for folder in ("services", "models")
        for path in sorted((APP / folder).rglob("*.py"))
        for module in imported_modules(path)
        if module == "app.views" or module.startswith("app.views.")
    ]
    assert sorted(set(wrong)) == []
