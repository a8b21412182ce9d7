"""The web application: server-rendered pages (Jinja2 + HTMX) and the JSON API under /api.

`create_app(settings)` builds it; `commontable serve` runs it with uvicorn.
"""

from commontable.web.app import create_app
from commontable.web.options import WebOptions

__all__ = ["WebOptions", "create_app"]
