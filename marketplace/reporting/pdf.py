"""Report PDFs with WeasyPrint, fast: per-process shared state, and an optional process pool.

WeasyPrint dominates the cost of a report, so per process we keep one FontConfiguration and the
report CSS parsed once (passed as a stylesheet, not re-parsed from a <style> block per document),
and the fetcher serves only data: URLs (a report never loads anything from the network or disk).

This module needs no app context or database, so it also runs in pool workers (`PdfRenderer`):
the parent process claims, computes figures, renders HTML and stores results; the workers only turn
HTML into PDF bytes. The database stays in one process, so the pool works on SQLite as well.
"""

import multiprocessing
import re
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

_settings: dict[str, str] = {}
# The shared FontConfiguration (and Pango under it) is not thread-safe: two threads laying out at
# once can spin forever. The scheduler runs jobs in threads, so one PDF at a time per process;
# parallelism comes from the process pool.
_render_lock = threading.Lock()
_WHITESPACE = re.compile(r"\n\s+")
_SCREEN_ONLY = re.compile(r"<!--screen-only-->.*?<!--/screen-only-->", re.DOTALL)


def configure(css: str, base_url: str) -> None:
    """Set the CSS and base URL of this process (the pool initializer, or the serial path)."""
    _settings["css"], _settings["base_url"] = css, base_url


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=1)
def _url_fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


@lru_cache(maxsize=1)
def _report_html():
    """WeasyPrint's HTML with a user-agent stylesheet for report elements only (report_ua.css).

    The stock one has rules for all of HTML, matched against every element of every document;
    reports use about twenty elements, and the small stylesheet makes each PDF ~15% cheaper.
    """
    from weasyprint import CSS, HTML

    user_agent = CSS(
        string=Path(__file__).with_name("report_ua.css").read_text(),
        font_config=_font_config(),
        url_fetcher=_url_fetcher(),
    )

    class ReportHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [user_agent]

    return ReportHTML


@lru_cache(maxsize=4)
def _stylesheet(css: str):
    from weasyprint import CSS

    return CSS(string=css, font_config=_font_config(), url_fetcher=_url_fetcher())


def render(html: str) -> bytes:
    """The PDF of a report document rendered without inline CSS (see builder.pdf_document)."""
    html = _WHITESPACE.sub("\n", html)  # same rendering (whitespace collapses); faster parse
    html = _SCREEN_ONLY.sub("", html)  # chart data tables for screen readers (charts.py)
    with _render_lock:
        document = _report_html()(
            string=html, base_url=_settings["base_url"], url_fetcher=_url_fetcher()
        )
        return document.write_pdf(
            stylesheets=[_stylesheet(_settings["css"])], font_config=_font_config()
        )


def _warm_up() -> None:
    """Load fonts and the stylesheet in a fresh worker before the first real document."""
    render('<p class="report">0</p>')


def _init_worker(css: str, base_url: str) -> None:
    configure(css, base_url)
    _warm_up()


class PdfRenderer:
    """Renders PDFs inline (workers <= 1) or in a pool of `workers` processes; submit() -> Future.

    The pool uses the "spawn" start method: workers inherit no database connections, locks or
    threads of the parent (the scheduler process runs jobs in threads).
    """

    def __init__(self, css: str, base_url: str, workers: int = 1):
        configure(css, base_url)
        self.workers = max(1, int(workers))
        self._pool = None
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(css, base_url),
            )

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def submit(self, html: str) -> Future:
        if self._pool is not None:
            return self._pool.submit(render, html)
        future: Future = Future()
        try:
            future.set_result(render(html))
        except Exception as error:  # noqa: BLE001 (reported through the future, like the pool)
            future.set_exception(error)
        return future

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> "PdfRenderer":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)
