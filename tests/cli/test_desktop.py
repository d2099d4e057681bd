"""The menu entry and the app icon: real files under a temporary XDG data folder, checked
by the desktop's own validator."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from kbapp import desktop
from kbapp.cli import main
from kbapp.ui.app import DESKTOP_ID

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
ICONS = RESOURCES / "icons"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`$XDG_DATA_HOME` in tmp_path, with files of other apps already there."""
    data = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "org.example.Other.desktop").write_text("[Desktop Entry]\n")
    (data / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    (data / "icons" / "hicolor" / "48x48" / "apps" / "org.example.Other.png").write_bytes(b"x")
    return data


def validate(path: Path) -> None:
    """desktop-file-validate must accept the file without a word (errors, warnings, hints)."""
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is absent (apt-get install desktop-file-utils)")
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def files_below(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "mimeinfo.cache"  # update-desktop-database's
    }


def entry_values(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def exec_arguments(value: str) -> list[str]:
    """Split an Exec value as a launcher does (Desktop Entry spec): string escapes first,
    then double-quoted arguments with backslash escapes inside, `%%` a literal percent."""
    value = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t"}.get(m[1], m[1]), value)
    arguments = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', value)
    return [
        (re.sub(r"\\(.)", r"\1", quoted) if quoted else plain).replace("%%", "%")
        for quoted, plain in arguments
    ]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_install_puts_the_entry_and_icons_in_the_menu(home: Path) -> None:
    change = desktop.install()

    entry = home / "applications" / "io.github.kbapp.desktop"
    assert entry in change.files and entry.is_file()
    validate(entry)
    values = entry_values(entry.read_text("utf-8"))
    assert (values["Icon"], values["StartupWMClass"]) == (DESKTOP_ID, "kbapp")
    assert values["MimeType"] == "text/markdown;"
    program, field = exec_arguments(values["Exec"])
    assert field == "%F" and Path(program) == change.program == Path(values["TryExec"])
    assert Path(program).is_absolute() and os.access(program, os.X_OK)
    assert Path(program).name == "kbapp"
    for size in desktop.ICON_SIZES:
        icon = home / f"icons/hicolor/{size}x{size}/apps/{DESKTOP_ID}.png"
        assert png_size(icon.read_bytes()) == (size, size)
    svg = home / f"icons/hicolor/scalable/apps/{DESKTOP_ID}.svg"
    assert svg.read_bytes() == (ICONS / "kbapp.svg").read_bytes()
    assert len(change.files) == len(desktop.ICON_SIZES) + 2


def test_the_entry_starts_a_program_whose_path_needs_quoting(home: Path) -> None:
    program = home.parent / 'my "apps" $HOME 100%' / "kbapp`s \\ (test)"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)

    desktop.install(program)

    entry = home / "applications" / "io.github.kbapp.desktop"
    validate(entry)
    values = entry_values(entry.read_text("utf-8"))
    assert exec_arguments(values["Exec"]) == [str(program), "%F"]


def test_install_refuses_a_program_that_is_not_there(home: Path) -> None:
    with pytest.raises(desktop.DesktopError, match="not a program"):
        desktop.install(home / "missing" / "kbapp")
    assert not (home / "applications" / "io.github.kbapp.desktop").exists()


def test_uninstall_removes_what_install_wrote_and_nothing_else(home: Path) -> None:
    before = files_below(home)
    written = desktop.install().files

    removed = desktop.uninstall().files

    assert sorted(removed) == sorted(written)
    assert files_below(home) == before
    cache = home / "applications" / "mimeinfo.cache"
    if cache.exists():  # update-desktop-database ran: kbapp is out of it again
        assert DESKTOP_ID not in cache.read_text("utf-8")
    assert desktop.uninstall().files == []


def test_installing_again_changes_nothing(home: Path) -> None:
    desktop.install()
    first = files_below(home)

    desktop.install()

    assert files_below(home) == first


def test_a_relative_xdg_data_home_is_ignored(tmp_path: Path) -> None:
    environ = {"XDG_DATA_HOME": "relative/share"}
    assert desktop.data_home(environ) == Path.home() / ".local" / "share"
    assert desktop.data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path


def test_the_commands_install_and_uninstall(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def run(*argv: str) -> int:
        return main(argv)

    assert run("desktop", "install") == 0
    out = capsys.readouterr().out
    assert f"wrote {home}/applications/io.github.kbapp.desktop" in out
    assert run("desktop", "install", "--program", str(home / "nowhere")) == 2
    assert "not a program" in capsys.readouterr().err
    assert run("desktop", "uninstall") == 0
    assert f"removed {home}/icons/hicolor/scalable/apps/{DESKTOP_ID}.svg" in capsys.readouterr().out
    assert not (home / "applications" / "io.github.kbapp.desktop").exists()


def test_the_packagers_template_is_valid_and_matches_the_app(tmp_path: Path) -> None:
    template = RESOURCES / f"{DESKTOP_ID}.desktop"
    assert desktop.DESKTOP_ID == DESKTOP_ID
    validate(template)
    values = entry_values(template.read_text("utf-8"))
    assert values["Exec"] == "kbapp %F" and values["Icon"] == DESKTOP_ID


def test_the_icon_pngs_have_their_sizes() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert png_size((ICONS / f"kbapp-{size}.png").read_bytes()) == (size, size)
    svg = ElementTree.parse(ICONS / "kbapp.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 128 128"


def test_the_ico_holds_each_size_up_to_256() -> None:
    data = (ICONS / "kbapp.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        image = data[offset : offset + length]
        side = width or 256  # 0 means 256
        assert (height or 256, planes, bits) == (side, 1, 32)
        assert png_size(image) == (side, side)
        sizes.append(side)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_the_icns_holds_png_elements_for_every_mac_size() -> None:
    data = (ICONS / "kbapp.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    elements, offset = {}, 8
    while offset < len(data):
        kind, length = (
            data[offset : offset + 4],
            struct.unpack(">I", data[offset + 4 : offset + 8])[0],
        )
        elements[kind.decode()] = png_size(data[offset + 8 : offset + length])[0]
        offset += length
    assert offset == len(data)
    assert elements == {
        "icp4": 16, "icp5": 32, "icp6": 64, "ic07": 128, "ic08": 256, "ic09": 512,
        "ic10": 1024, "ic11": 32, "ic12": 64, "ic13": 256, "ic14": 512,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("kbapp.ico", [16, 24, 32, 48, 64, 128, 256]),
        ("kbapp.icns", [16, 32, 64, 128, 256, 512, 1024, 32, 64, 256, 512]),
    ],
)
def test_qt_reads_every_image_of_the_ico_and_icns(
    qapp: object, name: str, sizes: list[int]
) -> None:
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(ICONS / name))
    read = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull() and image.width() == image.height()
        read.append(image.width())
    assert read == sizes
