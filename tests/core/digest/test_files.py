"""Reading digest files: what is refused (with a message a user can act on) and which
encodings give the same digest as the UTF-8 original."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kbapp.core.digest.files import MAX_BYTES, decode, parse_bytes, read_bytes
from kbapp.core.digest.model import Digest, DigestError
from tests.core.digest.corpus import corpus_digest, corpus_text

SAMPLE = "notes/202104/0425.md"  # CJK text, 8 items, nested lists, images
DAY = "# 公众号内容拓展学习笔记（2021.4.25）\n\n------\n\n## :paperclip:  今日要点\n\n"


def summary(digest: Digest) -> list[tuple]:
    """What a reader sees of a digest's items: numbers, titles, stars, links, images."""
    return [
        (
            item.index,
            item.title,
            item.stars,
            item.article_key,
            [(k.field, k.url, k.line) for k in item.links],
            [(i.src, i.line) for i in item.images],
        )
        for item in digest.items
    ]


def write(tmp_path: Path, data: bytes, name: str = "0425.md") -> Path:
    folder = tmp_path / "notes" / "202104"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def read_and_parse(path: Path) -> Digest:
    return parse_bytes(read_bytes(path), path)


# -- refusals ----------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18"
    b"\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    "data",
    [PNG, bytes(range(256)) * 8, b"# t\x00\x00\x01\x02 not text" * 40],
    ids=["png", "all-bytes", "nul-bytes"],
)
def test_binary_file_is_refused(tmp_path: Path, data: bytes):
    with pytest.raises(DigestError, match="binary"):
        read_and_parse(write(tmp_path, data))


def test_control_characters_without_nul_are_refused_as_binary():
    with pytest.raises(DigestError, match="binary"):
        decode(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 50)


@pytest.mark.parametrize("data", [b"", b"   \n\n\t \r\n  "], ids=["empty", "whitespace"])
def test_empty_file_is_refused(tmp_path: Path, data: bytes):
    with pytest.raises(DigestError, match="empty"):
        read_and_parse(write(tmp_path, data))


def test_utf16_file_of_only_whitespace_is_refused():
    with pytest.raises(DigestError, match="empty"):
        decode(codecs.BOM_UTF16_LE + "  \n \n".encode("utf-16-le"))


def test_file_over_the_limit_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # sparse: 20 MB of nothing, written instantly

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(DigestError, match="too large") as error:
        read_bytes(path)
    assert "20.0 MB" in str(error.value)
    assert "10 MB" in str(error.value)
    assert MAX_BYTES == 10 * 1024 * 1024


def test_missing_file_and_folder_are_refused(tmp_path: Path):
    with pytest.raises(DigestError, match="no such file"):
        read_bytes(tmp_path / "absent.md")
    with pytest.raises(DigestError, match="folder"):
        read_bytes(tmp_path)


def test_damaged_utf8_is_refused_not_misread(tmp_path: Path):
    data = bytearray(corpus_text(SAMPLE).encode("utf-8"))
    at = data.index("主".encode())
    data[at + 1] = 0xFF  # break one continuation byte of one character
    with pytest.raises(DigestError, match="invalid UTF-8") as error:
        read_and_parse(write(tmp_path, bytes(data)))
    assert f"byte {at}" in str(error.value)


def test_damaged_utf16_is_refused():
    data = codecs.BOM_UTF16_LE + "标题".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(DigestError, match="invalid UTF-16"):
        decode(data)


def test_text_that_is_no_digest_is_refused(tmp_path: Path):
    path = tmp_path / "shopping.md"
    path.write_text("# 购物清单\n\n- 牛奶\n- 面包\n", encoding="utf-8")
    with pytest.raises(DigestError, match="not a digest"):
        read_and_parse(path)


# -- encodings and line endings that give the same digest --------------------------------


def _encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"])
def test_other_encodings_give_the_same_digest(tmp_path: Path, encoding: str):
    original = corpus_digest(SAMPLE)
    digest = read_and_parse(write(tmp_path, _encoded(corpus_text(SAMPLE), encoding)))
    assert summary(digest) == summary(original)
    assert len(digest.items) == 8
    assert digest.items[0].title == original.items[0].title
    assert (digest.date, digest.date_source) == ("2021-04-25", "heading")


def test_bom_does_not_hide_the_heading():
    digest = parse_bytes(codecs.BOM_UTF8 + (DAY + "1. [t](https://mp.weixin.qq.com/s/x)").encode())
    assert digest.heading_title_text == "公众号内容拓展学习笔记"
    assert digest.date_source == "heading"


def test_crlf_line_endings_give_the_same_digest(tmp_path: Path):
    original = corpus_digest(SAMPLE)
    crlf = corpus_text(SAMPLE).replace("\n", "\r\n").encode("utf-8")
    digest = read_and_parse(write(tmp_path, crlf))
    assert summary(digest) == summary(original)
    assert all("\r" not in item.title for item in digest.items)
    assert all("\r" not in (k.url or "") for item in digest.items for k in item.links)


def test_gb18030_file_of_the_star_rated_zero_width_note(tmp_path: Path):
    # 0307 holds U+200B, which GB18030 can encode: it must still be removed.
    rel = "notes/202103/0307.md"
    original = corpus_digest(rel)
    folder = tmp_path / "notes" / "202103"
    folder.mkdir(parents=True)
    path = folder / "0307.md"
    path.write_bytes(corpus_text(rel).encode("gb18030"))
    digest = read_and_parse(path)
    assert summary(digest) == summary(original)
    assert [item.stars for item in digest.items] == [5, 2, 2]


# -- local images ------------------------------------------------------------------------


def test_missing_local_image_is_reported_and_present_one_is_not(tmp_path: Path):
    text = (
        DAY
        + "1. [t](https://mp.weixin.qq.com/s/x) :star:\n"
        + "   - Abstract: a\n\n"
        + "<div align=center><img src=\"./images/there.png\" style='zoom:100%'>\n</div>\n\n"
        + "2. [u](https://mp.weixin.qq.com/s/y) :star:\n"
        + "   - Abstract: b\n\n"
        + "<div align=center><img src=\"images/gone.gif\" style='zoom:100%'>\n</div>\n"
    )
    path = write(tmp_path, text.encode("utf-8"))
    (path.parent / "images").mkdir()
    (path.parent / "images" / "there.png").write_bytes(PNG)
    digest = read_and_parse(path)
    missing = [(d.line, d.detail) for d in digest.diagnostics if d.code == "local_image_missing"]
    assert missing == [(16, "images/gone.gif")]
    assert [(i.resolved_path, i.is_local) for i in digest.images] == [
        ("images/there.png", True),
        ("images/gone.gif", True),
    ]


def test_local_image_is_not_checked_without_a_path():
    text = DAY + '1. [t](https://mp.weixin.qq.com/s/x)\n<img src="images/gone.gif">\n'
    digest = parse_bytes(text.encode("utf-8"))
    assert "local_image_missing" not in [d.code for d in digest.diagnostics]
    assert digest.images[0].is_local is True
