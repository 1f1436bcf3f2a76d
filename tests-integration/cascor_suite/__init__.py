"""Support code of the integration suite: the target server, stream watchers, bounded waits,
the data sets the tests train on and the Prometheus counter reader."""
