"""Papers and automatic cross-links, from the links the digests carry (spec §7).

A *paper* is one record per real paper, joined from every item whose paper link names
it: by arXiv ID, else DOI, else the title key of the link's text. A link without an ID
whose title names exactly one paper that has an ID joins that paper (a journal paper
linked once through doi.org and once through the publisher's page), and an item with
no paper link but a code repository joins the one paper whose items link that
repository, if the item's words name it. Two paper links with different IDs are never
one paper, whatever else they share (a repository often holds many papers).

Two items that share a paper or a code repository are *cross-linked*. Identity is not
correctness, though: the author sometimes pasted an earlier item's paper or code link
under a new title. So a cross-link is asserted (`same`) only when all the evidence
agrees, and is otherwise a `candidate` for the user to confirm or dismiss:

- the same paper title under different IDs or URLs, or the same URL under different
  titles, is a disagreement;
- each item's own words (title, abstract, tips) must mention what they share: a word
  of the paper's title, its name before the colon, or the repository's name.

Everything here is pure: the store reads the evidence, `cross_links` decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

# Words of paper titles too common to say which paper an item is about.
_COMMON = frozenset(
    (
        "about", "after", "against", "all", "also", "among", "analysis", "and", "approach",
        "attention", "based", "benchmark", "better", "beyond", "data", "dataset", "deep",
        "detection", "does", "domain", "efficient", "from", "fast", "high", "image", "images",
        "into", "large", "learning", "level", "method", "methods", "model", "models", "more",
        "multi", "network", "networks", "neural", "new", "object", "over", "real", "recognition",
        "representation", "representations", "scale", "segmentation", "self", "semantic", "simple",
        "single", "supervised", "survey", "than", "that", "their", "them", "these", "they", "this",
        "through", "time", "toward", "towards", "training", "transformer", "transformers", "under",
        "unsupervised", "using", "very", "via", "video", "videos", "vision", "visual", "what",
        "when", "where", "which", "while", "with", "without", "your",
    )
)  # fmt: skip
# Chinese terms of the field and the English title words they translate, so that an
# item written in Chinese can still say which paper it is about ("单目实时3D场景重建" is
# "Real-Time ... 3D Reconstruction from Monocular Video"). Only uncommon words count.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "单目": ("monocular",), "双目": ("stereo",), "重建": ("reconstruction",),
    "三维": ("3d",), "深度估计": ("depth",), "点云": ("point", "cloud", "clouds"),
    "时空": ("space", "spatio", "spatiotemporal"), "理解": ("understanding",),
    "人脸": ("face", "facial"), "人体": ("human", "body", "bodies"), "姿态": ("pose",),
    "行人": ("pedestrian", "person"), "重识别": ("identification", "reid"),
    "跟踪": ("tracking", "tracker"), "追踪": ("tracking",), "抠图": ("matting",),
    "超分": ("super", "resolution"), "去噪": ("denoising",), "去雨": ("deraining",),
    "蒸馏": ("distillation",), "剪枝": ("pruning",), "量化": ("quantization",),
    "压缩": ("compression",), "对比学习": ("contrastive",), "对抗": ("adversarial",),
    "攻击": ("attack", "attacks"), "生成": ("generative", "generation"),
    "光照": ("lighting", "relighting"), "关键点": ("keypoint", "landmark", "landmarks"),
    "显著": ("saliency", "salient"), "遮挡": ("occlusion",), "实例": ("instance",),
    "全景": ("panoptic",), "视频": ("video",), "动作": ("action",), "识别": ("recognition",),
    "文本": ("text",), "句子": ("sentence",), "翻译": ("translation",), "问答": ("question",),
    "图神经": ("graph",), "图像修复": ("inpainting",), "风格": ("style",),
    "域适应": ("adaptation",), "小样本": ("shot",), "长尾": ("tailed",),
    "自动驾驶": ("driving", "autonomous"), "雷达": ("lidar", "radar"), "车道": ("lane",),
    "可视化": ("visualizing", "visualization", "explanations"),
}  # fmt: skip
_WORD = re.compile(r"[a-z][a-z0-9]{3,}")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One paper link of one item."""

    item_key: str
    ordinal: int  # the link's position in its item
    text: str  # the paper's title as the link shows it
    url: str | None
    arxiv: str | None = None
    doi: str | None = None
    title_key: str = ""  # of `text` ('' when the text is only a URL)

    @property
    def own_key(self) -> str:
        """The paper this link names by itself, before joining by title."""
        if self.arxiv:
            return f"arxiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        if self.title_key:
            return f"title:{self.title_key}"
        return f"url:{self.url}"


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    key: str
    date: str
    title: str
    words: str  # title, abstract and tips: what the item itself says
    papers: tuple[Occurrence, ...] = ()
    repos: frozenset[str] = frozenset()


