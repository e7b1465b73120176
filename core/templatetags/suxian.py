"""Small presentation helpers for the templates."""
import datetime
import math

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int | str:
    """A timedelta (or a number of hours, as django-axes configures its cool-off) in whole minutes."""
    if isinstance(value, datetime.timedelta):
        return max(1, math.ceil(value.total_seconds() / 60))
    if isinstance(value, (int, float)):
        return max(1, math.ceil(value * 60))
    return ""


@register.filter
def pct(value) -> str:
    """A percentage computed by a selector, or an em dash when there is nothing to divide by."""
    if value is None or value == "":
        return "—"
    return f"{value:g}%"
