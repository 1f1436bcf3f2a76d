"""The answer types of the REST client (:mod:`juniper_cascor_client_rest.responses`), at the
meta package's path::

    from juniper_cascor_client.responses import TrainingStatusResponse

Each method of ``JuniperCascorClient`` is declared to return one of the ``...Response`` types;
at run time the answers are the plain parsed JSON dicts.
"""

from juniper_cascor_client_rest.responses import *  # noqa: F403
from juniper_cascor_client_rest.responses import __all__ as __all__
