"""Detail pages, the new list pages and the entry pages of the guarantee system, and the API details, run
a constant number of queries whatever the size of what they show (measured at two sizes)."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import OutsideUnit, OutsideUnitKind
from resources import services
from resources.choices import CareerEventKind, CommunityClass, SupportKind

from .conftest import seat

pytestmark = pytest.mark.django_db


def urls(w):
    return [
        f"/resources/terms/{w.term.pk}/", f"/resources/pairings/{w.pairing.pk}/", f"/resources/premises/{w.premise.pk}/",
        f"/resources/training/{w.s1_session.pk}/", f"/resources/funds/{w.allocation.pk}/", "/resources/cadres/",
        "/resources/funds/standards/", "/resources/premises/", "/resources/stationed/",
        f"/resources/renovations/{w.project.pk}/accept/", f"/resources/seats/{w.deputy.pk}/career/",
        f"/resources/stationed/{w.staff.pk}/end/", f"/resources/pairings/{w.pairing.pk}/end/",
        "/resources/premises/venues/new/", "/resources/premises/revivals/new/", "/resources/stationed/new/",
        f"/api/resources/terms/{w.term.pk}/", f"/api/resources/seats/{w.deputy.pk}/",
        f"/api/resources/trainings/{w.s1_session.pk}/", f"/api/resources/funds/{w.allocation.pk}/",
        f"/api/resources/premises/{w.premise.pk}/", f"/api/resources/pairings/{w.pairing.pk}/",
    ]


def grow(tree, w, start: int, n: int):
    """More of everything the pages above show, around the same records."""
    admin = tree.users["district"]
    for k in range(start, start + n):
        s = seat(w.term, admin, "", "member", born=dt.date(1970 + k, 1, 1), name=f"委员{k}")
        services.training_attendance_record(actor=admin, session=w.s1_session, seats=[s])
        services.career_event_create(actor=admin, seat=s, kind=CareerEventKind.CIVIL_SERVICE,
                                     happened_on=dt.date(2023, 1, k))
        services.support_record_create(actor=admin, pairing=w.pairing, kind=SupportKind.PROJECT,
                                       given_on=dt.date(2022, 2, k), description=f"项目{k}", amount_yuan=100)
        services.pairing_difficulty_raise(actor=admin, pairing=w.pairing, title=f"难题{k}", description="d")
        services.fund_spending_create(actor=admin, allocation=w.allocation, spent_on=w.allocation.allocated_on,
                                      amount_yuan=10, purpose=f"支出{k}")
        project = services.renovation_create(actor=admin, premise=w.premise, budget_yuan=1000,
                                             started_on=dt.date(2022, 1, k))
        if k % 2:
            services.renovation_accept(actor=admin, project=project, accepted_on=dt.date(2022, 6, k), spent_yuan=900)
        services.idle_revival_create(actor=admin, community=tree.c1, name=f"闲置{k}", new_use="活动室", area_m2=50,
                                     revived_on=dt.date(2023, 1, k))
        host = OutsideUnit.objects.create(kind=OutsideUnitKind.ENTERPRISE, code=f"QY{k}", name=f"企业{k}",
                                          registered_at=tree.district)
        services.shared_venue_create(actor=admin, host=host, community=tree.c1, name=f"场地{k}", kind="culture",
                                     opening_terms="周末开放", starts_on=dt.date(2023, 1, 1))
        dept = OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code=f"QB{k}", name=f"部门{k}",
                                          registered_at=tree.district)
        services.stationed_staff_create(actor=admin, department=dept, street=tree.s1, person_name=f"干部{k}",
                                        starts_on=dt.date(2023, 1, 1))
        services.fund_standard_set(actor=admin, owner=tree.district, year=2000 + k,
                                   community_class=CommunityClass.URBAN, amount_yuan=500000)


def counts(client, w):
    result = {}
    for url in urls(w):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = len(ctx.captured_queries)
    return result


@pytest.fixture
def grown_world(tree, world):
    admin = tree.users["district"]
    world.project = services.renovation_create(actor=admin, premise=world.premise, budget_yuan=5000,
                                               started_on=dt.date(2022, 1, 1))
    world.s1_session = services.training_session_create(actor=admin, organiser=tree.s1, topic="街道轮训",
                                                        place="街道党校", form="rotation", starts_on=world.today)
    return world


@pytest.mark.parametrize("persona", ["district", "street"])
def test_constant_queries(client, tree, grown_world, persona):
    client.force_login(tree.users[persona])
    grow(tree, grown_world, 1, 2)
    small = counts(client, grown_world)
    grow(tree, grown_world, 3, 6)
    large = counts(client, grown_world)
    assert large == small
    print(persona, small)  # noqa: T201  (shown with -s: the counts measured)
