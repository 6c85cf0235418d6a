"""The whole flow in a real browser (Playwright driving Debian's chromium): upload the demo export, run it,
see the report, download the docx; the run's results.json equals `loyalty run`'s for the same inputs.

Screenshots of each step go to ``$LOYALTY_SCREENSHOTS`` (the README shows the ones in docs/web/), else to
the test's temporary folder.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no browser: Debian's chromium is not installed (.ci/run installs it when run as root: "
                "apt-get install -y chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")

BOOTSTRAP = 200  # as the `results` fixture (tests/reports/conftest.py): `loyalty run --bootstrap 200 --seed 1`


def _without_timings(results: dict) -> dict:
    return {**results, "meta": {k: v for k, v in results["meta"].items() if k != "timings"}}


def test_the_demo_study_in_a_browser(live_server, results, web, tmp_path):
    shots = Path(os.environ.get("LOYALTY_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page(viewport={"width": 1200, "height": 900}, accept_downloads=True)
        page.goto(f"{live_server.url}/language/en?next=/")
        page.screenshot(path=shots / "1-start.png")

        page.set_input_files("#data", str(web.demo_csv))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#valid")
        assert "540 respondents, every answer valid" in page.inner_text("#valid")
        page.screenshot(path=shots / "2-validation.png")

        page.fill("input[name=bootstrap]", str(BOOTSTRAP))
        page.uncheck("input[name=format][value=md]")
        page.uncheck("input[name=format][value=xlsx]")
        page.locator("#options-form").screenshot(path=shots / "3-options.png")
        page.click("#start")
        page.wait_for_selector("#progress")
        # the live bar of the bootstrap (or already the results, on a fast machine)
        page.wait_for_selector("li[data-stage=bootstrap].current, #report", timeout=180_000)
        page.screenshot(path=shots / "4-progress.png")

        page.wait_for_selector("#report", timeout=180_000)
        report = page.frame_locator("#report")
        report.locator("h1").first.wait_for()
        page.screenshot(path=shots / "5-results.png")

        with page.expect_download() as download:
            page.click("a[href$='/run/files/report.docx']")
        docx = tmp_path / "report.docx"
        download.value.save_as(docx)
        assert "word/document.xml" in zipfile.ZipFile(docx).namelist()

        served = page.request.get(page.url.split("?")[0] + "/run/files/results.json").json()
        browser.close()
    assert _without_timings(served) == _without_timings(results)
