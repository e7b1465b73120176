"""REST API of the organisation system, one module per topic like the views (routes in ``org.api_urls``)."""
