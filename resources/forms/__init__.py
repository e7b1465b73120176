"""Input forms of the guarantee system (filters are FilterSets, not forms)."""
from .committees import SeatForm, SeatImportForm  # noqa: F401
from .pairing import DifficultyForm, SupportRecordForm  # noqa: F401
