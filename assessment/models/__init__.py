"""Models of the assessment system 考核: schemes by year, regular (quarterly) and year-end assessment."""
from .regular import IndicatorScore, Lapse, RegularAssessment  # noqa: F401
from .schemes import Indicator, Scheme  # noqa: F401
from .yearend import QuotaOverride, YearClose, YearCloseEvent, YearResult  # noqa: F401
