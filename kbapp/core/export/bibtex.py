"""BibTeX for the library's arXiv papers: one entry per arXiv ID, written offline from
what the digests say (the paper's title as its links show it, the year from the ID).

    @misc{arxiv2104.00298,
      title = {{EfficientNetV2}: Smaller Models and Faster Training},
      eprint = {2104.00298},
      archivePrefix = {arXiv},
      year = {2021},
      url = {https://arxiv.org/abs/2104.00298},
      keywords = {matting, survey},
    }

`keywords` are my tags on the paper and on the items that feature it (when any).

Words with capitals after their first letter are braced so that BibTeX styles keep them
as written; TeX's special characters are escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kbapp.core.papers import Paper

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{: BibTeX counts escaped braces too
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_CHARS = re.compile(r"[\\{}&%$#_~^]")
_KEEP_CASE = re.compile(r"\b(\w*[A-Z]\w*[A-Z0-9]\w*|\w+[A-Z]\w*)\b")


def tex(text: str) -> str:
    escaped = _SPECIAL_CHARS.sub(lambda m: _SPECIAL[m.group(0)], " ".join(text.split()))
    return _KEEP_CASE.sub(lambda m: "{" + m.group(0) + "}", escaped)


def entry(paper: Paper, tags: Mapping[str, list[str]] | None = None) -> str:
    """One paper's entry; `tags` (target → my tags) gives its `keywords`."""
    arxiv = paper.arxiv
    if arxiv is None:
        raise ValueError(f"{paper.key} is not an arXiv paper")
    fields = {
        "title": tex(paper.title),
        "eprint": arxiv,
        "archivePrefix": "arXiv",
        "year": f"20{arxiv[:2]}",
        "url": f"https://arxiv.org/abs/{arxiv}",
    }
    if tags:
        mine = [*tags.get(f"paper:{paper.key}", [])]
        mine += [tag for key in paper.item_keys for tag in tags.get(f"item:{key}", [])]
        keywords = sorted({tag.casefold(): tag for tag in mine}.values(), key=str.casefold)
        if keywords:
            fields["keywords"] = ", ".join(tex(tag).replace(",", "{,}") for tag in keywords)
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return f"@misc{{arxiv{arxiv},\n{body}}}\n"


def export_bibtex(papers: Iterable[Paper], tags: Mapping[str, list[str]] | None = None) -> str:
    """Every arXiv paper, ordered by ID; `tags` (target → my tags) for `keywords`."""
    chosen = sorted((p for p in papers if p.arxiv), key=lambda p: p.arxiv or "")
    return "\n".join(entry(paper, tags) for paper in chosen)
