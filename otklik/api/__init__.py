"""Otklik's HTTP API: Open311 GeoReport v2 reads and agencies' token-authenticated updates.

An interface like the CLI: routes parse and format, the stage functions decide.
"""
