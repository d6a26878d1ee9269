"""Our sessions' data loader answers botocore's ``load_data_with_path("endpoints")`` with the
endpoints document reduced to the services we make clients for, cached on disk
(aws/session.client_endpoints). Everything botocore resolves from it for those services is the
same as from its own full document; a stale, damaged or foreign cache is never used; an
``AWS_DATA_PATH`` endpoints file wins as in botocore. Real botocore throughout."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import pytest
from botocore.config import Config
from botocore.loaders import create_loader
from botocore.regions import EndpointResolver

from cleanroomsml_tf.aws.session import (
    CLIENT_ENDPOINT_PREFIXES,
    CLIENT_SERVICES,
    client_services_loader,
    endpoints_cache_path,
    reduce_endpoints,
    session,
)
from cleanroomsml_tf.aws.settings import ClientSettings

VARIANTS = [(False, False), (True, False), (False, True), (True, True)]  # (dualstack, fips)
# What botocore's endpoint resolver is asked for: each service's endpoint prefix (and its name).
ENDPOINT_KEYS = sorted({*CLIENT_SERVICES, *CLIENT_ENDPOINT_PREFIXES.values()})
# Regions no partition lists, some matching a partition's regionRegex.
UNLISTED_REGIONS = ["us-east-99", "eu-south-9", "cn-south-7", "us-gov-central-3",
                    "us-iso-north-2", "eusc-de-west-4", "xx-nowhere-1", "aws-global"]


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Caches of these tests go to a directory of their own, never the user's."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    return home


def botocore_endpoints(data_path: str | None = None) -> tuple[Any, str]:
    """botocore's own answer: its loader, as its session creates it."""
    return create_loader(data_path).load_data_with_path("endpoints")


def our_endpoints(data_path: str | None = None) -> tuple[Any, str]:
    return client_services_loader(data_path).load_data_with_path("endpoints")


def builtin_cache() -> Path:
    _, base = botocore_endpoints()
    return Path(endpoints_cache_path(base + ".json"))


def outcome(call: Any) -> tuple[Any, ...]:
    """A resolver call's result, or the error it raised (type and message)."""
    try:
        return ("ok", call())
    except Exception as error:  # noqa: BLE001 - the same error is part of the same behaviour
        return ("error", type(error).__name__, str(error))


def resolutions(document: Any, full: Any) -> list[tuple[Any, ...]]:
    """Everything the endpoint resolver answers for our services, over every region and
    endpoint name of every partition of ``full`` (plus unlisted ones), every variant."""
    resolver = EndpointResolver(document, uses_builtin_data=True)
    regions: list[str | None] = [None, *UNLISTED_REGIONS]
    for partition in full["partitions"]:
        regions.extend(partition["regions"])
        for name in ENDPOINT_KEYS:
            regions.extend(partition["services"].get(name, {}).get("endpoints", {}))
    names = [partition["partition"] for partition in full["partitions"]]
    answers: list[tuple[Any, ...]] = [("partitions", resolver.get_available_partitions())]
    for region in regions:
        if region is not None:
            answers.append(("partition of", region,
                            outcome(lambda r=region: resolver.get_partition_for_region(r))))
        for service in ENDPOINT_KEYS:
            for dualstack, fips in VARIANTS:
                for partition_name in (None, *names):
                    answers.append((service, region, dualstack, fips, partition_name, outcome(
                        lambda s=service, r=region, d=dualstack, f=fips, p=partition_name:
                        resolver.construct_endpoint(s, r, partition_name=p,
                                                    use_dualstack_endpoint=d,
                                                    use_fips_endpoint=f))))
    for name in names:
        for service in ENDPOINT_KEYS:
            for tags in (None, ["fips"], ["dualstack"], ["dualstack", "fips"]):
                answers.append((name, service, tags, resolver.get_available_endpoints(
                    service, name, allow_non_regional=True, endpoint_variant_tags=tags)))
                answers.append((name, service, tags, resolver.get_service_endpoints_data(
                    service, name)))
        for tags in (None, ["fips"], ["dualstack"], ["dualstack", "fips"]):
            answers.append((name, tags, resolver.get_partition_dns_suffix(name, tags)))
    return answers


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_the_resolver_answers_as_from_botocores_full_document(cache: str) -> None:
    if cache == "warm":
        our_endpoints()
        assert builtin_cache().is_file()
    reduced, reduced_path = our_endpoints()
    full, full_path = botocore_endpoints()
    assert reduced_path == full_path  # botocore's is_builtin_path decides from it
    assert client_services_loader().is_builtin_path(reduced_path)
    # Reduced indeed: only our services, every partition and partition key kept.
    assert [p["partition"] for p in reduced["partitions"]] == [
        p["partition"] for p in full["partitions"]]
    for ours, theirs in zip(reduced["partitions"], full["partitions"], strict=True):
        assert set(ours["services"]) == set(theirs["services"]) & set(ENDPOINT_KEYS)
        assert {k: v for k, v in ours.items() if k != "services"} == {
            k: v for k, v in theirs.items() if k != "services"}
    assert len(json.dumps(reduced)) * 20 < len(json.dumps(full))

    ours_answers = resolutions(reduced, full)
    theirs_answers = resolutions(botocore_endpoints()[0], full)
    assert ours_answers == theirs_answers
    resolved = [answer[-1][1] for answer in theirs_answers
                if len(answer) == 6 and answer[-1][0] == "ok" and answer[-1][1]]
    assert len(resolved) > 500  # the comparison covered real endpoints, not only errors
    assert {"hostname": "sts.us-east-1.amazonaws.com"}.items() <= next(
        answer[-1][1] for answer in theirs_answers
        if answer[:5] == ("sts", "us-east-1", False, False, None)).items()


