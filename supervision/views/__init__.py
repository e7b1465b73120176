"""Browser pages of the work system 工作体系 (周纪实、月调度、季化解, task lists, inspections, supervision).

Thin, like ``org.views``: reads through ``supervision.selectors``, writes through
``supervision.services``; every object fetched in the supervision scope (``core.scoping.get_object_for_user``:
department liaisons see their department's records, everyone else the tree scope), so out of scope is
a 404 exactly like a missing id. A service's ``ValidationError`` becomes a form error, its
``ScopeDenied`` a 404.
"""
