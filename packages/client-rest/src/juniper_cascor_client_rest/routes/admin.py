"""The administration route: the gate of the experimental functions (the live data swap)."""

from __future__ import annotations

from typing import cast

from juniper_cascor_client_core import JuniperCascorValidationError
from juniper_cascor_client_core.constants import (
    ENDPOINT_EXPERIMENTAL_FUNCTIONS,
)
from juniper_cascor_client_rest.responses import (
    ExperimentalFunctionsResponse,
    ExperimentalFunctionsSetResponse,
)
from juniper_cascor_client_rest.routes.base import Requester

__all__ = ["AdminRoutes"]


class AdminRoutes(Requester):
    """``GET|POST /admin/experimental_functions``."""

    def get_experimental_functions(self) -> ExperimentalFunctionsResponse:
        """``GET /admin/experimental_functions``: ``{enabled}``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            ExperimentalFunctionsResponse, self.request("GET", ENDPOINT_EXPERIMENTAL_FUNCTIONS)
        )

    def set_experimental_functions(self, enabled: bool) -> ExperimentalFunctionsSetResponse:
        """``POST /admin/experimental_functions``: open (``True``) or close the gate; the
        server answers ``{experimental_functions_enabled}``.

        Raises:
            JuniperCascorValidationError: When ``enabled`` is not a bool (nothing is sent).
            JuniperCascorClientError: As ``request()``.
        """
        if not isinstance(enabled, bool):
            raise JuniperCascorValidationError(f"enabled must be a bool: {enabled!r}")
        return cast(
            ExperimentalFunctionsSetResponse,
            self.request("POST", ENDPOINT_EXPERIMENTAL_FUNCTIONS, json={"enabled": enabled}),
        )
