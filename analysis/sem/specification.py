"""Model specification in lavaan syntax: parse a subset of it and build lavaan's parameter table.

Supported (what a CFA / SEM of a survey needs): ``=~`` (a latent variable is measured by; the
indicator may itself be a latent, giving a higher-order factor), ``~`` (regression between latent
variables), ``~~`` (variance / covariance of latents or residual covariance of indicators),
``:=`` (defined parameter, e.g. an indirect effect ``ind := a*b``), ``#`` and ``!`` comments,
statements separated by new lines or ``;``, right-hand sides continued on the next line after
``+``, and the modifiers ``label*x`` (a shared label makes an equality constraint), ``1*x`` (fixed)
and ``NA*x`` (free).

Defaults are those of ``lavaan::cfa()`` / ``lavaan::sem()`` (``lavOptions``): the first indicator
of each latent has its loading fixed to 1 (``auto.fix.first``), every residual and latent variance
is free (``auto.var``), the residual variance of a single indicator is fixed to 0
(``auto.fix.single``), exogenous latents covary (``auto.cov.lv.x``) and so do the disturbances of
latents that are dependent only — on the left of ``~`` and never on its right (``auto.cov.y``).
No mean structure (lavaan's default for complete data).
"""
from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from typing import NamedTuple

from questionnaire.errors import input_error

NAME = re.compile(r"^[^\W\d][\w.]*$")
UNSUPPORTED = ("==", "<~", "~*~", "|", "<", ">")
OPERATORS = ("=~", "~~", ":=", "~")
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
          ast.Pow: operator.pow}


@dataclass(frozen=True)
class ParameterSpec:
    """One row of lavaan's ``parTable()``: ``free`` is the 1-based free-parameter number (0 = fixed)."""

    lhs: str
    op: str
    rhs: str
    free: int
    value: float
    label: str
    user: bool


