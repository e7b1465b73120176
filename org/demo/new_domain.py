"""Demo: new-domain organisations that ended (dissolved, merged), kept as history. They come on top of
the 308 office-building and 10 property-company organisations in force (``tree.seed_new_domain_and_grids``),
so the article's current figures stay as they are. Idempotent: an existing code is left alone."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from ..choices import NewDomainKind, PartyOrgType, UnitKind
from ..models import NewDomainOrg, OrgUnit
from ..services import new_domain_org_create, new_domain_org_end
from .tree import demo_admin

ENDED = (
    ("LYE01", NewDomainKind.OFFICE_BUILDING, "华鑫商务大厦联合党支部", date(2018, 5, 1), date(2021, 12, 31),
     "大厦企业整体迁出，党支部撤销"),
    ("WYE01", NewDomainKind.PROPERTY_COMPANY, "郴州立信物业服务有限公司党支部", date(2019, 3, 1), date(2022, 3, 31),
     "物业公司退出服务，党员组织关系转回社区"),
)


@transaction.atomic
def seed_ended_new_domain(*, stdout=None) -> str:
    actor = demo_admin()
    communities = list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code")[:2])
    if not communities:
        return "no communities: nothing to end"
    existing = set(NewDomainOrg.objects.filter(code__in=[row[0] for row in ENDED]).values_list("code", flat=True))
    made = 0
    for n, (code, kind, name, founded, ended_on, reason) in enumerate(ENDED):
        if code in existing:
            continue
        org = new_domain_org_create(actor=actor, unit=communities[n % len(communities)], kind=kind, code=code,
                                    name=name, party_org_type=PartyOrgType.BRANCH, party_org_founded=founded)
        new_domain_org_end(actor=actor, org=org, ended_on=ended_on, reason=reason)
        made += 1
    return f"{made} ended new-domain orgs"
