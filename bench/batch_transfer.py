"""Batch transfer at the article's scale: one list of 2,289 retirees (the article's 22 SOEs' total) matched,
created and completed in one go, timed per phase. Not a test (nothing asserts a time).

    .venv/bin/python bench/batch_transfer.py [--rows 2289]

Runs on the configured database's *test* database (created, migrated and destroyed here, like pytest): the
persona tree, one SOE with the retirees registered as held there, living in the compounds of C1, C2 and
C3; the list routes a third by code, a third by the address column and a third by recorded residence.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2289)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suxian.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0)
    try:
        import random
        from datetime import date

        from core.idcard import generate_id_number
        from org import services
        from org.batch_import import COL_ADDRESS, COL_ID, COL_TO, resolve_batch_rows
        from org.models import OutsideUnitKind
        from org.testing import build_persona_tree

        tree = build_persona_tree()
        admin = tree.users["district"]
        soe = services.outside_unit_create(actor=admin, registered_at=tree.district, kind=OutsideUnitKind.SOE,
                                           code="GQ001", name="湘南煤矿")
        rng = random.Random(1)
        numbers: set[str] = set()
        while len(numbers) < args.rows:
            numbers.add(generate_id_number(rng, birth=date(1940 + rng.randrange(22), 1 + rng.randrange(12),
                                                           1 + rng.randrange(28)), gender="M"))
        numbers = sorted(numbers)
        homes = [tree.p1, tree.p2, tree.p3]
        services.member_bulk_create(actor=admin, specs=[
            dict(name=f"退休{i:04d}", id_number=n, outside_unit=soe, category="retired", residence=homes[i % 3])
            for i, n in enumerate(numbers)])
        codes = {tree.p1.pk: "C1", tree.p2.pk: "C2", tree.p3.pk: "C3"}
        rows = []
        for i, n in enumerate(numbers):
            home = homes[i % 3]
            cells = {COL_ID: n}
            if i % 3 == 0:
                cells[COL_TO] = codes[home.pk]
            elif i % 3 == 1:
                cells[COL_ADDRESS] = home.name
            rows.append((i + 2, cells))
        with CaptureQueriesContext(connection) as q1:
            t0 = time.perf_counter()
            plan = resolve_batch_rows(actor=admin, source=soe, registered_at=tree.district, rows=rows)
            t1 = time.perf_counter()
        assert plan.ok, plan.errors[:5]
        with CaptureQueriesContext(connection) as q2:
            t2 = time.perf_counter()
            batch = services.transfer_batch_create(actor=admin, source=soe, document_no="郴组通〔2021〕1号",
                                                   registered_at=tree.district, items=plan.items)
            t3 = time.perf_counter()
        with CaptureQueriesContext(connection) as q3:
            t4 = time.perf_counter()
            services.transfer_batch_complete(actor=admin, batch=batch)
            t5 = time.perf_counter()
        print(f"database: {connection.vendor}; rows: {args.rows}")
        print(f"match + route: {t1 - t0:.2f} s, {len(q1.captured_queries)} queries")
        print(f"create batch:  {t3 - t2:.2f} s, {len(q2.captured_queries)} queries")
        print(f"complete:      {t5 - t4:.2f} s, {len(q3.captured_queries)} queries")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
