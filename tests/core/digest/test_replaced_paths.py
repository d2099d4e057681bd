"""The parse's shortened paths of issue 15 give what the plain ones gave, on every line
of the corpus (and on a few made-up shapes): entries finished without a call per check,
one-link values, GitHub paths without `urlsplit`, NFKC of the usual text, labels split
without a pattern per step, media patterns case-blind only where a letter is, and UTF-8
files checked for control bytes. The plain implementations are kept here, as written
before (the helpers come from `test_cached_paths`)."""

from __future__ import annotations

import copy
import itertools
import random
import re
import unicodedata
from urllib.parse import urlsplit

from kbapp.core.digest import entries, files, identities, labels, links, media
from kbapp.core.digest.labels import Labelled, bare_label, split_label
from kbapp.core.digest.model import LINK_FIELDS, Diagnostic, Entry, Link
from kbapp.core.digest.text import _NFKC_PLAIN, nfkc
from tests.core.digest.test_cached_paths import (
    _lines,
    _old_build_links,
    _old_check_identity,
    _old_find_links,
    _old_label,
    _values,
)

# -- the plain implementations, as they were --------------------------------------------


def _old_links(
    entry: Entry, field: str, diagnostics: list[Diagnostic], **given: str | None
) -> list[Link]:
    found: list[Link] = []
    if links.may_hold_links(entry.text):
        found = links.build_links(
            entry.text,
            field=field,
            line=entry.line,
            diagnostics=diagnostics,
            label=entry.label,
            group=entry.group,
            **given,
        )
    if not found and field == "paper" and entry.text:
        found = [Link("paper", entry.text, "", None, "other", entry.line, label=entry.label)]
    return found


def _old_finish(entry: Entry, parent_field: str | None, diagnostics: list[Diagnostic]) -> None:
    text, labelled, problems = _old_label(entry.text, entry.kind)
    if labelled is None and entry.children:
        labelled = bare_label(text)
        problems = []
        if labelled is not None:
            problems = list(entries._label_problems(labelled))
    if labelled is not None:
        entry.label, entry.text, entry.group = labelled.label, labelled.value, labelled.group
        entry.field = labelled.field
        for code, detail in problems:
            diagnostics.append(Diagnostic(code, entry.line, detail))
    field = entry.field
    if field in LINK_FIELDS:
        entry.links = _old_links(entry, field, diagnostics)
        for link in entry.links:
            if link.url_kind in entries._KIND_MISMATCH.get(field, set()):
                detail = f"{entry.label} -> {link.url_kind}"
                diagnostics.append(Diagnostic("label_url_kind_mismatch", link.line, detail))
    elif field in ("abstract", "tips"):
        entry.links = _old_links(entry, "inline", diagnostics, context=field)
    elif entry.label is not None:
        found = _old_links(entry, "link", diagnostics, name=entry.label)
        if found:
            entry.field, entry.links = "link", found
        elif parent_field is None:
            entry.field = "note"
    else:
        entry.links = _old_links(entry, "inline", diagnostics, context=parent_field or "point")
    if entry.label is not None and not entry.text and not entry.children:
        diagnostics.append(Diagnostic("empty_value", entry.line, entry.label))
    for link in entry.links:
        _old_check_identity(link, diagnostics)


def _old_split_label(text: str, *, known_only: bool = False) -> Labelled | None:
    match = labels._COLON.search(text)
    if not match:
        return None
    raw_label = text[: match.start()]
    label = raw_label.strip().strip("*").strip()
    if not (1 <= len(raw_label.strip()) <= 30) or not label:
        return None
    if labels._FORBIDDEN_IN_LABEL.search(raw_label):
        return None
    field, group = labels.lookup(label)
    if known_only and field is None:
        return None
    value = text[match.end() :].strip()
    double = bool(labels._DOUBLE_COLON.match(value))
    if double:
        value = labels._DOUBLE_COLON.sub("", value, count=1)
    value = value.strip()
    typo = labels.label_key(label) in labels.TYPOS
    return Labelled(label, field, group, value, typo=typo, double_colon=double)


# -- the comparisons --------------------------------------------------------------------


def test_one_link_values_are_found_as_before() -> None:
    for value in [*_values(), "[a](b)", "[](x)", "[a]()", "[a](b) ", "[a](b(c))", "[a](x [y])"]:
        assert links.find_links(value) == _old_find_links(value), value


def test_entries_are_finished_as_before() -> None:
    """Each value as a bullet and as a paragraph, with and without a child, under each
    kind of parent: the same label, field, text, links and diagnostics."""
    for n, value in enumerate(_values()):
        for kind, children, parent in itertools.product(
            ("bullet", "paragraph"), (0, 1), (None, "tips", "paper", "point")
        ):
            entry = Entry(value, n, kind, children=[Entry("child", n + 1)] if children else [])
            old_entry = copy.deepcopy(entry)
            new: list[Diagnostic] = []
            old: list[Diagnostic] = []
            entries._finish(entry, parent, new)
            _old_finish(old_entry, parent, old)
            assert (entry, new) == (old_entry, old), (value, kind, children, parent)


