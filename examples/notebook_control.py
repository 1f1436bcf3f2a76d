"""Steer a training run from synchronous code, one step at a time, as in a notebook.

    uv run python examples/notebook_control.py

``BlockingControlStream`` and ``iter_training`` run the WebSocket streams on a private event
loop thread, so they work in a plain script and in a notebook cell alike (even while the
notebook's own loop runs). Each step below could be a cell: start and watch a few epochs,
pause, change the learning rate, resume and watch to the end.

The service is ``$JUNIPER_CASCOR_URL``, else http://localhost:8200 (``uv run juniper-cascor
serve-fake``). ``/ws/control`` of juniper-cascor 0.12 accepts only the Origins of its allowlist,
by default the dashboard's ``http://localhost:8050``, which this script sends.
"""

from __future__ import annotations

from juniper_cascor_client import BlockingControlStream, JuniperCascorClient, iter_training

ORIGIN = "http://localhost:8050"  # on the server's /ws/control allowlist


def follow(control: BlockingControlStream, command: str, epochs: int | None = None) -> None:
    """Connect to ``/ws/training``, send ``command`` once the stream is live, print each epoch.

    Returns after ``epochs`` epochs, or when training completes.
    """
    seen = 0
    for message in iter_training(timeout=60):
        if message["type"] == "initial_metrics":  # live: nothing from now on is missed
            answer = control.command(command)
            print(f"{answer['data']['command']}: {answer['data']['status']}")
        elif message["type"] == "metrics":
            data = message["data"]
            print(f"  epoch {data['epoch']}: loss {data['loss']:.4f}, lr {data['learning_rate']}")
            seen += 1
            if seen == epochs:
                return
        elif message["type"] == "event" and message["data"]["event"] == "training_complete":
            print("training complete")
            return


with JuniperCascorClient() as client, BlockingControlStream(origin=ORIGIN) as control:
    # [1] a fresh network on the loaded data set (XOR on the fake server); train ten epochs
    client.create_network(input_size=2, output_size=1, max_hidden_units=8)
    follow(control, "start", epochs=10)

    # [2] pause, and look at the state over REST
    print(f"pause: {control.pause()['data']['status']}")
    status = client.wait_for_training(until={"PAUSED"}, timeout=30)["data"]
    print(f"state: {status['state_machine']['status']}")

    # [3] a larger learning rate, applied at once
    answer = control.set_params({"learning_rate": 0.1})
    print(f"learning rate: {answer['data']['result']['learning_rate']}")

    # [4] resume, and follow the run to its end
    follow(control, "resume")
    status = client.wait_for_training(timeout=30)["data"]
    print(f"finished: {status['state_machine']['status']} ({status['completion_reason']})")
