"""The probes and waits of the REST client: ``is_alive``, ``is_ready``, ``wait_for_ready`` and
``wait_for_training``.

Each probe is one attempt (no retries) and each wait runs on a monotonic clock, every poll
bounded by the time left, so a wait returns or raises within about its ``timeout`` even when
the server hangs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any, cast

from juniper_cascor_client_core import (
    FINAL_STATES,
    STATE_MACHINE_STATES,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorProtocolError,
    JuniperCascorTimeoutError,
    normalize_state,
)
from juniper_cascor_client_core.constants import (
    ENDPOINT_HEALTH_LIVE,
    ENDPOINT_HEALTH_READY,
    ENDPOINT_TRAINING_STATUS,
)
from juniper_cascor_client_core.defaults import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_READY_TIMEOUT,
    DEFAULT_WAIT_TIMEOUT,
)
from juniper_cascor_client_core.options import one_of, positive_number
from juniper_cascor_client_rest._transport import Transport
from juniper_cascor_client_rest.responses import TrainingStatusResponse

__all__ = ["Polling", "stop_states", "training_state"]

logger = logging.getLogger("juniper_cascor_client_rest")

_MIN_POLL_BUDGET = 0.001
"""Seconds a poll is given when the wait's time is up (it then fails at once)."""


def stop_states(until: Iterable[str] | None) -> frozenset[str]:
    """The states that end ``wait_for_training``: the final ones and those named in ``until``.

    Raises:
        JuniperCascorConfigurationError: When ``until`` is a single string or not iterable,
            or names something that is not a state of the training state machine (any case).
    """
    if until is None:
        return FINAL_STATES
    if isinstance(until, str) or not isinstance(until, Iterable):
        raise JuniperCascorConfigurationError(
            f"until must be a collection of state names, such as {{'PAUSED'}}: {until!r}"
        )
    named = {one_of("until", normalize_state(name) or name, STATE_MACHINE_STATES) for name in until}
    return FINAL_STATES | named


def training_state(status: Mapping[str, Any]) -> str:
    """The upper-case state a ``GET /training/status`` body reports.

    Read from ``data.state_machine.status``, or ``data.training_state.status`` as a server
    without the state machine sends it.

    Raises:
        JuniperCascorProtocolError: When the body reports no state.
    """
    data = status.get("data")
    if isinstance(data, Mapping):
        for section in ("state_machine", "training_state"):
            part = data.get(section)
            if isinstance(part, Mapping) and (state := normalize_state(part.get("status"))):
                return state
    raise JuniperCascorProtocolError("the training status reports no state")


