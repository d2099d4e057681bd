"""Papers' details looked up from the window against a loopback arXiv: Library ▸ Look
up paper details… for 3,000 papers with the event loop never stalled, progress and
Cancel in the status bar, and the lookup after an import (its new papers only) when
Settings ▸ "Look up paper details online" is on, none when it is off."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QLabel

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.ui.lookup_bar import LookupBar
from kbapp.ui.main_window import MainWindow
from kbapp.ui.paper_lookup import LOOKUP_ONLINE
from tests.core.metadata.arxiv_server import ArxivServer
from tests.ui.conftest import Heartbeat, make_window

HEAD = "# 公众号内容拓展学习笔记（2021.11.{day}）\n\n------\n\n## :paperclip:  今日要点\n\n"
ITEM = (
    "{n}. [论文 {id}](https://mp.weixin.qq.com/s/{slug})  :star::star:\n"
    "   - Paper: [Paper {id}](https://arxiv.org/abs/{id})\n"
)


def write_days(folder: Path, days: int, per_day: int, first: int = 0) -> list[str]:
    """`days` digests of `per_day` items, each with a paper of its own; their IDs."""
    ids: list[str] = []
    for day in range(1, days + 1):
        lines = [HEAD.format(day=day)]
        for n in range(1, per_day + 1):
            arxiv_id = f"2111.{first + len(ids):05d}"
            ids.append(arxiv_id)
            lines.append(ITEM.format(n=n, id=arxiv_id, slug=f"s{arxiv_id.replace('.', 'x')}" * 2))
        path = folder / "202111" / f"11{day:02d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(lines), encoding="utf-8")
    return ids


def window_on(qtbot, path: Path, config: Path, online: bool) -> MainWindow:  # type: ignore[no-untyped-def]
    QSettings(str(config), QSettings.Format.IniFormat).setValue(LOOKUP_ONLINE, online)
    window = make_window(qtbot, path, config)
    window.paper_lookup.interval_s = 0.02  # arXiv's 3 s would make 30 requests 90 s
    return window


def asked(server: ArxivServer) -> list[str]:
    return sorted(i for _when, ids, _headers in server.requests for i in ids)


def test_3000_papers_looked_up_with_the_window_responsive(
    qtbot, arxiv: ArxivServer, tmp_path: Path
) -> None:
    ids = write_days(tmp_path / "notes", days=30, per_day=100)
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [tmp_path / "notes"], workers=0)
    window = window_on(qtbot, path, tmp_path / "kbapp.ini", online=False)
    qtbot.waitUntil(lambda: window.startup_finished)  # the first paint is not the lookup's
    qtbot.waitUntil(lambda: window.current_date() == "2021-11-30")
    # As kbapp's start does after the first paint (app._freeze_heap): without it a full
    # collection walks every object the suite's earlier tests left, not one window's.
    gc.collect()
    gc.freeze()
    try:
        heartbeat_through_lookup(qtbot, window, arxiv, ids)
    finally:
        gc.unfreeze()
    window.close()


def heartbeat_through_lookup(qtbot, window: MainWindow, arxiv: ArxivServer, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    heartbeat = Heartbeat()
    heartbeat.start()
    qtbot.waitUntil(lambda: len(heartbeat.gaps) > 30)
    print(f"before: longest gap {heartbeat.longest_ms():.1f} ms")
    heartbeat.gaps.clear()
    with qtbot.waitSignal(window.paper_lookup.finished, timeout=120_000) as blocker:
        window.actions_by_name["look-up-papers"].trigger()
        qtbot.waitUntil(lambda: window.statusBar().findChild(LookupBar) is not None)
    heartbeat.stop()
    assert blocker.args == [3000, 0, 0, False]
    assert len(arxiv.requests) == 30 and asked(arxiv) == ids
    heartbeat.check(limit_ms=100)
    qtbot.waitUntil(lambda: window.statusBar().findChild(LookupBar) is None)
    # No DOI resolver here (tests/conftest.py): the first DOI's refusal fails them all.
    assert window.statusBar().currentMessage() == (
        "Paper details: 3000 found; 3000 DOIs not resolved (tried again later)."
    )
    qtbot.waitUntil(lambda: window.library.metadata.counts().get("ok") == 3000)
    with qtbot.waitSignal(window.paper_lookup.started) as again:
        window.actions_by_name["look-up-papers"].trigger()  # nothing is due now
    assert again.args == [0, True] and len(arxiv.requests) == 30
    assert "already looked up" in window.statusBar().currentMessage()


def test_cancel_stops_between_requests_and_keeps_what_arrived(
    qtbot, arxiv: ArxivServer, tmp_path: Path
) -> None:
    write_days(tmp_path / "notes", days=5, per_day=100)
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [tmp_path / "notes"], workers=0)
    window = window_on(qtbot, path, tmp_path / "kbapp.ini", online=False)
    window.paper_lookup.interval_s = 30.0  # the second request would wait 30 s
    lookup = window.paper_lookup
    with qtbot.waitSignal(lookup.progress, timeout=20_000):
        window.actions_by_name["look-up-papers"].trigger()
    bar = window.statusBar().findChild(LookupBar)
    assert bar is not None
    with qtbot.waitSignal(lookup.finished, timeout=5_000) as blocker:
        bar.cancel_button.click()  # during the 30 s wait: ends at once
    assert blocker.args == [100, 0, 0, True] and len(arxiv.requests) == 1
    assert window.statusBar().currentMessage() == "Paper lookup cancelled: 100 found."
    qtbot.waitUntil(lambda: window.library.metadata.counts().get("ok") == 100)
    assert not lookup.running
    window.close()


def test_an_import_looks_up_its_new_papers_when_the_setting_is_on(
    qtbot, arxiv: ArxivServer, tmp_path: Path
) -> None:
    first = write_days(tmp_path / "a", days=1, per_day=3)
    second = write_days(tmp_path / "b", days=2, per_day=2, first=100)[2:]  # 11-02 is new
    window = window_on(qtbot, tmp_path / "library.sqlite", tmp_path / "kbapp.ini", online=True)
    with qtbot.waitSignal(window.paper_lookup.finished, timeout=20_000) as blocker:
        window.importer.start([tmp_path / "a"])
    assert blocker.args == [3, 0, 0, False] and asked(arxiv) == first
    (tmp_path / "b" / "202111" / "1101.md").unlink()  # 2021-11-01 is a's
    with qtbot.waitSignal(window.paper_lookup.finished, timeout=20_000) as blocker:
        window.importer.start([tmp_path / "b"])
    assert blocker.args == [2, 0, 0, False] and asked(arxiv) == sorted(first + second)
    window.close()


def test_no_lookup_after_an_import_when_the_setting_is_off(
    qtbot, arxiv: ArxivServer, tmp_path: Path
) -> None:
    write_days(tmp_path / "a", days=1, per_day=3)
    window = window_on(qtbot, tmp_path / "library.sqlite", tmp_path / "kbapp.ini", online=False)
    with qtbot.waitSignal(window.importer.finished, timeout=20_000):
        window.importer.start([tmp_path / "a"])
    with qtbot.waitSignal(window.paper_lookup.finished, timeout=5_000):
        with qtbot.waitSignal(window.paper_lookup.started, timeout=5_000) as blocker:
            window.paper_lookup.look_up()  # queued after anything the import would ask
        assert blocker.args == [3, False]  # all three still due: none was asked before
    assert len(arxiv.requests) == 1  # this one
    window.close()


def test_the_setting_says_what_is_sent_and_is_kept(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kbapp.ui.paper_lookup import look_up_online
    from kbapp.ui.settings import SettingsDialog

    settings = QSettings(str(tmp_path / "kbapp.ini"), QSettings.Format.IniFormat)
    assert look_up_online(settings)  # on by default
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    box = dialog.findChild(QCheckBox, "lookUpPapers")
    assert box is not None and box.isChecked()
    hints = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "arXiv IDs and DOIs, nothing else" in hints and "Look up paper details" in hints
    box.setChecked(False)
    dialog.accept()
    assert not look_up_online(settings)
