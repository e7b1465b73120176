from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("District committee")
    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    COMPOUND = "compound", _("Residential compound")
    BUILDING = "building", _("Building")


class Level(models.IntegerChoices):
    DISTRICT = 0, _("District")
    STREET = 1, _("Street / town")
    COMMUNITY = 2, _("Community / village")
    COMPOUND = 3, _("Compound")
    BUILDING = 4, _("Building")


LEVEL_OF_KIND: dict[str, int] = {
    UnitKind.DISTRICT: Level.DISTRICT,
    UnitKind.STREET: Level.STREET,
    UnitKind.TOWN: Level.STREET,
    UnitKind.COMMUNITY: Level.COMMUNITY,
    UnitKind.VILLAGE: Level.COMMUNITY,
    UnitKind.COMPOUND: Level.COMPOUND,
    UnitKind.BUILDING: Level.BUILDING,
}
URBAN_KINDS = {UnitKind.STREET, UnitKind.COMMUNITY}
STREET_KINDS = (UnitKind.STREET, UnitKind.TOWN)
COMMUNITY_KINDS = (UnitKind.COMMUNITY, UnitKind.VILLAGE)
# The levels whose units hold members (a street's own branch down to a building's group).
MEMBER_LEVELS = (Level.STREET, Level.COMMUNITY, Level.COMPOUND, Level.BUILDING)


class PartyOrgType(models.TextChoices):
    NONE = "", _("No party organisation")
    DISTRICT_COMMITTEE = "district_committee", _("District party committee")
    WORKING_COMMITTEE = "working_committee", _("Party working committee")
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


class NewDomainKind(models.TextChoices):
    OFFICE_BUILDING = "office_building", _("Office building")
    PROPERTY_COMPANY = "property_company", _("Property-management company")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise", _("Non-public enterprise")


class GridRole(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    GRID_HEAD = "grid_head", _("Grid head")
    BUILDING_HEAD = "building_head", _("Building head")
    VOLUNTEER = "volunteer", _("Volunteer")


# -- the regional joint conference (区域化党建联席会议) ------------------------------------------------

class JointResourceKind(models.TextChoices):
    VENUE = "venue", _("Venue")
    FUNDS = "funds", _("Funds")
    VOLUNTEERS = "volunteers", _("Volunteers")
    EXPERTISE = "expertise", _("Expertise")
    OTHER = "other", _("Other")


class JointNeedState(models.TextChoices):
    OPEN = "open", _("Open")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")


class JointProjectState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("joint project", "Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class JointProjectAction(models.TextChoices):
    START = "start", pgettext_lazy("joint project", "Start")
    COMPLETE = "complete", pgettext_lazy("joint project", "Complete")
    CANCEL = "cancel", pgettext_lazy("joint project", "Cancel")


# action -> (states it may start from, state it leads to): the only source of the project transitions.
JOINT_PROJECT_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    JointProjectAction.START: ((JointProjectState.PLANNED,), JointProjectState.IN_PROGRESS),
    JointProjectAction.COMPLETE: ((JointProjectState.IN_PROGRESS,), JointProjectState.COMPLETED),
    JointProjectAction.CANCEL: ((JointProjectState.PLANNED, JointProjectState.IN_PROGRESS), JointProjectState.CANCELLED),
}
