"""REST API of the work system, by topic like ``supervision.views``, scoped like the pages: lists through
the supervision selectors, filtered by the same FilterSets as the pages (``supervision.filtersets``; a bad
parameter is a 400), objects through ``get_object_for_user`` (out of scope = 404), every write through a
service (``ValidationError`` = 400, ``ScopeDenied`` = 404). Case transitions reuse the page forms for
their input rules."""
from .cases import CaseViewSet
from .dispatch import DispatchSheetViewSet
from .home import NotificationViewSet
from .inspections import NoticeViewSet
from .tasks import KeyTaskViewSet, LetterViewSet
from .visits import VisitRecordViewSet

__all__ = ["CaseViewSet", "DispatchSheetViewSet", "KeyTaskViewSet", "LetterViewSet", "NoticeViewSet",
           "NotificationViewSet", "VisitRecordViewSet"]