@dataclass(slots=True)
class Paper:
    key: str
    occurrences: list[Occurrence] = field(default_factory=list)
    dates: set[str] = field(default_factory=set)
    repos: set[str] = field(default_factory=set)
    by_code: set[str] = field(default_factory=set)  # items with only its code repository

    @property
    def title(self) -> str:
        texts = Counter(o.text for o in self.occurrences if o.title_key)
        return texts.most_common(1)[0][0] if texts else (self.occurrences[0].url or self.key)

    @property
    def item_keys(self) -> list[str]:
        return sorted({o.item_key for o in self.occurrences} | self.by_code)

    @property
    def arxiv(self) -> str | None:
        return self.key.removeprefix("arxiv:") if self.key.startswith("arxiv:") else None


@dataclass(frozen=True, slots=True)
class CrossLink:
    """Two items that share a paper or a repository (`a` < `b`)."""

    a: str
    b: str
    kind: str  # "same" or "candidate"
    papers: tuple[str, ...] = ()  # paper keys both feature
    repos: tuple[str, ...] = ()  # repositories both link
    reasons: tuple[str, ...] = ()  # why a candidate is not asserted

    def other(self, key: str) -> str:
        return self.b if key == self.a else self.a


def join_papers(
    items: Iterable[ItemEvidence], by_title: dict[str, set[str]] | None = None
) -> dict[str, Paper]:
    """Paper key → Paper, every paper link of the items in exactly one. `by_title` maps
    a title key to the keys of the papers with an ID that carry it; by default it is
    read from the items themselves (pass it when they are not the whole library)."""
    items = list(items)
    occurrences = [o for item in items for o in item.papers]
    if by_title is None:
        by_title = defaultdict(set)
        for o in occurrences:
            if (o.arxiv or o.doi) and o.title_key:
                by_title[o.title_key].add(o.own_key)
    papers: dict[str, Paper] = {}
    dates = {item.key: item.date for item in items}
    repos = {item.key: item.repos for item in items}
    for o in occurrences:
        key = o.own_key
        if not (o.arxiv or o.doi) and len(by_title.get(o.title_key, ())) == 1:
            key = next(iter(by_title[o.title_key]))
        paper = papers.setdefault(key, Paper(key))
        paper.occurrences.append(o)
        paper.dates.add(dates[o.item_key])
        paper.repos.update(repos[o.item_key])
    # An item that links only to code joins the one paper whose items link that repository.
    by_repo: dict[str, set[str]] = defaultdict(set)
    for paper in papers.values():
        for repo in paper.repos:
            by_repo[repo].add(paper.key)
    for item in items:
        if item.papers:
            continue
        owners = {key for repo in item.repos for key in by_repo.get(repo, ())}
        if len(owners) == 1 and _mentions(item, papers[next(iter(owners))].title):
            paper = papers[owners.pop()]  # and the item names it: not a list of links
            paper.by_code.add(item.key)
            paper.dates.add(item.date)
    return papers


def paper_of(papers: dict[str, Paper]) -> dict[tuple[str, int], str]:
    """(item key, link ordinal) → the key of the paper that link is part of."""
    return {(o.item_key, o.ordinal): p.key for p in papers.values() for o in p.occurrences}


