"""Every public function and method of app/services and app/reports says what it takes and
gives (read with `ast`, no app needed).

Public means the name does not start with `_`; a method's `self` or `cls` needs no hint.
Functions defined inside another function are local helpers and are not checked.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECKED = ("app/services", "app/reports")

# Files left out while being edited elsewhere (none now: every service and report is hinted).
PENDING: tuple[str, ...] = ()


def is_pending(relative):
    return any(relative.match(pattern) for pattern in PENDING)


def checked_files():
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not is_pending(pathlib.PurePosixPath(relative.as_posix())):
                yield relative


def public_functions(body, in_class=False):
    """(function, is_method) for each public def in a module or class body, classes nested."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not node.name.startswith("_"):
                yield node, in_class
        elif isinstance(node, ast.ClassDef):
            yield from public_functions(node.body, in_class=True)
        elif isinstance(node, ast.If | ast.Try):  # e.g. `if TYPE_CHECKING:` or a fallback
            blocks = [node.body, node.orelse]
            if isinstance(node, ast.Try):
                blocks += [h.body for h in node.handlers] + [node.finalbody]
            for block in blocks:
                yield from public_functions(block, in_class)


def missing_hints(function, is_method):
    """The names of the parameters lacking a hint, plus 'return' if the return lacks one."""
    args = function.args
    positional = args.posonlyargs + args.args
    static = any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list
    )
    if is_method and not static and positional:
        positional = positional[1:]  # self or cls
    params = positional + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    missing = [a.arg for a in params if a.annotation is None]
    if function.returns is None:
        missing.append("return")
    return missing


def unhinted():
    found = []
    for relative in checked_files():
        tree = ast.parse((ROOT / relative).read_text(), filename=str(relative))
        for function, is_method in public_functions(tree.body):
            missing = missing_hints(function, is_method)
            if missing:
                found.append(f"{relative}:{function.lineno} {function.name}: {', '.join(missing)}")
    return found


def test_every_public_service_and_report_function_has_type_hints():
    found = unhinted()
    assert not found, "public functions lacking hints:\n" + "\n".join(found)


def test_pending_files_still_exist():
    for pattern in PENDING:
        assert list(ROOT.glob(pattern)), f"{pattern} is gone; remove it from PENDING"
