"""Our sessions' data loader (aws/session.client_services_loader) answers "which services
exist?" for the services we make clients for exactly as botocore's own loader does, and a
client built from our session works (a real read from the local endpoint)."""

from __future__ import annotations

from botocore.loaders import create_loader

from cleanroomsml_tf.aws.session import CLIENT_SERVICES, client_services_loader


def test_it_lists_our_services_as_botocore_does(tmp_path) -> None:
    extra = tmp_path / "models"
    (extra / "cleanroomsml" / "2099-01-01").mkdir(parents=True)
    (extra / "cleanroomsml" / "2099-01-01" / "service-2.json").write_text("{}")
    for data_path in (None, str(extra)):
        ours, botocore_s = client_services_loader(data_path), create_loader(data_path)
        assert ours.search_paths == botocore_s.search_paths
        for type_name in ("service-2", "endpoint-rule-set-1", "paginators-1", "nothing-9"):
            expected = [name for name in botocore_s.list_available_services(type_name)
                        if name in CLIENT_SERVICES]
            assert ours.list_available_services(type_name) == expected, type_name
        # AWS_DATA_PATH models win as in botocore (the newest API version)
        assert (ours.determine_latest_version("cleanroomsml", "service-2")
                == botocore_s.determine_latest_version("cleanroomsml", "service-2"))


def test_a_client_from_our_session_reads(emulator) -> None:
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.aws.settings import ClientSettings
    from cleanroomsml_tf.model.identifiers import ModelRef
    from tests.support.example_ids import CHURN, COLLABORATION

    resolver = Resolver(ClientSettings(endpoint_url=emulator.url, deadline=57.75))
    assert resolver.get_trained_model(ModelRef(CHURN, COLLABORATION, None))["status"] == "ACTIVE"
