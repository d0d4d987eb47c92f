"""The profile form: create, edit or duplicate a server profile.

The form holds no validation rules of its own.  Every change turns the fields
into dotted TOML keys and asks :meth:`Profile.with_settings` for a profile; the
first :class:`ProfileError` it raises is shown under the field its ``key``
names, and Save stays disabled until there is none.  Saving goes through
:meth:`ProfileStore.save` (atomic, 0600, renames via ``previous_name``).

A password typed for ``source = "plain"`` lives only in its masked input and
the profile handed to the store; it is never echoed, and the input is emptied
once saved.  Fields the form does not show (``builtin_server``,
``local_address``, ``tls.server_hostname``, ``remember``...) are kept as they were.
"""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, Switch, TextArea

from smtptui.i18n import has, t
from smtptui.message.addresses import split_address_list
from smtptui.profiles import FAMILIES, MECHANISMS, Profile, ProfileError, ProfileStore
from smtptui.protocol.config import DEFAULT_PORTS, SECURITY_MODES
from smtptui.ui.keys import bindings

PASSWORD_SOURCES = ("prompt", "env", "command", "keyring", "plain")
#: The field holding the extra setting of each password source (shown only for it).
SOURCE_FIELD = {
    "env": "auth.password.name",
    "command": "auth.password.argv",
    "plain": "auth.password.value",
}
TLS_VERSIONS = ("", "TLSv1.2", "TLSv1.3")  # "": the library's default


@dataclass(frozen=True, slots=True)
class Field:
    """One row of the form: a dotted TOML key and the widget that edits it.

    The label is ``form.field.<key>`` in the catalogue; the placeholder is
    ``form.placeholder.<key>`` when ``hint`` is set, else ``example`` (an
    address, a host or a variable name: the same in every language).  A
    select's options are the TOML values; each is shown as
    ``form.option.<key>.<value>`` where the catalogue has one (words such as
    ``none`` or ``prompt``), else as itself (``STARTTLS``, ``TLSv1.3``).
    """

    key: str
    kind: str = "input"  # input | password | select | area | switch
    options: tuple[str, ...] = ()
    example: str = ""
    hint: bool = False

    def label(self, lang: str) -> str:
        return t(f"form.field.{self.key}", lang)

    def placeholder(self, lang: str) -> str:
        return t(f"form.placeholder.{self.key}", lang) if self.hint else self.example

    def choices(self, lang: str) -> tuple[tuple[str, str], ...]:
        """(shown, value) for a select."""
        return tuple((option_label(self.key, value, lang), value) for value in self.options)


def option_label(key: str, value: str, lang: str) -> str:
    """How a select shows a TOML value (see :class:`Field`)."""
    name = f"form.option.{key}.{value or 'default'}"
    return t(name, lang) if has(name) else value


#: (section key, its fields); a section's heading is ``form.section.<key>``.
SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("server", (
        Field("name", hint=True),
        Field("host", example="smtp.example.com"),
        Field("security", "select", SECURITY_MODES),
        Field("port"),
        Field("helo", hint=True),
        Field("tags", hint=True),
        Field("timeout", hint=True),
        Field("family", "select", FAMILIES),
        Field("notes", "area"),
    )),
    ("auth", (
        Field("auth.mechanism", "select", MECHANISMS),
        Field("auth.username", example="me@example.com"),
        Field("auth.password.source", "select", PASSWORD_SOURCES),
        Field("auth.password.name", example="SMTP_PASSWORD"),
        Field("auth.password.argv", hint=True),
        Field("auth.password.value", "password"),
    )),
    ("tls", (
        Field("tls.verify", "switch"),
        Field("tls.ca_file", hint=True),
        Field("tls.client_cert", hint=True),
        Field("tls.client_key", hint=True),
        Field("tls.min_version", "select", TLS_VERSIONS),
    )),
    ("message", (
        Field("message.from", example="me@example.com"),
        Field("message.to", hint=True),
        Field("message.cc"),
        Field("message.subject"),
        Field("message.body", "area"),
    )),
)  # fmt: skip
FIELDS = {f.key: f for _, fields in SECTIONS for f in fields}
#: The warning shown after a field: (widget id, catalogue key).
NOTES_AFTER = {
    "auth.password.value": ("pf-plain-note", "form.note.plain"),
    "tls.verify": ("pf-verify-note", "form.note.verify"),
}


