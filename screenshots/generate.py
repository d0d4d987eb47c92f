"""Regenerate the README's screenshots from the real app and the built-in server.

    python screenshots/generate.py            # writes screenshots/*.svg
    python screenshots/generate.py --png      # also PNGs (needs rsvg-convert)

The pictures are deterministic: the demo server listens on a fixed loopback
port with a certificate of fixed dates, the session clock is a counter instead
of the wall clock, the client's local port and "today" are fixed, and the
composed message has a fixed Date and Message-ID.  Everything else is the real
app talking to the real server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import socket
import subprocess
import sys
import tempfile
import types
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DEMO_PORT = 2525
DEMO_TLS_PORT = 4650
CLIENT_PORT = 50000
TODAY = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
CERT_DATES = (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC))


class FakeClock:
    """``time.monotonic`` for the session modules: advances 0.4 ms per reading."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        self.now += 0.0004
        return self.now

    def perf_counter(self) -> float:
        return self.monotonic()


def freeze_time(setattr=setattr) -> None:
    """Session timings from :class:`FakeClock`, certificate expiry against TODAY."""
    import smtptui.protocol.connect as connect_mod
    import smtptui.protocol.events as events_mod
    import smtptui.protocol.exchange as exchange_mod
    import smtptui.protocol.session as session_mod
    import smtptui.protocol.stream as stream_mod
    import smtptui.protocol.tls as tls_mod
    import smtptui.protocol.wire as wire_mod
    import smtptui.workspace.session as controller_mod

    clock = FakeClock()
    fake_time = types.SimpleNamespace(
        monotonic=clock.monotonic, perf_counter=clock.perf_counter, time=lambda: 1.78e9
    )
    for module in (
        events_mod,
        session_mod,
        wire_mod,
        connect_mod,
        stream_mod,
        exchange_mod,
        controller_mod,
    ):
        setattr(module, "time", fake_time)
    # the kernel's handshake time is real, not the fake clock's
    setattr(connect_mod, "handshake_rtt", lambda sock: None)

    class FrozenDateTime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return TODAY if tz is not None else TODAY.replace(tzinfo=None)

    setattr(
        tls_mod,
        "_dt",
        types.SimpleNamespace(datetime=FrozenDateTime, UTC=dt.UTC, timedelta=dt.timedelta),
    )


def fixed_client_port(event):
    """``event`` with CLIENT_PORT as the client's port if it is a ``Connected``."""
    from smtptui.protocol import events as ev

    if isinstance(event, ev.Connected):
        return replace(event, local=(event.local[0], CLIENT_PORT))
    return event


def fixed_local_port(setattr=setattr) -> None:
    """The client's ephemeral port is the one random number left on screen."""
    from smtptui.workspace.session import SessionController

    original = SessionController._on_event

    def on_event(self, event):
        original(self, fixed_client_port(event))

    setattr(SessionController, "_on_event", on_event)


