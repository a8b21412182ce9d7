"""The report's PDFs: its HTML pages printed by WeasyPrint (pango, no browser), in one file."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path


def write_pdf(pages: Sequence[Path], target: Path) -> int:
    """Print the HTML files `pages`, in order, into one PDF at `target`; its page count."""
    from weasyprint import HTML  # imported here: slow to load, and only this step needs it

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    documents = [HTML(filename=str(page)).render() for page in pages]
    printed = [page for document in documents for page in document.pages]
    documents[0].copy(printed).write_pdf(target)
    return len(printed)
