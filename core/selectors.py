"""Read helpers shared by the apps."""
from django.db.models import Q

from .models import AuditLog
from .scoping import Action, cached_grants, scope_nodes, scope_q, subtree_q


def active_grants_for(user):
    """The user's grants valid today, in tree order; shares the per-request scope cache (no extra query)."""
    return list(cached_grants(user))


def audit_log_list(*, user, unit=None, username: str = "", action: str = "", kind: str = "", date_from=None, date_to=None):
    """Audit rows the user may read: rows of units in their audit scope (superusers: all rows)."""
    nodes = scope_nodes(user, Action.AUDIT)
    qs = AuditLog.objects.all()
    if nodes is not None:
        q = scope_q(user, Action.AUDIT, "unit", sep="_")  # the unit's range, copied onto the row
        if any(n.lft == 1 for n in nodes):
            # district-level admins also see events that belong to no unit (log-ins, failed log-ins)
            q |= Q(unit_tree_id__isnull=True)
        qs = qs.filter(q)
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "unit", sep="_"))
    if username:
        qs = qs.filter(actor_username=username)
    if action:
        qs = qs.filter(action__startswith=action)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs
