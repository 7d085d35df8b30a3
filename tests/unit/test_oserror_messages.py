"""A full disk or an unwritable folder is one line naming the path, never a traceback
(issue 16, item 12: build and site).

A failed ``write()`` raises an :class:`OSError` without a file name; the atomic writer
every output goes through names its target, and the command line turns any
:class:`OSError` into ``ecoplan <command>: error: <path>: cannot write (...): <what to do>``.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from analysis.batch.outputs import OutputWriter
from analysis.cli import main, os_error_message
from analysis.store.atomic import atomic_path, atomic_write_text

NO_SPACE = os.strerror(errno.ENOSPC)


def _full_disk(monkeypatch: pytest.MonkeyPatch, under: Path) -> None:
    """Make every ``Path.write_bytes``/``write_text`` below ``under`` fail like a full disk."""
    real_bytes, real_text = Path.write_bytes, Path.write_text

    def check(path: Path) -> None:
        if Path(path).resolve().is_relative_to(under.resolve()):
            raise OSError(errno.ENOSPC, NO_SPACE)  # as write() raises it: no file name

    def write_bytes(self: Path, data: bytes) -> int:
        check(self)
        return real_bytes(self, data)

    def write_text(self: Path, data: str, *args: object, **kwargs: object) -> int:
        check(self)
        return real_text(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    monkeypatch.setattr(Path, "write_text", write_text)


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.ENOSPC, "the disk is full: free space"),
        (errno.EDQUOT, "quota"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "permission denied"),
        (errno.EPERM, "not permitted"),
        (errno.ENOENT, "check the path"),
    ],
)
def test_message_names_the_path_and_what_to_do(code: int, advice: str) -> None:
    line = os_error_message(OSError(code, os.strerror(code), "/srv/reports/site/index.html"))
    assert line.startswith("/srv/reports/site/index.html: cannot ")
    assert os.strerror(code) in line and advice in line
    assert "\n" not in line


def test_message_without_a_file_name_and_from_library_text() -> None:
    assert "the system named no file" in os_error_message(OSError(errno.ENOSPC, NO_SPACE))
    # pyarrow puts the errno only in its text
    exc = OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")
    assert "the disk is full" in os_error_message(exc)
    renamed = OSError(errno.EXDEV, os.strerror(errno.EXDEV), "/a/x.tmp", None, "/b/x")
    assert os_error_message(renamed).startswith("/a/x.tmp -> /b/x: ")


def test_atomic_writer_names_its_target_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OSError, match="No space") as info, atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(errno.ENOSPC, NO_SPACE)
    assert info.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def test_output_writer_names_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _full_disk(monkeypatch, tmp_path)
    target = tmp_path / "site" / "towns" / "t" / "th" / "a.html"
    with pytest.raises(OSError) as info:
        OutputWriter().write_text(target, "<p>page</p>")
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)


def _stage_writing(kind: str, reports: Path):
    """A stand-in for the build or site stage that writes its first page, as they do."""

    def stage(*_args: object, **_kwargs: object) -> None:
        if kind == "site":
            OutputWriter().write_text(reports / "site" / "index.html", "<html></html>")
        else:
            atomic_write_text(reports / "run.json", "{}")

    return stage


@pytest.mark.parametrize(
    ("command", "argv", "module", "name"),
    [
        ("site", ["site"], "analysis.site.index", "build_site"),
        ("build", ["build", "--town", "takhli"], "analysis.batch.executor", "build"),
    ],
)
def test_full_disk_is_one_line_for_build_and_site(
    command: str,
    argv: list[str],
    module: str,
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import importlib  # noqa: PLC0415

    reports = tmp_path / "reports"
    monkeypatch.setenv("ECOPLAN_REPORTS_DIR", str(reports))
    monkeypatch.setattr(importlib.import_module(module), name, _stage_writing(command, reports))
    _full_disk(monkeypatch, reports)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"ecoplan {command}: error: {reports}")
    assert "cannot write (No space left on device)" in lines[0]
    assert "free space" in lines[0]


def test_unwritable_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    monkeypatch.setenv("ECOPLAN_REPORTS_DIR", str(reports))

    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(reports / "site"))

    monkeypatch.setattr("analysis.site.index.build_site", denied)
    assert main(["site"]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith(f"ecoplan site: error: {reports / 'site'}: cannot write")
    assert "permission denied" in line and "\n" not in line
