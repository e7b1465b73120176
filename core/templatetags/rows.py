"""Helpers that keep table loops cheap: work done once per page instead of once per row.

- ``choice_labels`` / ``label_rows``: a field's choice labels translated once, instead of
  ``get_FOO_display`` on every row (which rebuilds the choices dict and casts a lazy translation).
- ``{% url_pattern "app:view" as u %}`` … ``{{ obj.pk|fill_url:u }}``: ``reverse()`` once for the whole
  loop; ``fill_url`` gives exactly what ``{% url "app:view" obj.pk %}`` gives.

Nothing here keeps anything between requests: labels follow the active language of the request.
"""
import datetime
from pathlib import Path

from django import forms, template
from django.forms.renderers import DjangoTemplates as DjangoTemplatesRenderer
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import stringformat
from django.urls import reverse
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

# An argument no real key takes; reversed once, then replaced by each row's key.
_SENTINEL = 987654321987


def choice_labels(model, field_name: str) -> dict:
    """{stored value: label} for a field with choices, each label translated once (active language)."""
    field = model._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}


def label_rows(rows, model, *fields: str):
    """Set ``<field>_label`` on each row: what ``row.get_<field>_display()`` gives, for a fraction of
    the cost. Returns ``rows``."""
    maps = [(name, f"{name}_label", choice_labels(model, name)) for name in fields]
    for row in rows:
        for name, attr, labels in maps:
            value = getattr(row, name)
            setattr(row, attr, labels.get(value, value))
    return rows


@register.simple_tag(name="choice_labels")
def choice_labels_tag(obj, field_name: str) -> dict:
    """``{% choice_labels unit "party_org_type" as labels %}`` (a model instance or class)."""
    model = obj if isinstance(obj, type) else type(obj)
    return choice_labels(model, field_name)


@register.filter
def label(labels: dict, value):
    """``{{ labels|label:row.field }}``: like ``get_FIELD_display`` (the value itself when unknown)."""
    return labels.get(value, value)


@register.simple_tag
def url_pattern(view_name: str) -> tuple[str, str]:
    """The URL of a view taking one key argument, split around that argument; reversed once."""
    head, sep, tail = reverse(view_name, args=[_SENTINEL]).partition(str(_SENTINEL))
    if not sep:  # pragma: no cover - a converter that rewrites its value
        raise ValueError(f"{view_name} does not take a key argument as is")
    return head, tail


@register.filter
def fill_url(key, pattern: tuple[str, str]) -> str:
    """``{{ obj.pk|fill_url:pattern }}``, the same string as ``{% url name obj.pk %}``."""
    return f"{pattern[0]}{key}{pattern[1]}"


@register.filter(expects_localtime=True)
def ymd(value):
    """``{{ d|ymd }}``: a date as ``date:"Y-m-d"`` shows it, without the date-format machinery."""
    if type(value) is datetime.date:
        return value.isoformat()
    return date_filter(value, "Y-m-d")


# -- form widgets ---------------------------------------------------------------------------------------

_WIDGETS = "django/forms/widgets/"
_SELECT = _WIDGETS + "select.html"
_OPTION = _WIDGETS + "select_option.html"
# Templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
_INPUTS = frozenset(_WIDGETS + f"{name}.html" for name in (
    "text", "number", "email", "search", "url", "tel", "password", "hidden", "date", "datetime", "time",
))
_BUILTIN_DIR = Path(forms.__file__).resolve().parent / "templates"


class QuickWidgetRenderer(DjangoTemplatesRenderer):
    """Django's form renderer, except that plain ``<select>`` and ``<input>`` widgets are written out here
    instead of through the widget templates (a select costs two template includes per ``<option>``). The
    HTML is the very same as ``select.html`` / ``select_option.html`` / ``input.html`` / ``attrs.html``
    give, and only while those are Django's own files (an app overriding one is rendered through it);
    anything else goes through the templates as usual. Use ``form.renderer = QUICK_RENDERER`` or
    ``default_renderer = QUICK_RENDERER`` on a form class."""

    def __init__(self):
        super().__init__()
        self._builtin = {}  # template name -> whether it resolves to Django's own file

    def is_builtin(self, template_name: str) -> bool:
        known = self._builtin.get(template_name)
        if known is None:
            origin = Path(self.get_template(template_name).origin.name).resolve()
            known = self._builtin[template_name] = origin.is_relative_to(_BUILTIN_DIR)
        return known

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and template_name in _INPUTS and self.is_builtin(template_name) \
                and self.is_builtin(_WIDGETS + "input.html") and self.is_builtin(_WIDGETS + "attrs.html"):
            return _input_html(widget)
        if widget is not None and template_name == _SELECT and all(
            self.is_builtin(name) for name in (_SELECT, _OPTION, _WIDGETS + "attrs.html")
        ) and all(option["template_name"] == _OPTION for _, options, _ in widget["optgroups"] for option in options):
            return _select_html(widget)
        return super().render(template_name, context, request)


def _input_html(widget) -> str:
    """``input.html``."""
    out = Context(autoescape=True)  # how the widget templates print a value
    value = f' value="{_formatted(widget["value"], out)}"' if widget["value"] != None else ""  # noqa: E711 (as the template)
    return f'<input type="{_value(widget["type"], out)}" name="{_value(widget["name"], out)}"{value}{_attrs(widget["attrs"], out)}>'


def _select_html(widget) -> str:
    """``select.html`` with ``select_option.html``."""
    out = Context(autoescape=True)
    html = [f'<select name="{_value(widget["name"], out)}"{_attrs(widget["attrs"], out)}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_value(group_name, out)}">')
        for option in options:
            html.append(f'\n  <option value="{_formatted(option["value"], out)}"'
                        f'{_attrs(option["attrs"], out)}>{_value(option["label"], out)}</option>\n')
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _value(value, context) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, context)


def _formatted(value, context) -> str:
    """``{{ value|stringformat:'s' }}``."""
    text = stringformat(value, "s")
    return render_value_in_context(mark_safe(text) if isinstance(value, SafeData) else text, context)


def _attrs(attrs: dict, context) -> str:
    """``attrs.html``."""
    return "".join(
        f" {_value(name, context)}" if value is True else f' {_value(name, context)}="{_formatted(value, context)}"'
        for name, value in attrs.items()
        if value is not False
    )


QUICK_RENDERER = QuickWidgetRenderer()
