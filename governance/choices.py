"""Choices of the governance system and its transition tables (defined once; import them)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    OWNERS = "owners", _("Owners' committee")
    SUPERVISORY = "supervisory", _("Owners' supervisory committee")


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    MEMBER = "member", _("Committee member")


class TopicSource(models.TextChoices):
    VISIT = "visit", _("Weekly visit")
    CASE = "case", _("Case")
    PROPOSAL = "proposal", _("Resident proposal")
    ACTOR = "actor", _("Raised by an actor")


class TopicState(models.TextChoices):
    RAISED = "raised", _("Raised")
    SCHEDULED = "scheduled", _("Scheduled")
    DELIBERATED = "deliberated", _("Deliberated")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")
    IMPLEMENTING = "implementing", _("Implementing")
    DONE = "done", _("Done")


class TopicAction(models.TextChoices):
    RAISE = "raise", _("Raised")
    SCHEDULE = "schedule", _("Put on an agenda")
    DELIBERATE = "deliberate", _("Deliberated")
    ADOPT = "adopt", _("Adopted")
    REJECT = "reject", _("Rejected")
    DEFER = "defer", _("Deferred")
    IMPLEMENT = "implement", _("Implementation started")
    COMPLETE = "complete", _("Done")


# action -> (states it may start from, state it leads to). The services never set a state otherwise.
TOPIC_TRANSITIONS = {
    TopicAction.SCHEDULE: ((TopicState.RAISED, TopicState.DEFERRED), TopicState.SCHEDULED),
    TopicAction.DELIBERATE: ((TopicState.SCHEDULED,), TopicState.DELIBERATED),
    TopicAction.ADOPT: ((TopicState.DELIBERATED,), TopicState.ADOPTED),
    TopicAction.REJECT: ((TopicState.DELIBERATED,), TopicState.REJECTED),
    TopicAction.DEFER: ((TopicState.DELIBERATED,), TopicState.DEFERRED),
    TopicAction.IMPLEMENT: ((TopicState.ADOPTED,), TopicState.IMPLEMENTING),
    TopicAction.COMPLETE: ((TopicState.IMPLEMENTING,), TopicState.DONE),
}
OPEN_TOPIC_STATES = (TopicState.RAISED, TopicState.SCHEDULED, TopicState.DEFERRED)


class Outcome(models.TextChoices):
    CONSENSUS = "consensus", _("Adopted by consensus")
    VOTE = "vote", _("Adopted by vote")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred to a next meeting")


ADOPTED_OUTCOMES = (Outcome.CONSENSUS, Outcome.VOTE)
ACTION_OF_OUTCOME = {
    Outcome.CONSENSUS: TopicAction.ADOPT,
    Outcome.VOTE: TopicAction.ADOPT,
    Outcome.REJECTED: TopicAction.REJECT,
    Outcome.DEFERRED: TopicAction.DEFER,
}


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class ParticipantRole(models.TextChoices):
    PARTY_ORG = "party_org", _("Party organisation")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    SUPERVISORY_COMMITTEE = "supervisory_committee", _("Owners' supervisory committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    RESIDENT_REPRESENTATIVE = "resident_representative", _("Resident representative")
    DEPARTMENT = "department", _("Department")


class WorkKind(models.TextChoices):
    CASE = "case", _("Case in the work system")
    TASK = "task", _("Task for a named actor")


class SocialField(models.TextChoices):
    CHILD_ELDERLY = "child_elderly", _("Childcare and elderly care")
    DISABILITY_POVERTY = "disability_poverty", _("Help for the disabled and the poor")
    RECREATION = "recreation", _("Recreation")
    PUBLIC_SAFETY = "public_safety", _("Public safety patrols")
    VOLUNTEERING = "volunteering", _("Volunteering")
    MEDIATION = "mediation", _("Mediation and moral review")
    OTHER = "other", _("Other")


class FilingStatus(models.TextChoices):
    NONE = "none", _("Neither filed nor registered")
    FILED = "filed", _("Filed with the street")
    REGISTERED = "registered", _("Registered with civil affairs")


class Stage(models.TextChoices):
    CULTIVATING = "cultivating", _("Cultivating")
    INCUBATED = "incubated", _("Incubated")
    FILED = "filed", _("Filed or registered")
    GRADUATED = "graduated", _("Graduated")
    DISSOLVED = "dissolved", _("Dissolved")


# to stage -> stages it may come from
STAGE_TRANSITIONS = {
    Stage.INCUBATED: (Stage.CULTIVATING,),
    Stage.FILED: (Stage.INCUBATED,),
    Stage.GRADUATED: (Stage.FILED,),
    Stage.DISSOLVED: (Stage.CULTIVATING, Stage.INCUBATED, Stage.FILED, Stage.GRADUATED),
}
ACTIVE_INCUBATED_STAGES = (Stage.INCUBATED, Stage.FILED, Stage.GRADUATED)


class SocialEventKind(models.TextChoices):
    FOUNDED = "founded", _("Entered the register")
    STAGE = "stage", _("Incubation stage changed")
    MEMBER_BECAME_LEADER = "member_became_leader", _("A party member became its leader")
    LEADER_APPLIED = "leader_applied", _("Its leader applied to join the party")


class PostingRole(models.TextChoices):
    INSTRUCTOR = "instructor", _("Party-building instructor")
    LIAISON = "liaison", _("Party-building liaison")


class Grade(models.TextChoices):
    """The published grade of a competition entry (an official evaluation, not a ranking)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


# (lowest total for the grade, grade), highest first; totals are on a 0–100 scale.
GRADE_BANDS = ((90, Grade.EXCELLENT), (80, Grade.GOOD), (60, Grade.PASS), (0, Grade.FAIL))
# With this many judges or more, the highest and the lowest judge's totals are dropped.
TRIM_FROM_JUDGES = 5
