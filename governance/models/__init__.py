"""Models of the governance system. One module per topic; all re-exported here."""
from .actors import Committee, CommitteeSeat, PropertyService, ResidentRepresentative  # noqa: F401
from .competition import Competition, Criterion, Entry, Score  # noqa: F401
from .deliberation import (  # noqa: F401
    AgendaItem,
    FollowUp,
    Meeting,
    OverdueReminder,
    Participant,
    Topic,
    TopicEvent,
    WorkItem,
)
from .social import (  # noqa: F401
    Brand,
    FloatingMember,
    FloatingReminder,
    Posting,
    SocialOrganisation,
    SocialOrgEvent,
)
