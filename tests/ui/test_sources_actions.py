"""Library ▸ Update sources pulls a git source and imports its new day; an unreachable
upstream is said in plain words and changes nothing; Settings pull it at start and every
N hours, or never; the first import of a folder offers it as a source, and File ▸ Add
source folder… remembers one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QMessageBox, QSpinBox

from kbapp.core.sources.scan import ScanResult, scan
from kbapp.core.store.library import Library
from kbapp.ui.settings import SettingsDialog
from tests.cli.test_sources import commit_day, git, upstream  # noqa: F401 (a fixture)
from tests.ui.conftest import make_window

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def checkout(upstream: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path, Path]:  # noqa: F811
    """(the user's clone of the upstream, the author's working copy, the bare upstream)."""
    bare, work = upstream
    source = tmp_path / "dairly_learning"
    git(tmp_path, "clone", "-q", str(bare), str(source))
    return source, work, bare


def test_update_sources_pulls_and_a_gone_upstream_changes_nothing(
    qtbot, checkout: tuple[Path, Path, Path], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source, work, bare = checkout
    path = tmp_path / "library.sqlite"
    window = make_window(qtbot, path, tmp_path / "kbapp.ini")
    window.sources.add_folder(source)
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-11-02").isValid(), timeout=5000)
    assert window.library.sources.get(str(source.resolve())).kind == "git"  # type: ignore[union-attr]

    commit_day(work, 3)
    window.actions_by_name["update-sources"].trigger()
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-11-03").isValid(), timeout=10_000)
    assert window.statusBar().currentMessage() == "1 new day from dairly_learning"

    commit_day(work, 4)
    bare.rename(tmp_path / "moved.git")
    head = git(source, "rev-parse", "HEAD")
    window.actions_by_name["update-sources"].trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "sourcesNotUpdated") is not None,
                    timeout=10_000)  # fmt: skip
    box = window.findChild(QMessageBox, "sourcesNotUpdated")
    assert box.text() == (
        "dairly_learning: the remote repository could not be reached (no network, or it moved)"
    )
    assert git(source, "rev-parse", "HEAD") == head
    assert not window.model.index_for_date("2021-11-04").isValid()
    box.close()
    window.close()


def test_the_first_import_of_a_folder_offers_to_watch_it(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "notes"
    (folder / "202111").mkdir(parents=True)
    (folder / "202111" / "1120.md").write_text(
        "# 公众号内容拓展学习笔记（2021.11.20）\n\n## :paperclip:  今日要点\n\n"
        "1. [一篇](https://mp.weixin.qq.com/s/offerxxxxxxxxxxxxxxxxx)  :star:\n",
        encoding="utf-8",
    )
    window = make_window(qtbot, tmp_path / "library.sqlite", tmp_path / "kbapp.ini")
    qtbot.waitUntil(lambda: window.startup_finished)
    window.library_actions.import_folder_path(folder)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "offerSource") is not None, timeout=5000)
    box = window.findChild(QMessageBox, "offerSource")
    [watch] = [b for b in box.buttons() if b.text() == "Watch this folder"]
    watch.click()
    qtbot.waitUntil(lambda: str(folder.resolve()) in window.sources.sources, timeout=5000)
    with Library(tmp_path / "library.sqlite") as library:
        assert [row.path for row in library.sources.all()] == [str(folder.resolve())]
    window.close()


def test_git_sources_are_pulled_on_the_schedule_settings_choose(
    qtbot, checkout: tuple[Path, Path, Path], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source, work, _bare = checkout
    path, config = tmp_path / "library.sqlite", tmp_path / "kbapp.ini"
    with Library(path) as library:
        library.sources.add(str(source.resolve()), "git")
        scan(library, source.resolve())
    commit_day(work, 3)
    head = git(source, "rev-parse", "HEAD")

    window = make_window(qtbot, path, config)  # the default: never by itself
    scans: list[ScanResult] = []
    window.sources.scanned.connect(scans.extend)
    qtbot.waitUntil(lambda: bool(scans), timeout=5000)
    assert git(source, "rev-parse", "HEAD") == head
    assert not window.model.index_for_date("2021-11-03").isValid()
    assert not window.sources.schedule.isActive()
    window.close()

    settings = QSettings(str(config), QSettings.Format.IniFormat)
    settings.setValue("sources/update", "hours")
    settings.setValue("sources/update_hours", 2)
    settings.sync()
    window = make_window(qtbot, path, config)  # at start, then every two hours
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-11-03").isValid(), timeout=10_000)
    assert window.sources.schedule.isActive()
    assert window.sources.schedule.interval() == 2 * 3600 * 1000
    commit_day(work, 4)
    window.sources.schedule.timeout.emit()  # two hours later
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-11-04").isValid(), timeout=10_000)
    assert window.findChild(QMessageBox, "sourcesNotUpdated") is None
    bar = window.statusBar()
    bar.showMessage("Reading 2021-11-04, a long day…")  # the schedule's pull says nothing
    with qtbot.waitSignal(window.sources.scanned, timeout=10_000):
        window.sources.schedule.timeout.emit()  # nothing new upstream
        assert bar.currentMessage() == "Reading 2021-11-04, a long day…"
    assert bar.currentMessage() == "Reading 2021-11-04, a long day…"

    window.library_actions.show_settings()  # Settings ▸ Update git sources: Never
    dialog = window.findChild(SettingsDialog)
    hours = dialog.findChild(QSpinBox, "sourceUpdateHours")
    assert hours.isEnabled() and hours.value() == 2
    choice = dialog.findChild(QComboBox, "sourceUpdates")
    choice.setCurrentIndex(choice.findData("never"))
    assert not hours.isEnabled()
    dialog.accept()
    assert not window.sources.schedule.isActive()
    assert settings.value("sources/update") == "never"
    window.close()
