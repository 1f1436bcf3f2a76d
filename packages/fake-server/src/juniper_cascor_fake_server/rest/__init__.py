"""REST routes of the fake server, one module per group of the real server's routes."""
