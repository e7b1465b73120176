"""Browser pages of the organisation system, one module per topic (the forms and the API split the
same way). Thin: objects fetched in scope with ``get_object_for_user`` (404 otherwise), lists filtered
by ``org.filtersets`` through ``core.web.filter_list``, writes through ``org.services`` with
``core.web.run_service``."""
