"""Statistics for measure results: intervals, reliability, comparisons, risk adjustment.

Plain functions over columns (numpy, pyarrow or pandas), one value per entity; risk models score
patients inside the engine through Ibis. `entity_rates` does the per-entity work in one call.
"""

from commontable.measures.statistics.comparison import (
    AVERAGE,
    BETTER,
    WORSE,
    compare_interval,
    compare_observed_expected,
)
from commontable.measures.statistics.entities import entity_rates
from commontable.measures.statistics.intervals import (
    Interval,
    poisson_ratio_interval,
    ratio_interval,
    wilson_interval,
    z_score,
)
from commontable.measures.statistics.reliability import (
    BetaBinomialFit,
    fit_beta_binomial,
    reliability,
)
from commontable.measures.statistics.risk import RiskModel, expected_probability, fit_risk_model
from commontable.measures.statistics.standardisation import observed_expected
from commontable.measures.statistics.status import (
    MIN_DENOMINATOR,
    REPORTED,
    TOO_FEW,
    reporting_status,
)

__all__ = [
    "AVERAGE",
    "BETTER",
    "MIN_DENOMINATOR",
    "REPORTED",
    "TOO_FEW",
    "WORSE",
    "BetaBinomialFit",
    "Interval",
    "RiskModel",
    "compare_interval",
    "compare_observed_expected",
    "entity_rates",
    "expected_probability",
    "fit_beta_binomial",
    "fit_risk_model",
    "observed_expected",
    "poisson_ratio_interval",
    "ratio_interval",
    "reliability",
    "reporting_status",
    "wilson_interval",
    "z_score",
]