def demo_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "smtptui demo server"),
            x509.NameAttribute(NameOID.COMMON_NAME, "smtptui.demo"),
        ]
    )
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x5A17)
        .not_valid_before(CERT_DATES[0])
        .not_valid_after(CERT_DATES[1])
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.DNSName("smtptui.demo"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, False, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio's servers do
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def demo_app(
    work: Path, cert: Path, key: Path, *, port: int = DEMO_PORT, tls_port: int = DEMO_TLS_PORT, **kw
):
    """The real app, its built-in server on fixed ports with a fixed certificate."""
    from smtptui.builtin import BuiltinServer
    from smtptui.server import ServerConfig
    from smtptui.ui.app import SmtpTuiApp

    app = SmtpTuiApp(profiles_dir=str(work / "profiles"), **kw)
    app.workspace.builtin = BuiltinServer(
        ServerConfig(port=port, tls_port=tls_port, cert_file=cert, key_file=key)
    )
    return app


async def settle(pilot) -> None:
    """Work finished, cursors not blinking, no toasts: a stable picture."""
    from textual.widgets import Input, TextArea

    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False
    app.clear_notifications()
    await pilot.pause(0.3)


async def ready(pilot, message_id: str = "<screenshot.1@demo.local>") -> None:
    """Every pane mounted; the composer's Date and Message-ID fixed."""

    app = pilot.app
    for _ in range(200):
        if (
            app.panes.composer
            and app.panes.reference
            and app.panes.session
            and app.panes.transcript
        ):
            break
        await pilot.pause(0.05)
    composer = app.panes.composer
    composer.fixed_date = TODAY
    composer.fixed_message_id = message_id


async def connected(pilot, name: str = "demo") -> None:
    """Until the session is up (or has failed)."""
    app = pilot.app
    for _ in range(200):
        controller = app.workspace.sessions.get(name)
        if controller is not None and controller.status in ("connected", "error", "closed"):
            break
        await pilot.pause(0.05)


async def connect_and_send(pilot) -> None:
    """Enter on the selected demo profile, then F5: a whole session, settled."""
    await pilot.press("enter")
    await connected(pilot)
    await pilot.press("f5")
    await settle(pilot)


async def until_screen(pilot, kind) -> None:
    """Until the app shows a screen of ``kind`` (bounded)."""
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            return
        await pilot.pause(0.05)


class Shooter:
    def __init__(self, out: Path, work: Path) -> None:
        self.out = out
        self.work = work
        self.cert, self.key = demo_certificate(work)
        self.written: list[Path] = []

    def app(self, **kw):
        return demo_app(self.work, self.cert, self.key, **kw)

    def save(self, app, name: str) -> None:
        path = self.out / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(self.out))
        self.written.append(path)
        print(f"wrote {path.relative_to(ROOT)}")

    async def dashboard(self) -> None:
        """120×40: a whole session — EHLO, STARTTLS, AUTH LOGIN, a message sent."""
        app = self.app()
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await connect_and_send(pilot)
            self.save(app, "dashboard")

    async def auth_login(self) -> None:
        """A finished session, the cursor on the AUTH LOGIN exchange, decoded."""
        from smtptui.ui.widgets.transcript_view import TranscriptView

        app = self.app()
        async with app.run_test(size=(140, 44)) as pilot:
            await ready(pilot)
            await connect_and_send(pilot)
            await pilot.press("d")
            await settle(pilot)
            view = app.query_one(TranscriptView)
            view.focus()
            index = next(
                i for i, line in enumerate(view.lines) if "Username:" in (line.annotation or "")
            )
            view.cursor = index
            await settle(pilot)
            self.save(app, "session-auth-login")

    async def reference_chinese(self) -> None:
        """A refusal explained in Chinese: relaying without AUTH gets 554 5.7.1."""

        app = self.app(lang="zh")
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            app.workspace.settings.auto_handshake = False
            panel = app.panes.session
            panel.query_one("Checkbox").value = False
            await pilot.press("enter")
            await connected(pilot)
            controller = app.workspace.sessions["demo"]
            for line in (
                "EHLO learner.example",
                "MAIL FROM:<demo@demo.local>",
                "RCPT TO:<friend@example.com>",
            ):
                await controller.raw(line)
            await settle(pilot)
            self.save(app, "reference-chinese")

    async def preview(self) -> None:
        """The composer's DATA preview: the exact bytes after 354."""

        app = self.app()
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            composer = app.panes.composer
            from textual.widgets import TextArea

            composer.query_one("#composer-subject").value = "测试 hello: a UTF-8 subject"
            body = (
                composer.query_one(TextArea)
                if not composer.query("#composer-body")
                else composer.query_one("#composer-body")
            )
            body.text = "Hello,\n.a line starting with a dot is dot-stuffed on the wire\nBye\n"
            await settle(pilot)
            composer.action_preview()
            await settle(pilot)
            self.save(app, "composer-preview")

    async def narrow(self) -> None:
        """80×24: the panes become tabs."""
        app = self.app()
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("enter")
            await connected(pilot)
            app.show_pane("transcript")
            await settle(pilot)
            self.save(app, "narrow-80x24")

    async def flow_diagram(self) -> None:
        """v: a finished demo session as a sequence diagram, a step selected."""
        from smtptui.ui.screens.flow import FlowScreen

        app = self.app()
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await connect_and_send(pilot)
            await pilot.press("v")
            await until_screen(pilot, FlowScreen)
            await pilot.press("home", *("down",) * 9)
            await settle(pilot)
            self.save(app, "flow-diagram")

    async def state_machine(self) -> None:
        """m: the state machine lit after a MAIL FROM, RCPT TO the edge chosen."""
        from smtptui.ui.screens.session_views import StateMachineScreen

        app = self.app()
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await pilot.press("enter")
            await connected(pilot)
            controller = app.workspace.sessions["demo"]
            await controller.raw("MAIL FROM:<demo@demo.local>")
            await controller.raw("DATA")  # out of sequence: the edge that is not there
            await settle(pilot)
            await pilot.press("m")
            await until_screen(pilot, StateMachineScreen)
            await settle(pilot)
            self.save(app, "state-machine")

    async def lesson_chinese(self) -> None:
        """smtptui learn in Chinese: the envelope lesson done, the blind copy shown."""
        from smtptui.builtin import BuiltinServer
        from smtptui.learn.progress import ProgressStore
        from smtptui.server import ServerConfig
        from smtptui.ui.learn_app import LearnApp
        from smtptui.ui.screens.lesson import LessonScreen

        def shown(self, event, original=LessonScreen._event):  # the client port, on screen only
            original(self, fixed_client_port(event))

        LessonScreen._event = shown
        server = ServerConfig(port=DEMO_PORT, tls_port=None, cert_file=self.cert, key_file=self.key)
        app = LearnApp(
            lang="zh",
            lesson="envelope",
            builtin=BuiltinServer(server),
            store=ProgressStore(self.work / "lessons.json"),
        )
        lines = ("EHLO learner.example", "MAIL FROM:<demo@demo.local>", "RCPT TO:<friend@demo.local>",
                 "RCPT TO:<boss@demo.local>", "DATA", "From: demo@demo.local", "To: friend@demo.local",
                 "Subject: 信封课", "", "只有 friend 在 To: 里", ".")  # fmt: skip
        async with app.run_test(size=(100, 32)) as pilot:
            for line in (None, *lines):
                for _ in range(200):
                    if isinstance(app.screen, LessonScreen) and app.screen.idle():
                        break
                    await pilot.pause(0.05)
                if line is not None:
                    app.screen.query_one("Input").value = line
                    await pilot.press("enter")
            await settle(pilot)
            self.save(app, "lesson-chinese")


