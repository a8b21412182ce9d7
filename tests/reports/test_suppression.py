"""Only published, suppressed aggregates feed the report: a suppressed cell's figures appear
nowhere in the site (pages, charts, styles or PDFs), and no patient-level value can."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from tests.reports.conftest import Built
from tests.reports.region import RATE, SECRETS, Secret


def renderings(secret: Secret) -> set[str]:
    """Every way the report could print the secret's figures (counts of 100 and more: smaller
    ones are too common to scan for)."""
    found = {f"{n:,}" for n in (secret.denominator, secret.numerator) if n >= 100}
    found |= {str(n) for n in (secret.denominator, secret.numerator) if n >= 100}
    for value in (secret.rate, secret.ci_low, secret.ci_high):
        found |= {f"{value:.1%}", repr(value)} if value <= 1 else {f"{value:,.1f}", repr(value)}
    if secret.member_years is not None:
        found |= {f"{secret.member_years:,.1f}", repr(secret.member_years)}
    return found


def texts(site: Path) -> dict[Path, str]:
    """Every file of the site as text: PDFs by their extracted text."""
    found = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            found[path] = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        else:
            found[path] = path.read_text(encoding="utf-8")
    return found


def test_no_suppressed_figure_appears_in_any_file_of_the_site(built: Built) -> None:
    every = texts(built.site)
    assert any(path.suffix == ".pdf" for path in every)  # the PDFs are scanned too
    leaks = [
        f"{shown!r} in {path.relative_to(built.site)}"
        for secret in SECRETS
        for shown in renderings(secret)
        for path, text in every.items()
        if shown in text
    ]
    assert not leaks


def test_no_suppressed_reliability_appears_in_any_page(built: Built) -> None:
    pages = {p: t for p, t in texts(built.site).items() if p.suffix in (".html", ".pdf")}
    for secret in SECRETS:
        shown = f"{secret.reliability:.2f}"
        assert not [p for p, text in pages.items() if shown in text], shown


def test_a_suppressed_cell_reads_suppressed_fewer_than_11(built: Built) -> None:
    page = built.page("measures/CMS125.html")
    row = page[page.index("Lakeside North") :]
    assert row[: row.index("</tr>")].count("Suppressed to protect small numbers") == 1
    assert "Native Hawaiian or Other Pacific Islander" in page
    # two clinics in the comparison and again in the trend table, and one race
    assert page.count("Suppressed to protect small numbers") == 5


def test_suppressed_cells_are_not_drawn_in_charts(built: Built) -> None:
    chart = (built.site / "charts" / "CMS125-clinic.svg").read_text()
    assert "Birch Clinic" in chart
    assert "Lakeside North" not in chart
    assert "Lakeside South" not in chart


def test_a_rate_measures_suppressed_age_band_leaves_the_impact_crude(built: Built) -> None:
    page = built.page("impact.html")
    assert f"{RATE.rate:,.1f}" not in page
    assert "crude rates" in page


def test_the_report_never_reads_patient_level_tables(built: Built) -> None:
    """What the report reads is published aggregates and members: no warehouse, no people."""
    import commontable.reports.published as published

    source = Path(published.__file__).read_text()
    assert "warehouse" not in source.split('"""')[2]  # the code, not its docstring
    assert "Person" not in source
