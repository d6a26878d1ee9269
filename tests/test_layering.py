"""The package's structure, checked on its source: botocore only through its public surface, no
import cycle, and the layers' arrows one way (docs/architecture.md).

Both walk every module's syntax tree, so imports inside functions and under ``TYPE_CHECKING``
count like the others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import cleanroomsml_tf

PACKAGE = Path(cleanroomsml_tf.__file__).resolve().parent
NAME = "cleanroomsml_tf"

LAYERS: dict[str, int] = {"model": 0, "output": 1, "aws": 2, "lockfile": 3, "drift": 4,
                          "plugin": 5, "cdk": 5, "cli": 5, "emulator": 1}
"""Layer of each subpackage: a module imports only from its own layer's package or lower ones
(plugin, cdk and cli are peers at the top; the emulator sits beside ``output``)."""
MAY_IMPORT: dict[str, set[str]] = {
    "model": set(),
    "output": {"model"},
    "emulator": {"model"},
    "aws": {"model", "output"},
    "lockfile": {"model", "output", "aws"},
    "drift": {"model", "output", "aws", "lockfile"},
    "plugin": {"model", "output", "aws", "lockfile", "drift"},
    "cdk": {"model", "output", "aws", "lockfile", "drift", "plugin"},
    "cli": {"model", "output", "aws", "lockfile", "drift", "plugin", "emulator"},
}
"""Which other subpackages each may import (the arrows of docs/architecture.md). The CDKTF
binding and the CLI mirror the Terraform provider's arguments and configuration parsing
(``plugin/arguments.py``, ``plugin/config.py``, both free of the ``tf`` framework), and the CLI
starts the local endpoint."""


def modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(module: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(module of this package, line) for every import in ``path``, wherever it is written."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == NAME:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            if base.split(".")[0] != NAME:
                continue
            for alias in node.names:
                child = f"{base}.{alias.name}"
                yield (child if child in known else base), node.lineno


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {target for target, _ in imported(name, path, known)
                   if target in known and target != name}
            for name, path in known.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (``[a, b, ..., a]``), or None."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def subpackage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in MAY_IMPORT) else None


def test_no_import_cycle() -> None:
    edges = graph()
    assert len(edges) > 40  # the walk found the package
    cycle = find_cycle(edges)
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a"}}) is None


def test_layers_import_only_downwards() -> None:
    wrong = []
    known = modules()
    for name, path in known.items():
        source = subpackage(name)
        if source is None:
            continue
        for target, line in imported(name, path, known):
            layer = subpackage(target)
            if layer is not None and layer != source and layer not in MAY_IMPORT[source]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {name} imports {target}")
    assert wrong == []


KNOWN_FOREIGN_PRIVATES = {
    "_SubParsersAction", "_actions",  # argparse has no public way to list subcommands
    "_Environ",  # the type of os.environ
    "_exit",  # os._exit: documented, leaves without interpreter teardown (plugin/main.py)
    # cdktf's generated bindings hand these to nested references (so does cdktf's own codegen)
    "_terraform_resource", "_terraform_attribute", "_wraps_set",
}
"""Other libraries' private names the package uses, each for a stated reason; never botocore's.
Everything else private must be the package's own, or reached through ``self``."""


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def own_private_names(paths: list[Path]) -> set[str]:
    """Private names the package defines: functions, classes, attributes it assigns."""
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if _is_private(name)}


def foreign_private_access(path: Path, own: set[str]) -> Iterator[str]:
    """``x._name`` (and ``getattr(x, "_name")``...) where ``_name`` is not the package's own:
    reading or writing another library's private attribute (botocore's ``_credentials``,
    ``_emitter``, ``_session``...)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = None
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            name = node.attr
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str)):
            name = node.args[1].value
        if name and _is_private(name) and name not in own \
                and name not in KNOWN_FOREIGN_PRIVATES:
            yield f"{path.name}:{node.lineno}: {name}"


def test_botocore_only_through_its_public_surface() -> None:
    paths = list(modules().values())
    own = own_private_names(paths)
    found = [hit for path in paths for hit in foreign_private_access(path, own)]
    assert found == []


def test_the_private_access_check_sees_what_it_must(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f(client, signer, mine):\n"
                   "    client.meta.events._emitter._unique_id_handlers\n"
                   "    getattr(signer, '_credentials', None)\n"
                   "    mine._ours = 1\n"
                   "    return mine._ours, client.__class__\n")
    own = own_private_names([bad])
    assert own == {"_ours"}
    assert sorted(foreign_private_access(bad, own)) == [
        "bad.py:2: _emitter", "bad.py:2: _unique_id_handlers", "bad.py:3: _credentials"]


def test_no_error_is_recognized_by_its_message() -> None:
    """Messages are not an interface: errors are told apart by class, code and attributes."""
    matches = []
    for name, path in modules().items():
        if subpackage(name) != "aws":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Compare) and any(isinstance(op, ast.In) for op in node.ops)
                    and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                            and c.func.id == "str" for c in node.comparators)):
                matches.append(f"{path.name}:{node.lineno}")
    assert matches == []
