"""The routing kernel below every part's routes and above members and privacy: the request's
context (who asks, its unit of work, its pages), the API's bearer scheme, and the form and path
helpers routes share. Only route modules and the web app import it."""

from commontable.routing.context import Context, Renderer, RouteContext, bearer, route_context
from commontable.routing.forms import (
    FormFields,
    RowId,
    one_of,
    optional_date,
    optional_id,
    optional_one_of,
    signed_in_person,
    utc_time,
)

__all__ = [
    "Context",
    "FormFields",
    "Renderer",
    "RouteContext",
    "RowId",
    "bearer",
    "one_of",
    "optional_date",
    "optional_id",
    "optional_one_of",
    "route_context",
    "signed_in_person",
    "utc_time",
]
