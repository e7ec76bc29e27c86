"""The registry's door to the apps whose applications go through the engine: a page of cases
is described with one call per kind of application when the app can describe many at once."""

from parkos.approvals import registry


def test_many_subjects_are_described_with_one_call_per_kind():
    calls = []

    def describe_many(ids):
        calls.append(list(ids))
        return {i: f"many {i}" for i in ids}

    registry.register_subject("tests.batch", describe_many=describe_many)
    registry.register_subject("tests.single", describe=lambda i: f"one {i}")
    words = registry.describe_all(
        [("tests.batch", "1"), ("tests.single", "2"), ("tests.batch", "3"), ("tests.nothing", "4")]
    )
    assert calls == [["1", "3"]]
    assert words == {
        ("tests.batch", "1"): "many 1",
        ("tests.batch", "3"): "many 3",
        ("tests.single", "2"): "one 2",
        ("tests.nothing", "4"): "",
    }
