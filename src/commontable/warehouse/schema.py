"""How each table is kept in the warehouse: typed columns, lineage, and the intake log tables."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

from commontable.warehouse.contracts import CONTRACTS, Contract, RepeatingGroup
from commontable.warehouse.contracts.model import ColumnType

TYPES: dict[ColumnType, dt.DataType] = {
    "string": dt.string,
    "date": dt.date,
    "timestamp": dt.timestamp,
    "integer": dt.int64,
    "decimal": dt.Decimal(18, 2),
    "boolean": dt.boolean,
}

LINEAGE: dict[str, dt.DataType] = {
    "data_source": dt.string,
    "file_name": dt.string,
    "ingest_datetime": dt.timestamp,
    "submission_id": dt.int64,
}

SUBMISSION = ibis.schema(
    {
        "submission_id": dt.int64,
        "data_source": dt.string,
        "status": dt.string,  # loaded | rejected
        "content_sha256": dt.string,
        "files": dt.string,  # JSON: [{"name", "sha256", "bytes", "format", "rows"}]
        "rows_read": dt.int64,
        "rows_loaded": dt.int64,
        "rows_quarantined": dt.int64,
        "tables": dt.string,  # JSON: {"table": {"rows": loaded, "seconds": checking+writing}}
        "started_at": dt.timestamp,
        "seconds": dt.float64,
        "message": dt.string,
    }
)

QUARANTINE = ibis.schema(
    {
        "data_source": dt.string,
        "file_name": dt.string,
        "table_name": dt.string,
        "row_ref": dt.string,
        "column_name": dt.string,
        "value": dt.string,
        "reason": dt.string,
        "submission_id": dt.int64,
    }
)

LOG_TABLES = {"submission": SUBMISSION, "quarantine": QUARANTINE}

# Derived tables: written whole by a pipeline step (identity now; measures next), never appended.
PERSON_CROSSWALK = ibis.schema(
    {
        "data_source": dt.string,
        "source_person_id": dt.string,
        "person_id": dt.string,
        "match_probability": dt.float64,  # best score joining the record to its person
        "match_method": dt.string,  # deterministic | probabilistic | unmatched | reviewer
        "matched_at": dt.timestamp,  # the run that first gave the record its person
    }
)
PERSON = ibis.schema(
    {
        "person_id": dt.string,
        "first_name": dt.string,
        "last_name": dt.string,
        "birth_date": dt.date,
        "sex": dt.string,
        "race": dt.string,
        "ethnicity": dt.string,
        "death_date": dt.date,
        "address": dt.string,
        "city": dt.string,
        "state": dt.string,
        "zip_code": dt.string,
        "phone": dt.string,
        "records": dt.int64,
        "data_sources": dt.int64,
    }
)
_SIDE = {"data_source": dt.string, "source_person_id": dt.string, "person_id": dt.string}
MATCH_REVIEW = ibis.schema(
    {
        **{f"{k}_l": v for k, v in _SIDE.items()},
        **{f"{k}_r": v for k, v in _SIDE.items()},
        "match_probability": dt.float64,
        "reason": dt.string,
    }
)
# The demographics of the records in match_review as the matcher compares them (never the SSN):
# the review pages show a pair's two records side by side from these.
REVIEW_DEMOGRAPHICS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "address",
    "city",
    "state",
    "zip",
    "phone",
)
MATCH_REVIEW_RECORD = ibis.schema(
    {"record_id": dt.string, **dict.fromkeys(REVIEW_DEMOGRAPHICS, dt.string)}
)
# Measures (`commontable measure run`): one row per person and measure, then one per result.
MEASURE_PATIENT = ibis.schema(
    {
        "person_id": dt.string,  # CommonTable's person (person_crosswalk), never a source id
        "measure_id": dt.string,
        "period": dt.int64,  # measurement year
        "initial_population": dt.boolean,
        "denominator": dt.boolean,
        "denominator_exclusion": dt.boolean,
        "denominator_exception": dt.boolean,
        "numerator": dt.boolean,
        "numerator_count": dt.int64,  # events of a rate measure; 1/0 for a proportion
        "member_years": dt.float64,  # exposure of a rate measure; null for a proportion
        "clinic": dt.string,  # attributed entities (organization_id)
        "medical_group": dt.string,
        "health_plan": dt.string,
        "county": dt.string,
        "zip_code": dt.string,
        "age_band": dt.string,  # strata
        "sex": dt.string,
        "race": dt.string,
        "ethnicity": dt.string,
        "payer_type": dt.string,
        # Added with the claims measures (issue 4); older warehouses get them as nulls.
        "event_id": dt.string,  # the counted event (an index stay) of a per-event measure
        "event_date": dt.date,  # its date (the discharge of a stay)
        "hospital": dt.string,  # the event's hospital (organization_id of the roster)
        "expected": dt.float64,  # modelled probability of the numerator (risk-adjusted measures)
        "member_months": dt.float64,  # exposure of a cost measure
        "paid_amount": dt.float64,  # paid in the period (cost measures)
        "sdoh_risk": dt.string,  # stratum by social needs screened positive (measures/strata.py)
        # Added with fair comparisons (issue 14); older warehouses get them as nulls.
        "expected_payer_mix": dt.float64,  # standardised expected by age, sex and payer type
        "predicted": dt.float64,  # hierarchical model: probability at the own hospital's intercept
    }
)
MEASURE_RESULT = ibis.schema(
    {
        "measure_id": dt.string,
        "period": dt.int64,
        "entity_type": dt.string,  # collaborative, clinic, medical_group, health_plan, county...
        "entity_id": dt.string,
        "entity_name": dt.string,
        "stratum_type": dt.string,  # all, or one of measures.strata.STRATA (age_band, sex, ...)
        "stratum": dt.string,
        "initial_population": dt.int64,
        "denominator_exclusion": dt.int64,
        "denominator_exception": dt.int64,
        "denominator": dt.int64,  # after exclusions and exceptions
        "numerator": dt.int64,  # patients meeting it, or events of a rate measure
        "member_years": dt.float64,  # exposure of a rate measure
        "rate": dt.float64,  # proportion (0-1), events per 1,000 / 100,000 member-years, or $ PMPM
        "ci_low": dt.float64,  # 95% interval: Wilson for proportions, exact Poisson for rates
        "ci_high": dt.float64,
        "reliability": dt.float64,
        "status": dt.string,  # reported | too few
        "comparison": dt.string,  # better | worse | average | null
        # Added with the claims measures (issue 4); older warehouses get them as nulls.
        "expected": dt.float64,  # expected events from the risk model (indirect standardisation)
        "oe_ratio": dt.float64,  # observed / expected
        "oe_low": dt.float64,  # exact Poisson 95% interval of O/E
        "oe_high": dt.float64,
        "risk_standardised_rate": dt.float64,  # O/E x the collaborative's observed rate
        "member_months": dt.float64,  # exposure of a cost measure (rate: paid per member-month)
        "paid_amount": dt.float64,  # total paid of a cost measure
        # Added with fair comparisons (issue 14); older warehouses get them as nulls.
        "predicted": dt.float64,  # hospital's predicted events (hierarchical model), for P/E
        "p_value": dt.float64,  # two-sided test against the rest of the collaborative
        "q_value": dt.float64,  # Benjamini-Hochberg within (measure, period, entity type)
        "reference_rate": dt.float64,  # the rest of the collaborative's rate, on the same scale
        "adjustment": dt.string,  # what `expected` adjusts for (measures/results.py ADJUSTMENTS)
        # Statement 6 (issue 14): the firms paid behind a cost figure, the largest one's share.
        "providers": dt.int64,
        "largest_provider_share": dt.float64,
    }
)
MATCH_DECISION = ibis.schema(
    {
        "decision_id": dt.int64,
        "data_source_l": dt.string,
        "source_person_id_l": dt.string,
        "data_source_r": dt.string,
        "source_person_id_r": dt.string,
        "decision": dt.string,  # same | different
        "decided_by": dt.string,
        "decided_at": dt.timestamp,
        "note": dt.string,
    }
)
# Open care gaps (care.gaps): people in a measure's denominator who do not meet it, by the
# latest measure run, with whom they are attributed to and the day the gap was first seen open.
CARE_GAP = ibis.schema(
    {
        "person_id": dt.string,
        "measure_id": dt.string,
        "period": dt.int64,
        "event_id": dt.string,  # the stay of a per-event measure (follow-up after discharge)
        "event_date": dt.date,
        "clinic": dt.string,
        "medical_group": dt.string,
        "health_plan": dt.string,
        "reason": dt.string,
        "opened_on": dt.date,
    }
)
# What the live feed's notifier made of each event (care.notices, copied from the app DB at
# every measure run): the measures of coordination join it to adt_event by message.
CARE_NOTICE = ibis.schema(
    {
        "data_source": dt.string,
        "message_control_id": dt.string,
        "kind": dt.string,  # care.models.EventKind
        "occurred_at": dt.timestamp,  # UTC, as the hospital gave it
        "received_at": dt.timestamp,  # UTC
        "entitled": dt.int64,  # care teams whose subscription and rules took the event
        "withheld": dt.string,  # why consent kept them from being told ("" when it did not)
        "notifications": dt.int64,
        "notified_at": dt.timestamp,  # the first team's notification (UTC), null when none
    }
)
# Each notification of those events and what the team made of it (no patient detail).
CARE_NOTIFICATION = ibis.schema(
    {
        "notification_id": dt.string,
        "data_source": dt.string,
        "message_control_id": dt.string,
        "team_kind": dt.string,  # care.models.TeamKind
        "created_at": dt.timestamp,  # UTC
        "completed_at": dt.timestamp,
        "outcome": dt.string,  # care.models.Outcome, null while open
    }
)
DERIVED_TABLES = {
    "person_crosswalk": PERSON_CROSSWALK,
    "person": PERSON,
    "match_review": MATCH_REVIEW,
    "match_review_record": MATCH_REVIEW_RECORD,
    "match_decision": MATCH_DECISION,
    "measure_patient": MEASURE_PATIENT,
    "measure_result": MEASURE_RESULT,
    "care_gap": CARE_GAP,
    "care_notice": CARE_NOTICE,
    "care_notification": CARE_NOTIFICATION,
}


def long_schema(group: RepeatingGroup, parent: Contract) -> ibis.Schema:
    """The long table a repeating group is kept in: parent key, sequence, one column per field."""
    fields: dict[str, dt.DataType] = {k: TYPES[parent.column(k).type] for k in group.key}
    fields[group.sequence_column] = dt.int64
    fields.update({f.name: TYPES[f.type] for f in group.prefix_fields})
    return ibis.schema({**fields, **LINEAGE})


def contract_schema(contract: Contract) -> ibis.Schema:
    """The stored columns of a canonical table: its own columns (not the wide ones) plus lineage."""
    return ibis.schema({**{c.name: TYPES[c.type] for c in contract.columns}, **LINEAGE})


def storage_schemas() -> dict[str, ibis.Schema]:
    """Every table of the warehouse, by name: intake's tables, its logs, and derived tables."""
    schemas: dict[str, ibis.Schema] = {**LOG_TABLES, **DERIVED_TABLES}
    for contract in CONTRACTS.values():
        schemas[contract.name] = contract_schema(contract)
        for group in contract.repeating:
            schemas[group.stored_as] = long_schema(group, contract)
    return schemas
