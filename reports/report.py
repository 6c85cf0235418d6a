"""Entry point of the report: results dict + instrument → report.docx / report.html / report.md /
tables.xlsx and figures/*.png|svg in ``out_dir``.

Templates are ``reports/templates/<lang>/NN_name.md.j2`` (NN = chapter number: 00 abstract, 01–07 the
chapters, 08 references, 09 appendix); ``reports/templates/<lang>/phrases.j2`` holds the sentences the report
context builds (one macro each, see ``reports.context.phrases``). A ``templates_dir`` overrides them file by file:
a file ``templates_dir/<lang>/NN_name.md.j2`` or ``phrases.j2`` (or the same directly in ``templates_dir``)
replaces the bundled one.
"""
from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path

import jinja2

from questionnaire.errors import input_error
from questionnaire.instrument import Instrument
from reports.context import build_context
from reports.context.phrases import Phrases
from reports.document import Cover, Document, FigureBlock, Part, build_document
from reports.figure_pool import FIGURE_FORMATS, FigureWorkers, drawn_figures
from reports.questionnaire_render import questionnaire_blocks
from reports.thesis import ThesisInfo, cover_lines

FORMATS = ("docx", "html", "md", "xlsx")
NUMBERED_CHAPTERS = range(1, 8)
APPENDIX_NUMBER = 9


def bundled_templates_dir(lang: str) -> Path:
    return Path(str(resources.files("reports.templates") / lang))


def _template_dirs(lang: str, templates_dir: str | Path | None) -> list[Path]:
    dirs = []
    if templates_dir is not None:
        user = Path(templates_dir)
        if not user.is_dir():
            raise input_error("templates folder not found", value=str(user), allowed="an existing folder of *.md.j2 files")
        dirs.append(user / lang if (user / lang).is_dir() else user)
    dirs.append(bundled_templates_dir(lang))
    return dirs


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """jinja2's cache of compiled templates (a private folder of the user in the temp directory; an entry is
    used only for the same template source), which never fails a run. Compiling the templates anew took
    0.1 s of each demo run on a quiet machine, 0.7 s on a busy one."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates() -> jinja2.BytecodeCache | None:
    try:
        return _CompiledTemplates()
    except (OSError, RuntimeError):     # no safe folder: compile every time
        return None


def template_environment(lang: str, templates_dir: str | Path | None = None) -> jinja2.Environment:
    """Jinja2 environment: user templates first, bundled ones second; StrictUndefined; autoescape for HTML."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in _template_dirs(lang, templates_dir)]),
        undefined=jinja2.StrictUndefined, autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=_compiled_templates())


def chapter_templates(env: jinja2.Environment) -> dict[int, str]:
    """Chapter number → template name, from the file names ``NN_*.md.j2``."""
    found: dict[int, str] = {}
    for name in sorted(env.list_templates(filter_func=lambda n: n.endswith(".md.j2") and "/" not in n)):
        prefix = name.split("_", 1)[0]
        if prefix.isdigit():
            found.setdefault(int(prefix), name)
    return found


def _part_number(chapter: int) -> str | None:
    if chapter in NUMBERED_CHAPTERS:
        return str(chapter)
    return "A" if chapter == APPENDIX_NUMBER else None


def _cover(env: jinja2.Environment, thesis: ThesisInfo) -> Cover:
    """The title page: the thesis title (never the questionnaire's), the author's facts or their placeholders."""
    phrases = Phrases(env)
    return Cover(thesis.title or phrases.data("thesis_title"),
                 cover_lines(thesis, phrases.data("cover_labels"), phrases.data("cover_placeholders")))


def build_report_document(results: dict, instrument: Instrument, lang: str = "zh", chapter: int | None = None,
                          templates_dir: str | Path | None = None, thesis: ThesisInfo | None = None) -> Document:
    """Render the templates with the report context and parse them into a :class:`Document`.

    The zh thesis carries an English abstract too (``abstract_en``: the abstract of the en context).
    """
    env = template_environment(lang, templates_dir)
    context = build_context(results, instrument, lang, env, thesis.case_notes if thesis else None)
    if lang == "zh" and chapter in (None, 0):
        context.values["abstract_en"] = build_context(results, instrument, "en",
                                                      template_environment("en", templates_dir)).values["abstract"]
    templates = chapter_templates(env)
    if chapter is not None:
        if chapter not in templates:
            raise input_error("no such chapter", value=chapter,
                              allowed=", ".join(str(k) for k in sorted(templates)))
        templates = {chapter: templates[chapter]}
    parts = []
    for number, name in sorted(templates.items()):
        try:
            text = env.get_template(name).render(**context.values)
        except jinja2.TemplateSyntaxError as err:
            raise input_error(f"template syntax error at line {err.lineno}: {err.message}", file=err.filename or name) from None
        except jinja2.UndefinedError as err:
            raise input_error(f"template uses an unknown name: {err.message}", file=name,
                              allowed="the names of the bundled templates (see reports/templates)") from None
        parts.append(Part(text, _part_number(number)))
    appendix = questionnaire_blocks(instrument, lang, title_level=2)
    cover = _cover(env, thesis or ThesisInfo())
    return build_document(parts, cover.title, lang, context.tables, context.figures, appendix,
                          cover if chapter is None else None)


def render_report(results: dict, instrument: Instrument, out_dir: str | Path, lang: str = "zh",
                  formats: tuple[str, ...] | list[str] = FORMATS, chapter: int | None = None,
                  templates_dir: str | Path | None = None, workers: int | FigureWorkers = 1,
                  thesis: ThesisInfo | None = None) -> dict[str, Path]:
    """Write the report in ``formats`` to ``out_dir``; returns format → path (plus 'figures' → folder).

    The whole report goes to report.docx/.html/.md and tables.xlsx; with ``chapter=N`` only chapter N is
    rendered, to chapterN.docx/... and tables_chapterN.xlsx. Figures go to ``out_dir/figures``, drawn while the
    report is written by ``workers`` (started :class:`FigureWorkers` or a number of processes; 1: drawn here).
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise input_error("unknown report format", value=",".join(unknown) or "(none)", allowed=", ".join(FORMATS))
    document = build_report_document(results, instrument, lang, chapter, templates_dir, thesis)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, Path] = {}
    specs = [b.spec for b in document.blocks if isinstance(b, FigureBlock)]
    drawn = contextlib.nullcontext({})
    if specs and set(formats) & set(FIGURE_FORMATS):
        drawn = drawn_figures(specs, out_dir / "figures", workers)
        outputs["figures"] = out_dir / "figures"
    stem = "report" if chapter is None else f"chapter{chapter}"
    with drawn as images:     # the workbook first: it needs no figure, and they are being drawn meanwhile
        if "xlsx" in formats:
            from reports.render_xlsx import write_xlsx
            name = "tables.xlsx" if chapter is None else f"tables_chapter{chapter}.xlsx"
            outputs["xlsx"] = write_xlsx(document, out_dir / name)
        if "docx" in formats:
            from reports.render_docx import write_docx
            toc_note = Phrases(template_environment(lang, templates_dir)).data("toc_note")
            outputs["docx"] = write_docx(document, out_dir / f"{stem}.docx", images, title_page=chapter is None,
                                         toc_note=toc_note)
        if "html" in formats:
            from reports.render_html import write_html
            outputs["html"] = write_html(document, out_dir / f"{stem}.html", images, title_page=chapter is None)
        if "md" in formats:
            from reports.render_markdown import write_markdown
            outputs["md"] = write_markdown(document, out_dir / f"{stem}.md", images)
    return {key: outputs[key] for key in ("figures", *FORMATS) if key in outputs}
