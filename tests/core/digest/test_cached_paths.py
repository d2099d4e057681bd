"""The parse's cached and shortened paths give what the plain ones gave, on every line of
the corpus (and on a few made-up shapes): the plain implementations they replaced are
kept here, as written before, and compared with the ones the parser now runs."""

from __future__ import annotations

import html
import itertools
import json
import unicodedata

import pytest

from kbapp.core.digest import entries, identities, links, media
from kbapp.core.digest.labels import Labelled, split_label, unwrap
from kbapp.core.digest.model import Diagnostic, Link
from kbapp.core.digest.text import INVISIBLE, clean_line, is_compat, strip_invisible
from kbapp.core.search import text as search_text
from kbapp.core.store import rows
from tests.conftest import CORPUS

MADE_UP = [
    "[a [nested] text](https://x.org/a_(b)) and (c) https://y.org/(d)) www.z.org.",
    "[](  https://github.com/a/b/issues/1 ) [t]( ) [u](http: //x.y) [v](a@b.cd)",
    "[https://github.com/a/b](https://github.com/a/c/) see [x](https://arxiv.org/abs/2206.0467)",
    "**Paper：：** [t](https://arxiv.org/abs/2104.00298v2)",
    "- GtiHub: [r](https://github.com/o/r/unknown/x)",
    "Ｃｏｄｅ: [r](https://github.com/o/r)",
    "论文2：[p](https://doi.org/10.1000/XYZ.)",
    "[unclosed](https://x.org",
    "<img src='a.png' alt=\"x\" style=zoom:50%>",
    '<video controls=""src="https://v.org/a.mp4">',
]


def _lines() -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"digest corpus not found at {CORPUS}")
    found = list(MADE_UP)
    for path in sorted((CORPUS / "notes").rglob("*.md")):
        for raw in path.read_text(encoding="utf-8").split("\n"):
            line = clean_line(raw)
            if line.strip():
                found.append(line)
    return found


def _values() -> list[str]:
    """Every line, trimmed and unwrapped, and its value after a label."""
    found: dict[str, None] = {}
    for line in _lines():
        text = unwrap(line.strip().lstrip("-*+ 0123456789.").strip())[0]
        found[text] = None
        labelled = split_label(text)
        if labelled is not None:
            found[labelled.value] = None
    return list(found)


# -- the plain implementations, as they were --------------------------------------------


def _old_match_close(value: str, start: int, open_: str, close: str) -> int:
    depth = 0
    for pos in range(start, len(value)):
        char = value[pos]
        if char == open_:
            depth += 1
        elif char == close:
            depth -= 1
            if depth == 0:
                return pos
    return -1


def _old_check(link: Link, diagnostics: list[Diagnostic]) -> None:
    raw = link.url_raw
    if not raw.strip():
        diagnostics.append(Diagnostic("empty_link_url", link.line, link.text))
        return
    if raw != raw.strip():
        diagnostics.append(Diagnostic("url_whitespace", link.line, raw))
    if link.url and link.url != raw.strip() and not link.url.startswith("mailto:"):
        diagnostics.append(Diagnostic("url_without_scheme", link.line, raw.strip()))
    text = link.text
    if (
        links._LOOKS_LIKE_URL.match(text)
        and link.url
        and links._same(text) != links._same(link.url)
    ):
        diagnostics.append(Diagnostic("text_href_mismatch", link.line, f"{text} -> {link.url}"))


def _old_find_links(value: str) -> list[links.Found]:
    found = links.markdown_links(value)
    bare = links.bare_urls(value, found)
    if bare:
        found += bare
        found.sort(key=lambda link: link.start)
    return found


def _old_build_links(value: str, diagnostics: list[Diagnostic], **given: object) -> list[Link]:
    found = _old_find_links(value)
    built: list[Link] = []
    for number, item in enumerate(found):
        following = found[number + 1].start if number + 1 < len(found) else len(value)
        note = value[item.end : following].strip(links._NOTE_TRIM) or None
        url = identities.normalise_url(item.url_raw)
        link = Link(
            field="code",
            text=item.text.strip(),
            url_raw=item.url_raw,
            url=url,
            url_kind=identities.url_kind(url),
            line=7,
            note=note,
            **given,  # type: ignore[arg-type]
        )
        _old_check(link, diagnostics)
        if item.markdown and not link.text:
            diagnostics.append(Diagnostic("empty_link_text", 7, item.url_raw))
        built.append(link)
    return built


def _old_url_kind(url: str | None) -> str:
    if not url:
        return "other"
    if url.lower().startswith("mailto:"):
        return "email"
    host = identities.host_of(url)
    if not host:
        return "other"
    if host in ("github.com", "www.github.com"):
        return "github"
    for suffix, kind in identities._HOST_KINDS:
        if host == suffix or host.endswith("." + suffix):
            return kind
    return "other"


def _old_check_identity(link: Link, diagnostics: list[Diagnostic]) -> None:
    arxiv = identities.arxiv_ref(link.url)
    if arxiv is not None and not arxiv.valid:
        diagnostics.append(Diagnostic("malformed_arxiv_id", link.line, arxiv.id))
    github = identities.github_ref(link.url)
    if github is not None and github.malformed:
        diagnostics.append(Diagnostic("malformed_github_path", link.line, link.url or ""))


