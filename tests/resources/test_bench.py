"""The benchmark loader of the committee terms runs on any tree and its statistics are one query each."""
import pytest

pytestmark = pytest.mark.django_db


def test_gen_resources_smoke(tree, monkeypatch):
    import bench.gen_resources as gen

    monkeypatch.setattr(gen, "setup_django", lambda name: None)  # the test database is already set up
    result = gen.run(1)
    assert result["terms"] == 6 and result["seats"] >= 30
    assert result["district_queries"] == 1 and result["district_by_street_queries"] == 2
