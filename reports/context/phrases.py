"""The sentences of the report context, from the per-language snippet template ``templates/<lang>/phrases.j2``.

Each sentence is a jinja2 macro there; Python hands it typeset values and decided flags and gets the sentence
back, so wording changes are template edits. :class:`Phrases` is called as ``say("fit_model", model="cfa", …)``.
"""
from __future__ import annotations

from importlib import resources

import jinja2


class Phrases:
    """The macros of one language's ``phrases.j2``, called by name with keyword arguments."""

    def __init__(self, lang: str):
        folder = str(resources.files("reports.templates") / lang)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), undefined=jinja2.StrictUndefined,
                                 autoescape=False, keep_trailing_newline=True)
        self._module = env.get_template("phrases.j2").module

    def __call__(self, macro: str, /, **values) -> str:
        return str(getattr(self._module, macro)(**values))

    def data(self, name: str):
        """A list or mapping of wordings set at the top level of ``phrases.j2`` (``{% set name = … %}``)."""
        return getattr(self._module, name)
