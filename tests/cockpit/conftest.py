import datetime as dt

import pytest

from supervision import services
from supervision.choices import CaseKind, CaseSource, Category

YEAR = 2026


def add_work(tree, n: int = 1):
    """``n`` rounds of records in the persona tree: per round a visit in C1 and C3 (March), a case at P1
    resolved in April and an open case at P3 registered in May."""
    admin = tree.users["district"]
    for i in range(n):
        for place in (tree.c1, tree.c3):
            services.visit_record_create(actor=admin, place=place, visited_on=dt.date(YEAR, 3, 2 + i % 20),
                                         heard="路灯不亮", households_count=2, cadre=admin)
        case = services.case_register(actor=admin, unit=tree.p1, kind=CaseKind.DISPUTE, source=CaseSource.HOTLINE,
                                      category=Category.PROPERTY_MANAGEMENT, title=f"漏水{i}", description="楼上漏水",
                                      households_affected=10 + i, registered_on=dt.date(YEAR, 4, 1))
        services.case_accept(actor=admin, case=case, on=dt.date(YEAR, 4, 2))
        services.case_start(actor=admin, case=case, on=dt.date(YEAR, 4, 3))
        services.case_resolve(actor=admin, case=case, resolution="已修", on=dt.date(YEAR, 4, 10))
        services.case_register(actor=admin, unit=tree.p3, kind=CaseKind.DIFFICULTY, source=CaseSource.HOTLINE,
                               category=Category.LABOUR, title=f"欠薪{i}", description="工资",
                               registered_on=dt.date(YEAR, 5, 6))


@pytest.fixture
def work(tree):
    add_work(tree)
    return tree