SAMPLE_REGIONS = ["us-east-1", "eu-west-2", "ap-southeast-7", "cn-north-1", "us-gov-west-1",
                  "us-iso-east-1", "eusc-de-east-1", "us-east-99"]


class Sent(Exception):
    """Stops a request at botocore's before-send event, after signing: where it would go."""


def where_it_goes(core: Any, service: str, region: str, dualstack: bool,
                  fips: bool) -> tuple[Any, ...]:
    def stop(request: Any, **_: Any) -> None:
        raise Sent(request.url)

    def build() -> Any:
        return core.create_client(
            service, region_name=region, aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="example",
            config=Config(use_dualstack_endpoint=dualstack, use_fips_endpoint=fips,
                          retries={"total_max_attempts": 1}))

    made = outcome(build)
    if made[0] != "ok":
        return made
    client = made[1]
    client.meta.events.register("before-send", stop)
    try:
        if service == "sts":
            client.get_caller_identity()
        else:
            client.list_collaboration_trained_models(
                collaborationIdentifier="00000000-0000-4000-8000-000000000000")
    except Sent as sent:
        url = str(sent)
    except Exception as error:  # noqa: BLE001 - the same error is the same behaviour
        url = f"{type(error).__name__}: {error}"
    return (client.meta.endpoint_url, client.meta.region_name,
            client.meta.config.signature_version, url)


def test_clients_from_our_sessions_go_where_botocores_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    seen = []
    for sts_endpoints in ("regional", "legacy"):
        monkeypatch.setenv("AWS_STS_REGIONAL_ENDPOINTS", sts_endpoints)
        for region in SAMPLE_REGIONS:
            ours, theirs = session(ClientSettings(region=region)), botocore.session.Session()
            for service in CLIENT_SERVICES:
                for dualstack, fips in VARIANTS:
                    args = (service, region, dualstack, fips)
                    expected = where_it_goes(theirs, *args)
                    assert where_it_goes(ours, *args) == expected, (sts_endpoints, *args)
                    seen.append(expected)
    assert builtin_cache().is_file()  # the clients above did use the reduced data
    assert ("https://cleanrooms-ml.eu-west-2.amazonaws.com", "eu-west-2", "v4",
            "https://cleanrooms-ml.eu-west-2.amazonaws.com/collaborations/"
            "00000000-0000-4000-8000-000000000000/trained-models") in seen
    assert any(answer[-1] == "https://sts.amazonaws.com/" for answer in seen)  # legacy


def test_a_stale_cache_is_rebuilt() -> None:
    our_endpoints()
    cache = builtin_cache()
    document = json.loads(cache.read_text())
    assert document["key"]["botocore"] == botocore.__version__
    document["key"]["botocore"] = "0.0.1"  # written by another botocore
    for partition in document["endpoints"]["partitions"]:
        partition["services"] = {}
    cache.write_text(json.dumps(document))

    reduced, _ = our_endpoints()
    assert reduced == reduce_endpoints(botocore_endpoints()[0])
    assert reduced["partitions"][0]["services"]["sts"]
    assert json.loads(cache.read_text())["key"]["botocore"] == botocore.__version__


