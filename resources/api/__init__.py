"""REST API of the guarantee system under /api/resources/ (filters: the same FilterSets as the pages).
Reads are scoped (``for_user``); writes fetch in scope with the write action (404 otherwise) and call
the services (a ValidationError is a 400)."""
from .committees import SeatViewSet, TermViewSet  # noqa: F401
from .overview import FundViewSet, PairingViewSet, PremiseViewSet, TrainingViewSet  # noqa: F401
