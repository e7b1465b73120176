"""Template tags of the joint conference for other apps' pages: the one-click button that puts a case or a
visit record on the needs list (需求清单), shown to who may change records at its unit."""
from django import template

from core.scoping import Action, unit_in_scope

register = template.Library()


@register.inclusion_tag("org/conference_raise_button.html", takes_context=True)
def joint_need_button(context, case=None, visit=None):
    """``{% joint_need_button case=case %}`` / ``{% joint_need_button visit=visit %}``: the raise button, or
    the need already raised from it (one query)."""
    from ..models import JointNeed

    request = context.get("request")
    source = case or visit
    unit = getattr(source, "unit", None) if case is not None else getattr(source, "place", None)
    if request is None or source is None or not unit_in_scope(request.user, Action.CHANGE, unit):
        return {"show": False}
    need = JointNeed.objects.filter(**({"source_case": case} if case is not None else {"source_visit": visit})).first()
    return {"show": True, "need": need, "case": case, "visit": visit, "csrf_token": context.get("csrf_token")}
