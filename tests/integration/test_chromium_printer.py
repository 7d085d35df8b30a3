"""The running browser that prints PDFs: Debian's Chromium over its DevTools pipe."""

from __future__ import annotations

import io
import os
import signal

import pytest
from pypdf import PdfReader

from analysis.batch import pdf
from analysis.batch.chromium import ChromiumPrinter
from analysis.batch.pdf import find_chromium
from analysis.errors import BuildError

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (/usr/bin/chromium)"
)

_PAGE = """<!doctype html><html lang="th"><head><meta charset="utf-8"><title>ทดสอบ</title>
<style>@page { size: A4; margin: 20mm; } h1 { break-before: page; }</style></head>
<body><h1 id="one">หนึ่ง</h1><p>ข้อความ <span class="n">?</span></p>
<h1 id="two">สอง</h1><a href="#one">กลับ</a></body></html>"""


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


@needs_chromium
def test_prints_pages_in_turn_and_edits_the_loaded_page(tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text(_PAGE, encoding="utf-8")
    with ChromiumPrinter(CHROMIUM, timeout=60) as printer:
        printer.load(page)
        first = printer.print_pdf()
        reader = PdfReader(io.BytesIO(first))
        assert len(reader.pages) == 2  # the @page rules and page breaks of the page apply
        assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
        assert "one" in {str(k).lstrip("/") for k in reader.named_destinations}
        assert printer.evaluate("document.querySelector('.n').textContent = '42'; 7") == 7
        assert "42" in _text(printer.print_pdf()) and "42" not in _text(first)
        printer.load(page)  # a second page (here the same one) in the same browser
        assert "42" not in _text(printer.print_pdf())
        with pytest.raises(BuildError, match="script in the printed page failed"):
            printer.evaluate("no_such_function()")
    printer.close()  # closing twice is harmless


@needs_chromium
def test_a_browser_that_died_is_an_error_not_a_hang(tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text(_PAGE, encoding="utf-8")
    printer = ChromiumPrinter(CHROMIUM, timeout=30)
    try:
        os.kill(printer._pid, signal.SIGKILL)
        with pytest.raises(BuildError, match="Chromium"):
            printer.load(page)
    finally:
        printer.close()


def test_a_missing_executable_is_a_build_error(tmp_path) -> None:
    with pytest.raises(BuildError, match="could not be started"):
        ChromiumPrinter(str(tmp_path / "no-chromium"))


def test_a_failed_browser_is_replaced_and_every_browser_closed(monkeypatch, tmp_path) -> None:
    made: list[_FakePrinter] = []

    class _FakePrinter:
        def __init__(self, chromium: str) -> None:
            self.closed = False
            made.append(self)

        def close(self) -> None:
            self.closed = True

    def fake_print(page, lang, *, chromium, printer):
        if page.name == "bad.html":
            raise BuildError("Chromium closed its DevTools pipe")
        return b"%PDF", {"x": 1}

    monkeypatch.setattr(pdf, "ChromiumPrinter", _FakePrinter)
    monkeypatch.setattr(pdf, "print_town_pdf", fake_print)
    with pdf._Printers("chromium") as printers:
        assert printers.print_town(tmp_path / "a.html", "th") == (b"%PDF", {"x": 1})
        with pytest.raises(BuildError):
            printers.print_town(tmp_path / "bad.html", "th")
        assert len(made) == 1 and made[0].closed  # the failed browser is not reused
        printers.print_town(tmp_path / "b.html", "en")
        assert len(made) == 2 and not made[1].closed
    assert all(p.closed for p in made)
