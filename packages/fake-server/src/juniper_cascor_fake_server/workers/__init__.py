"""Remote workers: the /ws/v1/workers endpoint, the registry and task dispatch, a test worker."""
