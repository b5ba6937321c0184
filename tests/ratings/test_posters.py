"""QR posters: a new version retires the old code, is audited once, and prints the right QR code and text."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import segno
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.ratings.formtoken import FIELD, issue
from pingyi.ratings.models import QrPoster, Rating
from pingyi.ratings.posters.render import QR_BORDER, QR_ERROR
from pingyi.ratings.posters.services import poster_issue

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _issue(world, who: str = "unit_a", window=None):
    window = window or world.window_a
    response = world.client(who).post(f"/posters/windows/{window.pk}/issue/")
    return response, QrPoster.objects.filter(window=window).order_by("-version").first()


def test_issuing_a_new_poster_retires_the_old_code(world):
    first = poster_issue(actor=world.users["hall_manager"], window=world.window_a)
    assert world.client("unit_a").get("/posters/").status_code == 200
    response, second = _issue(world)
    assert response.status_code == 302
    assert second.version == first.version + 1
    first.refresh_from_db()
    assert first.retired_at is not None and second.retired_at is None
    assert second.expires_on == timezone.localdate() + timedelta(
        days=settings.PINGYI_RATINGS["poster_valid_days"]
    )

    citizen = world.client("root").__class__()
    old = citizen.get(f"/r/{first.token}")
    assert old.status_code == 410 and "已停用" in old.content.decode()
    assert citizen.post(f"/r/{first.token}", {"level": "5", FIELD: issue(first.token)}).status_code == 410
    assert citizen.get(f"/r/{second.token}").status_code == 200
    assert citizen.post(f"/r/{second.token}", {"level": "5", FIELD: issue(second.token)}).status_code == 200
    assert list(Rating.objects.values_list("window_id", "channel")) == [(world.window_a.pk, "qr")]


def test_issuing_writes_exactly_one_audit_entry(world):
    poster_issue(actor=world.users["unit_a"], window=world.window_a)
    before = AuditEntry.objects.count()
    _response, poster = _issue(world)
    entries = list(AuditEntry.objects.order_by("-seq")[: AuditEntry.objects.count() - before])
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "qrposter.issue" and entry.object_id == str(poster.pk)
    assert entry.actor_id == world.users["unit_a"].pk
    assert entry.before["retired"][0]["version"] == poster.version - 1


def test_the_list_shows_version_expiry_and_last_30_days_of_scans(world):
    poster = poster_issue(actor=world.users["unit_a"], window=world.window_a)
    citizen = world.client("root").__class__()
    citizen.post(f"/r/{poster.token}", {"level": "4", FIELD: issue(poster.token)})
    page = world.client("hall_manager").get("/posters/").content.decode()
    row = re.search(rf'<tr data-window="{world.window_a.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "第 1 版" in row and f"{poster.expires_on:%Y-%m-%d}" in row
    assert re.search(r"<td>1</td>", row)
    other = re.search(rf'<tr data-window="{world.window_b.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "尚未印发" in other


@override_settings(SITE_URL="https://pingyi.example.gov.cn")
def test_the_svg_carries_the_qr_code_of_the_url_and_the_window_name(world):
    poster = poster_issue(actor=world.users["unit_a"], window=world.window_a)
    response = world.client("unit_a").get(f"/posters/{poster.pk}.svg")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    url = f"https://pingyi.example.gov.cn/r/{poster.token}"
    expected = segno.make(url, error=QR_ERROR, micro=False).svg_inline(border=QR_BORDER)
    modules = re.search(r' d="([^"]+)"', expected).group(1)
    assert f'd="{modules}"' in svg
    assert world.window_a.name in svg and world.unit_a.name in svg and url in svg
    assert "周一至周五 08:30-12:00,14:00-17:30" in svg and "第 1 版" in svg
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "poster.svg").write_text(svg, encoding="utf-8")


def test_the_pdf_is_a4_and_its_text_names_the_window_and_the_expiry(world, tmp_path):
    poster = poster_issue(actor=world.users["unit_a"], window=world.window_a)
    response = world.client("inspector").get(f"/posters/{poster.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert world.window_a.name in text and "有效期" in text and f"{poster.expires_on:%Y-%m-%d}" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info and re.search(r"Pages:\s+1\b", info)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Noto-?Sans-?CJK", fonts)
    # A picture of the page for a person to look at (test-artifacts/ is gitignored).
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "poster-a4.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(ARTIFACTS / "poster-a4")], check=True
    )
    assert (ARTIFACTS / "poster-a4.png").stat().st_size > 10_000


def test_a_unit_admin_cannot_issue_for_another_units_window(world):
    response, poster = _issue(world, "unit_a", world.window_b)
    assert response.status_code == 404 and poster is None
    other = poster_issue(actor=world.users["unit_b"], window=world.window_b)
    assert world.client("unit_a").get(f"/posters/{other.pk}.pdf").status_code == 404
    assert world.client("unit_a").get(f"/posters/{other.pk}.svg").status_code == 404
    assert "印发新海报" not in world.client("inspector").get("/posters/").content.decode()
    assert world.client("inspector").post(f"/posters/windows/{world.window_a.pk}/issue/").status_code == 403
    assert world.client("clerk").get("/posters/").status_code == 404
    assert QrPoster.objects.count() == 1
