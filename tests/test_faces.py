"""A part's face offers names imported on first use, and refuses to offer what it does not
import for type checkers or what is also one of its modules' names."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

FACE = """
from typing import TYPE_CHECKING
from commontable.faces import offer
if TYPE_CHECKING:
    from {package}.work import {imported}
__all__ = {offered!r}
__getattr__, __dir__ = offer(__name__, __all__)
"""


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n.startswith("somepart")]:
        del sys.modules[name]


def _part(root: Path, name: str, imported: str, offered: list[str]) -> None:
    folder = root / name
    folder.mkdir()
    (folder / "work.py").write_text("LOADED = True\ndef do() -> str:\n    return 'done'\n")
    (folder / "__init__.py").write_text(
        FACE.format(package=name, imported=imported, offered=offered)
    )


def test_a_name_is_imported_from_its_module_on_first_use(package: Path) -> None:
    _part(package, "somepart_a", "do", ["do"])
    face = importlib.import_module("somepart_a")
    assert "somepart_a.work" not in sys.modules
    assert face.do() == "done"
    assert "somepart_a.work" in sys.modules


def test_a_face_may_not_offer_what_it_does_not_import_for_type_checkers(package: Path) -> None:
    _part(package, "somepart_b", "do", ["do", "undo"])
    with pytest.raises(ImportError, match="undo"):
        importlib.import_module("somepart_b")


def test_a_face_may_not_offer_a_name_one_of_its_modules_has(package: Path) -> None:
    _part(package, "somepart_c", "LOADED as work", ["work"])
    with pytest.raises(ImportError, match="also its modules' names"):
        importlib.import_module("somepart_c")


def test_a_name_not_offered_is_not_there(package: Path) -> None:
    _part(package, "somepart_d", "do", ["do"])
    face = importlib.import_module("somepart_d")
    with pytest.raises(AttributeError):
        face.LOADED  # noqa: B018
