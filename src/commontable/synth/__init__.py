"""The synthetic region generator: members' source files with known ground truth.

Example:
    >>> from commontable.synth import generate_region
    >>> summary = generate_region(people=2_000, seed=7, out=Path("demo/region"))
"""

from commontable.synth.region import RegionSummary, generate_region

__all__ = ["RegionSummary", "generate_region"]
