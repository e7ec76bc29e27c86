"""The kernel's rules, kept by reading the source: each test walks the syntax trees of
src/parkos and fails naming every offender by file and line, so that a count the kernel issue
brought to zero stays zero. Each test prints the count it found."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "parkos"
TESTS = ROOT / "tests"

# Packages that are not domain apps: config wires every app's routers and URLs together, and
# the demo loader builds fixture data for every app at once (it is a fixture, not a room).
WIRING = {"config", "demo"}


@dataclass(frozen=True)
class Offence:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.what}"


@cache
def _sources() -> tuple[Path, ...]:
    return tuple(
        sorted(
            path for path in SRC.rglob("*.py") if "migrations" not in path.relative_to(SRC).parts
        )
    )


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _app(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def _is_view_or_api(path: Path) -> bool:
    """views*.py, *_views.py, api*.py, and every module of a views/ or api/ package."""
    parts = path.relative_to(SRC).parts
    name = path.stem
    return (
        name.startswith("views")
        or name.endswith("_views")
        or name.startswith("api")
        or "views" in parts[1:-1]
        or "api" in parts[1:-1]
    )


def _is_view(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return path.stem.startswith("views") or path.stem.endswith("_views") or "views" in parts[1:-1]


def _report(title: str, offences: list) -> str:
    lines = [f"{title}: {len(offences)}"]
    lines.extend(f"  {offence}" for offence in offences)
    return "\n".join(lines)


def _check(title: str, offences: list) -> None:
    offences = sorted(offences, key=lambda o: (str(getattr(o, "path", o)), getattr(o, "line", 0)))
    print(f"\n{title}: {len(offences)}")
    if offences:
        pytest.fail(_report(title, offences), pytrace=False)


# a. Hand-written transition tables -----------------------------------------------------------

TABLE_NAME = re.compile(r"^(?:[A-Z0-9_]*_)?TRANSITIONS$")
STATE_ENUM = re.compile(r"(Status|State)$")


def _is_state(node: ast.AST) -> bool:
    """`OrderStatus.PLACED`, `S.NEW`: a member of a status enum."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and (STATE_ENUM.search(node.value.id) is not None or node.value.id == "S")
    )


