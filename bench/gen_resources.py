"""Add the guarantee system's committee terms to a benchmark database and time the term statistics:
``python -m bench.gen_resources --scale S [--seed N] [--database NAME]`` (after ``bench.generate``).

Every community and village gets two terms (10 and 11) of 5–9 seats with ages at election and education
drawn deterministically. **Bulk path — benchmark only**: rows are inserted with ``bulk_create`` (no audit
rows, no services), ``age_at_election`` computed as the services compute it. Then the term comparison of
the whole province (superuser: every district root), of one district and the per-street breakdown are
timed; each is one grouped query (``resources.selectors``), never a loop over communities.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import db_name_for, setup_django  # noqa: E402

ELECTIONS = {10: dt.date(2018, 4, 15), 11: dt.date(2021, 4, 18)}
EDUCATION = ["junior", "senior", "college", "bachelor", "postgraduate"]


def run(scale: int, seed: int = 1, database: str | None = None, batch: int = 5000) -> dict:
    setup_django(database or db_name_for(scale))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from org.choices import COMMUNITY_KINDS
    from org.models import OrgUnit
    from resources.models import Seat, Term, age_on
    from resources.selectors import term_comparison, term_comparison_by_street

    rng = random.Random(seed)
    t0 = time.perf_counter()
    done = set(Term.objects.values_list("community_id", flat=True).distinct())
    communities = list(OrgUnit.objects.filter(kind__in=COMMUNITY_KINDS).exclude(pk__in=done)
                       .order_by("pk").values_list("pk", flat=True))
    terms = [Term(community_id=c, number=n, elected_on=day, starts_on=day) for c in communities
             for n, day in ELECTIONS.items()]
    Term.objects.bulk_create(terms, batch_size=batch)
    seats = []
    for term in terms:
        for k in range(rng.randint(5, 9)):
            born = dt.date(rng.randint(1960, 1996), rng.randint(1, 12), rng.randint(1, 28))
            seats.append(Seat(term_id=term.pk, person_name=f"委员{k}", birth_date=born, gender=rng.choice("MF"),
                              education=rng.choice(EDUCATION), age_at_election=age_on(born, term.elected_on),
                              party_post="secretary" if k == 0 else ("member" if k % 2 else ""),
                              residents_post="director" if k == 0 and rng.random() < 0.9 else
                              ("member" if k % 2 == 0 or k == 0 else "")))
        if len(seats) >= batch:
            Seat.objects.bulk_create(seats, batch_size=batch)
            seats = []
    Seat.objects.bulk_create(seats, batch_size=batch)
    load = time.perf_counter() - t0
    roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id"))
    timings = {"load_s": round(load, 1), "terms": Term.objects.count(), "seats": Seat.objects.count()}
    for label, fn in (("district", lambda: term_comparison(roots[0], 11)),
                      ("district_by_street", lambda: term_comparison_by_street(roots[0], 11))):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            timings[f"{label}_ms"] = round((time.perf_counter() - t) * 1000, 1)
        timings[f"{label}_queries"] = len(ctx.captured_queries)
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database")
    args = parser.parse_args(argv)
    for key, value in run(args.scale, args.seed, args.database).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
