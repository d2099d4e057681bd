"""Generate a synthetic digest library in the real format, of any size.

    python bench/generate.py OUT_DIR [--days 3650] [--seed 1] [--start 2016-01-01]
                             [--min-items 5] [--max-items 16] [--items-total N] [--force]

Writes OUT_DIR/notes/YYYYMM/MMDD.md for consecutive days (one digest a day) and
OUT_DIR/generated.json (parameters, counts and a hash of the generator). The same
arguments always give byte-identical files. The text is mixed Chinese/English built
from `vocab.py`; the quirks of `digest-format.md` appear at the rates in `RATES`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import string
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import vocab

HERE = Path(__file__).resolve().parent
GENERATOR_FILES = ("generate.py", "vocab.py")
MANIFEST = "generated.json"
ARTICLE_ID_CHARS = string.ascii_letters + string.digits + "-_"
B64_CHARS = string.ascii_letters + string.digits
HEX_CHARS = "0123456789abcdef"
ZWSP = "\u200b"

# How often each quirk of digest-format.md appears: per day, item, bullet, line, link or
# image as the prefix says. Roughly the corpus's rates, rounded up so that a ten-year
# library holds every quirk many times.
RATES = {
    "day_heading_two_spaces": 0.01,
    "day_title_variant": 0.005,
    "day_ascii_parens": 0.01,
    "day_final_newline": 0.01,
    "day_unclosed_last_div": 0.03,
    "day_duplicate_index": 0.01,
    "item_zwsp": 0.005,
    "item_zero_stars": 0.003,
    "item_blank_after_head": 0.03,
    "item_col0_after_blank": 0.3,
    "item_long_article_url": 0.004,
    "item_bold_github": 0.004,
    "item_unknown_label": 0.01,
    "item_download": 0.003,
    "item_title_only_paper": 0.02,
    "item_double_colon": 0.003,
    "item_paper_group": 0.01,
    "item_reading": 0.01,
    "bullet_col0": 0.01,
    "bullet_empty": 0.002,
    "line_trailing_space": 0.005,
    "link_bare": 0.01,
    "image_bare_amp": 0.01,
    "paper_repeat": 0.08,
    "title_ligature": 0.002,
}
STAR_WEIGHTS = (0.045, 0.88, 0.045, 0.02, 0.01)  # 1..5 stars; zero stars via RATES
KIND_WEIGHTS = {"paper": 70, "tool": 12, "survey": 10, "misc": 8}
LABELS: dict[str, tuple[tuple[str, int], ...]] = {
    "abstract": (("Abstract: ", 64), ("Abstract：", 3), ("主要内容：", 31), ("Abstract:", 2)),
    "paper": (("Paper: ", 70), ("paper: ", 8), ("论文：", 20), ("论文地址：", 2)),
    "code": (
        ("Code: ", 64),
        ("code: ", 10),
        ("GitHub：", 18),
        ("Code：", 2),
        ("Github：", 2),
        ("代码地址：", 2),
        ("源码：", 1),
        ("GtiHub：", 1),
    ),
    "tips": (("Tips: ", 84), ("Tips：", 5), ("核心要点：", 9), ("核心点：", 2)),
    "demo": (("Demo: ", 8), ("colab: ", 1), ("测试地址：", 1)),
    "video": (("Video: ", 3), ("Bilibili: ", 1), ("视频地址：", 1)),
    "dataset": (("Dataset: ", 1),),
    "website": (("Address: ", 6), ("Website: ", 2), ("项目地址：", 2), ("网址：", 1)),
    "reading": (("参考阅读：", 2), ("相关阅读：", 1)),
    "competition": (("Competition: ", 1), ("报名地址：", 1)),
    "contact": (("Contact: ", 1),),
}
UNKNOWN_LABELS = ("Paddle实现：", "模型权重：", "在线文档：", "ONNX导出：", "中文解读：")
ARXIV_FORMS = (
    ("https://arxiv.org/abs/{id}", 50),
    ("https://arxiv.org/abs/{id}v{v}", 10),
    ("https://arxiv.org/pdf/{id}.pdf", 25),
    ("http://arxiv.org/abs/{id}", 6),
    ("https://arxiv.org/pdf/{id}v{v}.pdf", 5),
    ("https://arxiv.org/pdf/{id}", 3),
    ("https://arxiv.org/abs/{id}.pdf", 1),
)
IMAGE_KINDS = (
    ("mmbiz_png", "png", 60),
    ("mmbiz_jpg", "jpeg", 30),
    ("mmbiz_gif", "gif", 5),
    ("sz_mmbiz_jpg", "jpeg", 5),
)
PAPER_TITLES = (
    "{name}: {adj} {tech_en} for {task_en}",
    "{adj} {tech_en} for {task_en}",
    "Rethinking {tech_en} for {task_en}",
    "{name}: Towards {adj} {task_en}",
    "Learning {adj} Representations for {task_en}",
    "Revisiting {tech_en} in {task_en}",
    "{name}: {adj} and {adj2} {task_en}",
)
ITEM_TITLES = (
    "{venue} {year} | {org}提出{name}：{cn_short}",
    "{venue} {year}｜{name}：{task}新SOTA，{claim}",
    "【{venue} {year}】{org}开源{name}，{claim}",
    "{name}来了！{claim}的{task}新方法",
    "超越{other}！{org}提出{task}新方法{name}",
    "[{venue} {year}] {name}: {paper_title}",
    "{task} | {name}：{cn_short}（附源码）",
    "{org}&{org2}提出{name}：{cn_short}",
    "{paper_title}",
)


@dataclass(frozen=True)
class Options:
    days: int = 3650
    seed: int = 1
    start: str = "2016-01-01"
    min_items: int = 5
    max_items: int = 16
    items_total: int | None = None


@dataclass
class Summary:
    files: int = 0
    items: int = 0
    bytes: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Paper:
    title: str
    url: str
    repo: str | None


def weighted(pairs: Sequence[tuple[str, int]]) -> tuple[tuple[str, ...], list[int]]:
    """Values and cumulative weights, ready for `random.choices`."""
    values, total, cumulative = [], 0, []
    for value, weight in pairs:
        total += weight
        values.append(value)
        cumulative.append(total)
    return tuple(values), cumulative


class DigestWriter:
    """Writes one digest text per call of `day`; keeps the papers and articles seen so far."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.papers: list[Paper] = []
        self.articles: list[tuple[str, str]] = []  # (title, url) of earlier items
        self.labels = {key: weighted(pairs) for key, pairs in LABELS.items()}
        self.arxiv_forms = weighted(ARXIV_FORMS)
        self.kinds = weighted(list(KIND_WEIGHTS.items()))
        self.token_tables: dict[str, bytes] = {}

    # -- small helpers -------------------------------------------------------------

    def chance(self, quirk: str) -> bool:
        return self.rng.random() < RATES[quirk]

    def pick(self, table: tuple[tuple[str, ...], list[int]]) -> str:
        return self.rng.choices(table[0], cum_weights=table[1])[0]

    def label(self, field: str) -> str:
        return self.pick(self.labels[field])

    def token(self, chars: str, length: int) -> str:
        """Random text over `chars` (random bytes mapped through a table: fast)."""
        table = self.token_tables.get(chars)
        if table is None:
            table = bytes(ord(chars[i % len(chars)]) for i in range(256))
            self.token_tables[chars] = table
        return self.rng.randbytes(length).translate(table).decode("ascii")

    def link(self, url: str, text: str | None = None) -> str:
        if text is None and self.chance("link_bare"):
            return url
        return f"[{text if text is not None else url}]({url})"

    # -- identities ----------------------------------------------------------------

    def article_url(self) -> str:
        if self.chance("item_long_article_url"):
            return (
                f"https://mp.weixin.qq.com/s?__biz={self.token(B64_CHARS, 14)}=="
                f"&mid={self.rng.randrange(2247480000, 2247499999)}&idx={self.rng.randint(1, 4)}"
                f"&sn={self.token(HEX_CHARS, 32)}&scene=21#wechat_redirect"
            )
        return f"https://mp.weixin.qq.com/s/{self.token(ARTICLE_ID_CHARS, 22)}"

    def arxiv_id(self, day: dt.date) -> str:
        months_back = self.rng.randrange(0, 18)
        month_index = max(day.year * 12 + day.month - 1 - months_back, 2007 * 12 + 3)
        year, month = divmod(month_index, 12)
        yymm = f"{year % 100:02d}{month + 1:02d}"
        if int(yymm) >= 1501:  # five-digit numbers; monthly volume grows over the years
            return f"{yymm}.{self.rng.randint(1, 8000 + 1500 * (year - 2015)):05d}"
        return f"{yymm}.{self.rng.randint(1, 9999):04d}"

    def arxiv_url(self, day: dt.date) -> str:
        form = self.pick(self.arxiv_forms)
        return form.format(id=self.arxiv_id(day), v=self.rng.randint(1, 3))

    def repo(self, name: str) -> str:
        slug = name.lower().replace(" ", "-").replace("+", "p")
        return f"https://github.com/{self.rng.choice(vocab.GITHUB_OWNERS)}/{slug}"

    def image_url(self) -> str:
        segment, fmt, _ = self.rng.choices(IMAGE_KINDS, weights=[k[2] for k in IMAGE_KINDS])[0]
        query = "&tp=webp&wxfrom=5&wx_lazy=1&wx_co=1" if self.rng.random() < 0.8 else "&tp=webp"
        return (
            f"https://mmbiz.qpic.cn/{segment}/{self.token(B64_CHARS, 86)}/640?wx_fmt={fmt}{query}"
        )

    # -- text ----------------------------------------------------------------------

    def name(self) -> str:
        rng = self.rng
        return (
            rng.choice(vocab.NAME_HEADS)
            + rng.choice(vocab.NAME_TAILS)
            + rng.choice(vocab.NAME_SUFFIXES)
        )

    def fields(self, day: dt.date) -> dict[str, str]:
        rng = self.rng
        task, task_en = rng.choice(vocab.TASKS)
        tech, tech_en = rng.choice(vocab.TECHNIQUES)
        f = {
            "name": self.name(),
            "other": self.name(),
            "task": task,
            "task_en": task_en,
            "task2": rng.choice(vocab.TASKS)[0],
            "tech": tech,
            "tech_en": tech_en,
            "org": rng.choice(vocab.ORGS),
            "org2": rng.choice(vocab.ORGS),
            "venue": rng.choice(vocab.VENUES),
            "year": str(day.year + rng.randint(0, 1)),
            "dataset": rng.choice(vocab.DATASETS),
            "adj": rng.choice(vocab.ADJECTIVES),
            "adj2": rng.choice(vocab.ADJECTIVES),
            "n": str(rng.randint(2, 30)),
            "p": str(rng.randint(10, 80)),
            "x": f"{rng.uniform(0.5, 6):.1f}",
            "fps": str(rng.randint(20, 300)),
            "ap": f"{rng.uniform(30, 65):.1f}",
            "gpus": str(rng.choice((1, 2, 4, 8))),
            "slug": self.token(string.ascii_lowercase, 8),
            "owner": rng.choice(vocab.GITHUB_OWNERS),
            "bv": self.token(B64_CHARS, 9),
        }
        f["adj_lower"] = f["adj"].lower()
        claim, claim2 = rng.sample(vocab.CLAIMS, 2)
        f["claim"], f["claim2"] = claim.format(**f), claim2.format(**f)
        f["cn_short"] = rng.choice((f"基于{tech}的{task}", f"{task}新框架", f"{tech}用于{task}"))
        return f

    def paper(self, day: dt.date, f: dict[str, str]) -> Paper:
        if self.papers and self.chance("paper_repeat"):
            return self.rng.choice(self.papers[-3000:])
        title = self.rng.choice(PAPER_TITLES).format(**f)
        if self.chance("title_ligature"):
            title = title.replace("fi", "\ufb01", 1)
        repo = self.repo(f["name"]) if self.rng.random() < 0.7 else None
        paper = Paper(title, self.arxiv_url(day), repo)
        self.papers.append(paper)
        return paper

    def stars(self) -> str:
        if self.chance("item_zero_stars"):
            return ""
        count = self.rng.choices((1, 2, 3, 4, 5), weights=STAR_WEIGHTS)[0]
        gap = " " * (9 if self.rng.random() < 0.15 else self.rng.choice((7, 7, 7, 6, 8)))
        if self.chance("item_zwsp"):
            gap = ZWSP + gap
        return gap + ":star:" * count

    def tips(self, f: dict[str, str]) -> list[tuple[int, str]]:
        """The tips entry as (depth, text) bullets: a sentence, a nested list, or both."""
        rng = self.rng
        label, sentence = self.label("tips"), rng.choice(vocab.TIPS).format(**f)
        shape = rng.random()
        if shape < 0.6:
            prefix = ": " if self.chance("item_double_colon") else ""
            return [(0, f"{label}{prefix}{sentence}")]
        head = [(0, label)] if shape < 0.85 else [(0, label + sentence)]
        points = []
        for _ in range(rng.randint(2, 4)):
            point_label = rng.choice(vocab.POINT_LABELS)
            points.append((1, point_label + rng.choice(vocab.TIPS).format(**f)))
            if rng.random() < 0.05:
                points.append((2, rng.choice(vocab.TIPS).format(**f)))
        return head + points

    # -- item bodies (lists of (depth, bullet text)) --------------------------------

    def paper_entries(self, day: dt.date, f: dict[str, str]) -> tuple[str, list[tuple[int, str]]]:
        paper = self.paper(day, f)
        f["paper_title"] = paper.title
        entries = [(0, self.label("abstract") + self.rng.choice(vocab.ABSTRACTS).format(**f))]
        if self.chance("item_paper_group"):
            second = self.paper(day, self.fields(day))
            entries += [
                (0, f"Paper1: {self.link(paper.url, paper.title)}"),
                (0, f"Paper2: {self.link(second.url, second.title)}"),
            ]
            if second.repo:
                entries.append((0, f"code2: {self.link(second.repo)}"))
        elif self.chance("item_title_only_paper"):
            entries.append((0, f"论文：{paper.title}"))
        else:
            entries.append((0, self.label("paper") + self.link(paper.url, paper.title)))
        if paper.repo and self.chance("item_bold_github"):
            entries.append((0, f"**github：{paper.repo}**"))
        elif paper.repo:
            entries.append((0, self.label("code") + self.link(paper.repo)))
        return self.rng.choice(ITEM_TITLES).format(**f), entries + self.extras(f)

    def extras(self, f: dict[str, str]) -> list[tuple[int, str]]:
        rng, entries = self.rng, []
        for field, rate, url in (
            ("demo", 0.03, f"https://huggingface.co/spaces/{f['owner']}/{f['slug']}"),
            ("video", 0.02, f"https://www.bilibili.com/video/BV1{f['bv']}/"),
            ("dataset", 0.02, f"https://{f['slug']}.github.io/dataset/"),
            ("website", 0.02, f"https://{f['slug']}.github.io/"),
        ):
            if rng.random() < rate:
                entries.append((0, self.label(field) + self.link(url)))
        if self.articles and self.chance("item_reading"):
            title, url = rng.choice(self.articles[-500:])
            entries.append((0, self.label("reading") + self.link(url, title)))
        if self.chance("item_unknown_label"):
            url = f"https://{f['slug']}.example.com/"
            entries.append((0, rng.choice(UNKNOWN_LABELS) + self.link(url)))
        if self.chance("item_download"):
            url = f"https://pan.baidu.com/s/1{self.token(B64_CHARS, 22)}"
            note = self.token(string.ascii_lowercase + string.digits, 4)
            entries.append((0, f"链接：{self.link(url, url)} 提取码：{note}"))
        return entries

    def other_entries(self, kind: str, f: dict[str, str]) -> tuple[str, list[tuple[int, str]]]:
        rng = self.rng
        f["paper_title"] = f["name"]
        abstract = (0, self.label("abstract") + rng.choice(vocab.ABSTRACTS).format(**f))
        if kind == "tool":
            title = rng.choice(vocab.TOOL_TITLES).format(**f)
            return title, [abstract, (0, self.label("code") + self.link(self.repo(f["name"])))]
        if kind == "survey":
            title = rng.choice(vocab.SURVEY_TITLES).format(**f)
            repo = self.repo(f"awesome-{f['slug']}")
            return title, [abstract] + (
                [(0, "Code: " + self.link(repo))] if rng.random() < 0.5 else []
            )
        template, label, url = rng.choice(vocab.MISC_TITLES)
        url = url.format(**f)
        value = self.link(url, url) if label == "Contact" else self.link(url)
        return template.format(**f), [abstract, (0, f"{label}: {value}")] + self.extras(f)

    # -- rendering -----------------------------------------------------------------

    def item(self, index: int, day: dt.date) -> list[str]:
        f = self.fields(day)
        kind = self.pick(self.kinds)
        if kind == "paper":
            title, entries = self.paper_entries(day, f)
        else:
            title, entries = self.other_entries(kind, f)
        if self.rng.random() < 0.85:
            entries += self.tips(f)
        url = self.article_url()
        self.articles.append((title, url))
        lines = [f"{index}. [{title}]({url}){self.stars()}"]
        col0 = False
        if self.chance("item_blank_after_head"):
            lines.append("")
            col0 = self.chance("item_col0_after_blank")
        lines += self.bullets(len(str(index)) + 2, entries, col0)
        return lines + self.images()

    def bullets(self, indent: int, entries: list[tuple[int, str]], col0: bool) -> list[str]:
        lines = []
        for depth, text in entries:
            if depth == 0:
                pad = 0 if col0 or self.chance("bullet_col0") else indent
            else:
                pad = indent + 2 * depth
            lines.append(" " * pad + "- " + text)
            if self.chance("bullet_empty"):
                lines.append(" " * indent + "-")
        return lines

    def images(self) -> list[str]:
        count = self.rng.choices((0, 1, 2), weights=(20, 75, 5))[0]
        lines = []
        for _ in range(count):
            url = self.image_url()
            lines.append("")
            if self.chance("image_bare_amp"):
                lines.append(
                    f'<img src="{url.replace("&", "&amp;")}" alt="Image" style="zoom:50%;" />'
                )
                continue
            zoom = self.rng.choices((100, 80, 50), weights=(85, 8, 7))[0]
            lines += [f"<div align=center><img src=\"{url}\" style='zoom:{zoom}%'>", "</div>"]
        return lines

    def heading(self, day: dt.date) -> str:
        name = "拓展学习笔记" if self.chance("day_title_variant") else "公众号内容拓展学习笔记"
        date = f"{day.year}.{day.month}.{day.day}"
        return f"# {name}({date})" if self.chance("day_ascii_parens") else f"# {name}（{date}）"

    def footer(self, day_number: int) -> list[str]:
        bullets = vocab.FOOTERS[(day_number // 400) % len(vocab.FOOTERS)]
        picture = f"https://img-blog.csdnimg.cn/2020050314{day_number // 400:05d}.jpg"
        lines = ["## :paperclip:  Others", "", *bullets, ""]
        lines.append(f"<div align=center><img src=\"{picture}\" style='zoom:80%'>")
        if not self.chance("day_unclosed_last_div"):
            lines.append("</div>")
        return lines

    def day(self, day: dt.date, day_number: int, items: int) -> str:
        hashes = "##  " if self.chance("day_heading_two_spaces") else "## "
        lines = [self.heading(day), "", "------", "", "", "", f"{hashes}:paperclip:  今日要点", ""]
        repeat_at = (
            self.rng.randint(2, items) if items > 1 and self.chance("day_duplicate_index") else 0
        )
        index = 0
        for ordinal in range(1, items + 1):
            index += 0 if ordinal == repeat_at else 1
            lines += self.item(index, day)
            lines += [""] * self.rng.choice((1, 1, 1, 2, 0))
        lines += self.footer(day_number)
        self.trailing_spaces(lines)
        text = "\n".join(lines)
        return text + "\n" if self.chance("day_final_newline") else text

    def trailing_spaces(self, lines: list[str]) -> None:
        for i in range(len(lines)):
            if self.chance("line_trailing_space"):
                lines[i] += " " * self.rng.randint(1, 4)


# -- library -----------------------------------------------------------------------


def generator_hash() -> str:
    digest = hashlib.sha256()
    for name in GENERATOR_FILES:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def item_counts(rng: random.Random, options: Options) -> list[int]:
    """Items per day: uniform in [min_items, max_items], stopping at items_total if given."""
    counts: list[int] = []
    total = 0
    while True:
        if options.items_total is None and len(counts) >= options.days:
            return counts
        if options.items_total is not None and total >= options.items_total:
            return counts
        n = rng.randint(options.min_items, options.max_items)
        if options.items_total is not None:
            n = min(n, options.items_total - total)
        counts.append(n)
        total += n


def prepare(out_dir: Path, force: bool) -> Path:
    """OUT_DIR/notes, emptied: only a folder this script made (or --force) is emptied."""
    notes = out_dir / "notes"
    if notes.exists():
        if not (force or (out_dir / MANIFEST).exists()):
            raise SystemExit(f"{notes} exists and was not made by this script (use --force)")
        shutil.rmtree(notes)
    notes.mkdir(parents=True)
    return notes


def generate(out_dir: Path, options: Options, force: bool = False) -> Summary:
    started = time.perf_counter()
    notes = prepare(out_dir, force)
    rng = random.Random(options.seed)
    writer = DigestWriter(rng)
    summary = Summary()
    first = dt.date.fromisoformat(options.start)
    for number, items in enumerate(item_counts(rng, options)):
        day = first + dt.timedelta(days=number)
        folder = notes / f"{day.year:04d}{day.month:02d}"
        if day.day == 1 or number == 0:
            folder.mkdir(exist_ok=True)
        data = writer.day(day, number, items).encode("utf-8")
        (folder / f"{day.month:02d}{day.day:02d}.md").write_bytes(data)
        summary.files += 1
        summary.items += items
        summary.bytes += len(data)
    summary.seconds = time.perf_counter() - started
    counts = {"files": summary.files, "items": summary.items, "bytes": summary.bytes}
    manifest = {"generator": generator_hash(), **asdict(options), **counts}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary


def up_to_date(out_dir: Path, options: Options) -> bool:
    """Whether OUT_DIR holds what `generate(out_dir, options)` would write (its manifest
    names the same options and this generator's code): the benches reuse it then."""
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        return False
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    wanted = {"generator": generator_hash(), **asdict(options)}
    return all(recorded.get(key) == value for key, value in wanted.items())


def parse_args(argv: Sequence[str] | None) -> tuple[Path, Options, bool]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="the library root; notes/ is written in it")
    parser.add_argument("--days", type=int, default=3650, help="number of consecutive days")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2016-01-01", help="first day, YYYY-MM-DD")
    parser.add_argument("--min-items", type=int, default=5)
    parser.add_argument("--max-items", type=int, default=16)
    parser.add_argument(
        "--items-total", type=int, help="stop after this many items (overrides --days)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing OUT_DIR/notes")
    args = parser.parse_args(argv)
    if not 1 <= args.min_items <= args.max_items:
        parser.error("need 1 <= --min-items <= --max-items")
    options = Options(
        args.days, args.seed, args.start, args.min_items, args.max_items, args.items_total
    )
    return args.out_dir, options, args.force


def main(argv: Sequence[str] | None = None) -> int:
    out_dir, options, force = parse_args(argv)
    summary = generate(out_dir, options, force)
    print(
        f"wrote {summary.files:,} digests, {summary.items:,} items, "
        f"{summary.bytes / 1e6:.1f} MB to {out_dir / 'notes'} in {summary.seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