def test_a_changed_source_file_is_read_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    source = data / "endpoints.json"
    full, _ = botocore_endpoints()
    source.write_text(json.dumps(full))
    first, _ = our_endpoints(str(data))
    aws = next(p for p in full["partitions"] if p["partition"] == "aws")
    aws["services"]["sts"]["endpoints"]["us-east-1"] = {"hostname": "sts.changed.example"}
    source.write_text(json.dumps(full))
    os.utime(source, ns=(1, 1))  # whatever the clock's resolution: another mtime

    second, _ = our_endpoints(str(data))
    assert first["partitions"][0]["services"]["sts"]["endpoints"]["us-east-1"] != {
        "hostname": "sts.changed.example"}
    assert second["partitions"][0]["services"]["sts"]["endpoints"]["us-east-1"] == {
        "hostname": "sts.changed.example"}


def _garbage(path: Path) -> None:
    path.write_bytes(b"\xff\xfe{ not json")


def _truncated(path: Path) -> None:
    path.write_text(path.read_text()[:1000])


def _foreign(path: Path) -> None:
    path.write_text(json.dumps(["something", "else"]))


def _right_key_wrong_shape(path: Path) -> None:
    document = json.loads(path.read_text())
    document["endpoints"] = {"partitions": [{"partition": "aws"}]}  # no services
    path.write_text(json.dumps(document))


def _open_to_others(path: Path) -> None:
    _right_key_emptied(path)
    path.chmod(0o666)


def _right_key_emptied(path: Path) -> None:
    document = json.loads(path.read_text())
    for partition in document["endpoints"]["partitions"]:
        partition["services"] = {}
    path.write_text(json.dumps(document))


def _symlink(path: Path) -> None:
    elsewhere = path.with_name("elsewhere.json")
    _right_key_emptied(path)
    path.rename(elsewhere)
    path.symlink_to(elsewhere)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


@pytest.mark.parametrize("damage", [_garbage, _truncated, _foreign, _right_key_wrong_shape,
                                    _open_to_others, _symlink, _fifo])
def test_a_damaged_or_untrusted_cache_falls_back_and_is_replaced(damage: Any) -> None:
    our_endpoints()
    cache = builtin_cache()
    damage(cache)

    reduced, path = our_endpoints()
    full, full_path = botocore_endpoints()
    assert (reduced, path) == (reduce_endpoints(full), full_path)
    assert cache.is_file() and not cache.is_symlink()
    assert cache.stat().st_mode & 0o022 == 0
    assert json.loads(cache.read_text())["endpoints"] == json.loads(json.dumps(reduced))


def test_no_usable_cache_directory_still_gives_the_data(cache_home: Path) -> None:
    cache_home.write_text("a file where the cache directory would be")
    reduced, path = our_endpoints()
    full, full_path = botocore_endpoints()
    assert (reduced, path) == (reduce_endpoints(full), full_path)

    cache_home.unlink()
    (cache_home / "cleanroomsml-tf").mkdir(parents=True)
    (cache_home / "cleanroomsml-tf").chmod(0o777)  # others could plant a cache: not used
    assert our_endpoints() == (reduce_endpoints(full), full_path)
    assert not builtin_cache().exists()