@dataclass(frozen=True)
class DefinedParameter:
    """``name := expression`` where the expression uses parameter labels, numbers and + - * / **."""

    name: str
    expression: str

    def evaluate(self, values: dict):
        """The expression's value given ``values`` (label -> number; complex numbers work too)."""
        return _evaluate(ast.parse(self.expression, mode="eval").body, values)


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model: variables in lavaan's order and the full parameter table."""

    observed: tuple[str, ...]
    latent: tuple[str, ...]
    parameters: tuple[ParameterSpec, ...]
    defined: tuple[DefinedParameter, ...]

    @property
    def n_free(self) -> int:
        return max((p.free for p in self.parameters), default=0)

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Latents with a regression (``~``) on them, in model order."""
        ys = {p.lhs for p in self.parameters if p.op == "~"}
        return tuple(v for v in self.latent if v in ys)

    def regressions(self) -> list[ParameterSpec]:
        return [p for p in self.parameters if p.op == "~"]

    def without(self, lhs: str, rhs: str) -> "ModelSpec":
        """The same model with the structural path ``lhs ~ rhs`` removed (for Cohen's f²)."""
        rows = [p for p in self.parameters if not (p.op == "~" and p.lhs == lhs and p.rhs == rhs)]
        if len(rows) == len(self.parameters):
            raise input_error(f"the model has no path {rhs} -> {lhs}", value=f"{lhs} ~ {rhs}",
                              allowed=", ".join(f"{p.lhs} ~ {p.rhs}" for p in self.regressions()))
        return ModelSpec(self.observed, self.latent, _renumber(rows), ())

    def with_free(self, rows: list[tuple[str, str, str]]) -> "ModelSpec":
        """The model with extra free parameters ``(lhs, op, rhs)`` numbered after the existing ones."""
        extra = [ParameterSpec(lhs, op, rhs, 1, float("nan"), "", False) for lhs, op, rhs in rows]
        return ModelSpec(self.observed, self.latent, _renumber([*self.parameters, *extra]), self.defined)

    def to_lavaan(self, explicit: bool = False) -> str:
        """The model as lavaan syntax; ``lavaan::sem(model, data)`` reproduces every estimate.

        By default only what the user wrote (lavaan adds the same defaults); ``explicit=True``
        writes every row of the parameter table, fixed values as ``value*name``.
        """
        rows = [p for p in self.parameters if explicit or p.user]
        lines = ["# lavaan model; fit with lavaan::sem(model, data = data) (ML, complete cases)"]
        for op, title in (("=~", "measurement model"), ("~", "structural model"),
                          ("~~", "variances and covariances")):
            group = [p for p in rows if p.op == op]
            if not group:
                continue
            lines.append(f"# {title}")
            for lhs in dict.fromkeys(p.lhs for p in group):
                terms = [_term(p) for p in group if p.lhs == lhs]
                lines.append(f"{lhs} {op} " + " + ".join(terms))
        if self.defined:
            lines.append("# defined parameters")
            lines.extend(f"{d.name} := {d.expression}" for d in self.defined)
        return "\n".join(lines) + "\n"


def _term(p: ParameterSpec) -> str:
    if p.label:  # a labelled fixed row is always an auto-fixed first loading, which lavaan fixes too
        return f"{p.label}*{p.rhs}"
    return p.rhs if p.free else f"{p.value:g}*{p.rhs}"


def _evaluate(node, values: dict):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _evaluate(node.operand, values)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        a, b = _evaluate(node.left, values), _evaluate(node.right, values)
        return BINARY[type(node.op)](a, b)
    raise input_error("defined parameter: unsupported expression", value=ast.unparse(node),
                      allowed="labels, numbers, + - * / ** and parentheses")


def _names_in(expression: str) -> set[str]:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as err:
        raise input_error("defined parameter: cannot parse", value=expression,
                          allowed="labels, numbers, + - * / ** and parentheses") from err
    _evaluate(tree.body, _Anything())
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


class _Anything(dict):
    """Lets :func:`_evaluate` check an expression's grammar before the labels have values."""

    def __missing__(self, key):
        return 1.0


def measurement_syntax(measurement: dict[str, list[str]]) -> str:
    """lavaan syntax of a measurement model given as construct -> items (``PQ =~ PQ1 + PQ2 + ...``)."""
    if not measurement:
        raise input_error("measurement model: no constructs", value=measurement,
                          allowed="a mapping construct -> list of at least one item")
    lines = []
    for construct, items in measurement.items():
        if not items:
            raise input_error("measurement model: construct without items", value=construct,
                              allowed="at least one item per construct")
        lines.append(f"{construct} =~ " + " + ".join(items))
    return "\n".join(lines)


def _statements(syntax: str) -> list[str]:
    out: list[str] = []
    for raw in syntax.splitlines():
        line = re.split(r"[#!]", raw, maxsplit=1)[0]
        for part in line.split(";"):
            part = part.strip()
            if not part:
                continue
            if out and (part.startswith("+") or out[-1].endswith(("+", "*", "=~", "~", ":="))):
                out[-1] = f"{out[-1]} {part}"
            else:
                out.append(part)
    return out


def _split(statement: str) -> tuple[str, str, str]:
    """``lhs op rhs`` of one statement; the operator is the first of ``=~ ~~ := ~`` found."""
    bad = [u for u in UNSUPPORTED if u in statement]
    op = next((o for o in OPERATORS if o in statement), None)
    if op is not None and not bad:
        lhs, rhs = (t.strip() for t in statement.split(op, 1))
        if "~" not in rhs and "=" not in rhs:
            return lhs, op, rhs
    raise input_error("lavaan syntax: unsupported or missing operator in", value=statement,
                      allowed="=~, ~, ~~, := (no intercepts, thresholds, constraints or composites)")


def _term_parts(term: str, statement: str) -> tuple[str, str | None]:
    """Split ``modifier*name`` -> (name, modifier)."""
    if "*" in term:
        modifier, name = (t.strip() for t in term.rsplit("*", 1))
    else:
        modifier, name = None, term.strip()
    if not NAME.match(name):
        raise input_error("lavaan syntax: not a variable name", value=name,
                          allowed=f"letters, digits, _ and . (in {statement!r})")
    if modifier is not None and modifier != "NA" and not NAME.match(modifier):
        try:
            float(modifier)
        except ValueError:
            raise input_error("lavaan syntax: unsupported modifier", value=modifier,
                              allowed=f"a label, a number or NA (in {statement!r})") from None
    return name, modifier


class Statement(NamedTuple):
    """One ``lhs op rhs`` relation of the syntax, with the term's modifier (label, number or NA)."""

    lhs: str
    op: str
    rhs: str
    modifier: str | None


class TableRow(NamedTuple):
    """A parameter-table row before numbering: ``fixed`` is the value of a fixed row, None if free."""

    lhs: str
    op: str
    rhs: str
    fixed: float | None
    label: str
    user: bool


def specify_model(syntax: str, auto_cov_y: bool = True) -> ModelSpec:
    """Parse lavaan syntax and build the parameter table with the defaults of ``lavaan::sem()``.

    R: ``lavaan::parTable(lavaan::sem(model, data))`` lists the same rows.
    ``auto_cov_y=False`` leaves the disturbances of pure dependent latents uncorrelated unless
    the syntax says otherwise (lavaan: ``sem(..., auto.cov.y = FALSE)``).
    """
    statements, defined = _parse_statements(syntax)
    latent, observed = _variables(statements, syntax)
    rows, specified = _user_rows(statements, latent)
    rows += _default_rows(statements, latent, observed, specified, auto_cov_y)
    _check_labels(rows, latent, observed, defined)
    table = [ParameterSpec(r.lhs, r.op, r.rhs, 0 if r.fixed is not None else 1,
                           r.fixed if r.fixed is not None else float("nan"), r.label, r.user) for r in rows]
    return ModelSpec(tuple(observed), tuple(latent), _renumber(table), tuple(defined))


def _parse_statements(syntax: str) -> tuple[list[Statement], list[DefinedParameter]]:
    """Every relation of the syntax, one per left-hand name and term, and the ``:=`` definitions."""
    statements: list[Statement] = []
    defined: list[DefinedParameter] = []
    for statement in _statements(syntax):
        lhs, op, rhs = _split(statement)
        if op == ":=":
            if not NAME.match(lhs):
                raise input_error("defined parameter: not a name", value=lhs, allowed="a label")
            defined.append(DefinedParameter(lhs, rhs))
            continue
        if not rhs:
            raise input_error("lavaan syntax: nothing on the right of", value=statement,
                              allowed="one or more terms joined by +")
        for left in lhs.split("+"):
            left = left.strip()
            if not NAME.match(left):
                raise input_error("lavaan syntax: not a variable name", value=left,
                                  allowed=f"letters, digits, _ and . (in {statement!r})")
            for term in rhs.split("+"):
                if term.strip() == "1" and op == "~":
                    raise input_error("lavaan syntax: intercepts are not supported", value=statement,
                                      allowed="=~, ~, ~~, := without mean structure")
                name, modifier = _term_parts(term, statement)
                statements.append(Statement(left, op, name, modifier))
    return statements, defined


def _variables(statements: list[Statement], syntax: str) -> tuple[list[str], list[str]]:
    """Latent variables (left of ``=~``) and indicators in lavaan's order, every relation checked against them."""
    latent = list(dict.fromkeys(s.lhs for s in statements if s.op == "=~"))
    if not latent:
        raise input_error("lavaan syntax: no latent variable defined", value=syntax.strip()[:60],
                          allowed="at least one 'factor =~ item1 + item2 + ...'")
    observed = list(dict.fromkeys(s.rhs for s in statements if s.op == "=~" and s.rhs not in latent))
    for lhs, op, rhs, _ in statements:
        for v in (lhs, rhs):
            if v not in latent and v not in observed:
                raise input_error(f"lavaan syntax: '{v}' in '{lhs} {op} {rhs}' is neither a latent variable "
                                  "nor an indicator;", value=v,
                                  allowed="regressions and covariances among latents or indicators")
        if op == "~" and (lhs not in latent or rhs not in latent):
            raise input_error("lavaan syntax: regressions must be between latent variables", value=f"{lhs} ~ {rhs}",
                              allowed=", ".join(latent))
        if op == "~~" and (lhs in latent) != (rhs in latent):
            raise input_error("lavaan syntax: a covariance must be between two latents or two indicators",
                              value=f"{lhs} ~~ {rhs}", allowed="latent ~~ latent or indicator ~~ indicator")
    return latent, observed


def _row_key(lhs: str, op: str, rhs: str) -> tuple[str, str, str]:
    """A parameter's identity: ``a ~~ b`` and ``b ~~ a`` are the same covariance."""
    return ("~~", *sorted((lhs, rhs))) if op == "~~" else (lhs, op, rhs)


def _user_rows(statements: list[Statement], latent: list[str]) -> tuple[list[TableRow], set[tuple[str, str, str]]]:
    """The rows the syntax writes, the first loading of each latent fixed to 1 unless a number or NA says
    otherwise (lavaan ``auto.fix.first``), and the set of their keys."""
    rows: list[TableRow] = []
    specified: set[tuple[str, str, str]] = set()
    first = {lv: next(s.rhs for s in statements if s.lhs == lv and s.op == "=~") for lv in latent}
    for lhs, op, rhs, modifier in statements:
        key = _row_key(lhs, op, rhs)
        if key in specified:
            raise input_error("lavaan syntax: parameter specified twice", value=f"{lhs} {op} {rhs}",
                              allowed="each parameter once")
        specified.add(key)
        fixed, label = None, ""
        if modifier is None:
            if op == "=~" and rhs == first[lhs]:
                fixed = 1.0
        elif modifier == "NA":
            pass
        elif NAME.match(modifier):
            label = modifier
            if op == "=~" and rhs == first[lhs]:
                fixed = 1.0
        else:
            fixed = float(modifier)
        rows.append(TableRow(lhs, op, rhs, fixed, label, True))
    return rows, specified


def _default_rows(statements: list[Statement], latent: list[str], observed: list[str],
                  specified: set[tuple[str, str, str]], auto_cov_y: bool) -> list[TableRow]:
    """The rows lavaan adds: residual and latent variances (``auto.var``; a single indicator's residual
    variance fixed to 0, ``auto.fix.single``), covariances of exogenous latents (``auto.cov.lv.x``) and
    of the disturbances of pure dependent latents (``auto.cov.y``)."""
    rows: list[TableRow] = []
    indicators = {lv: [s.rhs for s in statements if s.lhs == lv and s.op == "=~"] for lv in latent}
    for ov in observed:
        if _row_key(ov, "~~", ov) not in specified:
            single = any(inds == [ov] for inds in indicators.values())
            rows.append(TableRow(ov, "~~", ov, 0.0 if single else None, "", False))
    for lv in latent:
        if _row_key(lv, "~~", lv) not in specified:
            rows.append(TableRow(lv, "~~", lv, None, "", False))
    regressed = {s.lhs for s in statements if s.op == "~"}
    dependent = regressed | {s.rhs for s in statements if s.op == "=~" and s.rhs in latent}
    predictors = {s.rhs for s in statements if s.op == "~"}
    exogenous = [lv for lv in latent if lv not in dependent]
    pure_y = [lv for lv in latent if lv in dependent and lv not in predictors
              and lv in regressed] if auto_cov_y else []
    for group in (exogenous, pure_y):
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if _row_key(a, "~~", b) not in specified:
                    rows.append(TableRow(a, "~~", b, None, "", False))
    return rows


def _check_labels(rows: list[TableRow], latent: list[str], observed: list[str],
                  defined: list[DefinedParameter]) -> None:
    """Labels must differ from variable names; a definition may use only labels and earlier definitions."""
    labels = {r.label for r in rows if r.label}
    clash = labels & (set(latent) | set(observed))
    if clash:
        raise input_error("lavaan syntax: a label is also a variable name", value=sorted(clash)[0],
                          allowed="labels distinct from variable names")
    names = set(labels)
    for d in defined:
        unknown = _names_in(d.expression) - names
        if unknown:
            raise input_error(f"defined parameter {d.name}: unknown label", value=sorted(unknown)[0],
                              allowed=", ".join(sorted(names)) or "no labels in the model")
        names.add(d.name)


def _renumber(rows: list[ParameterSpec]) -> tuple[ParameterSpec, ...]:
    """Number free parameters 1..q in table order; rows sharing a label share the number."""
    by_label: dict[str, int] = {}
    out = []
    n = 0
    for p in rows:
        free = 0
        if p.free:
            if p.label and p.label in by_label:
                free = by_label[p.label]
            else:
                n += 1
                free = n
                if p.label:
                    by_label[p.label] = n
        out.append(ParameterSpec(p.lhs, p.op, p.rhs, free, p.value, p.label, p.user))
    return tuple(out)


__all__ = ["DefinedParameter", "ModelSpec", "ParameterSpec", "measurement_syntax",
           "specify_model"]
