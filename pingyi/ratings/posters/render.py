"""Rendering a window's QR poster as SVG (segno) and as an A4 PDF (WeasyPrint), with nothing fetched remotely.

The QR code encodes ``f"{settings.SITE_URL}/r/{token}"``; the same URL is printed below it so that a citizen without
a scanner can type it. Both formats show the window, unit, hall, posted hours, the poster version and its expiry.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html import escape

import segno
from django.conf import settings

from pingyi.catalog.hours import format_hours
from pingyi.documents.render import pdf_render
from pingyi.ratings.models import QrPoster

# Error correction M survives a scratch or a fold without making the code too dense for old phones.
QR_ERROR = "m"
QR_BORDER = 4
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK', sans-serif"
_PATH = re.compile(r"<path[^>]*/>")


def poster_url(poster: QrPoster) -> str:
    return f"{settings.SITE_URL}/r/{poster.token}"


def qr_code(poster: QrPoster) -> segno.QRCode:
    return segno.make(poster_url(poster), error=QR_ERROR, micro=False)


@dataclass(frozen=True)
class PosterText:
    """What the poster says besides the QR code."""

    window: str
    unit: str
    hall: str
    hours: str
    version: str
    expires: str
    url: str


def poster_text(poster: QrPoster) -> PosterText:
    window = poster.window
    hours = format_hours(list(window.hours.all())) or "以大厅公示为准"
    return PosterText(
        window=f"{window.code} {window.name}",
        unit=window.unit.name,
        hall=window.hall.name,
        hours=hours,
        version=f"第 {poster.version} 版",
        expires=f"有效期至 {poster.expires_on:%Y-%m-%d}",
        url=poster_url(poster),
    )


def _qr_path(poster: QrPoster) -> tuple[str, int]:
    """The QR code as one SVG <path> in module units (border included), and its size in modules."""
    qr = qr_code(poster)
    size = int(qr.symbol_size(border=QR_BORDER)[0])
    match = _PATH.search(qr.svg_inline(border=QR_BORDER, scale=1))
    assert match is not None
    return match.group(0), size


def qr_svg(poster: QrPoster, *, size_mm: float = 110) -> str:
    """A standalone SVG of the QR code alone (for the PDF, where the text is HTML)."""
    path, modules = _qr_path(poster)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_mm}mm" height="{size_mm}mm" '
        f'viewBox="0 0 {modules} {modules}"><rect width="{modules}" height="{modules}" fill="#fff"/>{path}</svg>'
    )


def _wrap(text: str, width: int) -> list[str]:
    """Split a line of CJK text into chunks of at most ``width`` characters (SVG text does not wrap)."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def poster_svg(poster: QrPoster) -> str:
    """The printable poster as one SVG (A4 portrait, millimetre units)."""
    text = poster_text(poster)
    path, modules = _qr_path(poster)
    qr_mm = 120.0
    scale = qr_mm / modules
    qr_x, qr_y = (210 - qr_mm) / 2, 74.0
    lines: list[str] = []

    def line(y: float, value: str, size: float, *, weight: int = 400, fill: str = "#1f2328") -> None:
        lines.append(
            f'<text x="105" y="{y:.1f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
            f'text-anchor="middle">{escape(value)}</text>'
        )

    line(24, "请您评价我们的服务", 11, weight=700, fill="#8f1d17")
    line(33, "微信或手机相机扫码 · 无需登录 · 好差评都可以", 5)
    y = 47.0
    for chunk in _wrap(text.window, 18):
        line(y, chunk, 8.5, weight=700)
        y += 9.5
    line(y, f"{text.unit} · {text.hall}", 5.5, fill="#5b636d")
    y = qr_y + qr_mm + 10
    for chunk in _wrap(f"办公时间：{text.hours}", 34):
        line(y, chunk, 5)
        y += 7
    line(y + 2, f"{text.version} · {text.expires}", 5.5, weight=700)
    line(y + 11, text.url, 4.5, fill="#1f5fa8")
    line(282, "您的电话仅用于回访核实，不会提供给被评价的工作人员。", 3.8, fill="#5b636d")
    line(288, "二维码过期或停用时请以窗口最新张贴的为准，也可拨打12345热线。", 3.8, fill="#5b636d")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297" '
        f'font-family="{escape(FONT_FAMILY)}" data-url="{escape(text.url)}">'
        f"<title>{escape(text.window)} 评价二维码</title>"
        '<rect width="210" height="297" fill="#fff"/>'
        '<rect x="6" y="6" width="198" height="285" fill="none" stroke="#8f1d17" stroke-width="1.2"/>'
        + "".join(lines)
        + f'<g transform="translate({qr_x:.2f} {qr_y:.2f}) scale({scale:.5f})">{path}</g>'
        + "</svg>\n"
    )


def poster_pdf(poster: QrPoster) -> bytes:
    """The printable poster as an A4 PDF (documents.render: fontconfig fonts, data: URLs only); the QR code is inline."""
    qr = base64.b64encode(qr_svg(poster).encode()).decode()
    return pdf_render(
        "ratings/poster_pdf.html",
        {"text": poster_text(poster), "qr_data_url": f"data:image/svg+xml;base64,{qr}"},
    )
