"""Every page and download of the web app through the ASGI test client, with each error it can answer
(runs are not computed here: tests/reports/web/test_jobs.py does that)."""
from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

import pandas as pd
import yaml

from questionnaire.instrument import bundled_instrument_path
from reports.web.security import OWNER_COOKIE

SCRIPT = "<script>alert(1)</script>"
DEMO_CSV = Path(__file__).resolve().parents[3] / "data" / "demo" / "responses.csv"


def _demo_with(header: dict[str, str] | None = None, cell: tuple[int, str, str] | None = None) -> bytes:
    """The demo export with headers renamed and/or one cell (row, column, value) replaced."""
    lines = DEMO_CSV.read_text(encoding="utf-8").splitlines()
    names = lines[0].split(",")
    names = [(header or {}).get(n, n) for n in names]
    lines[0] = ",".join(names)
    if cell:
        row, column, value = cell
        values = lines[row].split(",")
        values[names.index(column)] = value
        lines[row] = ",".join(values)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _finished_run(app, client, files: dict[str, bytes]):
    """A run whose task 'run' is done with ``files`` in its outputs (as a worker leaves it)."""
    client.get("/")
    run = app.state.web.store.create(client.cookies[OWNER_COOKIE], data_name="responses.csv", data_file="data.csv")
    run.data_path.write_bytes(b"x")
    for name, content in files.items():
        (run.output("run") / name).parent.mkdir(parents=True, exist_ok=True)
        (run.output("run") / name).write_bytes(content)
    run.set_task("run", status="done", request={"lang": "zh", "formats": ["html", "docx"]})
    return run


