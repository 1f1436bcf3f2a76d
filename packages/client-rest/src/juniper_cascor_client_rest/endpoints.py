"""The named REST methods of the juniper-cascor service, one per route.

:class:`CascorEndpoints` combines the route groups of :mod:`juniper_cascor_client_rest.routes`;
:class:`~juniper_cascor_client_rest.client.JuniperCascorClient` supplies ``request``. Every
method returns the parsed JSON body (the envelope ``{"status", "data", "meta"}``; the health
routes answer flat bodies), declared with its type of :mod:`juniper_cascor_client_rest.responses`,
and raises the exceptions listed for ``request`` (for example
``JuniperCascorNotFoundError`` when no network exists, ``JuniperCascorConflictError`` when
training is not in the right state), each carrying the server's ``code``.
"""

from __future__ import annotations

from juniper_cascor_client_rest.routes.admin import AdminRoutes
from juniper_cascor_client_rest.routes.datasets import DatasetRoutes
from juniper_cascor_client_rest.routes.health import HealthRoutes
from juniper_cascor_client_rest.routes.metrics import MetricsRoutes
from juniper_cascor_client_rest.routes.network import NetworkRoutes
from juniper_cascor_client_rest.routes.snapshots import SnapshotRoutes
from juniper_cascor_client_rest.routes.training import TrainingRoutes
from juniper_cascor_client_rest.routes.workers import WorkerRoutes

__all__ = ["CascorEndpoints"]


class CascorEndpoints(
    HealthRoutes,
    NetworkRoutes,
    TrainingRoutes,
    DatasetRoutes,
    MetricsRoutes,
    SnapshotRoutes,
    WorkerRoutes,
    AdminRoutes,
):
    """One method per REST route of the service; subclasses provide ``request``."""