def field_id(key: str) -> str:
    """The widget id of the field for a dotted key (``auth.username`` → ``pf-auth-username``)."""
    return "pf-" + key.replace(".", "-")


def split_list(text: str) -> list[str]:
    """Comma-separated items (tags, addresses), as the message builder splits them."""
    return [item.strip() for item in split_address_list(text)]


def number(text: str) -> Any:
    """An int or float for a number field; anything else as typed, so the schema
    names the problem ("port must be a whole number from 1 to 65535, not 'abc'")."""
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text or None


def initial_values(profile: Profile, *, new: bool) -> dict[str, Any]:
    """What each field shows for ``profile`` (a port equal to the security's
    default is left empty, so changing the security changes the port)."""
    auth, tls, msg, source = profile.auth, profile.tls, profile.message, profile.auth.password
    return {
        "name": "" if new else profile.name,
        "host": "" if new else profile.host,
        "security": "starttls" if new else profile.security,
        "port": "" if new or profile.port == DEFAULT_PORTS[profile.security] else str(profile.port),
        "helo": profile.helo or "",
        "tags": ", ".join(profile.tags),
        "timeout": "" if profile.timeout is None else f"{profile.timeout:g}",
        "family": profile.family,
        "notes": profile.notes,
        "auth.mechanism": auth.mechanism,
        "auth.username": auth.username or "",
        "auth.password.source": source.kind if source.kind in PASSWORD_SOURCES else "prompt",
        "auth.password.name": source.env or "",
        "auth.password.argv": shlex.join(source.argv) if source.argv else "",
        "auth.password.value": "",  # never shown; empty keeps a stored password
        "tls.verify": tls.verify,
        "tls.ca_file": tls.ca_file or "",
        "tls.client_cert": tls.client_cert or "",
        "tls.client_key": tls.client_key or "",
        "tls.min_version": tls.min_version or "",
        "message.from": msg.sender or "",
        "message.to": ", ".join(msg.to),
        "message.cc": ", ".join(msg.cc),
        "message.subject": msg.subject or "",
        "message.body": msg.body or "",
    }


def make_widget(field: Field, value: Any, lang: str = "en") -> Widget:
    wid = field_id(field.key)
    if field.kind == "select":
        return Select(field.choices(lang), value=value, allow_blank=False, compact=True, id=wid)
    if field.kind == "area":
        return TextArea(value, compact=True, soft_wrap=True, id=wid)
    if field.kind == "switch":
        return Switch(value, id=wid)
    return Input(
        value,
        placeholder=field.placeholder(lang),
        password=field.kind == "password",
        compact=True,
        id=wid,
    )


