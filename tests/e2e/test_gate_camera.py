"""The gate app's camera in headless Chromium, which has no BarcodeDetector on Linux: a fake
camera shows a badge's QR code (made with the project's QR library, segno) and the pinned
jsQR reads it to a granted verdict."""

import io

import pytest

from accreditation.badges import codes
from tests.conftest import CHROMIUM
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.e2e.gate_app import gate_world, open_gate, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 640, 480


def qr_y4m(text, path, frames=5):
    """A short Y4M video (4:2:0) of the QR code of ``text``: the fake camera's file."""
    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    qr = Image.open(buffer).convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(qr, ((WIDTH - qr.width) // 2, (HEIGHT - qr.height) // 2))
    luma = frame.tobytes()
    # Grey: chroma at its neutral value, one sample per 2x2 pixels.
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F25:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_page(require_chromium, live_server, tmp_path, request):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    world = gate_world()
    video = tmp_path / "badge.y4m"
    qr_y4m(codes.badge_code(world["granted"]), video)
    args = CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(base_url=live_server.url, locale="en-GB", permissions=["camera"])
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page, world
        context.close()
        browser.close()
        connections.close_all()


def test_the_camera_reads_a_badge_to_a_granted_verdict(camera_page):
    page, world = camera_page
    open_gate(page)
    native = page.evaluate("'BarcodeDetector' in window")
    page.click("#checkin-camera")

    line = page.locator("#gate-log li").first
    line.wait_for()
    assert verdict(line) == ("granted", "ok", "server")
    assert world["granted"].accreditation.member.badge_name in page.locator("#checkin-answer").inner_text()
    # This Chromium has no BarcodeDetector: the pinned jsQR read the code.
    assert page.locator("#gate-app").get_attribute("data-camera") == (
        "barcode-detector" if native else "jsqr"
    )
