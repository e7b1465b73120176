"""Two writers at once on PostgreSQL end in a consistent tree (django-mptt alone does not)."""
import threading

import pytest
from django.db import close_old_connections, connection

from accounts.models import User
from org import services
from org.integrity import tree_problems
from org.models import OrgUnit


def _writer(actor_id, parent_ids, prefix, count, errors, barrier):
    try:
        close_old_connections()
        actor = User.objects.get(pk=actor_id)
        barrier.wait()
        for i in range(count):
            parent = OrgUnit.objects.get(pk=parent_ids[i % len(parent_ids)])
            services.org_unit_create(actor=actor, parent=parent, code=f"{prefix}{i:03d}", name=f"{prefix}{i}",
                                     kind="compound")
    except Exception as exc:  # pragma: no cover - reported below
        errors.append(repr(exc))
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_parent", [True, False], ids=["same-parent", "different-parents"])
def test_two_concurrent_writers_leave_a_consistent_tree(tree, same_parent):
    actor = tree.users["district"]
    parents_a = [tree.c1.pk] if same_parent else [tree.c1.pk, tree.c3.pk]
    parents_b = [tree.c1.pk] if same_parent else [tree.c2.pk, tree.c3.pk]
    errors: list = []
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_writer, args=(actor.pk, parents_a, "TA", 25, errors, barrier)),
        threading.Thread(target=_writer, args=(actor.pk, parents_b, "TB", 25, errors, barrier)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert OrgUnit.objects.filter(code__startswith="T").count() == 50
    assert tree_problems() == []
    before = dict(OrgUnit.objects.values_list("pk", "lft"))
    OrgUnit.objects.rebuild()
    assert dict(OrgUnit.objects.values_list("pk", "lft")) == before


def test_integrity_check_finds_a_corrupted_range(db, tree):
    assert tree_problems() == []
    OrgUnit.objects.filter(pk=tree.b1.pk).update(rght=tree.b1.rght + 1)
    assert tree_problems()