def _old_label(text: str, kind: str) -> tuple[str, Labelled | None, list[tuple[str, str]]]:
    if kind == "bullet":
        text, _ = unwrap(text)
    elif text.startswith("**") and text.endswith("**") and len(text) > 4:
        text = text[2:-2].strip()
    labelled = split_label(text, known_only=kind == "paragraph")
    problems: list[tuple[str, str]] = []
    if labelled is not None:
        if labelled.typo:
            problems.append(("label_typo", labelled.label))
        if labelled.double_colon:
            problems.append(("double_colon", labelled.label))
        if is_compat(labelled.label.replace("：", ":")):
            problems.append(("compat_char_normalised", labelled.label))
        if labelled.field is None:
            problems.append(("unknown_label", labelled.label))
    return text, labelled, problems


def _old_attributes(tag_body: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in media._ATTR.finditer(tag_body):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs.setdefault(match.group(1).lower(), value)
    return attrs


def _old_item_facets(stars: int, has: list[str]) -> str:
    kinds = set(has)
    found = [f"s{n}" for n in range(1, stars + 1)] + [f"u{n}" for n in range(stars + 1, 6)]
    found += [f"{'h' if kind in kinds else 'n'}{kind}" for kind in search_text._FACET_HAS]
    return " ".join(search_text._FACET + token for token in found)


# -- the comparisons --------------------------------------------------------------------


def test_bracket_matching_is_the_character_walk() -> None:
    for line in _lines():
        for pos, char in enumerate(line):
            if char in "[(":
                close = "]" if char == "[" else ")"
                assert links._match_close(line, pos, char, close) == _old_match_close(
                    line, pos, char, close
                ), (line, pos)


def test_cached_link_analysis_builds_the_same_links_and_diagnostics() -> None:
    given = {"label": "Code", "name": None, "group": 2, "context": None}
    for value in _values():
        for _ in range(2):  # the first call fills the cache, the second reads it
            new: list[Diagnostic] = []
            old: list[Diagnostic] = []
            built = links.build_links(value, field="code", line=7, diagnostics=new, **given)  # type: ignore[arg-type]
            assert built == _old_build_links(value, old, **given), value
            assert new == old, value


def test_host_cache_gives_each_url_its_kind() -> None:
    urls = [link.url for value in _values() for link in _old_build_links(value, [])]
    urls += ["https://gist.github.com/x", "HTTPS://WWW.GITHUB.COM/a", "mailto:a@b.cd", "x", None]
    for url in urls:
        assert identities.url_kind(url) == _old_url_kind(url), url


def test_identity_problems_are_the_checks_they_replace() -> None:
    for value in _values():
        for link in _old_build_links(value, []) + [Link("paper", value, "", None, "other", 3)]:
            new: list[Diagnostic] = []
            old: list[Diagnostic] = []
            entries._check_identity(link, new)
            _old_check_identity(link, old)
            assert new == old, link


def test_label_parts_are_the_unwrap_split_and_checks() -> None:
    for value in _values():
        for kind in ("bullet", "paragraph"):
            text, labelled, problems = entries._label_parts(value, kind)
            assert (text, labelled, list(problems)) == _old_label(value, kind), value


def test_tag_attributes_are_read_as_before() -> None:
    for line in _lines():
        for match in media._TAG.finditer(line):
            assert media._attributes(match.group(2)) == _old_attributes(match.group(2)), line


def test_item_facets_cache_is_the_token_list() -> None:
    kinds = ["code", "paper", "image", "link", "inline"]
    for stars in range(6):
        for size in range(len(kinds) + 1):
            for has in itertools.combinations(kinds, size):
                assert search_text.item_facets(stars, list(has)) == _old_item_facets(
                    stars, list(has)
                )


def test_index_text_split_is_the_substitution() -> None:
    for line in [*_lines(), "目", "a目b", "目标，检测", "ｶﾀｶﾅ", "𠀀中"]:
        folded = search_text.index_text(line)
        plain = search_text._RUN.sub(
            lambda run: (
                f" {' '.join(a + b for a, b in itertools.pairwise(run.group()))} {run.group()[-1]} "
            ),
            unicodedata.normalize("NFKC", line),
        )
        assert folded == plain, line


def test_link_data_is_the_dataclass_fields() -> None:
    for value in _values():
        for link in _old_build_links(value, []):
            assert list(rows._link_data(link).items()) == list(rows._fields(link).items())


def test_usual_lines_need_no_cleaning() -> None:
    """The parser right-trims the lines of a file without tabs or invisible characters:
    what `clean_line` and `strip_invisible` make of them."""
    lines = [*_lines(), "a\r", "b \u3000", "\x0bc\x0c", "  \u2028"]
    for raw in lines:
        if "\t" in raw or any(char in raw for char in INVISIBLE):
            continue
        assert raw.rstrip() == strip_invisible(clean_line(raw)), raw
        assert bool(raw.strip()) == bool(strip_invisible(raw).strip()), raw


def test_piecewise_unescape_is_html_unescape() -> None:
    texts = [*_lines(), "&amp;&amp", "a&#38;b&#x26&lt&notit;&&;&copy2", "&" * 3, "x&"]
    for text in texts:
        for piece in [text, *media._SRC_ATTR.split(text)]:
            assert media.unescape(piece) == html.unescape(piece), piece


def test_rows_json_is_json_dumps() -> None:
    values: list[object] = [[], {}, [1, None, True, 2.5, '目标\n"x"\\'], {"a": [{"b": []}]}]
    values += [[{"text": line, "line": n, "children": []}] for n, line in enumerate(_lines())]
    for value in values:
        assert rows.to_json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