async def main(out: Path) -> list[Path]:
    if not (port_free(DEMO_PORT) and port_free(DEMO_TLS_PORT)):
        raise SystemExit(
            f"ports {DEMO_PORT} and {DEMO_TLS_PORT} must be free on 127.0.0.1 for deterministic pictures"
        )
    freeze_time()
    fixed_local_port()
    with tempfile.TemporaryDirectory() as tmp:
        shooter = Shooter(out, Path(tmp))
        for shot in (
            shooter.dashboard,
            shooter.auth_login,
            shooter.reference_chinese,
            shooter.preview,
            shooter.narrow,
            shooter.flow_diagram,
            shooter.state_machine,
            shooter.lesson_chinese,
        ):
            await shot()
        return shooter.written


def to_png(paths: list[Path]) -> None:
    tool = shutil.which("rsvg-convert")
    if tool is None:
        raise SystemExit("rsvg-convert not found (Debian: apt install librsvg2-bin)")
    for svg in paths:
        subprocess.run([tool, str(svg), "-o", str(svg.with_suffix(".png"))], check=True)
        print(f"wrote {svg.with_suffix('.png').relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--png", action="store_true", help="also convert each SVG to PNG with rsvg-convert"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE, help="output folder (default: screenshots/)"
    )
    args = parser.parse_args()
    written = asyncio.run(main(args.out))
    if args.png:
        to_png(written)
