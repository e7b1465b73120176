"""List pages and API lists run a constant number of queries whatever the data size."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import OutsideUnit, OutsideUnitKind
from resources import services
from resources.choices import FundKind, ResidentsPost

from .conftest import seat

pytestmark = pytest.mark.django_db

URLS = ["/resources/", "/resources/terms/", "/resources/pairings/", "/resources/funds/", "/resources/premises/",
        "/resources/training/", "/resources/stationed/", "/api/resources/terms/", "/api/resources/seats/",
        "/api/resources/pairings/", "/api/resources/funds/", "/api/resources/premises/",
        "/api/resources/trainings/"]


def grow(tree, world, start: int, n: int):
    admin = tree.users["district"]
    for k in range(start, start + n):
        term = services.term_create(actor=admin, community=tree.c2, number=k, elected_on=dt.date(1990 + k, 1, 1))
        seat(term, admin, "", ResidentsPost.MEMBER, born=dt.date(1960, 1, 1))
        partner = OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code=f"QX{k}", name=f"单位{k}",
                                             registered_at=tree.district)
        pairing = services.pairing_create(actor=admin, partner=partner, community=tree.c2,
                                          starts_on=dt.date(2021, 1, 1))
        services.pairing_difficulty_raise(actor=admin, pairing=pairing, title="难题", description="d")
        services.fund_allocation_create(actor=admin, community=tree.c2, year=world.today.year, kind=FundKind.PROJECT,
                                        project=f"项目{k}", amount_yuan=1000,
                                        allocated_on=dt.date(world.today.year, 1, 1))
        services.premise_create(actor=admin, community=tree.c2, name=f"用房{k}", area_m2=100)
        session = services.training_session_create(actor=admin, organiser=tree.s1, topic=f"培训{k}", place="街道",
                                                   form="rotation", starts_on=world.today)
        services.training_attendance_record(actor=admin, session=session, seats=[world.seat2])
        services.stationed_staff_create(actor=admin, department=partner, street=tree.s1, person_name=f"人员{k}",
                                        starts_on=dt.date(2021, 1, 1))


def counts(client):
    result = {}
    for url in URLS:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = len(ctx.captured_queries)
    return result


@pytest.mark.parametrize("persona", ["district", "street"])
def test_constant_queries(client, tree, world, persona):
    client.force_login(tree.users[persona])
    grow(tree, world, 1, 2)
    small = counts(client)
    grow(tree, world, 3, 6)
    assert counts(client) == small
