"""Server-rendered pages: Jinja2 templates from the web app and from each part."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import commontable.care
import commontable.governance
import commontable.identity
import commontable.jobs
import commontable.members
import commontable.plans
import commontable.publishing
import commontable.warehouse
from commontable.routing import Renderer

WEB = Path(__file__).parent
TEMPLATE_FOLDERS = [
    WEB / "templates",  # the layout, sign-in, home and errors
    *(
        Path(part.__path__[0]) / "templates"
        for part in (
            commontable.warehouse,  # submissions
            commontable.identity,  # the match review
            commontable.jobs,
            commontable.members,
            commontable.plans,
            commontable.governance,
            commontable.publishing,
            commontable.care,  # the work list and care teams
        )
    ),
]


def _when(moment: datetime | None) -> str:
    """A timestamp as people read it: 2025-03-01 14:05 UTC."""
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def _label(value: object) -> str:
    """An enum value as words: data_submitter -> data submitter."""
    label = getattr(value, "label", None)
    return (
        str(label) if label is not None else str(getattr(value, "value", value)).replace("_", " ")
    )


@cache
def templates() -> Jinja2Templates:
    """The pages' templates, compiled once per process (Jinja caches each compiled template)."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_FOLDERS),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,  # a misspelt name is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = _when
    environment.filters["label"] = _label
    environment.filters["thousands"] = lambda n: f"{n:,}"
    return Jinja2Templates(env=environment)


def renderer(pages: Jinja2Templates) -> Renderer:
    def render(
        request: Request, name: str, values: dict[str, Any], status_code: int
    ) -> HTMLResponse:
        return pages.TemplateResponse(request, name, values, status_code=status_code)

    return render
