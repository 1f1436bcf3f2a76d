"""The candidate-training worker for tests and demos: the numpy worker, under its old names.

``CandidateWorker`` is ``juniper_cascor_numpy_worker.NumpyWorker`` and ``WorkerThread`` its
thread runner, so the fake server's tests and demos run the worker a deployment runs. Both take
the server URL and ``WorkerSettings`` options (``api_key``, ``name``, ``heartbeat_interval``...);
``WorkerThread(...).worker`` is the ``CandidateWorker``, with ``worker_id``, ``registered``,
``tasks_completed``, ``accepted``, ``rejected``, ``errors`` and ``close_code``.
"""

from __future__ import annotations

from juniper_cascor_numpy_worker.thread import WorkerThread
from juniper_cascor_numpy_worker.worker import NumpyWorker as CandidateWorker

__all__ = ["CandidateWorker", "WorkerThread"]
