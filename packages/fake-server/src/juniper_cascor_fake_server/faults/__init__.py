"""Fault injection, scriptable from tests as ``server.faults`` (see ``Faults``)."""

from juniper_cascor_fake_server.faults.switches import FaultTarget, Faults, HttpPlan

__all__ = ["FaultTarget", "Faults", "HttpPlan"]
