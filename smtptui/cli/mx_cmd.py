"""MX routing for ``check`` and ``send``: a target written ``@domain`` or
``user@domain`` (or ``send --to user@domain`` with no target) is delivered
the way a mail server would, through the domain's MX hosts on port 25 — like
swaks without ``--server`` — with every routing decision in the transcript."""

from __future__ import annotations

from typing import Any

from smtptui.cli.common import CliFailure, apply_overrides, lang_option, session_config


def make_resolver(timeout: float = 10.0) -> Any:
    """The DNS resolver (tests replace this with a stub that points MX names
    at loopback servers)."""
    from smtptui.inspection.mx import default_resolver

    return default_resolver(timeout)


def make_http_client() -> Any:
    """The HTTPS client for MTA-STS policies (tests replace this with one
    whose requests go to a local HTTPS server)."""
    import httpx

    from smtptui import __version__

    return httpx.AsyncClient(headers={"User-Agent": f"smtptui/{__version__} (inspect)"})


def target_domain(target: str | None) -> str | None:
    """The mail domain a target names, ``None`` for a profile or host."""
    from smtptui.inspection.errors import InspectionError
    from smtptui.inspection.mx import domain_of

    if not target:
        return None
    try:
        return domain_of(target)
    except InspectionError as exc:
        raise CliFailure(exc.text(lang_option()), exc.exit_code) from exc


def recipients_domain(recipients: list[str]) -> str:
    """``send --to`` with no target: the one domain of every recipient."""
    from smtptui.i18n import t

    domains = sorted({r.rpartition("@")[2].strip().lower() for r in recipients if "@" in r})
    if not domains:
        raise CliFailure(t("inspect.error.no_target", lang_option()))
    if len(domains) > 1:
        raise CliFailure(
            t("inspect.error.several_domains", lang_option(), domains=", ".join(domains))
        )
    return target_domain("@" + domains[0]) or domains[0]


def domain_profile(domain: str, opts: dict[str, Any]) -> Any:
    """An ad-hoc profile for the domain's MX hosts: port 25, plain unless
    ``--security`` says otherwise (as swaks does); options still win."""
    from smtptui.profiles.model import Profile

    profile = Profile(name=f"@{domain}", host=domain, port=25, security="plain")
    return apply_overrides(profile, opts)


async def converse_via_mx(
    domain: str, profile: Any, opts: dict[str, Any], plan: Any, *, show_data: bool = False
):
    """Run ``plan`` through ``domain``'s MX hosts; returns (exit code, routed, renderer)."""
    from smtptui.cli.render import CliRenderer
    from smtptui.i18n import t
    from smtptui.inspection.errors import InspectionError
    from smtptui.inspection.routing import route_and_converse

    lang = lang_option()
    renderer = CliRenderer(
        json_mode=opts.get("json_mode", False), quiet=opts.get("quiet", False), show_data=show_data
    )
    try:
        routed = await route_and_converse(
            domain,
            session_config(profile, opts),
            plan,
            resolver=make_resolver(),
            subscriber=renderer,
            lang=lang,
        )
    except InspectionError as exc:
        raise CliFailure(exc.text(lang), exc.exit_code) from exc
    if routed.route.null_mx:
        raise CliFailure(t("inspect.error.null_mx", lang, domain=domain), 20)
    if routed.outcome is None:
        raise CliFailure(t("inspect.error.unreachable", lang, domain=domain), 20)
    return routed.outcome.exit_code, routed, renderer