def cross_links(
    items: Sequence[ItemEvidence], papers: dict[str, Paper], among: set[str] | None = None
) -> list[CrossLink]:
    """Every pair of items that shares a paper, a paper link's URL or title, or a
    repository, with its verdict; only the pairs with an item of `among`, if given."""
    by_key = {item.key: item for item in items}
    joined = paper_of(papers)
    buckets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for item in items:
        for o in item.papers:
            buckets[("paper", joined[(item.key, o.ordinal)])].add(item.key)
            if o.url:
                buckets[("url", o.url)].add(item.key)
            if o.title_key:
                buckets[("title", o.title_key)].add(item.key)
        for repo in item.repos:
            buckets[("repo", repo)].add(item.key)
    pairs: set[tuple[str, str]] = set()
    for keys in buckets.values():
        if len(keys) > 1:
            pairs.update(
                pair
                for pair in combinations(sorted(keys), 2)
                if among is None or pair[0] in among or pair[1] in among
            )
    return [_judge(by_key[a], by_key[b], joined, papers) for a, b in sorted(pairs)]


def _judge(
    a: ItemEvidence, b: ItemEvidence, joined: dict[tuple[str, int], str], papers: dict[str, Paper]
) -> CrossLink:
    def keyed(item: ItemEvidence) -> dict[str, Occurrence]:
        return {joined[(item.key, o.ordinal)]: o for o in item.papers}

    papers_a, papers_b = keyed(a), keyed(b)
    shared = sorted(papers_a.keys() & papers_b.keys())
    repos = sorted(a.repos & b.repos)
    reasons: list[str] = []
    for key in shared:
        one, two = papers_a[key], papers_b[key]
        if one.title_key and two.title_key and one.title_key != two.title_key:
            reasons.append(f"the same paper link under two titles: “{one.text}”, “{two.text}”")
    for one in a.papers:
        for two in b.papers:
            same_paper = joined[(a.key, one.ordinal)] == joined[(b.key, two.ordinal)]
            if same_paper:
                continue
            if one.title_key and one.title_key == two.title_key:
                reasons.append(f"the title “{one.text}” with different links")
            elif one.url and one.url == two.url:
                reasons.append(f"one link under two titles: “{one.text}”, “{two.text}”")
    same_article = a.key.partition("/")[2] == b.key.partition("/")[2]
    if (shared or repos) and not same_article:
        for item in (a, b):
            if not any(_mentions(item, papers[key].title) for key in shared) and not any(
                _mentions_repo(item, repo) for repo in repos
            ):
                what = papers[shared[0]].title if shared else repos[0]
                reasons.append(f"{item.date} item “{item.title}” does not mention {what}")
    elif not (shared or repos):
        reasons.append("they share only a paper's title or link")
    return CrossLink(
        a.key,
        b.key,
        "candidate" if reasons else "same",
        tuple(shared),
        tuple(repos),
        tuple(dict.fromkeys(reasons)),
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", _fold(text))


@lru_cache(maxsize=65536)
def _said(words: str) -> tuple[str, str]:
    """An item's words folded, and compacted: each item meets many others."""
    folded = _fold(words)
    return folded, _NOT_ALNUM.sub("", folded)


@lru_cache(maxsize=65536)
def title_words(title: str) -> frozenset[str]:
    """The words of a paper title that can say which paper an item is about: its name
    before the colon (compacted: "EfficientNetV2", "PP-YOLOv2"), its uncommon words and
    their singulars."""
    folded = _fold(title)
    words = {w for w in _WORD.findall(folded) if w not in _COMMON}
    words |= {w[:-1] for w in words if w.endswith("s") and len(w) > 4}
    name, colon, _rest = folded.partition(":")
    if colon and len(_compact(name)) >= 3:
        words.add(_compact(name))
    return frozenset(words)


def _mentions(item: ItemEvidence, title: str) -> bool:
    words = title_words(title)
    if not words:
        return True  # a title of common words only says nothing against the item
    text, compact = _said(item.words)
    if any(word in text or word in compact for word in words):
        return True
    return any(zh in text and words.intersection(en) for zh, en in GLOSSARY.items())


def _mentions_repo(item: ItemEvidence, repo: str) -> bool:
    name = _compact(repo.rpartition("/")[2])
    return len(name) >= 3 and name in _said(item.words)[1]