class Polling:
    """The probes and waits; mixed into
    :class:`~juniper_cascor_client_rest.client.JuniperCascorClient`, which sets ``_transport``."""

    _transport: Transport

    def is_alive(self) -> bool:
        """``GET /health/live`` once (no retries): ``True`` on a 2xx answer.

        Returns:
            ``False`` on any HTTP, connection or timeout error.

        Raises:
            JuniperCascorClientError: Only when the client is closed.
        """
        self._transport.ensure_open()
        try:
            self._transport.call("GET", ENDPOINT_HEALTH_LIVE, retry=False)
        except JuniperCascorClientError as exc:
            logger.debug("liveness probe failed: %s", exc)
            return False
        return True

    def is_ready(self) -> bool:
        """``GET /health/ready`` once (no retries): whether the server has a network loaded.

        Reads ``details.network_loaded`` of the body, or ``data.network_loaded`` as older
        servers send it.

        Returns:
            ``False`` when not loaded, or on any HTTP, connection or timeout error.

        Raises:
            JuniperCascorClientError: Only when the client is closed.
        """
        return self._probe_ready(None)

    def wait_for_ready(
        self, timeout: float = DEFAULT_READY_TIMEOUT, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> bool:
        """Poll :meth:`is_ready` until the server is ready or ``timeout`` seconds have passed.

        The wait runs on a monotonic clock and each probe is bounded by the time left, so the
        call returns within about ``timeout`` even when the server hangs.

        Returns:
            ``True`` once ready, ``False`` at the timeout.

        Raises:
            JuniperCascorConfigurationError: When ``timeout`` or ``poll_interval`` is not a
                positive number.
            JuniperCascorClientError: When the client is closed.
        """
        interval = positive_number("poll_interval", poll_interval)
        end = time.monotonic() + positive_number("timeout", timeout)
        polls = 0
        while True:
            polls += 1
            if self._probe_ready(max(end - time.monotonic(), _MIN_POLL_BUDGET)):
                return True
            remaining = end - time.monotonic()
            if remaining <= 0:
                logger.debug("not ready after %d polls in %.3g s", polls, timeout)
                return False
            # close() from another thread ends the pause; the next poll then raises.
            self._transport.pause(min(interval, remaining))

    def wait_for_training(
        self,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        until: Iterable[str] | None = None,
    ) -> TrainingStatusResponse:
        """Poll ``GET /training/status`` until the run ends, and return that status.

        The run has ended when ``data.state_machine.status`` is ``COMPLETED``, ``STOPPED`` or
        ``FAILED``; ``until`` adds states that end the wait too (``{"PAUSED"}``, any case).
        ``PAUSED``, ``INVESTIGATING`` and the other states do not end it unless named.

        Call it after :meth:`start_training`. juniper-cascor 0.12 moves to ``STARTED`` on its
        training thread a moment after the start was answered, so the status polled right
        then may still show the end of the previous run (or ``STOPPED``). A final state is
        therefore taken only from the second poll on, ``poll_interval`` later: a run that had
        already ended when the wait began is returned after one interval.

        The wait runs on a monotonic clock and each poll is bounded by the time left. Errors
        of a poll other than running out of time (after the client's retries) are raised as
        they are.

        Args:
            timeout: Seconds to wait in all.
            poll_interval: Seconds between two polls.
            until: More states that end the wait.

        Returns:
            The last ``GET /training/status`` answer, the one that ended the wait.

        Raises:
            JuniperCascorTimeoutError: When ``timeout`` passes first; the message names the
                last state seen and the timeout.
            JuniperCascorConfigurationError: When ``timeout`` or ``poll_interval`` is not a
                positive number, or ``until`` is not a collection of state names.
            JuniperCascorProtocolError: When a status reports no state.
            JuniperCascorClientError: As ``request()`` for a failed poll, or when the client
                is closed.
        """
        interval = positive_number("poll_interval", poll_interval)
        limit = positive_number("timeout", timeout)
        stops = stop_states(until)
        end = time.monotonic() + limit
        polls, state = 0, "unknown"
        while True:
            try:
                status = self._poll_status(max(end - time.monotonic(), _MIN_POLL_BUDGET))
            except JuniperCascorTimeoutError as exc:
                if time.monotonic() < end:
                    raise
                raise _timed_out(state, limit, stops) from exc
            polls += 1
            state = training_state(status)
            if state in stops and (polls > 1 or state not in FINAL_STATES):
                logger.debug("training %s after %d polls", state, polls)
                return status
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise _timed_out(state, limit, stops)
            # close() from another thread ends the pause; the next poll then raises.
            self._transport.pause(min(interval, remaining))

    def _poll_status(self, deadline: float) -> TrainingStatusResponse:
        self._transport.ensure_open()
        body = self._transport.call("GET", ENDPOINT_TRAINING_STATUS, deadline=deadline)
        return cast(TrainingStatusResponse, body)

    def _probe_ready(self, deadline: float | None) -> bool:
        self._transport.ensure_open()
        try:
            body = self._transport.call(
                "GET", ENDPOINT_HEALTH_READY, deadline=deadline, retry=False
            )
        except JuniperCascorClientError as exc:
            logger.debug("readiness probe failed: %s", exc)
            return False
        for section in (body.get("details"), body.get("data")):
            if isinstance(section, dict) and "network_loaded" in section:
                return section["network_loaded"] is True
        return False


def _timed_out(state: str, timeout: float, stops: frozenset[str]) -> JuniperCascorTimeoutError:
    awaited = ", ".join(sorted(stops))
    return JuniperCascorTimeoutError(
        f"training did not reach {awaited} within {timeout:g} s; last state: {state}"
    )
