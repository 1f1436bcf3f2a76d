"""``juniper-cascor control ACTION``: training commands over the ``/ws/control`` stream."""

from __future__ import annotations

import argparse
import difflib
import json
import re
from collections.abc import Collection, Iterable
from typing import Any

from juniper_cascor_client.cli.commands._base import (
    SubParsers,
    add_command,
    add_group,
    object_of,
)
from juniper_cascor_client.cli.context import Context
from juniper_cascor_client.cli.options import SharedOptions
from juniper_cascor_client_core.exceptions import (
    JuniperCascorNotFoundError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_streams import BlockingControlStream

__all__ = ["parse_assignment", "register", "unknown_parameters"]

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ACTIONS = {
    "start": "start training",
    "stop": "stop training",
    "pause": "pause training",
    "resume": "resume paused training",
    "reset": "reset the network and its training history",
    "set-params": "change runtime training parameters (e.g. learning_rate=0.1)",
}


def parse_assignment(text: str) -> tuple[str, Any]:
    """An argparse type: ``key=value`` with the value read as a JSON scalar.

    ``0.1`` is a float, ``10`` an int, ``true``/``false``/``null`` what JSON says, and anything
    that is not JSON (``adam``) is taken as a string. Lists and objects are refused.

    Raises:
        argparse.ArgumentTypeError: When the text is not ``key=value`` or the value is not scalar.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not _KEY.match(key):
        raise argparse.ArgumentTypeError(f"expected key=value with a parameter name, not {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    if isinstance(value, list | dict):
        raise argparse.ArgumentTypeError(f"{key}: the value must be a scalar, not {raw}")
    return key, value


def register(commands: SubParsers, shared: SharedOptions) -> None:
    """Add ``control`` and its actions."""
    actions = add_group(
        commands,
        shared,
        "control",
        help="start, stop, pause, resume, reset training or set parameters (via /ws/control)",
    )
    for action, summary in _ACTIONS.items():
        parser = add_command(actions, shared, action, help=summary, handler=run_control)
        parser.set_defaults(command=action.replace("-", "_"))
        if action in ("start", "set-params"):
            parser.add_argument(
                "params",
                nargs="+" if action == "set-params" else "*",
                type=parse_assignment,
                metavar="KEY=VALUE",
                help="parameters; values are JSON scalars (0.1, 10, true) or plain strings",
            )


def unknown_parameters(names: Iterable[str], known: Collection[str]) -> str | None:
    """The error for the ``names`` that are not in ``known``, or ``None`` when all are.

    Each unknown name comes with the closest known names, e.g. ``unknown training parameter
    'learning_rat' (did you mean 'learning_rate'?)``; when one has none, the message lists the
    known names.
    """
    unknown = [name for name in names if name not in known]
    if not unknown:
        return None
    parts, listed = [], False
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=2)
        parts.append(
            f"{name!r} (did you mean {' or '.join(map(repr, close))}?)" if close else repr(name)
        )
        listed = listed or not close
    noun = "parameter" if len(unknown) == 1 else "parameters"
    message = f"unknown training {noun} {', '.join(parts)}"
    if listed:
        message += f"; the service's parameters are {', '.join(sorted(known))}"
    return message


def run_control(args: argparse.Namespace, ctx: Context) -> int:
    """Send one command and print the server's answer (JSON: the ``command_response`` data).

    ``set-params`` first checks the names against ``GET /v1/training/params``: the server
    ignores a parameter it does not know without saying so, which would hide a typo.

    Raises:
        JuniperCascorValidationError: When ``set-params`` names a parameter the service does
            not have (nothing is sent).
        JuniperCascorCommandError: When the server answered with an error.
        JuniperCascorClientError: When the control stream or a request failed.
    """
    params = dict(getattr(args, "params", None) or []) or None
    if args.command == "set_params" and params:
        _check_names(ctx, params)
    with BlockingControlStream(
        ctx.url, ctx.api_key, timeout=ctx.timeout, raise_on_error=True
    ) as control:
        answer = control.command(args.command, params)
    data = answer.get("data")
    ctx.out.fields(f"control {args.command}", data if isinstance(data, dict) else answer)
    return 0


def _check_names(ctx: Context, params: dict[str, Any]) -> None:
    with ctx.client() as client:
        try:
            known = object_of(client.get_training_params(), "training parameters")
        except JuniperCascorNotFoundError:  # no network: the server refuses the command itself
            return
    error = unknown_parameters(params, known)
    if error is not None:
        raise JuniperCascorValidationError(error)
