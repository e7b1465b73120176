"""Choices and shared constants of the guarantee system (保障体系). Defined once; import them."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Education


class PartyPost(models.TextChoices):
    NONE = "", _("Not on the party committee")
    SECRETARY = "secretary", _("Party secretary")
    DEPUTY = "deputy", _("Deputy party secretary")
    MEMBER = "member", _("Party committee member")


class ResidentsPost(models.TextChoices):
    NONE = "", _("Not on the residents' committee")
    DIRECTOR = "director", _("Residents' committee director")
    DEPUTY = "deputy", _("Residents' committee deputy director")
    MEMBER = "member", _("Residents' committee member")


# College (大专) or above.
COLLEGE_OR_ABOVE = (Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE)
# Under 35 means an age at election of at most 34 completed years.
YOUNG_AGE = 35


class TrainingForm(models.TextChoices):
    CENTRAL = "central", _("Central training class")
    PAIRING = "pairing", _("Pairing and mentoring")
    ATTACHMENT = "attachment", _("Attachment to a higher unit")
    ROTATION = "rotation", _("Rotation training")


class SupportKind(models.TextChoices):
    FUNDS = "funds", _("Funds")
    PROJECT = "project", _("Project")
    TECHNOLOGY = "technology", _("Technology")
    OTHER = "other", _("Other support")


class FundKind(models.TextChoices):
    OPERATING = "operating", _("Operating funds")
    SERVICE = "service", _("Special funds for serving residents")
    PROJECT = "project", _("Project funds")


class FundSource(models.TextChoices):
    FINANCE = "finance", _("Public finance")
    SOCIAL = "social", _("Social support")
    SELF = "self", _("Community's own funds")


class CommunityClass(models.TextChoices):
    URBAN = "urban", _("Urban community")
    VILLAGE = "village", _("Village")


class PremiseKind(models.TextChoices):
    OFFICE = "office", _("Community office")
    SERVICE_CENTRE = "service_centre", _("Party and residents' service centre")
    VENUE = "venue", _("Activity venue")


class ProjectKind(models.TextChoices):
    RENOVATION = "renovation", _("Renovation")
    EXPANSION = "expansion", _("Expansion")


class VenueKind(models.TextChoices):
    PARTY = "party", _("Party-building venue")
    EDUCATION = "education", _("Education venue")
    CULTURE = "culture", _("Culture venue")
    SPORTS = "sports", _("Sports venue")


class CareerEventKind(models.TextChoices):
    CIVIL_SERVICE = "civil_service", _("Directed recruitment into the civil service")
    PUBLIC_INSTITUTION = "public_institution", _("Recruited into a public institution")
    PROMOTED = "promoted", _("Promoted")
    COMMENDED = "commended", _("Commended")
    LEFT = "left", _("Left the post")
