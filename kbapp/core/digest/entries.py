"""Item bodies: bullets gathered into trees, then labelled and linked (spec §4)."""

from __future__ import annotations

from functools import lru_cache

from kbapp.core.digest.identities import arxiv_ref, github_ref
from kbapp.core.digest.labels import Labelled, bare_label, split_label, unwrap
from kbapp.core.digest.links import _MAYBE_URL, build_links
from kbapp.core.digest.model import (
    LINK_FIELDS,
    VERBATIM,
    Diagnostic,
    Entry,
    Link,
    walk_entries,
)
from kbapp.core.digest.text import is_compat

__all__ = ["MAX_DEPTH", "VERBATIM", "EntryBuilder", "finish_entries", "walk_entries"]

_LINK_FIELDS = frozenset(LINK_FIELDS)
# URL kinds that contradict a label (spec §4.5): kept, but reported.
_KIND_MISMATCH = {
    "paper": {"github", "wechat", "bilibili", "baidu_pan"},
    "code": {"arxiv", "wechat", "cvf", "ieee", "openreview", "doi"},
    "dataset": {"wechat"},
}


# How many levels of bullets nest as entries (a root is the first). The corpus nests
# three; a bullet deeper still is kept as a written line (VERBATIM) among the children of
# the entry at the last level, so no tree, no recursion over one and no JSON document of
# one (json recurses once per `[` or `{`, and Python stops at 1,000) goes deeper.
MAX_DEPTH = 100


class EntryBuilder:
    """Collects the bullets and paragraphs of one body into ordered trees.

    With `top_indent` (item bodies) a bullet indented at most that far is top-level,
    whatever came before: the digests mix 0- and 3-space bullets in one item (spec
    §4.1), so "deeper than the previous bullet" would nest them wrongly. Without it
    (other sections) nesting follows ordinary Markdown.

    A bullet that would nest deeper than `MAX_DEPTH` levels becomes a VERBATIM entry
    holding `written`, its whole line as written, under the entry at the last level.
    The stack still tracks its indent, so the bullets after it find their parents as
    ever, and the written lines keep all that their nesting said.
    """

    def __init__(self, top_indent: int | None) -> None:
        self.top_indent = top_indent
        self.roots: list[Entry] = []
        self._stack: list[tuple[int, Entry]] = []  # the open bullets, one per level

    def bullet(self, indent: int, text: str, line: int, written: str | None = None) -> None:
        top_indent, stack = self.top_indent, self._stack
        if top_indent is None or indent > top_indent:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if stack:
                if len(stack) < MAX_DEPTH:
                    entry = Entry(text, line)
                    stack[-1][1].children.append(entry)
                else:
                    entry = Entry(text if written is None else written, line, VERBATIM)
                    stack[MAX_DEPTH - 1][1].children.append(entry)
                stack.append((indent, entry))
                return
        entry = Entry(text, line)  # a bullet, at the top
        self.roots.append(entry)
        self._stack = [(indent, entry)]

    def paragraph(self, text: str, line: int) -> None:
        self.roots.append(Entry(text, line, kind="paragraph"))
        self._stack = []


def finish_entries(entries: list[Entry], diagnostics: list[Diagnostic]) -> None:
    """Label, link and check every entry of a body, depth first (iteratively)."""
    # (entry, the field its parent gives it, whether it opens a run of written lines)
    stack: list[tuple[Entry, str | None, bool]] = [(e, None, False) for e in reversed(entries)]
    while stack:
        entry, parent_field, opens_run = stack.pop()
        if entry.field == "head_extra":
            continue
        if entry.kind == VERBATIM:
            if opens_run:
                detail = f"bullets nested deeper than {MAX_DEPTH} levels kept as written"
                diagnostics.append(Diagnostic("nesting_too_deep", entry.line, detail))
            entry.links = _links(entry, "inline", diagnostics, context=parent_field or "point")
            for link in entry.links:
                _check_identity(link, diagnostics)
            continue
        _finish(entry, parent_field, diagnostics)
        below = entry.field or parent_field
        children = entry.children
        for n in range(len(children) - 1, -1, -1):
            child = children[n]
            run = child.kind == VERBATIM and (n == 0 or children[n - 1].kind != VERBATIM)
            stack.append((child, below, run))


