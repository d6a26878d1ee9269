"""Display names: the model name alone when unique; otherwise only as much of the collaboration,
the model ID and the requested version as tells same-named entries apart (pure function)."""

from __future__ import annotations

from cleanroomsml_tf.lockfile.display import Identity, display_names

PREFIX = "arn:aws:cleanrooms-ml:us-east-1:111122223333:membership/m/trained-model/"
A = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f60718"
B = "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"


def ident(name: str | None, collaboration: str, model: str, version: str | None = None,
          ) -> Identity:
    key = f"{collaboration}/{PREFIX}{model}@{version or 'latest'}"
    return Identity(key, name, collaboration, PREFIX + model, version)


def names(*identities: Identity) -> list[str]:
    shown = display_names(identities)
    return [shown[i.key] for i in identities]


def test_unique_names_stay_bare():
    assert names(ident("churn", A, "m1"), ident("fraud", A, "m2")) == ["churn", "fraud"]


def test_same_name_in_two_collaborations():
    assert names(ident("churn", A, "m1"), ident("churn", B, "m2")) == [
        "churn (collaboration 3f6a1c2e)", "churn (collaboration 7e1d2c3b)"]


def test_same_name_two_models_in_one_collaboration_use_the_shortest_unique_id_prefix():
    assert names(ident("churn", A, "c0ffee00-1111-x"), ident("churn", A, "c0ffee00-2222-x")) == [
        "churn (model c0ffee00-1)", "churn (model c0ffee00-2)"]


def test_latest_and_pinned_versions_of_one_model():
    assert names(ident("churn", A, "m1"), ident("churn", A, "m1", "a1b2c3d4-0001"),
                 ident("churn", A, "m1", "a1b2c3d4-0002")) == [
        "churn (@latest)", "churn (@a1b2c3d4-0001)", "churn (@a1b2c3d4-0002)"]


def test_only_the_parts_that_differ_are_added():
    shown = names(ident("churn", A, "m1"), ident("churn", A, "m2"), ident("churn", B, "m3"))
    assert shown == ["churn (collaboration 3f6a1c2e, model m1)",
                     "churn (collaboration 3f6a1c2e, model m2)",
                     "churn (collaboration 7e1d2c3b)"]


def test_a_model_without_a_name_is_shown_by_its_id():
    assert names(ident(None, A, "c0ffee00-9999")) == ["c0ffee00-9999"]


def test_a_name_that_looks_like_a_qualified_one_falls_back_to_keys():
    tricky = ident("churn (collaboration 3f6a1c2e)", A, "m9")
    plain = [ident("churn", A, "m1"), ident("churn", B, "m2")]
    shown = display_names([tricky, *plain])
    assert len(set(shown.values())) == 3  # still distinct
    assert shown[tricky.key] == tricky.key and shown[plain[0].key] == plain[0].key
