"""The training domain: state machine, operations, parameters, trainer thread, snapshots."""
