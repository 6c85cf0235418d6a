"""The pages and downloads. Plain HTML forms carry the whole flow; ``static/app.js`` only enhances it.

Flow: ``/`` (choose the instrument, upload the data; earlier runs) → ``POST /runs`` → ``/runs/<id>`` (the
validation table, the column assignment, the options) → ``POST /runs/<id>/start`` → ``/runs/<id>`` (progress,
then the results: the report inline, the downloads, re-rendering without refitting).
"""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from analysis.ingest.readers import CSV_SUFFIXES, SPSS_SUFFIXES, STATA_SUFFIXES, XLSX_SUFFIXES
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument
from reports.web.jobs import one_line
from reports.web.options import LANGUAGES, parse_run_options, run_defaults
from reports.web.security import REPORT_POLICY, csrf_valid
from reports.web.settings import MAX_FIELDS_PER_FORM, MAX_FILES_PER_FORM, MAX_INSTRUMENT_BYTES
from reports.web.storage import TASK_NAME, UNFINISHED, Run, file_in, read_json, write_json
from reports.web.validation import assignable_targets, validate_upload, with_aliases

DATA_SUFFIXES = (*CSV_SUFFIXES, *XLSX_SUFFIXES, *SPSS_SUFFIXES, *STATA_SUFFIXES)
LANG_COOKIE = "loyalty_lang"
STAGES = ("read", "clean", "missing", "descriptives", "psychometrics", "cfa", "sem", "bootstrap")
CHUNK = 1 << 20


def _app(request: Request):
    return request.app.state.web


def _lang(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE)
    return lang if lang in LANGUAGES else "zh"


def page(request: Request, template: str, status_code: int = 200, **values) -> HTMLResponse:
    web = _app(request)
    html = web.templates.get_template(template).render(
        request=request, lang=_lang(request), t=web.labels.translator(_lang(request)),
        csrf=web.csrf(request), **values)
    return HTMLResponse(html, status_code=status_code)


