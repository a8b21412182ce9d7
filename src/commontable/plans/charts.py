"""A goal's trend against its target as SVG, drawn in-process (Altair + vl-convert): the
published values with their 95% intervals, the straight line from baseline to target, and
the target. Okabe-Ito colours and the font of every chart (display.charts)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from commontable.display import BLUE, GREY, VERMILLION, svg
from commontable.plans.figures import PROPORTION
from commontable.plans.progress import GoalProgress

VALUES, TRAJECTORY, TARGET = BLUE, GREY, VERMILLION


def year_of(day: date) -> float:
    """A date on the periods' axis, where a period's value stands at its last day: 31
    December 2027 is 2027.0, 30 June 2027 about 2026.5."""
    start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    return day.year - 1 + ((day - start).days + 1) / ((end - start).days + 1)


def trend_chart(progress: GoalProgress, *, width: int = 360, height: int = 150) -> str:
    """The goal's values by period against its trajectory and target; an SVG document, or ""
    when there is nothing to draw."""
    shown = [o for o in progress.series if o.value is not None]
    if not shown and progress.baseline is None:
        return ""
    number = ".0%" if progress.unit == PROPORTION else ",.1f"
    target_x = year_of(progress.target_date)
    periods = [o.period for o in shown] + [progress.baseline_period]
    x_scale = alt.Scale(domain=[min(periods) - 0.5, max(max(periods), target_x) + 0.5])
    x = alt.X("x:Q", title="Period", scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1))
    y = alt.Y("y:Q", title=None, axis=alt.Axis(format=number), scale=alt.Scale(zero=False))
    values = pd.DataFrame(
        {
            "x": [o.period for o in shown],
            "y": [o.value for o in shown],
            "low": [o.value if o.ci_low is None else o.ci_low for o in shown],
            "high": [o.value if o.ci_high is None else o.ci_high for o in shown],
        }
    )
    tooltip = [alt.Tooltip("x:Q", title="period"), alt.Tooltip("y:Q", title="value", format=number)]
    layers: list[alt.Chart] = [
        alt.Chart(values).mark_rule(color=VALUES).encode(x=x, y="low:Q", y2="high:Q"),
        alt.Chart(values)
        .mark_line(color=VALUES, point=alt.OverlayMarkDef(color=VALUES, filled=True, size=50))
        .encode(x=x, y=y, tooltip=tooltip),
    ]
    if progress.baseline is not None:
        line = pd.DataFrame(
            {"x": [progress.baseline_period, target_x], "y": [progress.baseline, progress.target]}
        )
        layers.append(
            alt.Chart(line).mark_line(color=TRAJECTORY, strokeDash=[4, 3]).encode(x=x, y=y)
        )
    aim = pd.DataFrame({"x": [target_x], "y": [progress.target], "what": ["target"]})
    layers.append(
        alt.Chart(aim)
        .mark_point(shape="diamond", filled=True, size=90, color=TARGET)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("y:Q", title="target", format=number)])
    )
    return svg(alt.layer(*layers).properties(width=width, height=height))
