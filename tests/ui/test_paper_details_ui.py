"""What arXiv says of a paper, in the window, once looked up (a loopback arXiv): the
papers view's Authors, Year, Venue and Categories columns, sortable; a paper's page
with every author, its English abstract beside the digest's and links that open the
abstract page and the PDF through Qt's URL handler; columns that give way when the
list is narrow."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kbapp.ui.main_window import MainWindow
from kbapp.ui.papers import COLUMNS, HIDDEN_FIRST, SORT_ROLE, TITLE_MIN, PapersView
from tests.core.metadata.arxiv_server import ArxivServer
from tests.core.metadata.doi_server import DoiServer
from tests.ui.conftest import UrlCatcher, press
from tests.ui.test_user_layer import click_anchor


def looked_up(qtbot, window: MainWindow) -> PapersView:  # type: ignore[no-untyped-def]
    """The corpus's 177 arXiv papers looked up by hand, the papers view open on them."""
    window.paper_lookup.interval_s = 0.02
    with qtbot.waitSignal(window.paper_lookup.finished, timeout=30_000) as blocker:
        window.actions_by_name["look-up-papers"].trigger()
    assert blocker.args == [177, 0, 0, False]
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    papers = window.papers
    assert papers is not None
    qtbot.waitUntil(lambda: len(papers.model.records) == 177, timeout=10_000)
    qtbot.waitUntil(lambda: not papers.loading)  # no reading again after the last answer
    return papers


def column(papers: PapersView, name: str, role: int = Qt.ItemDataRole.DisplayRole) -> list:  # type: ignore[type-arg]
    at = COLUMNS.index(name)
    return [papers.proxy.index(n, at).data(role) for n in range(papers.proxy.rowCount())]


def test_the_papers_view_sorts_by_year_and_venue(
    qtbot, corpus_window: MainWindow, arxiv: ArxivServer
) -> None:
    papers = looked_up(qtbot, corpus_window)
    by_key = {row.key: n for n, row in enumerate(papers.model.rows)}
    row = by_key["arxiv:2104.00298"]
    shown = {name: papers.model.index(row, COLUMNS.index(name)).data() for name in COLUMNS}
    assert shown["Year"] == "2021" and shown["Venue"] in ("CVPR 2021", "ICCV 2021")
    assert shown["Authors"].endswith(" and Babbage") and shown["Categories"] == "cs.CV cs.LG"
    assert papers.status.text() == f"{papers.model.rowCount()} papers, 177 with details"

    papers.table.sortByColumn(COLUMNS.index("Year"), Qt.SortOrder.AscendingOrder)
    years = [int(year) for year in column(papers, "Year") if year]
    assert len(years) == 177 and years == sorted(years) and years[0] < years[-1]
    papers.table.sortByColumn(COLUMNS.index("Year"), Qt.SortOrder.DescendingOrder)
    assert column(papers, "Year")[0] == str(max(years))

    papers.table.sortByColumn(COLUMNS.index("Venue"), Qt.SortOrder.AscendingOrder)
    venues = [venue for venue in column(papers, "Venue") if venue]
    assert venues == sorted(venues) and {"CVPR 2021", "ICCV 2021"} <= set(venues)
    assert venues.index("ICCV 2021") > venues.index("CVPR 2021")
    papers.table.sortByColumn(COLUMNS.index("Authors"), Qt.SortOrder.AscendingOrder)
    authors = column(papers, "Authors", SORT_ROLE)
    assert authors == sorted(authors)


