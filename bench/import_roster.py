"""Roster import benchmark: the real import path against a raw COPY of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_roster.py --rows 20000 100000 [--format csv|xlsx] [--keep]

For each N: generate N valid rows (valid ID numbers, unit codes of a generated tree) into a file, run
``org.imports.roster_import`` as a district administrator — preview (dry run) and confirm timed separately
(validation, scope, duplicates, encryption, bulk writes, one transaction) — then re-import the same file
(skip rate), then load the same rows by ``COPY`` into a plain table of the Member table's shape. Prints times,
rows/s, the ratio to COPY and the peak Python memory (tracemalloc) and process RSS.

It creates and drops its own database ``suxian_bench`` on the server of DATABASE_URL (never touching the
database named there). Not a test: pytest never collects bench/.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "suxian_bench"


def _setup_database() -> None:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL=postgres://… (the benchmark runs on PostgreSQL)")
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    admin.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suxian.settings")
    os.environ.setdefault("DEBUG", "1")  # its own database, development keys
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build_tree():
    """A district with 6 streets × 10 communities × 2 compounds × 5 buildings, through the tree services."""
    from accounts.models import RoleGrant, User
    from accounts.roles import Role
    from org.models import OrgUnit
    from org.services import org_unit_create

    root = User.objects.create_superuser("bench-root", password="x")
    d = org_unit_create(actor=root, parent=None, code="BD", name="区委", kind="district",
                        party_org_type="district_committee")
    codes = []
    for s in range(6):
        street = org_unit_create(actor=root, parent=d, code=f"BS{s}", name=f"街道{s}", kind="street",
                                 party_org_type="working_committee")
        for c in range(10):
            community = org_unit_create(actor=root, parent=street, code=f"BS{s}C{c}", name=f"社区{s}{c}",
                                        kind="community", party_org_type="general_branch")
            codes.append(community.code)
            for p in range(2):
                compound = org_unit_create(actor=root, parent=community, code=f"{community.code}P{p}",
                                           name=f"小区{p}", kind="compound", party_org_type="branch")
                codes.append(compound.code)
                for b in range(5):
                    building = org_unit_create(actor=root, parent=compound, code=f"{compound.code}B{b}",
                                               name=f"{b}栋", kind="building", party_org_type="group")
                    codes.append(building.code)
    admin = User.objects.create_user("bench-admin", password="x")
    RoleGrant.objects.create(user=admin, unit=OrgUnit.objects.get(code="BD"), role=Role.DISTRICT_ADMIN,
                             valid_from=date(2020, 1, 1))
    return admin, codes


def _rows(n: int, codes: list[str], seed: int):
    from core.idcard import generate_id_number

    rng = random.Random(seed)
    seen = set()
    regions = ["431003", "431002", "431021", "431022", "431023", "431024", "431025", "431026", "431027",
               "431028", "431081", "430102", "430103", "430104", "430105", "430111"]
    edu = ["初中及以下", "高中/中专", "大专", "本科", "研究生"]
    cat = ["在职", "退休", "流动", "其他"]
    i = 0
    while i < n:
        birth = date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
        gender = "MF"[rng.random() < 0.4]
        idn = generate_id_number(rng, region=rng.choice(regions), birth=birth, gender=gender)
        if idn in seen:
            continue
        seen.add(idn)
        i += 1
        unit = codes[rng.randrange(len(codes))]
        residence = unit if "P" in unit else f"{unit}P0"
        yield [f"党员{i}", idn, f"13{rng.randint(0, 999999999):09d}", rng.choice(edu), "汉族",
               f"{birth.year + rng.randint(19, 25)}-07-01", "正式", rng.choice(cat), "", "正常", unit,
               residence, ""]


def _write_file(path: Path, rows, fmt: str) -> None:
    from org.imports import COLUMNS

    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            import csv

            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(rows)
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(COLUMNS)
        for r in rows:
            ws.append(r)
        wb.save(path)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(label, fn):
    """Time without tracing (tracemalloc slows Python code several-fold); peak RSS of the process after."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started, _rss_mb() * 1e6


