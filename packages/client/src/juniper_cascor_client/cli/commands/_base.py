"""Helpers shared by the command modules: registering a sub-command, reading envelopes."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from juniper_cascor_client_core.exceptions import JuniperCascorProtocolError

if TYPE_CHECKING:
    from juniper_cascor_client.cli.app import Handler
    from juniper_cascor_client.cli.options import SharedOptions

__all__ = [
    "SubParsers",
    "add_command",
    "add_group",
    "data_of",
    "object_of",
    "positive_float",
    "positive_int",
    "records",
]

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_command(
    commands: SubParsers,
    shared: SharedOptions,
    name: str,
    *,
    help: str,
    handler: Handler | None = None,
    description: str | None = None,
    remote: bool = True,
) -> argparse.ArgumentParser:
    """Add a sub-command with the shared options: the output options, and the connection
    options when it talks to a service (``remote``); a local command is marked with its name
    in ``local_command``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        parents=shared.parents(remote=remote),
        help=help,
        description=description or help,
    )
    if handler is not None:
        parser.set_defaults(handler=handler)
    if not remote:
        parser.set_defaults(local_command=name)
    return parser


def add_group(
    commands: SubParsers,
    shared: SharedOptions,
    name: str,
    *,
    help: str,
    metavar: str = "ACTION",
) -> SubParsers:
    """Add a command whose own sub-commands (its actions) are added to the returned object."""
    group = add_command(commands, shared, name, help=help)
    return group.add_subparsers(title=f"{metavar.lower()}s", metavar=metavar, required=True)


def data_of(envelope: Mapping[str, Any]) -> Any:
    """The ``data`` of a success envelope.

    Raises:
        JuniperCascorProtocolError: When the envelope has no ``data``.
    """
    if "data" not in envelope:
        raise JuniperCascorProtocolError("the server's answer has no 'data'")
    return envelope["data"]


def object_of(envelope: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The ``data`` of a success envelope, which must be a JSON object (``what`` names it).

    Raises:
        JuniperCascorProtocolError: When there is no ``data`` or it is not an object.
    """
    data = data_of(envelope)
    if not isinstance(data, dict):
        raise JuniperCascorProtocolError(f"the server's {what} is not a JSON object")
    return data


def records(value: Any, what: str) -> list[dict[str, Any]]:
    """``value`` as a list of JSON objects (``what`` names it).

    Raises:
        JuniperCascorProtocolError: When it is not a list of objects.
    """
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise JuniperCascorProtocolError(f"the server's {what} is not a list of objects")
    return value


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, not {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, not {text}")
    return value
