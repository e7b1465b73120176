"""Admin many-to-many choices (Grid.units) are scoped like foreign-key choices."""
import pytest

from core.testing import table_fingerprint
from org import services
from org.models import Grid

pytestmark = pytest.mark.django_db


def staff(tree, name):
    user = tree.users[name]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def grid(tree):
    return services.grid_create(actor=tree.users["district"], community=tree.c1, code="G1", name="一网格")


def test_grid_admin_unit_choices_stay_in_scope(client, tree, grid):
    """The grid's compounds/buildings (a many-to-many) list only units in the user's scope."""
    client.force_login(staff(tree, "community"))
    response = client.get(f"/admin/org/grid/{grid.pk}/change/")
    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["units"].queryset
    assert set(choices.values_list("code", flat=True)) <= {"C1", "P1", "B1"}
    assert tree.p3.name.encode() not in response.content  # a compound of another street is not even named


def test_grid_admin_cannot_attach_a_foreign_unit(client, tree, grid):
    client.force_login(staff(tree, "community"))
    url = f"/admin/org/grid/{grid.pk}/change/"
    data = {"community": tree.c1.pk, "code": "G1", "name": "一网格", "note": "", "units": [tree.p1.pk, tree.p3.pk],
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000"}
    before = table_fingerprint([Grid, Grid.units.through])
    response = client.post(url, data)
    assert response.status_code == 200  # the form refuses the out-of-scope choice
    assert table_fingerprint([Grid, Grid.units.through]) == before
    assert not grid.units.filter(pk=tree.p3.pk).exists()