def _is_state_set(node: ast.AST) -> bool:
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return bool(node.elts) and all(_is_state(element) for element in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        return node.func.id in {"frozenset", "set", "tuple"} and _is_state_set(node.args[0])
    return False


def _transition_shape(node: ast.Dict) -> str | None:
    keys = [key for key in node.keys if key is not None]
    if not keys or len(keys) != len(node.keys):
        return None
    if all(isinstance(key, ast.Tuple) and len(key.elts) == 2 for key in keys) and any(
        _is_state(element) for key in keys for element in key.elts
    ):
        return "a dict keyed by (state, action)"
    values = node.values
    if all(
        isinstance(value, ast.Dict)
        and value.keys
        and all(
            _is_state(k) and _is_state(v) for k, v in zip(value.keys, value.values, strict=False)
        )
        for value in values
    ):
        return "a dict of action -> {source: target}"
    if all(
        isinstance(value, ast.Tuple)
        and len(value.elts) >= 2
        and _is_state_set(value.elts[0])
        and _is_state(value.elts[1])
        for value in values
    ):
        return "a dict of action -> (sources, target)"
    return None


def test_no_transition_table_outside_the_workflow_kernel():
    kernel = SRC / "core" / "workflow.py"
    offences = []
    for path in _sources():
        if path == kernel:
            continue
        for node in ast.walk(_tree(path)):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and TABLE_NAME.match(target.id):
                    offences.append(Offence(path, node.lineno, f"transition table {target.id}"))
            if isinstance(node, ast.Dict):
                shape = _transition_shape(node)
                if shape:
                    offences.append(Offence(path, node.lineno, f"{shape}: declare a core.workflow"))
    # A table caught by its name and by its shape is one offence.
    offences = sorted(
        {(o.path, o.line): o for o in offences}.values(), key=lambda o: (str(o.path), o.line)
    )
    _check("hand-written transition tables outside core/workflow.py", offences)


# b. Text-wording mechanisms ------------------------------------------------------------------

WORDING_MODULES = {"texts", "reasons", "flags"}
WORDING_FUNCTION = re.compile(r"render|word|text|explain|describe|label|message")


def _declares_catalogue(tree: ast.Module) -> bool:
    """The module words its texts through the kernel: it declares a core.texts.CodedTexts
    catalogue, and its wording functions are that catalogue's (registered on it or helping it)."""
    return any(
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", "")) == "CodedTexts"
        for node in ast.walk(tree)
    )


def test_no_text_wording_mechanism_outside_core():
    offences = []
    for path in _sources():
        app = _app(path)
        if app == "core":
            continue
        if path.stem in WORDING_MODULES and not _declares_catalogue(_tree(path)):
            for node in _tree(path).body:
                if isinstance(node, ast.FunctionDef) and WORDING_FUNCTION.search(node.name):
                    offences.append(
                        Offence(
                            path, node.lineno, f"wording function {node.name}(): use core.texts"
                        )
                    )
        for node in ast.walk(_tree(path)):
            for module in _imported_modules(node):
                parts = module.split(".")
                if (
                    len(parts) >= 3
                    and parts[0] == "parkos"
                    and parts[1] not in {app, "core"}
                    and app != "demo"
                    and parts[2] in WORDING_MODULES
                ):
                    offences.append(
                        Offence(path, node.lineno, f"imports {module}: another app's wording")
                    )
    _check("text-wording mechanisms outside core", offences)


# c. Import pipelines -------------------------------------------------------------------------

READERS = {
    ("csv", "reader"),
    ("csv", "DictReader"),
    ("openpyxl", "load_workbook"),
    ("pandas", "read_csv"),
    ("pd", "read_csv"),
    ("pandas", "read_excel"),
    ("pd", "read_excel"),
}
BARE_READERS = {"load_workbook", "read_csv", "read_excel", "DictReader"}
# Readers of files that are not imports of a park's data, each a decision stated here.
READER_ALLOWED = {
    # An offline evaluation of the dispatch classifier on a labelled file, run by an operator
    # from `parkos dispatch_eval`: it reports figures and keeps no row.
    "src/parkos/property/dispatch/evaluation.py": "classifier evaluation, keeps no row",
    # `parkos crowd-eval` backtests the forecast on a counts file; it keeps no row.
    "src/parkos/crowd/forecast/io.py": "forecast evaluation, keeps no row",
    # `parkos match-eval` ranks a labelled file against itself and prints figures; no row kept.
    "src/parkos/core/matching/evaluate.py": "matching evaluation, keeps no row",
}


def test_no_import_pipeline_outside_core():
    kernel = SRC / "core" / "imports.py"
    print("\nallowed readers:", READER_ALLOWED)
    offences = []
    for path in _sources():
        relative = str(path.relative_to(ROOT))
        if path == kernel or relative in READER_ALLOWED:
            continue
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = None
            if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
                if (function.value.id, function.attr) in READERS:
                    name = f"{function.value.id}.{function.attr}"
            elif isinstance(function, ast.Name) and function.id in BARE_READERS:
                name = function.id
            if name:
                offences.append(
                    Offence(path, node.lineno, f"{name}(): import through core.imports")
                )
    _check("import pipelines outside core/imports.py", offences)


# d. Managers in views and API modules --------------------------------------------------------


def test_no_model_managers_in_views_and_api_modules():
    offences = []
    for path in _sources():
        if not _is_view_or_api(path):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
                offences.append(
                    Offence(path, node.lineno, f".{node.attr}: call a selector or a service")
                )
    _check(".objects / _default_manager in views and API modules", offences)


# e. The admin --------------------------------------------------------------------------------


def _parkos_admins():
    from django.contrib import admin

    # Django's own models (auth.Group) are not service-managed rows of ParkOS.
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if type(model).__module__.startswith("parkos.")
            or model.__module__.startswith("parkos.")
        ),
        key=lambda pair: pair[0]._meta.label,
    )


def test_every_admin_is_read_only_or_says_why_it_is_editable():
    from parkos.core.admin import ReadOnlyAdmin, ReferenceDataAdmin

    offences = []
    for model, model_admin in _parkos_admins():
        cls = type(model_admin)
        where = f"{cls.__module__}.{cls.__qualname__} for {model._meta.label}"
        if isinstance(model_admin, ReadOnlyAdmin):
            continue
        if isinstance(model_admin, ReferenceDataAdmin):
            if not str(getattr(model_admin, "editable_because", "")).strip():
                offences.append(f"{where}: ReferenceDataAdmin without editable_because")
            continue
        offences.append(f"{where}: subclass core.admin.ReadOnlyAdmin (or ReferenceDataAdmin)")
    _check("admins neither ReadOnlyAdmin nor ReferenceDataAdmin with a reason", offences)


