"""The unread-notification count for the header: computed lazily (one query, only when a page
renders it)."""
from django.utils.functional import SimpleLazyObject


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import notification_unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user))}