def _traced_peak(fn) -> float:
    """Peak Python heap (MB) of one more run under tracemalloc (slower; memory only)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def _copy(path: Path, n: int) -> float:
    """COPY the same rows (already-final column values, as a raw load would) into a table of Member's shape."""
    from django.db import connection

    from org.models import Member

    rows = list(_rows(n, _copy.codes, seed=n))  # same generator and seed as the file
    buf = io.StringIO()
    for r in rows:
        buf.write("\t".join([r[0], "x" * 120, r[1], r[1][:3] + "*" * 11 + r[1][-4:], "M", "1970-01-01",
                             "x" * 100, r[2], r[2][:3] + "****" + r[2][-4:], r[3], r[4], r[5], r[6], r[7], r[9],
                             r[12], str(_copy.unit_id)]) + "\n")
    data = buf.getvalue()
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (LIKE {Member._meta.db_table} "
                    "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)")
        cur.execute("ALTER TABLE bench_copy ALTER COLUMN id SET DEFAULT nextval(pg_get_serial_sequence("
                    f"'{Member._meta.db_table}', 'id'))")
    started = time.perf_counter()
    with connection.cursor() as cur:
        cols = ("name, id_number_encrypted, id_number_hash, id_number_masked, gender, birth_date, phone_encrypted, "
                "phone_hash, phone_masked, education, ethnicity, joined_on, standing, category, status, note, unit_id")
        with cur.copy(f"COPY bench_copy ({cols}, created_at, updated_at, fingerprint) FROM STDIN") as copy:
            for line in data.splitlines():
                copy.write(line + "\tnow\tnow\t\n")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[20000, 100000])
    parser.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    parser.add_argument("--keep", action="store_true", help="keep the suxian_bench database")
    args = parser.parse_args()
    _setup_database()
    from django.db import connection

    from org.imports import roster_import
    from org.models import Member, Membership

    admin, codes = _build_tree()
    _copy.codes = codes
    from org.models import OrgUnit

    _copy.unit_id = OrgUnit.objects.get(code=codes[0]).pk
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    print(f"PostgreSQL {connection.pg_version}, {os.cpu_count()} CPUs, format {args.format}")
    print(f"{'rows':>8} {'step':<10} {'seconds':>8} {'rows/s':>9} {'RSS MB':>8}  note")
    for n in args.rows:
        Membership.objects.all().delete()
        Member.objects.all().delete()
        OrgUnit.objects.filter(direct_members__gt=0).update(direct_members=0)  # counters of the deleted rows
        path = workdir / f"bench_roster_{n}.{args.format}"
        started = time.perf_counter()
        _write_file(path, _rows(n, codes, seed=n), args.format)
        print(f"{n:>8} {'generate':<10} {time.perf_counter() - started:>8.2f} {'':>9} {'':>8}  "
              f"{path.stat().st_size / 1e6:.1f} MB file")

        def imp(dry):
            return roster_import(actor=admin, source=path, filename=path.name, dry_run=dry,
                                 max_bytes=64 * 1024 * 1024, max_rows=10**6)

        result, t_preview, peak = _timed("preview", lambda: imp(True))
        assert result.ok and result.created == n, (result.file_error, result.errors[:3])
        print(f"{n:>8} {'preview':<10} {t_preview:>8.2f} {n / t_preview:>9.0f} {peak / 1e6:>8.1f}  "
              f"new {result.created}")
        result, t_confirm, peak = _timed("confirm", lambda: imp(False))
        assert result.ok and Member.objects.count() == n
        print(f"{n:>8} {'confirm':<10} {t_confirm:>8.2f} {n / t_confirm:>9.0f} {peak / 1e6:>8.1f}  "
              f"created {result.created}")
        result, t_again, peak = _timed("reimport", lambda: imp(False))
        skip = result.skipped / n * 100
        print(f"{n:>8} {'re-import':<10} {t_again:>8.2f} {n / t_again:>9.0f} {peak / 1e6:>8.1f}  "
              f"skipped {result.skipped} ({skip:.1f}%)")
        heap = _traced_peak(lambda: imp(True))
        print(f"{n:>8} {'heap':<10} {'':>8} {'':>9} {heap:>8.1f}  peak traced Python heap of a preview")
        t_copy = _copy(path, n)
        print(f"{n:>8} {'COPY':<10} {t_copy:>8.2f} {n / t_copy:>9.0f} {'':>8}  "
              f"confirm/COPY = {t_confirm / t_copy:.1f}x, preview/COPY = {t_preview / t_copy:.1f}x")
        path.unlink()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {rss:.0f} MB")
    if not args.keep:
        connection.close()
        import dj_database_url
        import psycopg

        cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
        admin_conn = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"],
                                     password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
        admin_conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin_conn.close()


if __name__ == "__main__":
    main()
