"""HTML + CSS → PDF with WeasyPrint. The only module that imports WeasyPrint."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

FONT_FAMILY = "DejaVu Sans"  # Debian fonts-dejavu-core: every Polish glyph


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


def render_html(kind: str, snapshot: dict[str, Any], *, public_id: str, version: int) -> str:
    with translation.override("pl"):
        return render_to_string(
            f"documents/{kind}.html",
            {
                "h": snapshot["header"],
                "d": snapshot["data"],
                "footer": (
                    f"{snapshot['header']['form_code']} · nr dokumentu {public_id} · "
                    f"wersja {version} · skrót {snapshot_hash(kind, snapshot)[:12]}"
                ),
                "font_family": FONT_FAMILY,
            },
        )


def html_to_pdf(html: str) -> tuple[bytes, int]:
    from weasyprint import HTML

    document = HTML(string=html).render()
    return document.write_pdf(), len(document.pages)


def render(kind: str, snapshot: dict[str, Any], *, public_id: str, version: int) -> Rendered:
    pdf, pages = html_to_pdf(render_html(kind, snapshot, public_id=public_id, version=version))
    return Rendered(pdf=pdf, pages=pages, sha256=hashlib.sha256(pdf).hexdigest())