def _display_name(filename: str | None) -> str:
    """The uploaded file's own name, for display and results.json only (never a path on this server)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200] or "upload"


async def _form(request: Request):
    form = await request.form(max_files=MAX_FILES_PER_FORM, max_fields=MAX_FIELDS_PER_FORM)
    if not csrf_valid(request, _app(request).secret, form.get("csrf")):
        raise HTTPException(403, "csrf")
    return form


def _run_of(request: Request) -> Run:
    run = _app(request).store.open(request.path_params["run_id"], request.state.owner)
    if run is None:
        raise HTTPException(404, "no_such_run")
    return run


async def _save_upload(upload, target: Path, limit: int) -> int:
    size = 0
    with target.open("wb") as handle:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                break
            handle.write(chunk)
    return size


async def home(request: Request) -> HTMLResponse:
    return _home(request)


async def set_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    target = request.query_params.get("next", "/")
    if lang not in LANGUAGES:
        raise HTTPException(404, "not_found")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="strict", httponly=True)
    return response


async def instrument_template(request: Request) -> FileResponse:
    return FileResponse(bundled_instrument_path(), media_type="application/x-yaml",
                        filename="instrument_template.yaml")


async def create_run(request: Request) -> Response:
    web = _app(request)
    form = await _form(request)
    data = form.get("data")
    if not hasattr(data, "filename") or not data.filename:
        return _home(request, "choose_data")
    data_name = _display_name(data.filename)
    suffix = Path(data_name).suffix.lower()
    if suffix not in DATA_SUFFIXES:
        return _home(request, None, f"{data_name}: unsupported file type {suffix or '(no suffix)'!r}; "
                                    f"allowed: {', '.join(DATA_SUFFIXES)}")
    instrument_upload = form.get("instrument")
    uploaded = hasattr(instrument_upload, "filename") and bool(instrument_upload.filename)
    if form.get("instrument_choice") == "upload" and not uploaded:
        return _home(request, "choose_instrument")
    sheet = str(form.get("sheet") or "").strip() or None
    run = web.store.create(request.state.owner, data_name=data_name, data_file=f"data{suffix}", sheet=sheet,
                           instrument_name=_display_name(instrument_upload.filename) if uploaded else None)
    if await _save_upload(data, run.data_path, web.settings.max_upload_bytes) > web.settings.max_upload_bytes:
        shutil.rmtree(run.folder)
        return _home(request, "data_too_large")
    if uploaded:
        target = run.input_dir / "instrument.yaml"
        if await _save_upload(instrument_upload, target, MAX_INSTRUMENT_BYTES) > MAX_INSTRUMENT_BYTES:
            shutil.rmtree(run.folder)
            return _home(request, "instrument_too_large")
    try:
        await run_in_threadpool(_validate, run)
    except InputError as err:  # the instrument: the data's problems are the validation table
        shutil.rmtree(run.folder)
        uploaded_name = {str(run.input_dir / "instrument.yaml"): run.state["instrument_name"]}
        return _home(request, None, one_line(err, uploaded_name))
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


def _home(request: Request, error_key: str | None = None, error: str | None = None) -> HTMLResponse:
    """The start page; with an error (a label key, or a message) above the upload form and status 400."""
    return page(request, "home.html.j2", status_code=400 if error_key or error else 200,
                runs=_app(request).store.list(request.state.owner), suffixes=DATA_SUFFIXES,
                limit_mb=_app(request).settings.max_upload_bytes // (1024 * 1024), error_key=error_key, error=error)


def _instrument(run: Run):
    return load_instrument(run.instrument_path or bundled_instrument_path())


def _validate(run: Run) -> dict:
    """Validate the upload against the run's instrument; kept as the run's validation.json."""
    view = validate_upload(run.data_path, run.state["data_name"], _instrument(run), run.state.get("sheet"))
    write_json(run.folder / "validation.json", view)
    return view


async def show_run(request: Request) -> HTMLResponse:
    run = _run_of(request)
    status = run.task("run")
    if status and status["status"] in UNFINISHED:
        return page(request, "progress.html.j2", run=run, status=status, stages=STAGES)
    if status and status["status"] == "done":
        return _results_page(request, run)
    return _validation_page(request, run, status=status)


def _validation_page(request: Request, run: Run, *, status: dict | None = None, errors: dict | None = None,
                     values: dict | None = None, status_code: int = 200) -> HTMLResponse:
    view = read_json(run.folder / "validation.json") or {}
    return page(request, "validate.html.j2", status_code=status_code, run=run, view=view, status=status,
                targets=assignable_targets(view) if view else [], errors=errors or {},
                values=values or (status or {}).get("request") or run_defaults(),
                baselines=_baseline_runs(request, run), groupings=_groupings(run) if view.get("valid") else [])


def _groupings(run: Run) -> list[tuple[str, object]]:
    """(id, text) of the run instrument's single-choice questions: what ``--groups`` may name."""
    instrument = load_instrument(run.instrument_path or bundled_instrument_path())
    return [(q.id, q.text) for q in instrument.questions if q.type == "single"]


def _baseline_runs(request: Request, run: Run) -> dict[str, Run]:
    """The user's other finished runs (a possible ``--baseline``)."""
    return {other.id: other for other in _app(request).store.list(request.state.owner)
            if other.id != run.id and (other.task("run") or {}).get("status") == "done"}


async def assign_columns(request: Request) -> Response:
    run = _run_of(request)
    form = await _form(request)
    _refuse_while_running(run)
    view = _read_view(run)
    headers = {str(u["position"]): u["header"] for u in view.get("unmatched", [])}
    targets = {t["id"] for t in assignable_targets(view)}
    assigned: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        position = key.removeprefix("column-")
        if key.startswith("column-") and value:
            if position not in headers or value not in targets:
                raise HTTPException(400, "bad_assignment")
            assigned.setdefault(value, []).append(headers[position])
    if assigned:
        name = run.state.get("instrument_name") or "instrument.yaml"
        _, text = with_aliases(_instrument(run), assigned, name)
        (run.input_dir / "instrument.yaml").write_text(text, encoding="utf-8")
        run = run.save_state(instrument_name=name, corrected=True)
        await run_in_threadpool(_validate, run)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


def _read_view(run: Run) -> dict:
    return read_json(run.folder / "validation.json") or {}


def _refuse_while_running(run: Run) -> None:
    if (run.task("run") or {}).get("status") in UNFINISHED:
        raise HTTPException(409, "busy_run")


async def run_instrument(request: Request) -> FileResponse:
    run = _run_of(request)
    return FileResponse(run.instrument_path or bundled_instrument_path(), media_type="application/x-yaml",
                        filename=f"instrument_{run.id}.yaml")


