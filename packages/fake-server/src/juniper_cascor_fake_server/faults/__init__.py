"""Fault injection, scriptable from tests as ``server.faults`` (see ``Faults``)."""

from juniper_cascor_fake_server.faults.switches import Faults, FaultTarget, HttpPlan

__all__ = ["FaultTarget", "Faults", "HttpPlan"]