def _finish(entry: Entry, parent_field: str | None, diagnostics: list[Diagnostic]) -> None:
    """Label, link and check one entry (not its children)."""
    text, labelled, problems = _label_parts(entry.text, entry.kind)
    if labelled is None and entry.children:
        labelled = bare_label(text)
        problems = _label_problems(labelled) if labelled is not None else ()
    if labelled is not None:
        entry.label, entry.text, entry.group = labelled.label, labelled.value, labelled.group
        entry.field = labelled.field
        for code, detail in problems:
            diagnostics.append(Diagnostic(code, entry.line, detail))
    field, label, text = entry.field, entry.label, entry.text
    # `may_hold_links` once: most values hold no link, and then no link is looked for.
    maybe = "](" in text or _MAYBE_URL.search(text) is not None
    if field in _LINK_FIELDS:
        links = _links(entry, field, diagnostics) if maybe else []
        if not links and field == "paper" and text:
            # A paper named by its title alone (spec §4.3): still a paper, by title key.
            links = [Link("paper", text, "", None, "other", entry.line, label=label)]
        entry.links = links
        if links:
            _check_kinds(entry, diagnostics)
    elif field in ("abstract", "tips"):
        entry.links = links = _links(entry, "inline", diagnostics, context=field) if maybe else []
    elif label is not None:
        links = _links(entry, "link", diagnostics, name=label) if maybe else []
        if links:
            entry.field, entry.links = "link", links
        elif parent_field is None:
            entry.field = "note"
    else:
        links = (
            _links(entry, "inline", diagnostics, context=parent_field or "point") if maybe else []
        )
        entry.links = links
    if label is not None and not text and not entry.children:
        diagnostics.append(Diagnostic("empty_value", entry.line, label))
    for link in links:
        if link.url is not None:
            for code, detail in _identity_problems(link.url):
                diagnostics.append(Diagnostic(code, link.line, detail))


@lru_cache(maxsize=8192)
def _label_parts(text: str, kind: str) -> tuple[str, Labelled | None, tuple[tuple[str, str], ...]]:
    """An entry's text unwrapped, its `Label: value` split (or None) and the (code,
    detail) of the diagnostics the label earns: pure functions of the text, cached (the
    same labels and values come back in every digest). Nobody changes a `Labelled`."""
    text, _ = unwrap(text) if kind == "bullet" else _unwrap_paragraph(text)
    labelled = split_label(text, known_only=kind == "paragraph")
    return text, labelled, _label_problems(labelled) if labelled is not None else ()


def _unwrap_paragraph(text: str) -> tuple[str, list[str]]:
    # A paragraph is never a stray-dash bullet; only a bold wrapper comes off.
    if text.startswith("**") and text.endswith("**") and len(text) > 4:
        return text[2:-2].strip(), ["bold_wrapped"]
    return text, []


def _label_problems(labelled: Labelled) -> tuple[tuple[str, str], ...]:
    """The (code, detail) of the diagnostics a label earns, in order."""
    problems = []
    if labelled.typo:
        problems.append(("label_typo", labelled.label))
    if labelled.double_colon:
        problems.append(("double_colon", labelled.label))
    if is_compat(labelled.label.replace("：", ":")):
        problems.append(("compat_char_normalised", labelled.label))
    if labelled.field is None:
        problems.append(("unknown_label", labelled.label))
    return tuple(problems)


def _links(
    entry: Entry,
    field: str,
    diagnostics: list[Diagnostic],
    *,
    context: str | None = None,
    name: str | None = None,
) -> list[Link]:
    """The links of an entry's text (which `may_hold_links`: the caller checked)."""
    return build_links(
        entry.text,
        field=field,
        line=entry.line,
        diagnostics=diagnostics,
        label=entry.label,
        name=name,
        group=entry.group,
        context=context,
    )


def _check_kinds(entry: Entry, diagnostics: list[Diagnostic]) -> None:
    expected_not = _KIND_MISMATCH.get(entry.field or "", set())
    for link in entry.links:
        if link.url_kind in expected_not:
            detail = f"{entry.label} -> {link.url_kind}"
            diagnostics.append(Diagnostic("label_url_kind_mismatch", link.line, detail))


def _check_identity(link: Link, diagnostics: list[Diagnostic]) -> None:
    if link.url is not None:
        for code, detail in _identity_problems(link.url):
            diagnostics.append(Diagnostic(code, link.line, detail))


@lru_cache(maxsize=8192)
def _identity_problems(url: str) -> tuple[tuple[str, str], ...]:
    """The (code, detail) of a URL's malformed arXiv ID or GitHub path, if any."""
    problems = []
    arxiv = arxiv_ref(url)
    if arxiv is not None and not arxiv.valid:
        problems.append(("malformed_arxiv_id", arxiv.id))
    github = github_ref(url)
    if github is not None and github.malformed:
        problems.append(("malformed_github_path", url))
    return tuple(problems)
