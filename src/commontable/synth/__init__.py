"""The synthetic region generator: members' source files with known ground truth.

Example:
    >>> from commontable.synth import generate_region
    >>> summary = generate_region(people=2_000, seed=7, out=Path("demo/region"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.synth.region import RegionSummary, generate_region

__all__ = [
    "RegionSummary",
    "generate_region",
]
__getattr__, __dir__ = offer(__name__, __all__)
