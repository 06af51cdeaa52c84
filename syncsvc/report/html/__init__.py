"""Self-contained HTML reports: Jinja2 templates with autoescape, inline CSS and SVG.

A report is one file that works offline: no JavaScript, no fonts, images or
stylesheets by URL (the page's Content-Security-Policy refuses them all), readable
on a laptop and on a 375 px phone, and printable. Report templates live in
``templates/`` beside this module and extend ``base.html``::

    {% extends "base.html" %}
    {% block content %}<h2>Burn-up</h2>{{ burnup }}{% endblock %}

and are rendered with :func:`render`, where ``burnup`` is a
:class:`~syncsvc.report.html.charts.Chart`. Every value a template prints is
escaped for HTML and has control characters removed (Unicode format characters
such as bidi overrides are shown as ``\\u202e``); only :class:`markupsafe.Markup`
(charts, :func:`markupsafe.escape` output) is printed as it is. Links built from
remote text go through the ``http_url`` filter (anything but http(s) becomes ``#``).
"""

from __future__ import annotations

from functools import cache

import jinja2
from markupsafe import Markup

from syncsvc.escape import shown
from syncsvc.report.html.charts import (
    BurnupPoint,
    Chart,
    Marker,
    Series,
    burnup_chart,
    stacked_area_chart,
)

__all__ = [
    "BurnupPoint",
    "Chart",
    "Marker",
    "Series",
    "burnup_chart",
    "environment",
    "http_url",
    "render",
    "stacked_area_chart",
]


def http_url(value: str) -> str:
    """``value`` when it is an http(s) URL, else ``"#"``: remote text never becomes a
    ``javascript:`` or ``data:`` link. Templates use it as ``href="{{ url | http_url }}"``."""
    text = shown(value).strip()
    scheme, _, rest = text.partition(":")
    if scheme.lower() in {"http", "https"} and rest.startswith("//") and len(rest) > 2:
        return text
    return "#"


def _finalize(value: object) -> object:
    """Plain strings lose controls before autoescape; markup and numbers pass."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value)
    return value


@cache
def environment() -> jinja2.Environment:
    """The report environment: package templates, autoescape on, undefined names fail."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("syncsvc.report.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["http_url"] = http_url
    return env


def render(template: str, /, **context: object) -> str:
    """``template`` (a file name under ``templates/``) rendered with ``context``.

    ``base.html`` reads ``title`` (required) and ``subtitle`` (optional).
    Raises :class:`jinja2.TemplateNotFound` and :class:`jinja2.UndefinedError`
    for a programming error; the output is deterministic for the same context.
    """
    return environment().get_template(template).render(**context)