def test_start_page_sets_the_owner_cookie_and_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert OWNER_COOKIE in response.cookies
    assert "SameSite=Strict" in response.headers["set-cookie"] and "HttpOnly" in response.headers["set-cookie"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "还没有分析" in response.text and 'name="csrf"' in response.text


def test_language_switch_keeps_the_page_and_refuses_other_sites(client):
    response = client.get("/language/en?next=/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "No runs yet" in client.get("/").text
    assert client.get("/language/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"
    assert client.get("/language/fr").status_code == 404


def test_template_instrument_is_the_bundled_one_as_a_download(client):
    response = client.get("/instrument-template.yaml")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert response.content == bundled_instrument_path().read_bytes()


def test_static_script_is_served(client):
    assert "progress" in client.get("/static/app.js").text


def test_upload_of_the_demo_shows_the_validation_of_loyalty_validate(client, demo_upload, web):
    page = client.get(demo_upload).text
    rows, columns = pd.read_csv(web.demo_csv).shape
    assert (f"responses.csv: {rows} respondents, every answer valid ({columns} columns matched; extra columns kept "
            "aside: 0; personal-data columns dropped: 0; optional columns not found, not analysed: none)") in page
    assert 'id="options-form"' in page and 'value="2000"' in page
    assert '<option value="platform" >' in page and '<option value="MLR" >' in page   # --groups, --estimator
    assert '<option value="median" >' in page and '<option value="mean" selected>' in page   # --levene-center
    assert client.get(f"{demo_upload}/status.json").json() == {}
    assert demo_upload.rsplit("/", 1)[1] in client.get("/").text  # listed among the earlier runs


def test_upload_errors_are_shown_on_the_start_page(client, web):
    client.get("/language/en")
    csrf = web.csrf_of(client.get("/").text)
    missing = client.post("/runs", data={"csrf": csrf}, files={"other": ("a.txt", b"", "text/plain")})
    assert missing.status_code == 400 and "Choose a data file" in missing.text
    pdf = web.upload(client, ("thesis.pdf", b"%PDF-1.4"))
    assert pdf.status_code == 400
    assert "thesis.pdf: unsupported file type '.pdf'; allowed: .csv, .tsv, .txt, .xlsx" in html.unescape(pdf.text)
    no_instrument = client.post("/runs", data={"csrf": csrf, "instrument_choice": "upload"},
                                files={"data": ("a.csv", b"x", "text/csv")})
    assert no_instrument.status_code == 400 and "Choose the instrument YAML" in no_instrument.text


def test_a_broken_instrument_is_one_line_naming_the_uploaded_file(client, app, web):
    response = web.upload(client, ("responses.csv", web.demo_csv.read_bytes()), ("my_study.yaml", b"id: [unclosed"))
    assert response.status_code == 400
    assert "my_study.yaml: line 1, column 14: YAML syntax error" in response.text
    assert str(app.state.web.store.root) not in response.text
    assert not list(app.state.web.store.root.iterdir())  # the failed upload left no run behind


def test_bad_answers_fill_the_validation_table_and_no_options_are_offered(client, web):
    data = _demo_with(cell=(3, "PQ2", "7"))
    page = client.get(web.upload(client, ("wave.csv", data)).headers["location"]).text
    assert "wave.csv, row 4, column PQ2: value &#39;7&#39;" in page
    assert 'id="problems"' in page and 'id="options-form"' not in page


def test_user_text_is_escaped_in_headers_answers_and_instrument_texts(client, web):
    document = yaml.safe_load(bundled_instrument_path().read_text(encoding="utf-8"))
    document["constructs"][0]["items"][1]["text"]["zh"] = SCRIPT  # PQ2
    instrument = yaml.safe_dump(document, allow_unicode=True).encode()
    data = _demo_with(header={"PQ1": SCRIPT}, cell=(2, "PQ3", "<b>bold</b>"))
    location = web.upload(client, (f"{SCRIPT}.csv", data), (f"{SCRIPT}.yaml", instrument)).headers["location"]
    page = client.get(location).text
    assert SCRIPT not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the header, the file name and PQ2's text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page                # the answer in the problems table
    assert SCRIPT not in client.get("/").text


def test_unmatched_columns_are_assigned_to_items_and_the_corrected_instrument_is_offered(client, web):
    renamed = _demo_with(header={"PQ1": "Q7_quality", "LY4": "Q30"})
    location = web.upload(client, ("renamed.csv", renamed)).headers["location"]
    page = client.get(location).text
    assert 'id="assign-form"' in page and "no column for item PQ1" in page
    assert 'id="options-form"' not in page
    fields = {"csrf": web.csrf_of(page)}
    for position, header in (("14", "Q7_quality"), ("40", "Q30")):
        assert f'name="column-{position}"' in page, header
    fields.update({"column-14": "PQ1", "column-40": "LY4"})
    response = client.post(f"{location}/columns", data=fields, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(location).text
    assert 'id="valid"' in page and 'id="corrected-instrument"' in page
    corrected = yaml.safe_load(client.get(f"{location}/instrument.yaml").text)
    items = {i["id"]: i for c in corrected["constructs"] for i in c["items"]}
    assert items["PQ1"]["aliases"][-1] == "Q7_quality" and items["LY4"]["aliases"] == ["Q30"]


def test_an_assignment_outside_the_lists_is_refused(client, web):
    location = web.upload(client, ("renamed.csv", _demo_with(header={"PQ1": "Q7_quality"}))).headers["location"]
    csrf = web.csrf_of(client.get(location).text)
    for field, value in (("column-14", "SQ1"), ("column-2", "PQ1"), ("column-14", "../../etc")):
        response = client.post(f"{location}/columns", data={"csrf": csrf, field: value})
        assert response.status_code == 400 and "列的指定无效" in response.text


def test_options_are_checked_with_the_command_line_messages(client, demo_upload, web):
    csrf = web.csrf_of(client.get(demo_upload).text)
    response = client.post(f"{demo_upload}/start", data={
        "csrf": csrf, "lang": "xx", "bootstrap": "-1", "seed": "one", "max_missing": "2", "min_duration": "fast",
        "baseline": "0123456789abcdef", "estimator": "WLS", "groups": "nps", "min_group": "1",
        "levene_center": "mode"})
    assert response.status_code == 400
    for message in ("&#39;-1&#39; must be 0 or more", "&#39;one&#39; is not a whole number",
                    "invalid choice: &#39;WLS&#39;", "invalid choice: &#39;nps&#39;", "&#39;1&#39; must be 2 or more",
                    "&#39;2&#39; must be between 0 and 1", "&#39;fast&#39; is not a number of seconds",
                    "unknown format", "invalid choice: &#39;xx&#39;", "unknown earlier run",
                    "invalid choice: &#39;mode&#39;"):
        assert message in response.text, message
    assert 'value="-1"' in response.text  # the form keeps what was typed


def test_a_full_queue_answers_busy(client, app, demo_upload, web):
    app.state.web.pool.max_queued = 0
    csrf = web.csrf_of(client.get(demo_upload).text)
    response = client.post(f"{demo_upload}/start", data={"csrf": csrf, "format": "md", "bootstrap": "0"})
    assert response.status_code == 503 and "服务器正忙" in response.text


def test_starting_an_invalid_upload_is_refused(client, web):
    location = web.upload(client, ("bad.csv", _demo_with(cell=(3, "PQ2", "7")))).headers["location"]
    csrf = web.csrf_of(client.get("/").text)
    assert client.post(f"{location}/start", data={"csrf": csrf, "format": "md"}).status_code == 409


def test_results_page_report_downloads_and_zip(client, app):
    run = _finished_run(app, client, {"report.html": b"<h1>Report</h1>", "report.docx": b"PK docx",
                                      "results.json": b"{}", "figures/scree.png": b"png", ".partial": b"x"})
    page = client.get(f"/runs/{run.id}").text
    assert f'src="/runs/{run.id}/run/report"' in page and "figures/scree.png" in page and ".partial" not in page
    report = client.get(f"/runs/{run.id}/run/report")
    assert report.text == "<h1>Report</h1>" and report.headers["content-security-policy"].startswith("sandbox")
    docx = client.get(f"/runs/{run.id}/run/files/report.docx")
    assert docx.content == b"PK docx" and docx.headers["content-disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/runs/{run.id}/run.zip").content))
    assert sorted(archive.namelist()) == ["figures/scree.png", "report.docx", "report.html", "results.json"]
    assert client.get(f"/runs/{run.id}/render-en/report").status_code == 404  # not rendered yet


def test_downloads_never_leave_the_run_folder(client, app, tmp_path):
    run = _finished_run(app, client, {"report.html": b"<h1>Report</h1>"})
    (tmp_path / "secret.txt").write_text("TOP-SECRET")
    for name in ("../state.json", "..%2Fstate.json", "%2e%2e/input/data.csv", "figures/../../state.json",
                 "/etc/passwd", "%2Fetc%2Fpasswd", ".partial", "..%5Cstate.json", "report.html%00.txt",
                 "../../../../secret.txt"):
        response = client.get(f"/runs/{run.id}/run/files/{name}")
        assert response.status_code == 404 and "TOP-SECRET" not in response.text, name
    (run.output("run") / "link").symlink_to(tmp_path / "secret.txt")
    assert client.get(f"/runs/{run.id}/run/files/link").status_code == 404
    for task in ("..", "render-fr", "out", "state.json"):
        assert client.get(f"/runs/{run.id}/{task}/files/report.html").status_code == 404, task


def test_runs_are_private_to_the_browser_that_uploaded_them(app, client, demo_upload):
    from starlette.testclient import TestClient

    with TestClient(app) as other:
        assert other.get(demo_upload).status_code == 404
        assert other.get(f"{demo_upload}/status.json").status_code == 404
        assert demo_upload.rsplit("/", 1)[1] not in other.get("/").text
    for address in ("/runs/0123456789abcdef", "/runs/%2e%2e", "/runs/state.json", "/runs/ABCDEF0123456789"):
        assert client.get(address).status_code == 404, address


def test_rerendering_needs_a_finished_run_and_known_options(client, app, demo_upload, web):
    csrf = web.csrf_of(client.get(demo_upload).text)
    assert client.post(f"{demo_upload}/render", data={"csrf": csrf, "lang": "en"}).status_code == 409
    run = _finished_run(app, client, {"report.html": b"<h1>Report</h1>"})
    for form in ({"lang": "fr"}, {"lang": "en", "chapter": "9"}, {"lang": "en", "chapter": "../x"}):
        assert client.post(f"/runs/{run.id}/render", data={"csrf": csrf, **form}).status_code == 400, form


def test_forms_without_the_owners_token_are_refused(client, demo_upload, web):
    csrf = web.csrf_of(client.get(demo_upload).text)
    for path in ("/runs", f"{demo_upload}/columns", f"{demo_upload}/start", f"{demo_upload}/render"):
        assert client.post(path, data={}).status_code == 403, path
        assert client.post(path, data={"csrf": "0" * 64}).status_code == 403, path
        response = client.post(path, data={"csrf": csrf}, headers={"origin": "http://evil.example"})
        assert response.status_code == 403 and "表单已过期" in response.text, path


def test_unknown_pages_and_methods(client):
    assert client.get("/nowhere").status_code == 404
    assert client.get("/runs").status_code == 405
    assert client.get("/runs/0123456789abcdef/status.json").status_code == 404


def test_a_running_run_shows_its_progress_and_refuses_changes(client, demo_upload, web, app):
    run = app.state.web.store.open(demo_upload.rsplit("/", 1)[1], client.cookies[OWNER_COOKIE])
    run.set_task("run", status="running", progress={"stages": ["read", "clean", "bootstrap"], "stage": "bootstrap",
                                                    "done": 50, "total": 200})
    page = client.get(demo_upload).text
    assert '<meta http-equiv="refresh" content="2">' in page  # refreshes itself without JavaScript
    assert '<li data-stage="bootstrap" class="current">' in page and 'max="200" value="50"' in page
    assert client.get(f"{demo_upload}/status.json").json()["run"]["progress"]["done"] == 50
    csrf = web.csrf_of(client.get("/").text)
    for path in ("start", "columns"):
        response = client.post(f"{demo_upload}/{path}", data={"csrf": csrf})
        assert response.status_code == 409 and "正在运行" in response.text, path


def test_an_instrument_over_the_limit_is_refused(client, web, app):
    response = web.upload(client, ("responses.csv", b"a\n1\n"), ("big.yaml", b"#" * (1024 * 1024 + 1)))
    assert response.status_code == 400 and "问卷文件过大" in response.text
    assert not list(app.state.web.store.root.iterdir())


def test_items_without_wording_are_named_on_the_validation_page(client, web):
    """An instrument giving items by id alone (issue 11, item 9) says so, as `loyalty validate` does."""
    instrument = ("id: m\ntitle: 调查\nlanguages: [zh]\nscale: {min: 1, max: 5, labels: {1: 非常不同意, 5: 非常同意}}\n"
                  "constructs: [{id: CS, name: 满意, items: [CS1, CS2, CS3]}]\n").encode()
    page = client.get(web.upload(client, ("responses.csv", web.demo_csv.read_bytes()),
                                 ("minimal.yaml", instrument)).headers["location"]).text
    assert "问卷文件中以下题项没有措辞，暂以题项编号代替（印发问卷前需补充）：CS1, CS2, CS3" in page
    assert "every answer valid" in page
