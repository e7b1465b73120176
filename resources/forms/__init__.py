"""Input forms of the guarantee system (filters are FilterSets, not forms)."""
from .committees import SeatForm, SeatImportForm  # noqa: F401
from .entry import (  # noqa: F401
    AllocationForm,
    AttendanceForm,
    CareerEventForm,
    EndForm,
    FundStandardForm,
    IdleRevivalForm,
    PairingCreateForm,
    PremiseForm,
    RenovationAcceptForm,
    RenovationForm,
    SeatEndForm,
    SharedVenueForm,
    SpendingForm,
    StationedStaffForm,
    TermCreateForm,
    TrainingSessionForm,
)
from .pairing import DifficultyForm, SupportRecordForm  # noqa: F401
