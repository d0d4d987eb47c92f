"""One table per fact: an EHLO extension added to
:data:`smtptui.protocol.capabilities.EXTENSIONS` (plus its two catalogue lines)
shows up in every view that lists extensions — no other file to edit."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from smtptui.fleet.compare import compare_results
from smtptui.fleet.results import CapabilityFacts, CheckResult
from smtptui.i18n import _domain
from smtptui.protocol import capabilities
from smtptui.protocol.capabilities import Capabilities, Extension
from smtptui.reference import ExplainContext, SessionState, explain, reply

EHLO = reply("250-mx.example\r\n250-PIPELINING\r\n250-XNEWEXT\r\n250 8BITMIME")


@pytest.fixture
def new_extension(monkeypatch):
    """What a newcomer adds for a new extension: one row, two catalogue lines."""
    row = Extension("XNEWEXT", "RFC 9999", "X", parameters=("NEWPARAM",))
    monkeypatch.setattr(capabilities, "EXTENSIONS", (*capabilities.EXTENSIONS, row))
    monkeypatch.setitem(_domain("en", "ext"), "ext.XNEWEXT", "a brand-new extension")
    monkeypatch.setitem(_domain("zh", "ext"), "ext.XNEWEXT", "一个全新的扩展")
    return row


def test_a_new_extension_reaches_the_fleet_facts_json_and_saved_history(new_extension):
    facts = CapabilityFacts.from_capabilities(Capabilities.from_ehlo(EHLO))
    assert facts.offers("XNEWEXT") and facts.offers("PIPELINING")
    data = facts.to_dict()
    assert data["xnewext"] is True and data["pipelining"] is True
    assert CapabilityFacts.from_dict(data) == facts


def test_a_new_extension_reaches_the_fleet_table_and_its_legend(new_extension):
    from smtptui.ui.widgets.fleet_cells import extension_flags, legend

    facts = CapabilityFacts.from_capabilities(Capabilities.from_ehlo(EHLO))
    assert extension_flags(facts).endswith("X")
    assert "X XNEWEXT" in legend()


def test_a_new_extension_reaches_check_and_compare(new_extension):
    from smtptui.cli.check_cmd import _extensions

    offered = CapabilityFacts.from_capabilities(Capabilities.from_ehlo(EHLO))
    assert "XNEWEXT" in _extensions(offered)
    base = CheckResult(
        profile="a",
        address="a:25",
        security="plain",
        ok=True,
        exit_code=0,
        started_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    rows = compare_results(
        dataclasses.replace(base, capabilities=offered),
        dataclasses.replace(base, profile="b", capabilities=CapabilityFacts()),
    ).rows
    row = next(r for r in rows if r.field == "XNEWEXT")
    assert row.differs and (row.left, row.right) == ("yes", "no")
    other = next(r for r in rows if r.field == "other")
    assert "XNEWEXT" not in other.left  # known now: not among "other" keywords


def test_a_new_extension_is_explained_after_ehlo_and_its_parameter_checked(new_extension):
    lines = explain(EHLO, ExplainContext(command="EHLO me"), "zh").extensions
    assert "XNEWEXT — 一个全新的扩展" in lines
    greeted = SessionState().after(None, reply("220 hi")).after("EHLO me", EHLO)
    warning = greeted.expect("MAIL FROM:<a@b> NEWPARAM=1", Capabilities.from_ehlo(EHLO))
    assert warning.legal
    without = reply("250-mx.example\r\n250 PIPELINING")
    refused = greeted.expect("MAIL FROM:<a@b> NEWPARAM=1", Capabilities.from_ehlo(without))
    assert refused.likely_codes and refused.likely_codes[0] == 555
