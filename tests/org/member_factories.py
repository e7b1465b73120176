"""Factories of members and their registrations for the member page/API/export tests.

Every object is created through the services (``member_create``, ``transfer_request``…), never by saving
model rows, so that tests see exactly what the application writes (encryption, memberships, audit).
"""
from __future__ import annotations

import random
from datetime import date

import factory

from core.idcard import generate_id_number
from org import services
from org.models import Member, OutsideUnitKind

_RNG = random.Random(2026)
_ISSUED: set[str] = set()


def new_id_number(year: int = 1980, gender: str = "M") -> str:
    """A valid ID number never handed out before in this process (random ones would collide now and then)."""
    while True:
        number = generate_id_number(_RNG, birth=date(year, 1 + _RNG.randrange(12), 1 + _RNG.randrange(28)),
                                    gender=gender)
        if number not in _ISSUED:
            _ISSUED.add(number)
            return number


class MemberFactory(factory.Factory):
    """``MemberFactory(actor=user, unit=unit, ...)``: a member registered through ``member_create``."""

    class Meta:
        model = Member

    actor = None
    unit = None
    name = factory.Sequence(lambda n: f"党员{n:04d}")
    id_number = factory.LazyFunction(new_id_number)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    category = "retired"
    education = "bachelor"
    joined_on = date(2005, 7, 1)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.member_create(actor=actor, **kwargs)


def make_members(tree, unit, n: int, actor: str = "district", **kw) -> list[Member]:
    return [MemberFactory(actor=tree.users[actor], unit=unit, **kw) for _ in range(n)]


def outside_unit(tree, code="QZ1", kind=OutsideUnitKind.DISTRICT_DEPARTMENT, name="区民政局"):
    return services.outside_unit_create(actor=tree.users["district"], registered_at=tree.district, kind=kind,
                                        code=code, name=name)
