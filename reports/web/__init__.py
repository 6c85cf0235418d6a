"""`loyalty serve`: the whole study in a browser (upload, validate, map columns, run, results), on Starlette.

:func:`reports.web.app.create_app` builds the app; one module per concern: settings and limits
(``settings``), access token, CSRF and upload limits (``security``), the run folders (``storage``), the worker
processes (``jobs``), the validation table and column mapping (``validation``), the options form (``options``),
the pages (``routes``) and the interface wording (``labels``, ``templates/labels.yaml``).
"""
