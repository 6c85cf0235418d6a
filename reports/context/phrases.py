"""The sentences of the report context, from the per-language snippet template ``phrases.j2``.

Each sentence is a jinja2 macro there; Python hands it typeset values and decided flags and gets the sentence
back, so wording changes are template edits. The template is looked up like the chapter templates: a
``phrases.j2`` in the user's templates folder (``loyalty report --templates``) replaces the bundled
``reports/templates/<lang>/phrases.j2``. :class:`Phrases` is called as ``say("fit_model", model="cfa", …)``.
"""
from __future__ import annotations

from importlib import resources

import jinja2

from questionnaire.errors import input_error

TEMPLATE = "phrases.j2"


def bundled_environment(lang: str) -> jinja2.Environment:
    """The bundled templates of ``lang`` only (what :func:`reports.report.template_environment` falls back to)."""
    folder = str(resources.files("reports.templates") / lang)
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


class Phrases:
    """The macros and wordings of ``phrases.j2`` in ``env``, called by name with keyword arguments."""

    def __init__(self, env: jinja2.Environment):
        try:
            self._module = env.get_template(TEMPLATE).module
        except jinja2.TemplateSyntaxError as err:
            raise input_error(f"template syntax error at line {err.lineno}: {err.message}",
                              file=err.filename or TEMPLATE) from None

    def _lookup(self, name: str):
        value = getattr(self._module, name, None)
        if value is None:
            raise input_error("the phrases template has no", file=TEMPLATE, value=name,
                              allowed="the names of the bundled reports/templates/<lang>/phrases.j2")
        return value

    def __call__(self, macro: str, /, **values) -> str:
        try:
            return str(self._lookup(macro)(**values))
        except jinja2.UndefinedError as err:
            raise input_error(f"template uses an unknown name: {err.message}", file=TEMPLATE,
                              allowed=f"the arguments of the bundled macro {macro}") from None

    def label(self, key: str) -> str:
        """A caption, header or cell text of the ``labels`` set in ``phrases.j2``."""
        labels = self._lookup("labels")
        if key not in labels:
            raise input_error("the labels of the phrases template have no", file=TEMPLATE, value=key,
                              allowed="the keys of the bundled reports/templates/<lang>/phrases.j2")
        return labels[key]

    def data(self, name: str):
        """A list or mapping of wordings set at the top level of ``phrases.j2`` (``{% set name = … %}``)."""
        return self._lookup(name)
