"""Authentication: a refused key is an authentication error, and it is never retried.

juniper-cascor refuses a WebSocket handshake with a bad key with HTTP 403 before the upgrade.
"""

from __future__ import annotations

import pytest

from cascor_suite.recorded import count_requests
from cascor_suite.target import API_KEY_ENV, CONTROL_ORIGIN, QUICK_RECONNECT, Target
from juniper_cascor_client import (
    CascorControlStream,
    CascorTrainingStream,
    JuniperCascorAuthenticationError,
    JuniperCascorClient,
)
from juniper_cascor_client.testing import FakeCascorServer

_KEY = "integration-key"
_WRONG = "not-the-key"
pytestmark = pytest.mark.fake_server(api_keys=[_KEY])


def test_rest_refuses_a_wrong_key_once(target: Target, fake_server: FakeCascorServer) -> None:
    with target.client() as client:
        assert client.create_network(input_size=2, output_size=1)["status"] == "success"
    with target.client(api_key=_WRONG) as client:
        with pytest.raises(JuniperCascorAuthenticationError) as refused:
            client.get_training_status()
        assert refused.value.status_code == 401
        assert _WRONG not in f"{refused.value} {refused.value!r}"
        assert client.is_alive() is True, "the liveness probe needs no key"
    assert count_requests(fake_server, "/v1/training/status") == 1


@pytest.mark.parametrize("stream_type", [CascorTrainingStream, CascorControlStream])
async def test_websocket_refuses_a_wrong_key_without_retrying(
    target: Target,
    fake_server: FakeCascorServer,
    stream_type: type[CascorTrainingStream | CascorControlStream],
) -> None:
    options = {"origin": CONTROL_ORIGIN} if stream_type is CascorControlStream else {}
    stream = stream_type(target.ws_url, api_key=_WRONG, reconnect=QUICK_RECONNECT, **options)
    with pytest.raises(JuniperCascorAuthenticationError) as refused:
        await stream.connect(retries=3, delay=0.01)
    assert refused.value.status_code == 403
    assert _WRONG not in f"{refused.value} {refused.value!r}"
    assert not stream.is_connected
    assert count_requests(fake_server, stream.path) == 1


async def test_reconnect_policy_stops_at_a_refused_key(
    target: Target, fake_server: FakeCascorServer
) -> None:
    async with target.watch_training(reconnect=QUICK_RECONNECT) as watch:
        fake_server.faults.refuse_auth(True)
        fake_server.clear_requests()
        assert fake_server.faults.drop_connections("training") == 1
        await watch.wait_ended(within=5.0)
    assert isinstance(watch.error, JuniperCascorAuthenticationError)
    assert watch.error.status_code == 403
    assert count_requests(fake_server, "/ws/training") == 1


async def test_key_from_the_environment(
    target: Target, fake_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(API_KEY_ENV, _KEY)
    with JuniperCascorClient(target.http_url) as client:
        assert client.create_network(input_size=2, output_size=1)["status"] == "success"
    async with CascorControlStream(target.ws_url, origin=CONTROL_ORIGIN) as control:
        assert (await control.set_params({"patience": 30}))["data"]["status"] == "success"
    keys = {r.header("X-API-Key") for r in fake_server.requests}
    assert keys == {_KEY}
