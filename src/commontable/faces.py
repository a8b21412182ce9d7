"""A part's face: the names its `__init__` offers other parts (`__all__`), each imported from
its module on first use. Importing a part stays cheap (the command line starts without loading
Ibis or Splink) and no part loads another's modules before it needs them.

A face lists its names once, as imports under `if TYPE_CHECKING:` (what type checkers read),
and `__all__`; `offer` reads where each name lives from those imports:

    if TYPE_CHECKING:
        from commontable.identity.match import MatchResult, match_people

    __all__ = ["MatchResult", "match"]
    __getattr__, __dir__ = offer(__name__, __all__)
"""

from __future__ import annotations

import ast
import pkgutil
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any


def _offered(init: Path) -> dict[str, tuple[str, str]]:
    """Each name imported under the face's `if TYPE_CHECKING:`: its module and its own name."""
    found: dict[str, tuple[str, str]] = {}
    for node in ast.parse(init.read_text()).body:
        if not (isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"):
            continue
        for statement in node.body:
            if isinstance(statement, ast.ImportFrom) and statement.module:
                for alias in statement.names:
                    found[alias.asname or alias.name] = (statement.module, alias.name)
    return found


def offer(
    package: str, names: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of the face of `package`, offering `names`."""
    init = sys.modules[package].__file__
    assert init is not None
    where = _offered(Path(init))
    missing = sorted(set(names) - set(where))
    if missing:
        raise ImportError(f"{package} offers {missing} without importing them for type checkers")
    # Importing a submodule sets the package's attribute of its name: a name offered must not
    # be one, or which of the two `from package import name` gives would depend on the order.
    modules = sorted(
        set(names) & {m.name for m in pkgutil.iter_modules(sys.modules[package].__path__)}
    )
    if modules:
        raise ImportError(f"{package} offers {modules}, which are also its modules' names")

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, own_name = where[name]
        value = getattr(import_module(module), own_name)
        setattr(sys.modules[package], name, value)  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
