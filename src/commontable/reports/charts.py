"""Charts of published results as SVG, drawn in-process (Altair + vl-convert, no CDN or browser).

Colours are the Okabe-Ito palette, safe for the common kinds of colour blindness
(Okabe & Ito, "Color Universal Design", 2008, https://jfly.uni-koeln.de/color/).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert

COMPARISON_COLOURS = {
    "better": "#009E73",  # bluish green
    "average": "#56B4E9",  # sky blue
    "worse": "#D55E00",  # vermillion
    "not compared": "#999999",  # grey: too few, or no comparison
}


@dataclass(frozen=True)
class Point:
    """One bar of a chart: a labelled rate with its interval and comparison."""

    label: str
    rate: float
    ci_low: float | None
    ci_high: float | None
    comparison: str | None


def interval_chart(
    points: Sequence[Point],
    *,
    title: str,
    axis_title: str,
    percent: bool,
    reference: float | None = None,
    reference_label: str = "Whole collaborative",
) -> str:
    """Rates as dots with their 95% intervals, one row each, and the collaborative's rate as a
    vertical rule; an SVG document."""
    data = pd.DataFrame(
        {
            "label": [p.label for p in points],
            "rate": [p.rate for p in points],
            "low": [p.rate if p.ci_low is None else p.ci_low for p in points],
            "high": [p.rate if p.ci_high is None else p.ci_high for p in points],
            "comparison": [p.comparison or "not compared" for p in points],
        }
    )
    number = ".0%" if percent else ",.1f"
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    colour = alt.Color(
        "comparison:N",
        title="Compared with the collaborative",
        scale=alt.Scale(domain=list(COMPARISON_COLOURS), range=list(COMPARISON_COLOURS.values())),
    )
    tooltip = [
        alt.Tooltip("label:N", title="who"),
        alt.Tooltip("rate:Q", format=number),
        alt.Tooltip("low:Q", title="95% CI low", format=number),
        alt.Tooltip("high:Q", title="95% CI high", format=number),
    ]
    base = alt.Chart(data)
    layers: list[alt.Chart] = [
        base.mark_rule(strokeWidth=2).encode(
            x=alt.X("low:Q", title=axis_title, axis=alt.Axis(format=number)),
            x2="high:Q",
            y=y,
            color=colour,
        ),
        base.mark_point(filled=True, size=70).encode(
            x="rate:Q", y=y, color=colour, tooltip=tooltip
        ),
    ]
    if reference is not None:
        rule = pd.DataFrame({"reference": [reference], "what": [reference_label]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(strokeDash=[4, 3], color="#000000")
            .encode(x="reference:Q", tooltip=[alt.Tooltip("what:N", title="line")])
        )
    chart = alt.layer(*layers).properties(title=title, width=520, height=max(60, 22 * len(points)))
    svg: str = vl_convert.vegalite_to_svg(chart.to_dict())
    return svg
