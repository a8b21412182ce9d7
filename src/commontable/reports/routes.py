"""The latest public report, served read-only under /report/ to anyone: it holds only
published aggregates, suppressed and checked when it was built."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from commontable.errors import NotFound
from commontable.reports.latest import latest_site
from commontable.routing import Context

pages = APIRouter(include_in_schema=False)
INDEX = "index.html"


def site_file(site: Path, path: str) -> Path | None:
    """The file `path` names inside the site (a folder's index.html); None outside it."""
    root = site.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root):
        return None
    if target.is_dir():
        target = target / INDEX
    return target if target.is_file() else None


@pages.get("/report/{path:path}", name="report.site")
def report_site(context: Context, path: str) -> FileResponse:
    """A file of the latest report built with `commontable report build`."""
    site = latest_site(context.settings.workspace)
    if site is None:
        raise NotFound("no public report has been built yet: `commontable report build`")
    found = site_file(site, path)
    if found is None:
        raise NotFound(f"the public report has no page {path}")
    return FileResponse(found)