def test_a_read_only_admin_refuses_even_a_superuser():
    from django.test import RequestFactory

    from parkos.accounts.models import User
    from parkos.core.admin import ReadOnlyAdmin

    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    offences = []
    read_only = [pair for pair in _parkos_admins() if isinstance(pair[1], ReadOnlyAdmin)]
    for model, model_admin in read_only:
        for permission in ("add", "change", "delete"):
            if getattr(model_admin, f"has_{permission}_permission")(request):
                offences.append(
                    f"{type(model_admin).__qualname__} ({model._meta.label}): {permission}"
                )
    print(f"\nread-only admins: {len(read_only)}")
    _check("read-only admins that let a superuser write", offences)


# f. Doors between apps -----------------------------------------------------------------------

# What an app may import of another app: its services and selectors (modules or packages).
DOORS = {"services", "selectors"}
# Arrows that are design decisions, each stated once. (importer app, imported module, names);
# names=None allows the whole module.
ALLOWED_ARROWS = {
    # The approvals engine is a door by inversion of control: an app registers its subjects
    # (on_approved, on_rejected...) in the registry from its AppConfig.ready().
    ("relief", "parkos.approvals.registry", None),
    ("marketplace", "parkos.approvals.registry", None),
    ("talent", "parkos.approvals.registry", None),
    # The role vocabulary is the shared language of every permission check; it lives beside
    # the membership it is stored in. (Moving it to accounts/roles.py would retire this entry.)
    ("*", "parkos.accounts.models", frozenset({"Role", "ENTERPRISE_ROLES", "PROPERTY_ROLES"})),
}


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        # `from parkos.iot import texts` names a module; `from parkos.iot.texts import x` a name.
        if node.module.count(".") == 1:
            return [f"{node.module}.{alias.name}" for alias in node.names]
        return [node.module]
    return []


def _arrow_allowed(app: str, module: str, names: set[str]) -> bool:
    for importer, allowed_module, allowed_names in ALLOWED_ARROWS:
        if importer not in {app, "*"}:
            continue
        if module != allowed_module:
            continue
        if allowed_names is None or names <= allowed_names:
            return True
    return False


def test_apps_use_each_other_only_through_their_doors():
    print("\nallowed arrows (design decisions):")
    for importer, module, names in sorted(ALLOWED_ARROWS, key=str):
        print(f"  {importer} -> {module}" + (f" ({', '.join(sorted(names))})" if names else ""))
    print(f"  not checked (wiring, not domain apps): {', '.join(sorted(WIRING))}")
    offences = []
    for path in _sources():
        app = _app(path)
        if app in WIRING:
            continue
        for node in ast.walk(_tree(path)):
            for module in _imported_modules(node):
                parts = module.split(".")
                if len(parts) < 3 or parts[0] != "parkos":
                    continue
                other = parts[1]
                # core is the shared kernel every app builds on (and imports no app).
                if other in {app, "core"}:
                    continue
                if parts[2] in DOORS:
                    continue
                names = (
                    {alias.name for alias in node.names}
                    if isinstance(node, ast.ImportFrom) and node.module == module
                    else set()
                )
                if _arrow_allowed(app, module, names):
                    continue
                shown = f"{module} ({', '.join(sorted(names))})" if names else module
                offences.append(
                    Offence(
                        path,
                        node.lineno,
                        f"{app} imports {shown}: use {other}'s services/selectors",
                    )
                )
    _check("imports of another app's models or private modules", offences)


# g. Hand-read web input ----------------------------------------------------------------------


def test_views_read_input_through_forms():
    offences = []
    for path in _sources():
        if not _is_view(path):
            continue
        for node in ast.walk(_tree(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"get", "getlist"}
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "POST"
            ):
                offences.append(
                    Offence(path, node.lineno, f"request.POST.{node.func.attr}(): use a form")
                )
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "POST"
            ):
                offences.append(Offence(path, node.lineno, "request.POST[...]: use a form"))
    _check("request.POST.get( / request.POST[ in views", offences)


# h. Tests named after history ----------------------------------------------------------------

HISTORY_NAME = re.compile(r"(?:^|_)(?:review|qa|fixes)(?:_|$)|round[_-]?\d")


@pytest.mark.parametrize("root", [TESTS], ids=["tests"])
def test_test_files_are_named_after_modules_not_review_rounds(root):
    offences = sorted(
        str(path.relative_to(ROOT)) for path in root.rglob("*.py") if HISTORY_NAME.search(path.stem)
    )
    _check("test files named after a review or QA round (fold them into module tests)", offences)
