"""Texts of in-app notifications, built at display time from the kind and its parameters."""
from django.utils.translation import gettext as _

from .choices import NotificationKind as K


def _templates() -> dict:
    return {
        K.VISIT_GAP_COMMUNITY: _("No visit was recorded in %(community)s in week %(period)s."),
        K.VISIT_GAP_CADRE: _("You recorded no visit in %(community)s in week %(period)s."),
        K.CASE_ASSIGNED: _("Case “%(title)s” was assigned to you, due %(due_on)s."),
        K.CASE_ESCALATED: _("Case “%(title)s” was escalated to you, due %(due_on)s."),
        K.CASE_RETURNED: _("Case “%(title)s” was returned: %(reason)s"),
        K.CASE_REOPENED: _("Case “%(title)s” was reopened: the resident was not satisfied."),
        K.DISPATCH_SHEET: _("The dispatch sheet for %(period)s is ready: %(open)s open, %(overdue)s overdue."),
        K.CONSULTATION_AGENDA: _("The consultation agenda for %(period)s lists %(items)s cases."),
        K.NOTICE_DRAFTED: _("A supervision notice about %(target)s is waiting for review."),
        K.NOTICE_ISSUED: _("Supervision notice %(number)s was issued to %(target)s."),
        K.INTERVIEW: _("An accountability interview with %(target)s is set for %(held_on)s."),
        K.LETTER: _("Assignment letter %(number)s: %(task)s, deadline %(deadline)s."),
        K.GOVERNANCE_OVERDUE: _("Resolution “%(title)s” is overdue since %(due_on)s."),
        K.GOVERNANCE_FLOATING: _("Floating member %(member)s has not reported or registered (%(period)s)."),
    }


class _Safe(dict):
    def __missing__(self, key):
        return ""


def render(kind: str, params: dict) -> str:
    template = _templates().get(kind)
    if template is None:
        return kind
    try:
        return template % _Safe(params or {})
    except (TypeError, ValueError):
        return template
