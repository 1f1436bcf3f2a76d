"""The named REST methods, one module per group of the server's routes.

Each module holds a mixin of :class:`~juniper_cascor_client_rest.routes.base.Requester`;
:class:`~juniper_cascor_client_rest.endpoints.CascorEndpoints` combines them and
:class:`~juniper_cascor_client_rest.client.JuniperCascorClient` supplies ``request``.
"""
