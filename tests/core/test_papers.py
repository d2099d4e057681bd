"""Papers and automatic cross-links over the real corpus: spec §7's copy-paste cases are
candidates, never the same paper; genuine repeats are linked on both days."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kbapp.core.importer import import_paths
from kbapp.core.papers import CrossLink, ItemEvidence, Occurrence, cross_links, join_papers
from kbapp.core.store.library import Library


@pytest.fixture(scope="module")
def library(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    path = tmp_path_factory.mktemp("papers") / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        yield library


def item_at(library: Library, date: str, index: int) -> str:
    """The key of the item numbered `index` on `date`."""
    (key,) = [item.key for item in library.digests.items_for_date(date) if item.index == index]
    return key


def links_between(library: Library, one: str, two: str) -> list[CrossLink]:
    """The cross-links of two items, from the whole library's graph; the same as the
    per-day answer (`test_a_days_cross_links_are_the_whole_graphs`)."""
    return [
        link for link in library.papers.paper_graph().links.get(one, []) if link.other(one) == two
    ]


# (the day and number of the pasted item, the earlier item it shares a paper title/link with)
COPY_PASTES = [
    (("2021-05-08", 6), ("2021-05-07", None)),  # 0508.md:55, title of 0507.md:52, other ID
    (("2021-05-15", 1), ("2021-05-14", 1)),  # 0515.md:11, title of 0514.md:11, other ID
    (("2021-05-15", 3), ("2021-05-14", None)),  # 0515.md:29, title of 0514.md:29, other ID
    (("2021-10-18", 2), ("2021-10-16", None)),  # 1018.md:21-22, 1016's paper and code
    (("2021-05-27", 3), ("2021-05-16", None)),  # 0527.md:30, Total Relighting's URL
    (("2021-05-27", 3), ("2021-05-11", None)),
]


def paper_line_item(library: Library, date: str, needle: str) -> str:
    """The item of `date` whose paper link text contains `needle`."""
    graph = library.papers.paper_graph()
    (key,) = {
        item.key
        for item in graph.items.values()
        if item.date == date and any(needle in o.text for o in item.papers)
    }
    return key


EARLIER = {
    "2021-05-07": "Inverting Generative Adversarial Renderer",
    "2021-05-14": "Visualizing Adapted Knowledge",
    "2021-10-16": "Animatable Neural Radiance Fields",
    "2021-05-16": "Total Relighting",
    "2021-05-11": "Total Relighting",
}


@pytest.mark.parametrize(("pasted", "earlier"), COPY_PASTES)
def test_spec_copy_pastes_are_candidates_never_the_same_paper(
    library: Library, pasted: tuple[str, int], earlier: tuple[str, int | None]
) -> None:
    one = item_at(library, *pasted)
    date, index = earlier
    two = item_at(library, date, index) if index else paper_line_item(library, date, EARLIER[date])
    found = links_between(library, one, two)
    assert [link.kind for link in found] == ["candidate"], found
    assert found[0].reasons  # the candidate says why it is not asserted
    for key, other in ((one, two), (two, one)):  # both ends show it, day by day
        refs = library.papers.cross_refs_for([key])[key]
        assert [ref.kind for ref in refs if ref.key == other] == ["candidate"]


def test_a_genuine_repeat_is_linked_on_both_days(library: Library) -> None:
    april = paper_line_item(library, "2021-04-03", "EfficientNetV2")
    october = paper_line_item(library, "2021-10-03", "EfficientNetV2")
    for one, two in ((april, october), (october, april)):
        (link,) = links_between(library, one, two)
        assert link.kind == "same"
        assert "arxiv:2104.00298" in link.papers
    paper = library.papers.paper_graph().papers["arxiv:2104.00298"]
    assert paper.dates == {"2021-04-03", "2021-10-03"}
    assert paper.title == "EfficientNetV2: Smaller Models and Faster Training"


def test_other_corpus_repeats_are_asserted(library: Library) -> None:
    """The repeats whose evidence agrees (same ID, same title, items that name it)."""
    for arxiv in ("2104.00681", "2104.10419", "2104.08821", "2102.05095"):
        paper = library.papers.paper_graph().papers[f"arxiv:{arxiv}"]
        one, two = paper.item_keys
        assert [link.kind for link in links_between(library, one, two)] == ["same"], arxiv


def test_a_days_cross_links_are_the_whole_graphs(library: Library) -> None:
    """Worked out per day (its items and their neighbours only), the cross-links are
    exactly those of the whole library's graph, on every day of the corpus."""
    graph = library.papers.paper_graph()
    expected = {
        key: sorted((link.other(key), link.kind, link.reasons) for link in links)
        for key, links in graph.links.items()
    }
    seen = 0
    for date in library.digests.dates():
        keys = [item.key for item in library.digests.items_for_date(date)]
        refs = library.papers.cross_refs_for(keys)
        for key in keys:
            found = sorted((ref.key, ref.kind, ref.reasons) for ref in refs.get(key, []))
            assert found == expected.get(key, []), (date, key)
            seen += len(found)
    assert seen == sum(len(links) for links in graph.links.values()) > 40


