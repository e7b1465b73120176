import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from org.models import OutsideUnit, OutsideUnitKind
from supervision.choices import CaseKind, CaseSource, Category
from supervision.services import case_register


@pytest.fixture
def depts(tree):
    """Two district departments registered at the district root."""
    return [
        OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code=f"QZ{n}", name=f"苏仙{name}",
                                   short_name=name, registered_at=tree.district)
        for n, name in enumerate(["区住建局", "区司法局"], start=1)
    ]


@pytest.fixture
def liaison(tree, depts):
    """A liaison of the first department; their grant sits at the district root, like the demo's."""
    user = User.objects.create_user("liaison", password="pw-Persona-2026")
    RoleGrant.objects.create(user=user, unit=tree.district, role=Role.DEPARTMENT_LIAISON, department=depts[0],
                             valid_from=timezone.localdate())
    return user


@pytest.fixture
def cadre(tree):
    user = User.objects.create_user("cadre1", password="pw-Persona-2026", full_name="网格员甲")
    RoleGrant.objects.create(user=user, unit=tree.c1, role=Role.COMMUNITY_CADRE, valid_from=dt.date(2020, 1, 1))
    return user


@pytest.fixture
def admin(tree):
    return tree.users["district"]


@pytest.fixture
def make_case(tree, admin):
    def make(unit=None, actor=None, registered_on=None, category=Category.PROPERTY_MANAGEMENT, **kw):
        return case_register(
            actor=actor or admin, unit=unit or tree.p1, kind=kw.pop("kind", CaseKind.DISPUTE),
            source=kw.pop("source", CaseSource.HOTLINE), category=category, title=kw.pop("title", "漏水纠纷"),
            description=kw.pop("description", "楼上漏水"), registered_on=registered_on, **kw,
        )

    return make