def test_a_papers_page_shows_its_authors_and_opens_its_pdf(
    qtbot, corpus_window: MainWindow, arxiv: ArxivServer, opened_urls: UrlCatcher
) -> None:
    papers = looked_up(qtbot, corpus_window)
    assert papers.select_key("arxiv:2104.00298")
    qtbot.waitUntil(lambda: "Abstract (arXiv)" in papers.page.toPlainText())
    page = papers.page.toPlainText()
    assert "Charles Babbage" in page and "(Analytical Engines Ltd)" in page
    assert "The abstract of 2104.00298, wrapped mid-sentence as arXiv does." in page
    assert "From the digest" in page  # the digest's Chinese abstract beside it
    record = papers.model.records["arxiv:2104.00298"]
    assert f"v{record.version}" in page and "10.1000/test.2104.00298" in page
    assert f"Published in {record.journal_ref}" in page
    click_anchor(qtbot, papers.page, "http://arxiv.org/pdf/", "Open PDF")
    qtbot.waitUntil(lambda: len(opened_urls.urls) == 1)
    assert opened_urls.urls == [record.links["pdf"]]
    click_anchor(qtbot, papers.page, "http://arxiv.org/abs/", "Open abstract page")
    qtbot.waitUntil(lambda: len(opened_urls.urls) == 2)
    assert opened_urls.urls[1] == record.links["abs"]


def test_low_priority_columns_give_way_when_the_list_is_narrow(
    qtbot, corpus_window: MainWindow
) -> None:
    press(qtbot, corpus_window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    papers = corpus_window.papers
    assert papers is not None
    header = papers.table.horizontalHeader()

    def hidden() -> set[str]:
        return {name for n, name in enumerate(COLUMNS) if header.isSectionHidden(n)}

    papers.table.resize(1800, 400)
    qtbot.waitUntil(lambda: not hidden())
    papers.table.resize(papers.table.minimumSizeHint().width() + 480, 400)
    qtbot.waitUntil(lambda: "Categories" in hidden())
    gone = hidden()
    assert gone == set(HIDDEN_FIRST[: len(gone)])  # in their order
    assert "Title" not in gone and "Authors" not in gone and "Year" not in gone
    assert header.sectionSize(0) >= TITLE_MIN


def test_cards_show_the_first_author_and_year_once_known(
    qtbot, corpus_window: MainWindow, arxiv: ArxivServer
) -> None:
    window = corpus_window
    window.reading.tracker.set_delay(0)  # no read marks: they would refresh the day too
    window.show_date("2021-04-11")
    qtbot.waitUntil(
        lambda: window.reader.day is not None and "NeuralRecon" in window.reader.toPlainText()
    )
    assert (
        "Babbage" not in window.reader.toPlainText()
        and "Lovelace" not in window.reader.toPlainText()
    )
    window.paper_lookup.interval_s = 0.02
    with qtbot.waitSignal(window.paper_lookup.finished, timeout=30_000):
        window.actions_by_name["look-up-papers"].trigger()
    # The shown day follows by itself: its papers' details were a change of the library.
    written = window.library.metadata.bylines  # the last answer is written after `finished`
    qtbot.waitUntil(lambda: "2104.00681" in written(["2104.00681"]))
    byline = written(["2104.00681"])["2104.00681"]
    assert byline.endswith(" and Babbage 2021")
    qtbot.waitUntil(lambda: f"· {byline}" in window.reader.toPlainText())
    day = window.reader.day
    assert day is not None
    item = next(i for i in day.items if "2104.00681" in i.arxiv_ids())
    assert item.bylines == {"2104.00681": byline}
    without = [i for i in day.items if not i.arxiv_ids()]
    assert all(not i.bylines for i in without)


def test_publisher_dois_resolve_after_arxiv_and_show_on_the_page(
    qtbot, corpus_window: MainWindow, arxiv: ArxivServer, doi_resolver: DoiServer
) -> None:
    window = corpus_window
    window.paper_lookup.doi_interval_s = 0.0
    papers = looked_up(qtbot, window)  # arXiv's 177, then the DOIs they and the digests give
    assert len(doi_resolver.asked()) == 179
    qtbot.waitUntil(lambda: "179 DOIs resolved" in window.statusBar().currentMessage())
    qtbot.waitUntil(lambda: "arxiv:2104.00298" in papers.model.works and not papers.loading)
    assert papers.select_key("arxiv:2104.00298")
    qtbot.waitUntil(lambda: "Publisher:" in papers.page.toPlainText())
    work = papers.model.works["arxiv:2104.00298"]
    assert work.page is not None and work.container_title is not None
    page = papers.page.toPlainText()
    assert f"{work.container_title}, vol. 1, pp. {work.page} · IEEE · 2021" in page