async def start_run(request: Request) -> Response:
    run = _run_of(request)
    form = await _form(request)
    _refuse_while_running(run)
    if not _read_view(run).get("valid"):
        raise HTTPException(409, "not_valid")
    baselines = {i: str(other.output("run") / "results.json") for i, other in _baseline_runs(request, run).items()}
    options, errors = parse_run_options(form, baselines, tuple(q for q, _ in _groupings(run)))
    if errors:
        return _validation_page(request, run, errors=errors, values=options, status_code=400)
    if not await run_in_threadpool(_app(request).pool.submit, run, "run", options):
        raise HTTPException(503, "busy")
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


async def run_status(request: Request) -> JSONResponse:
    run = _run_of(request)
    return JSONResponse({name: {k: status.get(k) for k in ("status", "error", "progress")}
                         for name, status in run.tasks().items()})


def _results_page(request: Request, run: Run) -> HTMLResponse:
    tasks = run.tasks()
    view = request.query_params.get("view", "run")
    if view not in tasks or tasks[view].get("status") != "done":
        view = "run"
    outputs = {name: _listing(run.output(name)) for name, status in tasks.items() if status.get("status") == "done"}
    return page(request, "results.html.j2", run=run, tasks=tasks, view=view, outputs=outputs,
                report=_report_name(run.output(view)), request_options=tasks["run"].get("request") or {})


def _listing(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _report_name(folder: Path) -> str | None:
    found = sorted(p.name for p in folder.glob("*.html")) if folder.is_dir() else []
    return found[0] if found else None


def _output_of(request: Request, run: Run) -> Path:
    task = request.path_params["task"]
    if not TASK_NAME.fullmatch(task) or (run.task(task) or {}).get("status") != "done":
        raise HTTPException(404, "not_found")
    return run.output(task)


async def report_view(request: Request) -> FileResponse:
    run = _run_of(request)
    folder = _output_of(request, run)
    name = _report_name(folder)
    if name is None:
        raise HTTPException(404, "not_found")
    return FileResponse(folder / name, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": REPORT_POLICY})


async def download(request: Request) -> FileResponse:
    run = _run_of(request)
    folder = _output_of(request, run)
    name = request.path_params["name"]
    path = None if any(part.startswith(".") for part in name.split("/")) else file_in(folder, name)
    if path is None:
        raise HTTPException(404, "not_found")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


async def download_zip(request: Request) -> Response:
    run = _run_of(request)
    folder = _output_of(request, run)
    data = await run_in_threadpool(_zipped, folder)
    name = f"loyalty-{run.id}-{request.path_params['task']}.zip"
    return Response(data, media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in _listing(folder):
            archive.write(folder / name, name)
    return buffer.getvalue()


async def rerender(request: Request) -> Response:
    run = _run_of(request)
    form = await _form(request)
    status = run.task("run") or {}
    if status.get("status") != "done":
        raise HTTPException(409, "not_finished")
    lang, chapter = form.get("lang"), str(form.get("chapter") or "")
    if lang not in LANGUAGES or chapter not in ("", *map(str, range(8))):
        raise HTTPException(400, "bad_render")
    task = f"render-{lang}" + (f"-chapter{chapter}" if chapter else "")
    if (run.task(task) or {}).get("status") in UNFINISHED:
        raise HTTPException(409, "busy_run")
    request_options = {"lang": lang, "formats": status["request"]["formats"],
                       "chapter": int(chapter) if chapter else None}
    if not await run_in_threadpool(_app(request).pool.submit, run, task, request_options):
        raise HTTPException(503, "busy")
    return RedirectResponse(f"/runs/{run.id}?view={task}", status_code=303)


ROUTES = [
    Route("/", home),
    Route("/language/{lang}", set_language),
    Route("/instrument-template.yaml", instrument_template),
    Route("/runs", create_run, methods=["POST"]),
    Route("/runs/{run_id}", show_run),
    Route("/runs/{run_id}/columns", assign_columns, methods=["POST"]),
    Route("/runs/{run_id}/instrument.yaml", run_instrument),
    Route("/runs/{run_id}/start", start_run, methods=["POST"]),
    Route("/runs/{run_id}/status.json", run_status),
    Route("/runs/{run_id}/render", rerender, methods=["POST"]),
    Route("/runs/{run_id}/{task}/report", report_view),
    Route("/runs/{run_id}/{task}/files/{name:path}", download),
    Route("/runs/{run_id}/{task}.zip", download_zip),
]