class ProfileFormScreen(ModalScreen["Profile | None"]):
    """Dismisses with the saved :class:`Profile` (``source_path`` set) or ``None``."""

    DEFAULT_CSS = """
    ProfileFormScreen { align: center middle; }
    ProfileFormScreen > #pf-frame {
        width: 90%; height: 90%; min-width: 60;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ProfileFormScreen #pf-title { text-style: bold; width: 1fr; padding: 0 1; background: $boost; }
    ProfileFormScreen #pf-scroll { height: 1fr; padding-right: 1; }
    ProfileFormScreen .pf-intro { color: $text-muted; margin-bottom: 1; }
    ProfileFormScreen .pf-demo { color: $warning; margin-bottom: 1; }
    ProfileFormScreen .pf-section { text-style: bold; color: $text-accent; margin-top: 1; }
    ProfileFormScreen .pf-field { height: auto; }
    ProfileFormScreen .-hidden { display: none; }
    ProfileFormScreen .pf-row { height: auto; }
    ProfileFormScreen .pf-row > Label { width: 16; padding: 0 1 0 0; color: $text-muted; }
    ProfileFormScreen .pf-row > Input, ProfileFormScreen .pf-row > Select { width: 1fr; }
    ProfileFormScreen .pf-row > Input, ProfileFormScreen .pf-row > TextArea { background: $boost; }
    ProfileFormScreen .pf-row > Input:focus, ProfileFormScreen .pf-row > TextArea:focus {
        background: $accent 25%;
    }
    ProfileFormScreen .pf-row > TextArea { width: 1fr; height: 3; }
    ProfileFormScreen .pf-row > Switch { border: none; padding: 0; height: 1; }
    ProfileFormScreen .pf-error { color: $error; padding-left: 16; display: none; }
    ProfileFormScreen .pf-error.-shown { display: block; }
    ProfileFormScreen .pf-note { color: $warning; padding-left: 16; }
    ProfileFormScreen #pf-general { color: $error; display: none; }
    ProfileFormScreen #pf-general.-shown { display: block; }
    ProfileFormScreen #pf-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    ProfileFormScreen #pf-buttons Button { margin-left: 2; }
    ProfileFormScreen #pf-keys { color: $text-muted; width: 1fr; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("form")

    def __init__(self, store: ProfileStore, profile: Profile | None, *, previous_name: str | None = None, lang: str = "en") -> None:  # fmt: skip
        super().__init__()
        self.lang = lang
        self.store = store
        self.profile = profile
        self.previous_name = previous_name
        self._base = profile if profile is not None else Profile(name="new profile")  # never shown
        self._initial: dict[str, Any] | None = None
        self._valid: Profile | None = None

    # ------------------------------------------------------------- layout
    def _t(self, key: str, **values: object) -> str:
        return t(f"form.{key}", self.lang, **values)

    def compose(self) -> ComposeResult:
        p = self._base
        if self.profile is None:
            title = self._t("title.new")
        elif self.previous_name is not None:
            title = self._t("title.edit", name=self.previous_name)
        else:
            title = self._t("title.copy")
        values = initial_values(p, new=self.profile is None)
        with Vertical(id="pf-frame"):
            yield Label(title, id="pf-title", markup=False)
            with VerticalScroll(id="pf-scroll"):
                yield Static(self._t("intro"), classes="pf-intro", markup=False)
                if p.bundled and self.previous_name is not None:
                    yield Static(
                        self._t("bundled", name=p.name, folder=self.store.folder),
                        classes="pf-demo",
                        markup=False,
                    )
                if p.builtin_server:
                    yield Static(self._t("builtin"), classes="pf-intro", markup=False)
                for section, fields in SECTIONS:
                    yield Static(self._t(f"section.{section}"), classes="pf-section", markup=False)
                    for field in fields:
                        yield from self._row(field, values[field.key])
                yield Static(id="pf-general", markup=False)
            with Horizontal(id="pf-buttons"):
                yield Static(self._t("keys"), id="pf-keys", markup=False)
                yield Button(self._t("cancel"), id="pf-cancel", compact=True)
                yield Button(
                    self._t("save"), id="pf-save", variant="primary", disabled=True, compact=True
                )

    def _row(self, field: Field, value: Any) -> ComposeResult:
        wid = field_id(field.key)
        with Vertical(id=f"{wid}-field", classes="pf-field"):
            with Horizontal(classes="pf-row"):
                yield Label(field.label(self.lang), markup=False)
                yield make_widget(field, value, self.lang)
            yield Static(id=f"{wid}-error", classes="pf-error", markup=False)
        if field.key in NOTES_AFTER:
            note_id, key = NOTES_AFTER[field.key]
            yield Static(t(key, self.lang), id=note_id, classes="pf-note", markup=False)

    def on_mount(self) -> None:
        source = self._base.auth.password
        if source.kind == "plain" and source.value is not None:
            self._widget("auth.password.value").placeholder = self._t("unchanged")
        self._update_hints()
        self._initial = self._raw()
        self._validate()
        self._widget("name").focus()

    # ------------------------------------------------------------- values
    def _widget(self, key: str) -> Any:
        return self.query_one(f"#{field_id(key)}")

    def _value(self, key: str) -> Any:
        widget = self._widget(key)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return widget.value if isinstance(widget.value, str) else ""
        return widget.value

    def _raw(self) -> dict[str, Any]:
        return {key: self._value(key) for key in FIELDS}

    def _settings(self) -> dict[str, Any]:
        """The fields as dotted TOML keys for :meth:`Profile.with_settings` (``None`` = default)."""
        v = self._raw()
        settings: dict[str, Any] = {}
        for key, field in FIELDS.items():
            value = v[key]
            if field.kind in ("input", "area") and isinstance(value, str):
                value = value.strip() or None
            settings[key] = value
        settings.update(
            port=number(v["port"]),
            timeout=number(v["timeout"]),
            tags=split_list(v["tags"]) or None,
            family=None if v["family"] == "auto" else v["family"],
        )
        settings["message.to"] = split_list(v["message.to"]) or None
        settings["message.cc"] = split_list(v["message.cc"]) or None
        settings["message.body"] = v["message.body"] or None
        settings["tls.min_version"] = v["tls.min_version"] or None
        for key in ("auth.password.source", *SOURCE_FIELD.values()):
            del settings[key]
        settings.update(self._password_settings(v))
        return settings

    def _password_settings(self, v: dict[str, Any]) -> dict[str, Any]:
        if v["auth.mechanism"] == "none":
            return {"auth.password": None}
        kind = v["auth.password.source"]
        extra: dict[str, Any] = {}
        if kind == "env":
            extra["name"] = v["auth.password.name"].strip()
        elif kind == "command":
            try:
                extra["argv"] = shlex.split(v["auth.password.argv"])
            except ValueError as exc:  # an unbalanced quote: typing, not a profile rule
                raise ProfileError(
                    self._t("argv_error", error=exc), key="auth.password.argv"
                ) from None
        elif kind == "plain" and v["auth.password.value"]:
            extra["value"] = v["auth.password.value"]
        if kind == self._base.auth.password.kind:
            # Same source: change what the form shows, keep the rest (remember,
            # timeout, keyring service, a stored plain password).
            return {f"auth.password.{k}": value for k, value in extra.items()}
        return {"auth.password": {"source": kind, **extra}}

    # --------------------------------------------------------- validation
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        event.stop()
        if self._initial is not None:
            self._update_hints()
            self._validate()

    def _update_hints(self) -> None:
        security = self._value("security") or "plain"
        self._widget("port").placeholder = self._t(
            "port_default",
            security=option_label("security", security, self.lang),
            port=DEFAULT_PORTS[security],
        )
        login = self._value("auth.mechanism") != "none"
        kind = self._value("auth.password.source")
        for key in ("auth.username", "auth.password.source"):
            self.query_one(f"#{field_id(key)}-field").set_class(not login, "-hidden")
        for source, key in SOURCE_FIELD.items():
            self.query_one(f"#{field_id(key)}-field").set_class(
                not (login and kind == source), "-hidden"
            )
        self.query_one("#pf-plain-note").set_class(not (login and kind == "plain"), "-hidden")
        self.query_one("#pf-verify-note").set_class(self._value("tls.verify"), "-hidden")

    @property
    def dirty(self) -> bool:
        return self._initial is not None and self._raw() != self._initial

    def _validate(self) -> Profile | None:
        """Build the profile; show its first problem under the field it concerns."""
        for error in self.query(".pf-error, #pf-general"):
            error.remove_class("-shown")
        try:
            self._valid = self._base.with_settings(self._settings())
        except ProfileError as exc:
            self._valid = None
            if self.profile is not None or self.dirty:  # a blank new form is not "wrong" yet
                self._show_error(exc)
        self.query_one("#pf-save", Button).disabled = self._valid is None
        return self._valid

    def _show_error(self, exc: ProfileError) -> None:
        key = exc.key or ""
        while key:
            field = self.query(f"#{field_id(key)}-field")
            if field and not field.first().has_class("-hidden"):
                error = self.query_one(f"#{field_id(key)}-error", Static)
                break
            key = key.rpartition(".")[0]
        else:
            error = self.query_one("#pf-general", Static)
        error.update(exc.text(self.lang))
        error.add_class("-shown")

    # ------------------------------------------------------------- saving
    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on, like tab; only F2 or the Save button saves."""
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "pf-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        profile = self._validate()
        if profile is None:
            self.notify(self._t("fix_first"), severity="warning", timeout=3)
            return
        try:
            path = self.store.save(profile, previous_name=self.previous_name)
        except ProfileError as exc:
            general = self.query_one("#pf-general", Static)
            general.update(exc.text(self.lang))
            general.add_class("-shown")
            general.scroll_visible()
            return
        self._widget("auth.password.value").value = ""
        self.dismiss(dataclasses.replace(profile, source_path=path, bundled=False))

    def action_cancel(self) -> None:
        from smtptui.ui.screens.confirm import ConfirmScreen

        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        name = self._value("name").strip()
        question = self._t("discard_named", name=name) if name else self._t("discard")
        self.app.push_screen(
            ConfirmScreen(
                question, yes=self._t("discard_yes"), no=self._t("discard_no"), lang=self.lang
            ),
            answered,
        )
