"""The public report is a static site that works anywhere: HTML, CSS and SVG with no script,
relative links that all resolve, accessible pages, the same bytes for the same results, and
PDFs that open."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from commontable.errors import UserError
from commontable.measures.statistics import MIN_DENOMINATOR as ENGINE_MIN_DENOMINATOR
from commontable.privacy.safety_zone import OPEN
from commontable.reports import ReportOptions
from commontable.reports.site import MIN_DENOMINATOR
from tests.reports.conftest import AS_OF, Built, build_region
from tests.reports.region import PERIOD

PAGES = ["index.html", "methods.html", "impact.html", "scorecards/index.html"]


class Page(HTMLParser):
    """What a page holds: its tags with their attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def of(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_site_has_its_pages(built: Built) -> None:
    for path in [*PAGES, "measures/CMS125.html", "measures/HWR-30.html", "report.css"]:
        assert (built.site / path).is_file(), path
    assert built.report.pages == len(html_files(built.site))
    assert built.report.scorecards == len(list((built.site / "scorecards").glob("*-*.html")))


def test_no_page_or_chart_has_a_script(built: Built) -> None:
    for path in [*html_files(built.site), *built.site.rglob("*.svg")]:
        text = path.read_text(encoding="utf-8").lower()
        assert "<script" not in text, path
        assert "javascript:" not in text, path
        assert not re.search(r"\son[a-z]+\s*=", text), path


def test_every_relative_link_resolves_inside_the_site(built: Built) -> None:
    for path in html_files(built.site):
        page = parsed(path)
        targets = [a.get("href") for a in page.of("a")] + [i.get("src") for i in page.of("img")]
        targets += [link.get("href") for link in page.of("link")]
        for target in targets:
            assert target, path
            if target.startswith(("https://", "http://", "#")):
                continue
            assert not target.startswith("/"), f"{path}: {target} is not relative"
            found = (path.parent / target.split("#")[0]).resolve()
            assert found.is_file(), f"{path}: {target}"
            assert found.is_relative_to(built.site.resolve())


def test_every_page_is_accessible(built: Built) -> None:
    for path in html_files(built.site):
        page = parsed(path)
        text = path.read_text(encoding="utf-8")
        assert page.of("html")[0].get("lang") == "en", path
        assert len(page.of("h1")) == 1, path
        assert len(page.of("table")) == len(page.of("caption")), path
        assert all(img.get("alt") for img in page.of("img")), path
        assert all(th.get("scope") in ("col", "row") for th in page.of("th")), path
        assert 'class="skip-link"' in text
        assert page.of("nav")[0].get("aria-label") == "Report"


def test_the_charts_use_the_colour_blind_safe_palette(built: Built) -> None:
    okabe_ito = {"#009E73", "#0072B2", "#D55E00", "#767676"}
    chart = (built.site / "charts" / "CMS125-clinic.svg").read_text()
    marks = set(re.findall(r'(?:fill|stroke)="(#[0-9A-Fa-f]{6})"', chart))
    assert okabe_ito <= marks  # better, no different, worse, not rated: one clinic each
    assert marks - okabe_ito <= {"#ffffff", "#000000", "#888888", "#dddddd"}  # Vega's axes


def test_a_measure_page_has_comparisons_trend_and_equity(built: Built) -> None:
    page = built.page("measures/CMS125.html")
    for heading in ("Clinics", "Medical groups", "Health plans", "Trend", "By race",
                    "By ethnicity", "By payer type", "By county"):  # fmt: skip
        assert f">{heading}</h" in page, heading
    assert "Unknown or not recorded" in page
    assert '<th scope="col">2024</th>' in page
    assert (built.site / "charts" / "CMS125-trend.svg").is_file()
    assert "Of women aged 52 to 74" in page  # its plain-language explanation
    hospital = built.page("measures/HWR-30.html")
    assert ">Hospitals</h3>" in hospital


def test_a_measure_without_its_own_explanation_says_its_title_and_steward(built: Built) -> None:
    from commontable.reports.explanations import PLAIN, explanation
    from commontable.reports.published import PublicMeasure

    unknown = PublicMeasure("NEW-1", "A new measure", "proportion", "NCQA", "v1", "https://x", True)
    assert "NEW-1" not in PLAIN
    assert (
        explanation(unknown)
        == "A new measure, as specified by NCQA. The specification is linked below."
    )


def test_the_index_lists_every_measure_with_the_period_before(built: Built) -> None:
    page = built.page("index.html")
    for measure in (
        "measures/CMS125.html",
        "measures/IP-ADMISSIONS.html",
        "measures/TCOC-PMPM.html",
    ):
        assert f'href="{measure}"' in page
    assert "2024: 68.0%" in page
    assert "Finger Lakes Common Table" in page
    assert "Our goals" not in page  # no plan in this app DB


def test_a_scorecard_ranks_among_peers_with_trend(built: Built) -> None:
    birch = f"scorecards/{built.organizations['Birch Clinic']}-birch-clinic.html"
    page = built.page(birch)
    assert "Birch Clinic: scorecard 2025" in page
    assert "1 of 4 clinics" in page  # Birch, Cedar, Dogwood, Elm: the Lakesides are suppressed
    assert "2024: 81.4%; 2025: 84.4%" in page
    assert "No commitments of Birch Clinic are recorded" in page
    lakeside = built.page(f"scorecards/{built.organizations['Lakeside North']}-lakeside-north.html")
    assert "Suppressed to protect small numbers" in lakeside
    assert "not ranked" in lakeside


def test_the_pdfs_render(built: Built) -> None:
    pdf = built.site / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = PdfReader(pdf).pages
    assert len(pages) == built.report.pdf_pages
    assert len(pages) >= 1 + 5 + 2  # the index, five measures, impact and methods
    assert "Breast Cancer Screening" in "".join(p.extract_text() for p in pages)
    for card in (built.site / "scorecards").glob("*.html"):
        if card.name != "index.html":
            assert len(PdfReader(card.with_suffix(".pdf")).pages) >= 1


def test_the_same_results_build_the_same_site(
    built_open: Built, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    options = ReportOptions(PERIOD, AS_OF, sharing=OPEN, pdf=False)  # as built_open
    folder = tmp_path_factory.mktemp("again") / "site"
    again = build_region(request.config, folder, tmp_path_factory, options)

    def files(site: Path) -> dict[Path, bytes]:
        return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    before, after = files(built_open.site), files(again.site)
    assert before.keys() == after.keys()
    assert [path for path in before if before[path] != after[path]] == []


def test_a_rebuild_replaces_the_report_and_another_folder_is_refused(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    options = ReportOptions(PERIOD, AS_OF, pdf=False)
    build_region(request.config, site, tmp_path_factory, options)
    (site / "stale.html").write_text("old")
    build_region(request.config, site, tmp_path_factory, options)
    assert not (site / "stale.html").exists()
    assert (site / "index.html").is_file()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="not a report built before"):
        build_region(request.config, mine, tmp_path_factory, options)
    assert (mine / "notes.txt").read_text() == "keep me"


def test_an_unpublished_period_is_the_users_to_fix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="commontable publish --period 2030"):
        build_region(request.config, tmp_path / "s", tmp_path_factory, ReportOptions(2030, AS_OF))
    assert not (tmp_path / "s").exists()


def test_the_methods_page_knows_the_engines_minimum_denominator() -> None:
    assert MIN_DENOMINATOR == ENGINE_MIN_DENOMINATOR
