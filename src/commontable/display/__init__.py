"""How figures are shown, below every part that shows them (publishing's explorer, the public
report, the plans): numbers as people read them (`formatting`) and charts drawn as SVG in-process
(`charts`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.display.charts import (
        BLUE,
        GREY,
        VERMILLION,
        Point,
        interval_chart,
        svg,
        trend_chart,
    )
    from commontable.display.formatting import (
        count_text,
        interval_text,
        is_cost,
        is_proportion,
        money,
        number,
        per,
        rate_text,
        reliability_text,
        unit,
    )

__all__ = [
    "BLUE",
    "GREY",
    "VERMILLION",
    "Point",
    "count_text",
    "interval_chart",
    "interval_text",
    "is_cost",
    "is_proportion",
    "money",
    "number",
    "per",
    "rate_text",
    "reliability_text",
    "svg",
    "trend_chart",
    "unit",
]
__getattr__, __dir__ = offer(__name__, __all__)
