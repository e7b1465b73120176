"""The work system's start page and the in-app notifications."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, has_any_scope
from core.web import filter_list, is_safe_url, page_of, safe_next

from .. import selectors, services
from ..filtersets import NotificationFilter
from ..models import Notification, VisitRecord


class SupervisionHomeView(View):
    """Start page: the big "log a visit" button, this week's own visits, the case totals in scope,
    the latest notifications. A handful of queries."""

    template_name = "supervision/home.html"

    def get(self, request):
        user = request.user
        today = timezone.localdate()
        week_start = today - dt.timedelta(days=today.weekday())
        ctx = {
            "can_record_visits": has_any_scope(user, Action.RECORD),
            "has_scope": has_any_scope(user, Action.VIEW, departments=True),
            "my_week_visits": VisitRecord.objects.filter(cadre=user, visited_on__gte=week_start).count(),
            "counts": selectors.case_counts(user=user),
            "latest": list(selectors.notification_list(user=user, unread_only=True)[:5]),
        }
        return render(request, self.template_name, ctx)


class NotificationListView(View):
    template_name = "supervision/notification_list.html"

    def get(self, request):
        filterset, qs = filter_list(request, NotificationFilter,
                                    selectors.notification_list(user=request.user).select_related("unit"))
        return render(request, self.template_name, {"page": page_of(request, qs),
                                                    "unread": bool(filterset.value("unread")),
                                                    "base_url": reverse("supervision:notification_list")})


class NotificationReadView(View):
    """POST: mark one notification (``id``) or all of the user's unread ones read. With ``open`` the
    user is sent on to the notification's link. Only ever the user's own notifications."""

    def post(self, request):
        user = request.user
        raw = request.POST.get("id")
        if raw:
            try:
                notification = Notification.objects.get(pk=int(raw), recipient=user)
            except (ValueError, Notification.DoesNotExist):
                raise Http404 from None
            services.notification_mark_read(actor=user, notification_ids=[notification.pk])
            if request.POST.get("open") and is_safe_url(request, notification.link):
                return redirect(notification.link)
        else:
            count = services.notification_mark_read(actor=user)
            if count:
                messages.success(request, _("All notifications were marked read."))
        return redirect(safe_next(request, reverse("supervision:notification_list")))


class NotificationBadgeView(View):
    """The unread count in the header (an htmx partial that refreshes itself). One query."""

    def get(self, request):
        return render(request, "supervision/_notification_badge.html",
                      {"unread_notifications": selectors.notification_unread_count(user=request.user)})
