"""Statistics for measure results: intervals, reliability, comparisons, risk adjustment.

Plain functions over columns (numpy, pyarrow or pandas), one value per entity; risk models score
patients inside the engine through Ibis. `entity_rates` does the per-entity work in one call;
significance.py tests an entity against the rest of the collaborative and controls the false
discovery rate; hierarchical.py fits the random-intercept model hospitals are profiled with.
"""

from commontable.measures.statistics.comparison import (
    AVERAGE,
    BETTER,
    WORSE,
    compare_interval,
    compare_observed_expected,
)
from commontable.measures.statistics.entities import entity_rates
from commontable.measures.statistics.hierarchical import RandomIntercepts, fit_random_intercept
from commontable.measures.statistics.intervals import (
    Interval,
    poisson_ratio_interval,
    ratio_interval,
    ratio_variance,
    wilson_interval,
    z_score,
)
from commontable.measures.statistics.reliability import (
    BetaBinomialFit,
    between_variance,
    fit_beta_binomial,
    reliability,
    signal_to_noise,
)
from commontable.measures.statistics.risk import RiskModel, expected_probability, fit_risk_model
from commontable.measures.statistics.significance import (
    FDR,
    benjamini_hochberg,
    poisson_rates_p,
    ratios_p,
    two_proportions_p,
)
from commontable.measures.statistics.standardisation import observed_expected
from commontable.measures.statistics.status import (
    MIN_DENOMINATOR,
    MIN_EXPECTED_EVENTS,
    REPORTED,
    TOO_FEW,
    reporting_status,
)

__all__ = [
    "AVERAGE",
    "BETTER",
    "FDR",
    "MIN_DENOMINATOR",
    "MIN_EXPECTED_EVENTS",
    "REPORTED",
    "TOO_FEW",
    "WORSE",
    "BetaBinomialFit",
    "Interval",
    "RandomIntercepts",
    "RiskModel",
    "benjamini_hochberg",
    "between_variance",
    "compare_interval",
    "compare_observed_expected",
    "entity_rates",
    "expected_probability",
    "fit_beta_binomial",
    "fit_random_intercept",
    "fit_risk_model",
    "observed_expected",
    "poisson_rates_p",
    "poisson_ratio_interval",
    "ratio_interval",
    "ratio_variance",
    "ratios_p",
    "reliability",
    "reporting_status",
    "signal_to_noise",
    "two_proportions_p",
    "wilson_interval",
    "z_score",
]
