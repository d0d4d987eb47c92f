"""Health checks of many profiles at once (each one is
:func:`smtptui.fleet.health.check_profile`).

Concurrency is bounded twice: at most ``concurrency`` checks run at once, and at
most ``per_server`` of them talk to the same host and port (many profiles often
point at one relay; twenty parallel logins look like an attack to fail2ban).
Cancelling :func:`check_many` (or the task running it) cancels every check;
each still tries a short QUIT and closes its socket before the cancellation
finishes, and no task outlives it.

For a live view, ``on_event(profile_name, event)`` sees every session event as
it happens and ``on_result(result)`` every finished check, in completion order;
:func:`stream_checks` offers the same as an async iterator.

The checks run on an event loop of their own (:mod:`smtptui.fleet.apart`), so
a caller that is busy — a dashboard drawing fifty rows — cannot make their
latencies look longer; the callbacks still run on the caller's loop.
Explaining a failed reply (which imports the reference catalogue) happens
there too, off the loop that measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from smtptui.fleet.health import DEFAULT_TIMEOUT, check_profile, explain_result, unusable
from smtptui.fleet.results import CheckResult

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer
    from smtptui.fleet.health import EventCallback
    from smtptui.fleet.transport import TransportLookups
    from smtptui.profiles import Profile
    from smtptui.protocol.config import SessionConfig

ResultCallback = Callable[[CheckResult], Any]
ConfigHook = Callable[["Profile"], "SessionConfig"]

DEFAULT_CONCURRENCY = 8
DEFAULT_PER_SERVER = 4


async def check_many(
    profiles: Iterable[Profile],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float | None = None,
    on_result: ResultCallback | None = None,
    on_event: EventCallback | None = None,
    per_server: int = DEFAULT_PER_SERVER,
    builtin: BuiltinServer | None = None,
    config: ConfigHook | None = None,
    auth: bool = True,
    lang: str | None = None,
    apart: bool = True,
    transport: bool | TransportLookups = False,
) -> list[CheckResult]:
    """Check every profile; returns the results in the order of ``profiles``.

    ``config`` turns a profile into its :class:`SessionConfig` (default:
    ``profile.session_config()``; the CLI passes one that applies its options).
    Profiles with ``builtin_server = true`` share one built-in server: the
    caller's ``builtin`` (left running), or one started for this run and
    stopped at its end.  ``auth=False`` skips AUTH everywhere.  Callbacks may
    be plain functions or coroutines; they run on the caller's loop.
    ``apart=False`` runs the checks on the caller's loop instead of a loop of
    their own (their latencies then include whatever else that loop does).
    ``transport`` adds each profile's chain verification, DANE and MTA-STS
    (:mod:`smtptui.fleet.transport`; pass a :class:`TransportLookups` to
    choose the resolver and HTTPS client: it is used, and closed, on the
    checks' loop).
    """
    items = list(profiles)
    if concurrency < 1 or per_server < 1:
        raise ValueError("concurrency and per_server must be at least 1")
    options: dict[str, Any] = {
        "concurrency": concurrency,
        "timeout": timeout,
        "per_server": per_server,
        "builtin": builtin,
        "config": config,
        "auth": auth,
        "lang": lang,
        "transport": transport,
    }
    if not apart:
        return await _check_many(items, on_result=on_result, on_event=on_event, **options)

    from smtptui.fleet.apart import Relay, run_apart

    hosts = {p.name: p.host for p in reversed(items)}
    explained: dict[int, CheckResult] = {}

    def explain(result: CheckResult) -> CheckResult:
        done = explained.get(id(result))
        if done is None:
            done = explained[id(result)] = explain_result(result, hosts.get(result.profile), lang)
        return done

    relay = Relay(asyncio.get_running_loop())
    results = await run_apart(
        lambda: _check_many(
            items,
            on_result=relay.wrap(on_result, lambda r: (explain(r),)),
            on_event=relay.wrap(on_event),
            explain=False,
            **options,
        ),
        relay,
        "smtptui-checks",
    )
    return [explain(r) for r in results]


async def _check_many(
    items: list[Profile],
    *,
    concurrency: int,
    timeout: float | None,
    on_result: ResultCallback | None,
    on_event: EventCallback | None,
    per_server: int,
    builtin: BuiltinServer | None,
    config: ConfigHook | None,
    auth: bool,
    lang: str | None,
    explain: bool = True,
    transport: bool | TransportLookups = False,
) -> list[CheckResult]:
    results: list[CheckResult | None] = [None] * len(items)
    lookups: TransportLookups | None = None
    if transport is not False:
        from smtptui.fleet.transport import TransportLookups as _Lookups

        lookups = transport if isinstance(transport, _Lookups) else _Lookups()
    own_builtin = None
    if builtin is None and any(p.builtin_server for p in items):
        from smtptui.builtin import BuiltinServer

        builtin = own_builtin = BuiltinServer()
    if any(p.builtin_server or p.security != "plain" for p in items):
        from smtptui.protocol.tls import preload

        preload()  # the first handshake's certificate parsing must not stall the others
    if builtin is not None and any(p.builtin_server for p in items):
        # Started before the first check connects, so its start-up (a thread
        # importing aiosmtpd, perhaps making a certificate) overlaps no
        # measurement; a failure is reported by each demo profile's check.
        with contextlib.suppress(Exception):
            await builtin.ensure_started()
    gate = asyncio.Semaphore(concurrency)
    servers: dict[tuple[str, int], asyncio.Semaphore] = {}

    async def one(index: int, profile: Profile) -> None:
        try:
            cfg = config(profile) if config else profile.session_config()
        except Exception as exc:  # a ProfileError from the options, say
            result = unusable(profile, f"{profile.name}: {exc}")
        else:
            key = ("builtin", 0) if profile.builtin_server else (cfg.host.lower(), cfg.port)
            server_gate = servers.setdefault(key, asyncio.Semaphore(per_server))
            async with server_gate, gate:
                early = None
                if lookups is not None:
                    from smtptui.fleet.transport import start_early

                    early = start_early(profile, cfg, lookups, builtin)
                try:
                    result = await check_profile(
                        profile,
                        timeout=timeout,
                        on_event=on_event,
                        builtin=builtin,
                        config=cfg,
                        auth=auth,
                        lang=lang,
                        explain=explain,
                    )
                except BaseException:  # cancelled: the early look-ups end with the check
                    if early is not None:
                        early.cancel()
                    raise
                if lookups is not None:
                    from smtptui.fleet.transport import transport_facts

                    facts = await transport_facts(
                        profile, result, cfg, lookups, builtin=builtin, early=early,
                        timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
                    )  # fmt: skip
                    result = replace(result, transport=facts)
        results[index] = result
        if on_result is not None:
            outcome = on_result(result)
            if inspect.isawaitable(outcome):
                await outcome

    try:
        async with asyncio.TaskGroup() as group:
            for index, profile in enumerate(items):
                group.create_task(one(index, profile), name=f"smtptui-check:{profile.name}")
    except BaseExceptionGroup as failed:
        # Only a callback can raise here (checks turn errors into results):
        # give the caller its own exception, not a group.
        raise failed.exceptions[0] from None
    finally:
        if lookups is not None:
            await lookups.aclose()
        if own_builtin is not None:
            await own_builtin.stop()
    return [r for r in results if r is not None]


async def stream_checks(profiles: Iterable[Profile], **options: Any) -> AsyncIterator[CheckResult]:
    """:func:`check_many` as an async iterator of results in completion order.
    Leaving the ``async for`` early (or cancelling) cancels the remaining checks
    and waits until their sockets are closed."""
    queue: asyncio.Queue[CheckResult | None] = asyncio.Queue()
    options.pop("on_result", None)
    task = asyncio.create_task(check_many(profiles, on_result=queue.put_nowait, **options))
    task.add_done_callback(lambda _t: queue.put_nowait(None))
    try:
        while (item := await queue.get()) is not None:
            yield item
        await task  # raise what check_many raised, if anything
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
