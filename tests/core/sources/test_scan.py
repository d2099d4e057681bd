"""A source's scan reads only what changed, by size and modification time: an unchanged
folder reads nothing, an edited file is read again, a file still being written waits for
the next scan, a deleted file's day stays."""

from __future__ import annotations

import os
from pathlib import Path

from kbapp.core.sources.scan import scan
from kbapp.core.store.library import Library

DAY = (
    "# 公众号内容拓展学习笔记（2021.11.{d}）\n\n## :paperclip:  今日要点\n\n"
    "1. [第{d}天](https://mp.weixin.qq.com/s/day{d}xxxxxxxxxxxxxxxx)  :star::star:\n"
)


def write_day(folder: Path, day: int, extra: str = "", age_s: float = 60.0) -> Path:
    path = folder / "202111" / f"11{day:02d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DAY.format(d=day) + extra, encoding="utf-8")
    when = path.stat().st_mtime - age_s  # written a while ago, settled
    os.utime(path, (when, when))
    return path


def test_only_what_changed_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    for day in (1, 2, 3):
        write_day(folder, day)
    with Library(tmp_path / "library.sqlite") as library:
        library.sources.add(str(folder), "folder")
        first = scan(library, folder)
        assert (first.files, first.read, first.new_dates) == (
            3, 3, ["2021-11-01", "2021-11-02", "2021-11-03"],
        )  # fmt: skip
        again = scan(library, folder)
        assert (again.files, again.read, again.report) == (3, 0, None)  # nothing read

        write_day(folder, 2, "2. [又一篇](https://mp.weixin.qq.com/s/more2xxxxxxxxxxxxxx)\n")
        edited = scan(library, folder)
        assert edited.read == 1 and edited.report is not None
        assert [o.status.value for o in edited.report.outcomes] == ["updated"]
        assert len(library.digests.items_for_date("2021-11-02")) == 2

        fresh = write_day(folder, 4, age_s=0.0)  # just written: perhaps not finished
        waiting = scan(library, folder, settle_s=5.0)
        assert waiting.fresh == [fresh] and waiting.read == 0
        assert "2021-11-04" not in library.digests.dates()
        assert scan(library, folder).new_dates == ["2021-11-04"]  # its turn came

        (folder / "202111" / "1101.md").unlink()
        gone = scan(library, folder)
        assert gone.files == 3 and gone.read == 0
        assert "2021-11-01" in library.digests.dates()  # its day stays
        assert str(folder / "202111" / "1101.md") not in library.sources.file_stats(str(folder))
        assert sorted(Path(p).name for p in gone.folders) == ["202111", "digests"]
        assert library.sources.get(str(folder)).last_scan_at is not None  # type: ignore[union-attr]


def test_a_gone_folder_is_said_and_its_days_stay(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    write_day(folder, 1)
    with Library(tmp_path / "library.sqlite") as library:
        library.sources.add(str(folder), "folder")
        scan(library, folder)
        (folder / "202111" / "1101.md").unlink()
        (folder / "202111").rmdir()
        folder.rmdir()
        result = scan(library, folder)
        assert result.error == "the folder is gone (moved or deleted)"
        assert library.digests.dates() == ["2021-11-01"]
        row = library.sources.get(str(folder))
        assert row is not None and row.last_error == result.error
