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

# Marks need 3:1 contrast on white (WCAG 2.2, 1.4.11): Okabe-Ito blue rather than sky blue, a
# darker grey than #999999.
GREEN, BLUE, VERMILLION, GREY = "#009E73", "#0072B2", "#D55E00", "#767676"
COMPARISON_COLOURS = {
    "better": GREEN,  # bluish green, 3.4:1
    "average": BLUE,  # 5.2:1
    "worse": VERMILLION,  # 3.9:1
    "not compared": GREY,  # too few, unreliable or no comparison, 4.5:1
}


# Text is measured (by vl-convert) and drawn (by browsers, WeasyPrint) in the same font, so
# labels fit in print too; DejaVu Sans ships with most Linux systems.
FONT = "DejaVu Sans"


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
        legend=alt.Legend(titleLimit=300),
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
    return svg(chart)


TREND_COLOUR = BLUE


def trend_chart(points: Sequence[Point], *, title: str, axis_title: str, percent: bool) -> str:
    """One result over the published periods (labels), as a line with each period's 95%
    interval; an SVG document."""
    data = pd.DataFrame(
        {
            "period": [p.label for p in points],
            "rate": [p.rate for p in points],
            "low": [p.rate if p.ci_low is None else p.ci_low for p in points],
            "high": [p.rate if p.ci_high is None else p.ci_high for p in points],
        }
    )
    number = ".0%" if percent else ",.1f"
    x = alt.X("period:O", title="Period", sort=list(data["period"]), axis=alt.Axis(labelAngle=0))
    y = alt.Y("rate:Q", title=axis_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=number))
    base = alt.Chart(data)
    chart = alt.layer(
        base.mark_rule(strokeWidth=2, color=TREND_COLOUR).encode(x=x, y="low:Q", y2="high:Q"),
        base.mark_line(color=TREND_COLOUR).encode(x=x, y=y),
        base.mark_point(filled=True, size=70, color=TREND_COLOUR).encode(x=x, y=y),
    ).properties(title=title, width=max(160, 90 * len(points)), height=200)
    return svg(chart)


def svg(chart: alt.TopLevelMixin) -> str:
    """A chart as an SVG document, its text in the font it was measured in."""
    drawn: str = vl_convert.vegalite_to_svg(chart.configure(font=FONT).to_dict())
    return drawn
