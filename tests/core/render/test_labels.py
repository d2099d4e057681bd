"""A link's label found in linear time, with markdown's own answers."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from kbapp.core.render.labels import Labels, linear_labels

_PIECES = st.sampled_from(["[", "]", "(", ")", "a", " ", "*", "`", "![", "](b)", "[x]"])
_TEXTS = st.lists(_PIECES, min_size=1, max_size=30).map("".join)


def scanned(data: str, index: int) -> tuple[str, int, bool]:
    """Markdown's answer before 3.11.4, a scan forward from `index` (its code, as it was)."""
    count, text = 1, []
    for pos in range(index, len(data)):
        char = data[pos]
        if char == "]":
            count -= 1
        elif char == "[":
            count += 1
        index += 1
        if count == 0:
            break
        text.append(char)
    return "".join(text), index, count == 0


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_every_label_of_a_text_ends_where_markdown_says(data: str) -> None:
    labels = Labels()  # one for the text, asked in order as markdown asks: table and scans
    for index in [pos + 1 for pos, char in enumerate(data) if char == "["]:
        assert labels.text(data, index) == scanned(data, index), (data, index)


def test_an_unclosed_bracket_makes_the_table_that_answers_the_rest() -> None:
    labels = Labels()
    data = "[ [a] [b [c]"
    assert labels.text(data, 1) == (data[1:], len(data), False)  # scanned, then the table
    assert labels.text(data, 3) == ("a", 5, True)
    assert labels.text(data, 7) == (data[7:], len(data), False)
    assert labels.text(data, 10) == ("c", 12, True)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_markdown_makes_the_same_html_with_them(text: str) -> None:
    stock, ours = markdown.Markdown(), markdown.Markdown()
    linear_labels(ours)
    assert ours.convert(text) == stock.convert(text)


def test_every_link_processor_has_them() -> None:
    md = markdown.Markdown()
    linear_labels(md)
    names = [
        name
        for name in ("reference", "link", "image_link", "image_reference", "short_reference")
        if getattr(md.inlinePatterns[name], "getText", None).__func__ is Labels.text  # type: ignore[union-attr]
    ]
    assert names == ["reference", "link", "image_link", "image_reference", "short_reference"]
