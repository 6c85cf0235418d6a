"""The access token, the upload limits (size and count) and the CSRF token."""
from __future__ import annotations

import warnings

import pytest

from reports.web.app import create_app
from reports.web.security import csrf_token
from reports.web.settings import ServeSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def guarded(tmp_path):
    with TestClient(create_app(ServeSettings(data_dir=tmp_path, token="s3cret-token"))) as client:
        yield client


def test_every_address_needs_the_token(guarded):
    for address in ("/", "/static/app.js", "/instrument-template.yaml", "/runs/0123456789abcdef", "/?token=wrong"):
        response = guarded.get(address)
        assert response.status_code == 403 and "access token required" in response.text, address
    assert guarded.post("/runs").status_code == 403


def test_the_token_in_the_address_becomes_a_cookie_and_leaves_the_address(guarded):
    response = guarded.get("/language/en?next=/&token=s3cret-token", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "http://testserver/language/en?next=%2F"
    assert "loyalty_token=s3cret-token" in response.headers["set-cookie"]
    assert guarded.get("/").status_code == 200


def test_a_bearer_header_also_opens(guarded):
    assert guarded.get("/", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
    assert guarded.get("/", headers={"authorization": "Bearer nope"}).status_code == 403


@pytest.fixture
def small(tmp_path):
    with TestClient(create_app(ServeSettings(data_dir=tmp_path, max_upload_bytes=1000))) as client:
        yield client


def test_a_body_over_the_limit_is_refused_before_it_is_read(small, web):
    csrf = web.csrf_of(small.get("/").text)
    big = b"x" * (3 * 1024 * 1024)
    response = small.post("/runs", data={"csrf": csrf}, files={"data": ("big.csv", big, "text/csv")})
    assert response.status_code == 413 and "at most 0 MB" not in response.text and "upload too large" in response.text

    def chunks():  # no Content-Length: counted while it streams in
        for _ in range(40):
            yield b"y" * 100_000

    streamed = small.post("/runs", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert streamed.status_code == 413


def test_a_data_file_over_the_limit_is_refused_and_leaves_nothing(small, web, tmp_path):
    response = web.upload(small, ("big.csv", b"a,b\n" + b"1,2\n" * 500))
    assert response.status_code == 400 and "数据文件过大" in response.text
    assert not list((tmp_path / "runs").iterdir())


def test_more_files_than_the_form_has_are_refused(client, web):
    csrf = web.csrf_of(client.get("/").text)
    files = [("data", (f"{k}.csv", b"a", "text/csv")) for k in range(3)]
    assert client.post("/runs", data={"csrf": csrf}, files=files).status_code == 400


def test_csrf_tokens_differ_per_browser_and_per_server():
    assert csrf_token(b"k", "owner-a") != csrf_token(b"k", "owner-b") != csrf_token(b"j", "owner-b")
    assert len(csrf_token(b"k", "owner-a")) == 64
