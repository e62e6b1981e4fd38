"""The report documents as tagged PDF (PDF/UA), styled by the same stylesheet as the printable page."""

from __future__ import annotations

from pathlib import Path

PRINT_CSS = Path(__file__).parent / "static" / "reports" / "print.css"


def document_pdf(html: str) -> bytes:
    """``html`` (``reports/document_print.html`` rendered with ``pdf`` true) as a PDF."""
    from weasyprint import CSS, HTML

    pdf: bytes = HTML(string=html).write_pdf(
        pdf_variant="pdf/ua-1", stylesheets=[CSS(filename=str(PRINT_CSS))]
    )
    return pdf
