"""The routes of the remote candidate workers (answered 503 while the worker system is off).

Worker ids must match ``^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$``; any other id is refused with
``JuniperCascorValidationError`` before anything is sent.
"""

from __future__ import annotations

from typing import cast

from juniper_cascor_client_core.constants import (
    ENDPOINT_WORKER_BY_ID_TEMPLATE,
    ENDPOINT_WORKERS,
    ENDPOINT_WORKERS_STATS,
)
from juniper_cascor_client_rest.paths import worker_segment
from juniper_cascor_client_rest.responses import (
    WorkerListResponse,
    WorkerResponse,
    WorkerStatsResponse,
)
from juniper_cascor_client_rest.routes.base import Requester

__all__ = ["WorkerRoutes"]


class WorkerRoutes(Requester):
    """``GET /workers``, ``/workers/stats`` and ``/workers/{id}``."""

    def list_workers(self) -> WorkerListResponse:
        """``GET /workers``: ``{workers: [...], count}``.

        Raises:
            JuniperCascorServiceUnavailableError: When the worker system is off.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(WorkerListResponse, self.request("GET", ENDPOINT_WORKERS))

    def get_worker_stats(self) -> WorkerStatsResponse:
        """``GET /workers/stats``: counts of idle, busy and stale workers, task totals...

        Raises:
            JuniperCascorServiceUnavailableError: When the worker system is off.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(WorkerStatsResponse, self.request("GET", ENDPOINT_WORKERS_STATS))

    def get_worker(self, worker_id: str) -> WorkerResponse:
        """``GET /workers/{worker_id}``: one worker's record.

        Raises:
            JuniperCascorValidationError: For an invalid id (nothing is sent).
            JuniperCascorNotFoundError: When the worker is unknown.
            JuniperCascorServiceUnavailableError: When the worker system is off.
            JuniperCascorClientError: As ``request()``.
        """
        path = ENDPOINT_WORKER_BY_ID_TEMPLATE.format(worker_id=worker_segment(worker_id))
        return cast(WorkerResponse, self.request("GET", path))
