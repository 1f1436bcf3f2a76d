"""The REST client at its upstream import path, ``juniper_cascor_client.client``.

``JuniperCascorClient`` lives in juniper-cascor-client-rest; this module re-exports it so
``from juniper_cascor_client.client import JuniperCascorClient`` keeps working.
"""

from juniper_cascor_client_rest import JuniperCascorClient

__all__ = ["JuniperCascorClient"]