def test_github_paths_are_urlsplit_paths() -> None:
    urls = [link.url for value in _values() for link in _old_build_links(value, [])]
    urls += [
        "https://github.com", "https://github.com/", "HTTPS://WWW.GitHub.COM/A/B?x#y",
        "https://github.com:443/a/b", "https://u@github.com/a/b", "https://github.com#x/y",
        "https://github.com/a/b c", "http://github.com/a%2Fb/c/", "https://github.com/?a/b",
        "https://github.com/a\tb", "https://github.com.evil.org/a/b", " https://github.com/a",
    ]  # fmt: skip
    for url in urls:
        if url and identities.url_kind(url) == "github":
            assert identities._github_path(url) == urlsplit(url).path, url


def test_plain_text_nfkc_is_unicodedata() -> None:
    """The fast NFKC of the usual characters, alone, on every line, and in random runs."""
    plain = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    plain = [c for c in plain if _NFKC_PLAIN.search(c) is None]
    for char in plain:
        assert nfkc(char) == unicodedata.normalize("NFKC", char), hex(ord(char))
        assert unicodedata.combining(char) == 0, hex(ord(char))
    picker = random.Random(15)
    samples = ["".join(picker.choices(plain, k=picker.randint(1, 40))) for _ in range(20000)]
    for text in [
        *_lines(),
        *samples,
        "Ｆｕｌｌ，ｗｉｄｔｈ：目标",
        "\u3000a",
        "ｶﾀｶﾅ",
        "é",
        "e\u0301",
    ]:
        assert nfkc(text) == unicodedata.normalize("NFKC", text), text


def test_labels_split_as_before() -> None:
    extra = ["a: : b", "a:：b", "**Paper**: x", " : x", "x" * 31 + ": y", "(a): b", "Code:", "::"]
    for value in [*_values(), *extra]:
        for known_only in (False, True):
            new = split_label(value, known_only=known_only)
            assert new == _old_split_label(value, known_only=known_only), value


_OLD_TAG = re.compile(r"<(img|video)(\s[^>]*)>?", re.IGNORECASE)
_OLD_DIV_TAG = re.compile(r"</?div\b[^>]*>?", re.IGNORECASE)
_OLD_WX_FMT = re.compile(
    r"^https?://mmbiz\.qpic\.cn/[^?#]*\?(?:[^#]*&)?wx_fmt=([A-Za-z]+)", re.IGNORECASE
)


def test_media_patterns_case_blind_only_in_their_words() -> None:
    odd = ["<IMG src=x>", "<Video src=y>", "<ımg src=z>", "</DIV >", "<dİv>", "<div\u212a>"]
    odd += ["HTTPS://MMBIZ.QPIC.CN/a?b&WX_FMT=PNG", "http://mmbiz.qpic.cn/a?wx_fmt=ſvg&x=1"]
    odd += ["https://mmbiz.qpic.cn/a?x=1&wx_fmt=\u212aPG#f", "https://mmbiz.qpic.cn/a#?wx_fmt=png"]
    for line in [*_lines(), *odd]:
        spans = [(m.span(), m.groups()) for m in media._TAG.finditer(line)]
        assert spans == [(m.span(), m.groups()) for m in _OLD_TAG.finditer(line)], line
        assert media._DIV_TAG.sub("", line) == _OLD_DIV_TAG.sub("", line), line
        for piece in [line, *re.findall(r"(?:src=|\()[\"']?([^\"' )>]+)", line)]:
            new, old = media._WX_FMT.match(piece), _OLD_WX_FMT.match(piece)
            assert (new and new.groups()) == (old and old.groups()), piece


def _old_decode_utf8(data: bytes) -> str:
    text = data.decode("utf-8")
    files._refuse_binary(text)
    if not text.strip():
        raise files.DigestError("empty file")
    return text


def test_utf8_files_without_control_bytes_decode_as_before() -> None:
    texts = ["\n".join(_lines()), "a\x0bb\x0cc\td\r\n", " \n\t", "\x1b[31m" * 5, "\x7f" * 9]
    texts += ["目" * 70000 + "\x01" * 900, "x\x08" * 100]
    for text in texts:
        data = text.encode()
        try:
            old: str | Exception = _old_decode_utf8(data)
        except files.DigestError as error:
            old = error
        try:
            new: str | Exception = files.decode(data)
        except files.DigestError as error:
            new = error
        assert repr(new) == repr(old), text[:40]