def test_the_day_copied_from_the_day_before_is_a_near_duplicate(library: Library) -> None:
    info = library.digests.digest("2021-05-28")
    assert info is not None and info.near_duplicate_of == "2021-05-27"


def test_every_arxiv_id_is_one_paper(library: Library) -> None:
    papers = library.papers.paper_graph().papers
    assert (
        sum(key.startswith("arxiv:") for key in papers)
        == library.stats.summary()["arxiv_ids"]
        == 177
    )


def test_decisions_turn_candidates_into_confirmed_or_dismissed(
    tmp_path: Path, corpus: Path
) -> None:
    with Library(tmp_path / "l.sqlite") as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
        one = item_at(library, "2021-10-18", 2)
        two = paper_line_item(library, "2021-10-16", "Animatable")
        assert [link.kind for link in links_between(library, one, two)] == ["candidate"]
        assert library.papers.link_decision(one, two) is None
        library.papers.decide_link(one, two, "dismissed")
        assert library.papers.link_decision(two, one) == "dismissed"
        assert [ref.kind for ref in library.papers.cross_refs_for([one])[one]] == ["dismissed"]
        assert [link.kind for link in links_between(library, one, two)] == ["dismissed"]
        library.papers.decide_link(two, one, "confirmed")
        assert [link.kind for link in links_between(library, two, one)] == ["confirmed"]
        library.papers.decide_link(one, two, None)
        assert [link.kind for link in links_between(library, one, two)] == ["candidate"]


# -- the rules on small cases -------------------------------------------------------------


def evidence(
    key: str, words: str, *papers: Occurrence, repos: tuple[str, ...] = ()
) -> ItemEvidence:
    return ItemEvidence(key, key[:10], words, words, papers, frozenset(repos))


def test_an_id_less_link_joins_the_paper_that_has_its_title() -> None:
    by_doi = Occurrence("2021-04-17/a", 0, "OSCD", "https://doi.org/10.1/x", None, "10.1/x", "oscd")
    by_page = Occurrence("2021-09-01/b", 0, "OSCD", "https://sd.com/y", None, None, "oscd")
    items = [evidence("2021-04-17/a", "OSCD", by_doi), evidence("2021-09-01/b", "OSCD", by_page)]
    papers = join_papers(items)
    assert list(papers) == ["doi:10.1/x"]
    assert papers["doi:10.1/x"].dates == {"2021-04-17", "2021-09-01"}
    assert [link.kind for link in cross_links(items, papers)] == ["same"]


def test_a_shared_repository_alone_links_items_that_name_it() -> None:
    items = [
        evidence("2021-01-01/a", "ISTR 实例分割", repos=("hujiecpp/istr",)),
        evidence("2021-01-02/b", "厦大提出ISTR", repos=("hujiecpp/istr",)),
        evidence("2021-01-03/c", "量化新方法", repos=("hujiecpp/istr",)),
    ]
    kinds = {(link.a[-1], link.b[-1]): link.kind for link in cross_links(items, {})}
    assert kinds == {("a", "b"): "same", ("a", "c"): "candidate", ("b", "c"): "candidate"}


def test_an_item_with_only_code_joins_the_one_paper_of_that_repository() -> None:
    paper = Occurrence(
        "2021-01-01/a", 0, "ISTR", "https://arxiv.org/abs/2105.00637", "2105.00637", None, "istr"
    )
    items = [
        evidence("2021-01-01/a", "ISTR", paper, repos=("hujiecpp/istr",)),
        evidence("2021-01-09/b", "ISTR code release", repos=("hujiecpp/istr",)),
        evidence("2021-01-10/c", "mmdet", repos=("open-mmlab/mmdetection",)),
    ]
    papers = join_papers(items)
    assert papers["arxiv:2105.00637"].item_keys == ["2021-01-01/a", "2021-01-09/b"]
    assert papers["arxiv:2105.00637"].dates == {"2021-01-01", "2021-01-09"}
    assert len(papers) == 1  # the item with another repository joins nothing
