"""HTML + CSS → PDF with WeasyPrint. The only module that imports WeasyPrint."""

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import select_template
from django.utils import translation

FONT_FAMILY = "DejaVu Sans"  # Debian fonts-dejavu-core: every Polish glyph
STYLESHEET = Path(__file__).with_name("document.css")  # every statutory document


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    sha256: str


def snapshot_hash(kind: str, snapshot: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a snapshot: the short hash in the footer."""
    canonical = json.dumps(
        {"kind": kind, "snapshot": snapshot},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def template_names(kind: str, edition: str) -> list[str]:
    """Where the template of document ``kind`` of form edition ``edition`` is looked for, in
    order: the edition's own folder, then the templates every edition shares
    (docs/documents.md)."""
    return [f"documents/{edition}/{kind}.html", f"documents/shared/{kind}.html"]


def render_html(kind: str, snapshot: dict[str, Any], *, public_id: str, version: int) -> str:
    """The HTML of a document: the template of its kind for the edition recorded in its
    snapshot, filled with the snapshot only."""
    template = select_template(template_names(kind, snapshot["header"]["edition"]))
    with translation.override("pl"):
        return template.render(
            {
                "h": snapshot["header"],
                "d": snapshot["data"],
                "footer": (
                    f"{snapshot['header']['form_code']} · nr dokumentu {public_id} · "
                    f"wersja {version} · skrót {snapshot_hash(kind, snapshot)[:12]}"
                ),
            },
        )


def _url_fetcher() -> Any:
    """A fetcher that refuses every URL: a document loads nothing (no images, no remote
    stylesheets; fonts come from Fontconfig), so nothing with personal data leaves the
    machine. One per thread: WeasyPrint's default builds a fetcher with an SSL context —
    reading every system CA certificate, about 25 ms — for each document (WeasyPrint 70)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=())


class _Shared(threading.local):
    """What every render of one thread of one process reuses: the URL fetcher, the
    Fontconfig/Pango font configuration and the parsed document stylesheet. Pango objects are
    not shared between threads, and a process created by fork builds its own."""

    pid: int | None = None

    def get(self) -> tuple[Any, Any, Any]:
        if self.pid != os.getpid():
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            self.url_fetcher = _url_fetcher()
            self.font_config = FontConfiguration()
            self.stylesheet = CSS(
                string=STYLESHEET.read_text(encoding="utf-8"),
                font_config=self.font_config,
                url_fetcher=self.url_fetcher,
            )
            self.pid = os.getpid()
        return self.url_fetcher, self.font_config, self.stylesheet


_shared = _Shared()


def html_to_pdf(html: str, *, document_stylesheet: bool = False) -> tuple[bytes, int]:
    """PDF and page count of ``html``; with ``document_stylesheet`` the shared stylesheet of
    the statutory documents is applied as well."""
    from weasyprint import HTML

    url_fetcher, font_config, stylesheet = _shared.get()
    document = HTML(string=html, url_fetcher=url_fetcher).render(
        font_config=font_config,
        stylesheets=[stylesheet] if document_stylesheet else None,
    )
    return document.write_pdf(), len(document.pages)


def render(kind: str, snapshot: dict[str, Any], *, public_id: str, version: int) -> Rendered:
    pdf, pages = html_to_pdf(
        render_html(kind, snapshot, public_id=public_id, version=version),
        document_stylesheet=True,
    )
    return Rendered(pdf=pdf, pages=pages, sha256=hashlib.sha256(pdf).hexdigest())
