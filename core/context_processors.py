from core.scoping import Action, has_any_scope


def scope(request):
    """The units where the user holds a role, shown in the layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def grants():
        from core.selectors import active_grants_for

        return active_grants_for(user)

    return {
        "scope_grants": grants,
        "can_audit": has_any_scope(user, Action.AUDIT),
    }
