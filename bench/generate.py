"""Build a benchmark database: ``python -m bench.generate --scale S [--seed N] [--database NAME]``.

S is the number of districts. S=1 is the demo district's size (14 streets/towns, 179 communities/villages,
~100 compounds, ~650 buildings, ~10,000 members, a year of visits and cases). S>=10 uses the *province*
profile: the same 14 × 179 skeleton per district, but every community and village has its compounds and
buildings (~6,200 units and 30,000 members per district), so S=100 gives ~620,000 units, 3,000,000
members, 2,000,000 visit records, 300,000 cases (the scale the issue names). ``--profile`` overrides.

**One MPTT tree per district** (tree_id = district): a tree write locks only its own district's root (the
services serialise writes per tree), an insert shifts lft/rght only within that district (a single
province tree would renumber up to 600,000 rows for one new building), and every selector already works
per tree. A province-wide user is a superuser or holds grants at several roots (the scope primitive ORs them).

**Bulk path — benchmark only, never application code.** The tree's lft/rght/level/tree_id and the per-level
ancestor columns (street_anc/community_anc/compound_anc) are computed in Python (depth-first, children in
code order, as ``order_insertion_by = ["code"]`` would place them) and every table is loaded with
PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``). Like ``pg_restore``, foreign keys, unique constraints
and secondary indexes are dropped for the load and re-created afterwards; re-adding each foreign key and
unique constraint validates every row (so the load is checked by the database), CHECK constraints stay on
during the load. Then ``org.integrity.tree_problems()`` and a sample of ``OrgUnit`` tree-manager calls check
the tree, and the generator fails if anything is inconsistent.

**Personal data.** Every member gets a distinct valid ID number (region code per district, check digit) and
phone number; ``id_number_hash``/``phone_hash`` are the real keyed HMACs (``core.crypto.pii_hash`` with the
configured key, so look-ups by ID number work) and the masks are real. Fernet encryption costs ~50 µs a
value, so the ciphertexts come from a pool of 512 encrypted sample values reused across rows: a reveal in
the bench database decrypts to a pool value, not to the row's own number. Nothing else is faked.

Deterministic for (seed, scale, profile, end date). Prints counts and the time of each phase.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hmac
import os
import random
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import (
        BASE_DIR,
        BENCH_PASSWORD,
        conninfo,
        db_name_for,
        db_url,
        drop_database,
        setup_django,
        write_json,
    )
else:
    from .common import BASE_DIR, BENCH_PASSWORD, conninfo, db_name_for, db_url, drop_database, setup_django, write_json

DEFAULT_END = dt.date(2026, 10, 31)  # the year of visits ends here (fixed, for determinism)

PROFILES = {
    # per district
    "demo": dict(compounds="demo", members=10_000, outside_share=0.12, visits=15_000, cases=3_450,
                 new_domain=318),
    "province": dict(compounds="full", members=30_000, outside_share=0.12, visits=20_000, cases=3_000,
                     new_domain=318),
}
URBAN_PER_STREET = [11, 11, 11, 10, 10, 10]
VILLAGES_PER_TOWN = [15, 15, 15, 15, 14, 14, 14, 14]
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志文斌辉波宁鹏飞德林春海燕雪峰亮慧婷俊凯云龙浩宇晨欣怡佳琪"
HEARD = ["小区路灯损坏，夜间出行不便", "楼道堆放杂物，存在消防隐患", "物业费上涨，居民有意见", "老旧小区改造进度询问",
         "邻里噪音纠纷", "不动产权证办理困难", "独居老人需要帮扶", "停车位紧张", "下水道堵塞", "垃圾清运不及时",
         "拖欠农民工工资", "家庭矛盾需调解", "低保申请咨询", "电梯维修资金使用", "违章搭建"]
CATEGORIES = ["property_management", "property_certificate", "neighbourhood", "family", "labour", "environment",
              "infrastructure", "social_assistance", "safety", "other"]
DAYS_BY_LEVEL = {"community": 15, "street": 30, "department": 45, "district": 60}
TZ = dt.timezone(dt.timedelta(hours=8))


# -- the COPY writer ---------------------------------------------------------------------------------------

def _esc(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _fmt(value) -> str:
    if value is None:
        return "\\N"
    t = type(value)
    if t is str:
        return _esc(value)
    if t is bool:
        return "t" if value else "f"
    return str(value)


class Loader:
    """Buffers rows per table and streams them with COPY. ``table(Model, fields)`` returns an ``add``
    function taking the values of ``fields`` in order; the other columns get their model default."""

    FLUSH_BYTES = 8 << 20

    def __init__(self, conn):
        self.conn = conn
        self.buffers: dict[str, list[str]] = {}
        self.sizes: dict[str, int] = {}
        self.heads: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.copy_seconds = 0.0

    def table(self, model, fields: list[str]):
        from django.utils import timezone

        now = timezone.now()
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        by_name.update({f.name: f for f in meta.concrete_fields})
        given = [by_name[name] for name in fields]
        rest = [f for f in meta.concrete_fields if f not in given]
        tail = []
        for f in rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.empty_strings_allowed:
                value = ""
            else:
                raise RuntimeError(f"{meta.db_table}.{f.column}: no value and no default (schema changed?)")
            if hasattr(value, "pk"):
                value = value.pk
            tail.append(_fmt(value))
        table = meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in given + rest)
        self.heads[table] = f'COPY "{table}" ({columns}) FROM STDIN'
        self.buffers.setdefault(table, [])
        self.sizes.setdefault(table, 0)
        self.counts.setdefault(table, 0)
        suffix = ("\t" + "\t".join(tail) if tail else "") + "\n"
        buf = self.buffers[table]
        loader = self

        def add(*values):
            line = "\t".join([_fmt(v) for v in values]) + suffix
            buf.append(line)
            loader.sizes[table] += len(line)
            loader.counts[table] += 1
            if loader.sizes[table] > loader.FLUSH_BYTES:
                loader.flush(table)

        return add

    def flush(self, table: str | None = None) -> None:
        tables = [table] if table else list(self.buffers)
        for name in tables:
            buf = self.buffers[name]
            if not buf:
                continue
            t0 = time.perf_counter()
            with self.conn.cursor() as cur:
                with cur.copy(self.heads[name]) as copy:
                    copy.write("".join(buf))
            self.copy_seconds += time.perf_counter() - t0
            buf.clear()
            self.sizes[name] = 0


def detach_constraints(conn, tables: list[str]) -> list[tuple[str, str, str]]:
    """Drop foreign keys, unique constraints and secondary indexes of ``tables``; return how to re-create them."""
    saved: list[tuple[str, str, str]] = []  # (kind, table, sql)
    rows = conn.execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = ANY(%s) AND c.contype IN ('f', 'u') ORDER BY c.contype, c.conname""", [tables]
    ).fetchall()
    for table, name, definition, contype in rows:
        saved.append(("u" if contype == "u" else "f", table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    for table, name, definition, contype in rows:
        if contype == "f":
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for table, name, definition, contype in rows:
        if contype == "u":
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    idx = conn.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), t.relname
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""", [tables]
    ).fetchall()
    for name, definition, table in idx:
        saved.append(("i", table, definition))
        conn.execute(f"DROP INDEX {name}")
    return saved


def reattach_constraints(conn, saved) -> None:
    for kind in ("i", "u", "f"):
        for k, _table, sql in saved:
            if k == kind:
                conn.execute(sql)


# -- the data ----------------------------------------------------------------------------------------------

class Ids:
    def __init__(self):
        self.next: dict[str, int] = {}

    def __call__(self, key: str) -> int:
        n = self.next.get(key, 0) + 1
        self.next[key] = n
        return n


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")


def _id_check(first17: str) -> str:
    from core.idcard import check_digit

    return check_digit(first17)


def plan_district(rng: random.Random, d: int, profile: dict, ids: Ids) -> list[dict]:
    """The units of district ``d`` in depth-first order (children by code), with MPTT and ancestor fields."""
    code0 = f"D{d:03d}"
    root = dict(id=ids("unit"), code=code0, name=f"第{d}区委", kind="district", parent=None, level=0,
                party="district_committee", children=[])
    for s in range(14):
        urban = s < 6
        street_code = f"{code0}{s + 1:02d}"
        street = dict(id=ids("unit"), code=street_code, name=f"{code0}-{'街道' if urban else '镇'}{s + 1}",
                      kind="street" if urban else "town", level=1,
                      party="working_committee" if urban else "committee", children=[])
        root["children"].append(street)
        count = URBAN_PER_STREET[s] if urban else VILLAGES_PER_TOWN[s - 6]
        for c in range(count):
            ccode = f"{street_code}{c + 1:03d}"
            community = dict(id=ids("unit"), code=ccode, name=f"{ccode}{'社区' if urban else '村'}",
                             kind="community" if urban else "village", level=2,
                             party="general_branch" if urban else "branch", children=[], urban=urban)
            street["children"].append(community)
    communities = [c for s in root["children"] for c in s["children"]]
    urban_communities = [c for c in communities if c["urban"]]
    # compounds
    specs: list[tuple[dict, int]] = []  # (community, buildings)
    if profile["compounds"] == "demo":
        extra = 96 - len(urban_communities)
        for k, community in enumerate(urban_communities):
            for _m in range(2 if k < extra else 1):
                specs.append((community, rng.randint(4, 10)))
    else:
        for community in communities:
            n = rng.randint(6, 12) if community["urban"] else rng.randint(1, 4)
            for _m in range(n):
                specs.append((community, rng.randint(4, 10) if community["urban"] else rng.randint(2, 6)))
    per_community: dict[int, int] = {}
    for community, buildings in specs:
        m = per_community.get(community["id"], 0) + 1
        per_community[community["id"]] = m
        pcode = f"{community['code']}{m:02d}"
        branch = rng.random() < 0.8
        compound = dict(id=ids("unit"), code=pcode, name=f"{pcode}小区", kind="compound", level=3,
                        party="branch" if branch else "", children=[], households=rng.randint(300, 1200))
        community["children"].append(compound)
        for b in range(buildings):
            group = branch and rng.random() < 0.7
            compound["children"].append(dict(id=ids("unit"), code=f"{pcode}{b + 1:02d}", name=f"{b + 1}栋",
                                             kind="building", level=4, party="group" if group else "",
                                             children=[], households=rng.randint(24, 120)))
    # depth-first numbering
    out: list[dict] = []
    counter = [0]

    def visit(node, parent, anc):
        counter[0] += 1
        node["lft"] = counter[0]
        node["parent"] = parent["id"] if parent else None
        anc = dict(anc)
        if node["level"] == 1:
            anc["street"] = node["id"]
        elif node["level"] == 2:
            anc["community"] = node["id"]
        elif node["level"] == 3:
            anc["compound"] = node["id"]
        node["anc"] = anc
        node["tree_id"] = d
        out.append(node)
        for child in node["children"]:  # already in code order
            visit(child, node, anc)
        counter[0] += 1
        node["rght"] = counter[0]

    visit(root, None, {})
    return out


class Generator:
    def __init__(self, *, scale: int, seed: int, profile: str, end: dt.date, loader: Loader):
        from django.conf import settings

        self.scale, self.seed, self.end = scale, seed, end
        self.profile = PROFILES[profile]
        self.profile_name = profile
        self.start = end - dt.timedelta(days=364)
        self.loader = loader
        self.ids = Ids()
        self.hash_key = settings.PII_HASH_KEY.encode()
        from django.contrib.auth.hashers import make_password

        self.password = make_password(BENCH_PASSWORD)
        self.letter_seq = 0
        self._tables()
        self._pools()

    def _pools(self):
        from core.crypto import encrypt_pii

        rng = random.Random(self.seed)
        self.id_pool = []
        self.phone_pool = []
        for n in range(512):
            first17 = f"439999{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
            self.id_pool.append(encrypt_pii(first17 + _id_check(first17)))
            self.phone_pool.append(encrypt_pii(f"139{rng.randrange(10**8):08d}"))

    def _tables(self):
        from accounts.models import RoleGrant, User
        from org.models import (
            DualRegistration,
            Grid,
            Member,
            Membership,
            NewDomainOrg,
            OrgUnit,
            OutsideUnit,
            PartTimeMember,
        )
        from supervision.models import AssignmentLetter, Case, CaseEvent, KeyTask, ProgressReport, TaskArea, VisitRecord

        L = self.loader
        self.models = [OrgUnit, OutsideUnit, User, RoleGrant, Grid, NewDomainOrg, Member, Membership,
                       DualRegistration, PartTimeMember, VisitRecord, Case, CaseEvent, TaskArea, KeyTask,
                       AssignmentLetter, ProgressReport]
        self.add_unit = L.table(OrgUnit, ["id", "code", "name", "parent_id", "kind", "street_anc_id",
                                          "community_anc_id", "compound_anc_id", "party_org_type", "party_org_name",
                                          "households", "lft", "rght", "tree_id", "level"])
        self.add_outside = L.table(OutsideUnit, ["id", "kind", "code", "name", "short_name", "registered_at_id"])
        self.add_user = L.table(User, ["id", "username", "password", "full_name", "is_staff", "is_superuser",
                                       "date_joined"])
        self.add_grant = L.table(RoleGrant, ["id", "user_id", "unit_id", "role", "valid_from", "department_id"])
        self.add_grid = L.table(Grid, ["id", "community_id", "code", "name"])
        self.add_new_domain = L.table(NewDomainOrg, ["id", "kind", "code", "name", "unit_id", "party_org_type",
                                                     "party_org_founded"])
        self.add_member = L.table(Member, [
            "id", "name", "id_number_encrypted", "id_number_hash", "id_number_masked", "gender", "birth_date",
            "phone_encrypted", "phone_hash", "phone_masked", "education", "ethnicity", "joined_on", "standing",
            "category", "work_unit_id", "status", "residence_id", "unit_id", "outside_unit_id", "fingerprint"])
        self.add_membership = L.table(Membership, ["id", "member_id", "unit_id", "started_on", "ended_on", "reason",
                                                   "end_reason"])
        self.add_dual = L.table(DualRegistration, ["id", "member_id", "community_id", "kind", "commitment",
                                                   "started_on"])
        self.add_part_time = L.table(PartTimeMember, ["id", "person_name", "home_unit_id", "post", "seat_id",
                                                      "committee_post", "term_from", "term_to"])
        self.add_visit = L.table(VisitRecord, ["id", "cadre_id", "visited_on", "place_id", "households",
                                               "households_count", "heard", "category", "needs_follow_up",
                                               "recorded_by_id", "created_at", "updated_at"])
        self.add_case = L.table(Case, [
            "id", "kind", "source", "visit_id", "category", "unit_id", "title", "description", "level",
            "handler_unit_id", "handler_department_id", "registered_on", "due_on", "state", "priority", "is_hard",
            "resolved_on", "resolution", "satisfaction", "followed_up_on", "created_by_id", "created_at",
            "updated_at"])
        self.add_event = L.table(CaseEvent, ["id", "case_id", "action", "at", "actor_id", "from_state", "to_state",
                                             "from_level", "to_level", "from_unit_id", "to_unit_id",
                                             "to_department_id", "reason", "satisfaction", "due_on"])
        self.add_area = L.table(TaskArea, ["id", "owner_id", "year", "number", "name"])
        self.add_task = L.table(KeyTask, ["id", "area_id", "owner_id", "year", "number", "title", "deadline"])
        self.add_letter = L.table(AssignmentLetter, ["id", "task_id", "year", "seq", "number", "unit_id",
                                                     "department_id", "role", "issued_on", "deadline", "state",
                                                     "completed_on"])
        self.add_report = L.table(ProgressReport, ["id", "letter_id", "reported_on", "reported_by_id", "percent",
                                                   "text", "completes"])

    def tables(self) -> list[str]:
        return [m._meta.db_table for m in self.models]

    def _hash(self, value: str) -> str:
        return hmac.digest(self.hash_key, value.encode(), "sha256").hex()

    def _at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)

    def _day(self, rng, lo: dt.date | None = None) -> dt.date:
        lo = lo or self.start
        span = (self.end - lo).days
        return lo + dt.timedelta(days=rng.randint(0, max(span, 0)))

    # -- one district --------------------------------------------------------------------------------
    def district(self, d: int) -> None:
        rng = random.Random(self.seed * 100_003 + d)
        p = self.profile
        ids = self.ids
        units = plan_district(rng, d, p, ids)
        for u in units:
            a = u["anc"]
            self.add_unit(u["id"], u["code"], u["name"], u["parent"], u["kind"], a.get("street"), a.get("community"),
                          a.get("compound"), u["party"], f"{u['name']}党组织" if u["party"] else "",
                          u.get("households"), u["lft"], u["rght"], u["tree_id"], u["level"])
        root = units[0]
        streets = [u for u in units if u["level"] == 1]
        communities = [u for u in units if u["level"] == 2]
        urban = [c for c in communities if c["urban"]]
        # outside units: 39 district departments, 10 SOEs
        departments = []
        for n in range(49):
            oid = ids("outside")
            kind = "district_department" if n < 39 else "soe"
            self.add_outside(oid, kind, f"D{d:03d}{'QZ' if n < 39 else 'GQ'}{n + 1:03d}",
                             f"第{d}区{'部门' if n < 39 else '国企'}{n + 1}", f"{'部门' if n < 39 else '国企'}{n + 1}",
                             root["id"])
            if n < 39:
                departments.append(oid)
        # users and grants
        def user(username, full, role, unit_id, staff=False, department=None):
            uid = ids("user")
            self.add_user(uid, username, self.password, full, staff, False, self._at(self.start))
            self.add_grant(ids("grant"), uid, unit_id, role, dt.date(2021, 1, 1), department)
            return uid

        admin = user(f"b{d}_admin", f"第{d}区组织部", "district_admin", root["id"], staff=True)
        user(f"b{d}_viewer", f"第{d}区领导", "district_viewer", root["id"])
        user(f"b{d}_dept", f"第{d}区联络员", "department_liaison", root["id"], department=departments[5])
        street_users = {}
        for s in streets:
            street_users[s["id"]] = user(f"b{d}_s{s['code'][-2:]}", f"{s['name']}书记", "street_secretary", s["id"],
                                         staff=True)
        cadres: dict[int, tuple[int, int]] = {}
        for c in communities:
            sec = user(f"b{d}_c{c['code'][-5:]}", f"{c['name']}书记", "community_secretary", c["id"])
            cad = user(f"b{d}_k{c['code'][-5:]}", f"{c['name']}干部", "community_cadre", c["id"])
            cadres[c["id"]] = (sec, cad)
        # grids and new-domain organisations (as in the demo)
        for c in urban:
            for g in range(3 + rng.randint(0, 3)):
                self.add_grid(ids("grid"), c["id"], f"{c['code']}G{g + 1}", f"{c['name']}第{g + 1}网格")
        for n in range(p["new_domain"]):
            unit = urban[n % len(urban)] if n % 5 else streets[n % 6]
            kind = "office_building" if n < p["new_domain"] - 10 else "property_company"
            self.add_new_domain(ids("newdomain"), kind, f"D{d:03d}LY{n + 1:04d}", f"{unit['name']}新领域党支部{n + 1}",
                                unit["id"], "branch", dt.date(2018 + n % 4, 1 + n % 12, 1))
        # places per community: (community, compounds, buildings)
        below: dict[int, tuple[list[int], list[int]]] = {c["id"]: ([], []) for c in communities}
        for u in units:
            if u["level"] == 3:
                below[u["anc"]["community"]][0].append(u["id"])
            elif u["level"] == 4:
                below[u["anc"]["community"]][1].append(u["id"])
        weights = [3 if c["urban"] else 1 for c in communities]
        self._members(rng, d, communities, weights, below, departments)
        self._part_time(rng, d, streets, communities, departments)
        self._visits_and_cases(rng, d, root, communities, weights, below, cadres, street_users, departments, admin)
        self._tasks(rng, d, root, streets, departments, admin, street_users)

    def _members(self, rng, d, communities, weights, below, departments):
        p = self.profile
        total = p["members"]
        outside_n = int(total * p["outside_share"])
        region = f"43{d:04d}"
        seen: set[str] = set()
        educations = ["junior", "senior", "college", "bachelor", "postgraduate"]
        from org.models import member_fingerprint

        picks = rng.choices(range(len(communities)), weights=weights, k=total)
        for i in range(total):
            mid = self.ids("member")
            while True:
                birth = dt.date(rng.randint(1940, 2002), rng.randint(1, 12), rng.randint(1, 28))
                gender = "M" if rng.random() < 0.62 else "F"
                seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8))
                first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
                if first17 not in seen:
                    seen.add(first17)
                    break
            id_number = first17 + _id_check(first17)
            phone = f"13{d % 1000:03d}{i:06d}"
            joined = min(dt.date(birth.year + rng.randint(19, 45), rng.randint(1, 12), 1), dt.date(2025, 6, 1))
            community = communities[picks[i]]
            compounds, buildings = below[community["id"]]
            held_outside = i < outside_n
            r = rng.random()
            category = ("in_service" if held_outside and r < 0.95 else "retired" if held_outside else
                        "retired" if birth.year < 1964 else "in_service" if r < 0.55 else "floating" if r < 0.65
                        else "other")
            status = "normal" if r < 0.97 else "lost_contact" if r < 0.985 else "deceased" if r < 0.995 else "left"
            residence = None
            if buildings and rng.random() < 0.6:
                residence = rng.choice(buildings)
            elif compounds:
                residence = rng.choice(compounds)
            if held_outside:
                unit_id, outside_id = None, rng.choice(departments)
            else:
                x = rng.random()
                unit_id = (rng.choice(buildings) if buildings and x < 0.3 else rng.choice(compounds)
                           if compounds and x < 0.6 else community["id"])
                outside_id = None
            work_unit = rng.choice(departments) if category == "in_service" and held_outside else None
            education = educations[min(4, max(0, int(rng.gauss(2 if birth.year > 1965 else 1, 1))))]
            standing = "probationary" if rng.random() < 0.02 else "full"
            name = _name(rng)
            id_hash, phone_hash = self._hash(id_number), self._hash(phone)
            fp = member_fingerprint(name=name, id_number_hash=id_hash, phone_hash=phone_hash, education=education,
                                    ethnicity="汉族", joined_on=joined, standing=standing, category=category,
                                    work_unit_id=work_unit, status=status, residence_id=residence, unit_id=unit_id,
                                    outside_unit_id=outside_id, note="")
            self.add_member(mid, name, self.id_pool[mid % 512], id_hash, id_number[:3] + "*" * 11 + id_number[-4:],
                            gender, birth, self.phone_pool[mid % 512], phone_hash, phone[:3] + "****" + phone[-4:],
                            education, "汉族", joined, standing, category, work_unit, status, residence, unit_id,
                            outside_id, fp)
            if unit_id is not None:
                started = joined
                if rng.random() < 0.1:  # an earlier membership elsewhere, ended
                    other = communities[rng.randrange(len(communities))]["id"]
                    moved = joined + dt.timedelta(days=rng.randint(200, 3000))
                    if moved < self.end:
                        self.add_membership(self.ids("membership"), mid, other, joined, moved - dt.timedelta(days=1),
                                            "imported", "transfer")
                        started = moved
                open_ = status in ("normal", "lost_contact")
                self.add_membership(self.ids("membership"), mid, unit_id, started,
                                    None if open_ else max(started, self.end - dt.timedelta(days=30)),
                                    "imported", "" if open_ else "correction")
            else:
                kind = "in_service" if category == "in_service" else "retired"
                dual_target = community if community["urban"] else communities[0]
                self.add_dual(self.ids("dual"), mid, dual_target["id"], kind, "参与小区环境整治",
                              dt.date(2021, 1 + i % 12, 1))

    def _part_time(self, rng, d, streets, communities, departments):
        for n, seat in enumerate(streets + communities[::2]):
            self.add_part_time(self.ids("parttime"), _name(rng), rng.choice(departments), "科长", seat["id"],
                               "兼职委员", dt.date(2024, 1, 1), None if n % 20 else dt.date(2024, 12, 31))

    def _visits_and_cases(self, rng, d, root, communities, weights, below, cadres, street_users, departments, admin):
        p = self.profile
        total_w = sum(weights)
        visits = []  # (id, community, place, day, cadre)
        for c, w in zip(communities, weights):
            n = round(p["visits"] * w / total_w)
            compounds, buildings = below[c["id"]]
            sec, cad = cadres[c["id"]]
            for k in range(n):
                day = self.start + dt.timedelta(days=(k * 364) // max(n, 1) + rng.randint(0, 3))
                if day > self.end:
                    day = self.end
                x = rng.random()
                place = (rng.choice(buildings) if buildings and x < 0.4 else rng.choice(compounds)
                         if compounds and x < 0.7 else c["id"])
                visits.append([self.ids("visit"), c, place, day, cad if k % 3 else sec, False])
        n_cases = p["cases"]
        from_visit = rng.sample(range(len(visits)), k=min(len(visits), int(n_cases * 0.6)))
        for idx in from_visit:
            visits[idx][5] = True
        for vid, c, place, day, cadre, follow in visits:
            self.add_visit(vid, cadre, day, place, f"{rng.randint(1, 30)}户", rng.randint(1, 8),
                           HEARD[vid % len(HEARD)], CATEGORIES[vid % 10], follow, cadre, self._at(day, 18),
                           self._at(day, 18))
        # cases
        sources = [("visit", visits[i]) for i in from_visit]
        for _ in range(n_cases - len(sources)):
            c = communities[rng.randrange(len(communities))]
            sources.append((rng.choice(["meeting", "hotline", "inspection", "other"]), [None, c, c["id"],
                                                                                         self._day(rng), None, False]))
        for source, (vid, c, place, day, cadre, _f) in sources:
            cid = self.ids("case")
            street_id = c["anc"]["street"]
            r = rng.random()
            level = "community" if r < 0.7 else "street" if r < 0.9 else "department" if r < 0.97 else "district"
            handler_unit = {"community": c["id"], "street": street_id, "district": root["id"]}.get(level)
            handler_dept = rng.choice(departments) if level == "department" else None
            due = day + dt.timedelta(days=DAYS_BY_LEVEL[level])
            s = rng.random()
            state = "followed_up" if s < 0.72 else "resolved" if s < 0.86 else rng.choice(
                ["registered", "accepted", "in_progress", "in_progress", "escalated", "to_consultation"])
            resolved_on = followed_on = None
            satisfaction = ""
            if state in ("resolved", "followed_up"):
                resolved_on = day + dt.timedelta(days=rng.randint(1, DAYS_BY_LEVEL[level] + 10))
                if resolved_on > self.end:
                    state, resolved_on = "in_progress", None
                elif state == "followed_up":
                    followed_on = resolved_on + dt.timedelta(days=rng.randint(1, 10))
                    if followed_on > self.end:
                        state, followed_on = "resolved", None
                    else:
                        satisfaction = "satisfied" if rng.random() < 0.85 else "basically"
            actor = cadres[c["id"]][0]
            cat = CATEGORIES[rng.randrange(10)]
            self.add_case(cid, "dispute" if rng.random() < 0.5 else "difficulty", source,
                          vid if source == "visit" else None, cat, place, f"{HEARD[cid % len(HEARD)]}（{cid}）",
                          HEARD[cid % len(HEARD)], level, handler_unit, handler_dept, day, due, state,
                          "high" if rng.random() < 0.1 else "normal", rng.random() < 0.02, resolved_on,
                          "已办结" if resolved_on else "", satisfaction, followed_on, actor, self._at(day, 10),
                          self._at(resolved_on or day, 17))
            self._events(cid, state, level, day, due, resolved_on, followed_on, satisfaction, actor, c["id"],
                         street_id, handler_unit, handler_dept, street_users.get(street_id, admin))

    def _events(self, cid, state, level, day, due, resolved_on, followed_on, satisfaction, actor, community_id,
                street_id, handler_unit, handler_dept, street_user):
        add, ids = self.add_event, self.ids
        add(ids("event"), cid, "register", self._at(day, 10), actor, "", "registered", "", level, None,
            handler_unit, handler_dept, "", "", due)
        if state == "registered":
            return
        add(ids("event"), cid, "accept", self._at(day, 11), actor, "registered", "accepted", "", "", None, None,
            None, "", "", None)
        if state == "accepted":
            return
        add(ids("event"), cid, "start", self._at(day, 14), actor, "accepted", "in_progress", "", "", None, None,
            None, "", "", None)
        last = "in_progress"
        if state == "escalated":
            add(ids("event"), cid, "escalate", self._at(day + dt.timedelta(days=2), 10), actor, "in_progress",
                "escalated", "community", "street", community_id, street_id, None, "需要街道协调", "", None)
            return
        if state == "to_consultation":
            add(ids("event"), cid, "send_to_consultation", self._at(day + dt.timedelta(days=5), 10), street_user,
                "in_progress", "to_consultation", "", "", None, None, None, "疑难，提交季度会商", "", None)
            return
        if state == "in_progress":
            return
        add(ids("event"), cid, "resolve", self._at(resolved_on, 16), actor, last, "resolved", "", "", None, None,
            None, "已办结", "", None)
        if state == "followed_up":
            add(ids("event"), cid, "follow_up", self._at(followed_on, 16), actor, "resolved", "followed_up", "", "",
                None, None, None, "", satisfaction, None)

    def _tasks(self, rng, d, root, streets, departments, admin, street_users):
        year = self.end.year
        areas = []
        for a in range(5):
            aid = self.ids("area")
            areas.append(aid)
            self.add_area(aid, root["id"], year, a + 1, f"方面{a + 1}")
        for t in range(18):
            tid = self.ids("task")
            deadline = dt.date(year, 3 + (t % 9), 28)
            self.add_task(tid, areas[t % 5], root["id"], year, t + 1, f"重点任务{t + 1}", deadline)
            for role, unit_id, dept in (("lead", streets[t % 14]["id"], None),
                                        ("support", root["id"], departments[t % len(departments)])):
                self.letter_seq += 1
                lid = self.ids("letter")
                state = "completed" if deadline < self.end and rng.random() < 0.8 else rng.choice(["issued", "in_progress"])
                completed = deadline - dt.timedelta(days=rng.randint(0, 20)) if state == "completed" else None
                self.add_letter(lid, tid, year, self.letter_seq, f"B{d}交〔{year}〕{self.letter_seq}号", unit_id,
                                dept, role, dt.date(year, 2, 1), deadline, state, completed)
                reporter = street_users.get(unit_id, admin)
                self.add_report(self.ids("report"), lid, dt.date(year, 2, 20), reporter, 40, "已部署", False)
                if state == "completed":
                    self.add_report(self.ids("report"), lid, completed, reporter, 100, "已完成", True)


# -- the run -----------------------------------------------------------------------------------------------

def create_and_migrate(dbname: str) -> float:
    import psycopg

    t0 = time.perf_counter()
    drop_database(dbname)
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    env = dict(os.environ, DATABASE_URL=db_url(dbname), DJANGO_SETTINGS_MODULE="suxian.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    return time.perf_counter() - t0


def verify_tree(sample: int = 30) -> dict:
    """tree_problems() over the whole table, then a sample of OrgUnit tree-manager calls."""
    from org.integrity import tree_problems
    from org.models import OrgUnit

    t0 = time.perf_counter()
    problems = tree_problems()
    if problems:
        raise SystemExit("tree inconsistent:\n" + "\n".join(problems))
    from org.integrity import member_count_problems

    problems = member_count_problems()
    if problems:
        raise SystemExit("member counters disagree with the member rows:\n" + "\n".join(problems))
    rng = random.Random(7)
    max_id = OrgUnit.objects.order_by("-pk").values_list("pk", flat=True).first()
    checked = 0
    for pk in rng.sample(range(1, max_id + 1), k=min(sample, max_id)):
        unit = OrgUnit.objects.get(pk=pk)
        via_range = set(unit.get_descendants().values_list("pk", flat=True))
        via_parent, frontier = set(), [unit.pk]
        while frontier:
            frontier = list(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            via_parent.update(frontier)
        assert via_range == via_parent, f"unit {pk}: descendants by range != by parent"
        chain, node = [], unit
        while node.parent_id:
            node = OrgUnit.objects.get(pk=node.parent_id)
            chain.append(node.pk)
        assert [a.pk for a in unit.get_ancestors(ascending=True)] == chain, f"unit {pk}: ancestors differ"
        assert unit.get_descendant_count() == len(via_range)
        checked += 1
    return {"tree_problems": 0, "sampled_units": checked, "seconds": round(time.perf_counter() - t0, 2)}


def run(scale: int, seed: int = 1, database: str | None = None, profile: str | None = None,
        end: dt.date = DEFAULT_END, json_out: str | None = None) -> dict:
    import psycopg

    dbname = database or db_name_for(scale)
    profile = profile or ("demo" if scale < 10 else "province")
    phases: dict[str, float] = {}
    t_all = time.perf_counter()
    phases["create_and_migrate"] = round(create_and_migrate(dbname), 2)
    setup_django(dbname)
    from django.db import connection

    t0 = time.perf_counter()
    with psycopg.connect(conninfo(dbname), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '1GB'")
        loader = Loader(conn)
        gen = Generator(scale=scale, seed=seed, profile=profile, end=end, loader=loader)
        saved = detach_constraints(conn, gen.tables())
        phases["setup"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        for d in range(1, scale + 1):
            gen.district(d)
            if scale >= 10 and d % 10 == 0:
                print(f"  … {d}/{scale} districts, {time.perf_counter() - t0:.0f} s", flush=True)
        loader.flush()
        phases["generate_and_copy"] = round(time.perf_counter() - t0, 2)
        phases["of_which_copy_wait"] = round(loader.copy_seconds, 2)
        t0 = time.perf_counter()
        # The per-unit counters of current members that the member services keep (org.services.tally):
        # built from the member rows (as the migration that added them does) before the indexes are rebuilt,
        # so that the update writes only the table; checked against the rows in verify_tree.
        from org.models import CURRENT_STATUSES, Member, OrgUnit

        conn.execute(f"UPDATE {OrgUnit._meta.db_table} u SET direct_members = m.n FROM (SELECT unit_id, COUNT(*) AS n "
                     f"FROM {Member._meta.db_table} WHERE unit_id IS NOT NULL AND status = ANY(%s) GROUP BY unit_id) m "
                     f"WHERE u.id = m.unit_id", [[str(s) for s in CURRENT_STATUSES]])
        phases["member_counters"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        reattach_constraints(conn, saved)
        phases["indexes_and_constraints"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        for table in gen.tables():
            conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                         f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
        conn.execute("VACUUM (ANALYZE)")
        phases["sequences_vacuum_analyze"] = round(time.perf_counter() - t0, 2)
    connection.close()
    verification = verify_tree()
    phases["verify"] = verification["seconds"]
    # The guarantee system's tables (two committees by term), loaded through the ORM in bulk, and their
    # grouped term statistics timed (bench/gen_resources.py).
    from bench.gen_resources import run as generate_resources

    t0 = time.perf_counter()
    resources = generate_resources(scale, seed, dbname)
    phases["resources"] = round(time.perf_counter() - t0, 2)
    total = round(time.perf_counter() - t_all, 2)
    counts = dict(sorted(loader.counts.items()))
    with psycopg.connect(conninfo(dbname)) as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    result = {"scale": scale, "seed": seed, "profile": profile, "database": dbname, "end_date": end.isoformat(),
              "rows": counts, "total_rows": sum(counts.values()), "phases_s": phases, "total_s": total,
              "database_size": size, "verification": verification, "resources": resources}
    print(f"generated {dbname} (scale {scale}, profile {profile}, seed {seed}) in {total:.1f} s, {size}")
    for table, n in counts.items():
        print(f"  {table:32s} {n:>12,}")
    print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    print(f"  tree check: tree_problems() = [] and {verification['sampled_units']} sampled units agree")
    if json_out:
        write_json(Path(json_out), result)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database")
    parser.add_argument("--profile", choices=sorted(PROFILES))
    parser.add_argument("--end-date", type=dt.date.fromisoformat, default=DEFAULT_END)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    run(args.scale, args.seed, args.database, args.profile, args.end_date, args.json)


if __name__ == "__main__":
    main()