def test_an_aws_data_path_endpoints_file_wins(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    full, _ = botocore_endpoints()
    aws = next(p for p in full["partitions"] if p["partition"] == "aws")
    aws["services"]["sts"]["endpoints"]["eu-west-2"] = {"hostname": "sts.custom.example"}
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    (first / "endpoints.json").write_text(json.dumps(full))
    second.mkdir()
    shutil.copy(first / "endpoints.json", second / "endpoints.json")  # later: not read
    data_path = os.pathsep.join([str(tmp_path / "missing"), str(first), str(second)])

    for _ in ("cold", "warm"):
        reduced, path = our_endpoints(data_path)
        assert path == botocore_endpoints(data_path)[1] == str(first / "endpoints")
        assert reduced == reduce_endpoints(botocore_endpoints(data_path)[0])
    assert Path(endpoints_cache_path(str(first / "endpoints.json"))).is_file()

    monkeypatch.setenv("AWS_DATA_PATH", data_path)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    ours = where_it_goes(session(ClientSettings(region="eu-west-2")), "sts", "eu-west-2",
                         False, False)
    theirs = where_it_goes(botocore.session.Session(), "sts", "eu-west-2", False, False)
    assert ours == theirs
    assert ours[0] == "https://sts.custom.example" and ours[-1] == "https://sts.custom.example/"


def test_a_gzipped_endpoints_file_is_read_as_botocore_reads_it(tmp_path: Path) -> None:
    full, _ = botocore_endpoints()
    (tmp_path / "endpoints.json.gz").write_bytes(gzip.compress(json.dumps(full).encode()))
    for _ in ("cold", "warm"):
        reduced, path = our_endpoints(str(tmp_path))
        assert path == botocore_endpoints(str(tmp_path))[1] == str(tmp_path / "endpoints")
        assert reduced == reduce_endpoints(full)
    assert Path(endpoints_cache_path(str(tmp_path / "endpoints.json.gz"))).is_file()


def test_a_document_of_another_form_is_botocores_unchanged(tmp_path: Path) -> None:
    (tmp_path / "endpoints.json").write_text(json.dumps({"partitions": [{"partition": "x"}]}))
    assert our_endpoints(str(tmp_path)) == botocore_endpoints(str(tmp_path))
    assert not Path(endpoints_cache_path(str(tmp_path / "endpoints.json"))).exists()


def test_an_assume_role_session_uses_the_reduced_data_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleanroomsml_tf.aws.session import assumed_session
    from cleanroomsml_tf.aws.settings import AssumeRole

    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    base = session(ClientSettings(region="eu-west-2"))
    assumed = assumed_session(base, AssumeRole("arn:aws:iam::123456789012:role/r"), "eu-west-2")
    reduced, path = assumed.get_component("data_loader").load_data_with_path("endpoints")
    full, full_path = botocore_endpoints()
    assert (reduced, path) == (reduce_endpoints(full), full_path)
    args = ("cleanroomsml", "eu-west-2", False, True)
    assert where_it_goes(assumed, *args) == where_it_goes(botocore.session.Session(), *args)


def test_the_endpoint_prefixes_are_the_installed_botocores() -> None:
    core = botocore.session.Session()
    assert {name: core.get_service_model(name).endpoint_prefix for name in CLIENT_SERVICES} == (
        CLIENT_ENDPOINT_PREFIXES)


def test_a_custom_cleanrooms_ml_endpoint_in_aws_data_path_is_where_requests_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoints data keys a service by its endpoint prefix (cleanrooms-ml, not
    cleanroomsml): a user's entry for it decides where requests go, as in botocore."""
    full, _ = botocore_endpoints()
    aws = next(p for p in full["partitions"] if p["partition"] == "aws")
    aws["services"]["cleanrooms-ml"] = {"endpoints": {"us-east-1": {
        "hostname": "127.0.0.1:8790", "protocols": ["http"]}}}
    (tmp_path / "endpoints.json").write_text(json.dumps(full))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for _ in ("cold", "warm"):
        ours = where_it_goes(session(ClientSettings(region="us-east-1")), "cleanroomsml",
                             "us-east-1", False, False)
        theirs = where_it_goes(botocore.session.Session(), "cleanroomsml", "us-east-1",
                               False, False)
        assert ours == theirs
        assert ours[-1].startswith("http://127.0.0.1:8790/collaborations/")
    assert Path(endpoints_cache_path(str(tmp_path / "endpoints.json"))).is_file()


@pytest.mark.parametrize("content", [
    b"[" * 200_000 + b"]" * 200_000,  # too deep for the JSON parser: RecursionError
    b'{"key": "' + b"x" * (5 * 1024 * 1024) + b'"}',  # far larger than ours ever is
])
def test_a_cache_too_deep_or_too_large_to_be_ours_falls_back_and_is_replaced(
        content: bytes) -> None:
    full, full_path = botocore_endpoints()
    our_endpoints()
    cache = builtin_cache()
    cache.write_bytes(content)
    assert our_endpoints() == (reduce_endpoints(full), full_path)
    assert json.loads(cache.read_text())["endpoints"] == reduce_endpoints(full)
