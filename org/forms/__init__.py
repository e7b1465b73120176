"""Forms of the organisation pages (one module per topic, like the views; all re-exported here). Filters
are FilterSets (``org.filtersets``), not forms."""
from .common import DATE_WIDGET, UnitChoiceField, blank, clean_import_file, member_unit_queryset  # noqa: F401
from .imports import RosterImportForm, TreeImportForm  # noqa: F401
from .members import MemberForm, residence_queryset  # noqa: F401
from .new_domain import NewDomainOrgEndForm, NewDomainOrgForm, attach_units  # noqa: F401
from .registrations import (  # noqa: F401
    MAX_MEMBER_MATCHES,
    DualRegistrationCreateForm,
    EndForm,
    PartTimeMemberCreateForm,
)
from .transfers import TransferRequestForm, TransferReturnForm  # noqa: F401
from .tree import OrgUnitForm, OrgUnitMoveForm, kinds_at_level  # noqa: F401
