"""Server profiles: TOML files in a folder, validated strictly, saved atomically.

No Textual or Rich here (a test imports this package in a subprocess and checks).
The format is documented in the README; the parts:

* :class:`Profile` and its tables (:class:`AuthSettings`, :class:`PasswordSource`,
  :class:`TlsSettings`, :class:`MessageDefaults`) -- frozen values;
* :class:`ProfileStore` -- the folder; :class:`LoadResult` from :meth:`ProfileStore.load`;
* :class:`PasswordCache` -- prompted passwords remembered for one session;
* :func:`bundled_profiles` / :func:`copy_examples` -- the examples shipped with smtptui;
* :func:`resolve_target` -- a command-line TARGET to a profile;
* :class:`ProfileError` -- every user-fixable problem, as one sentence.
"""

from __future__ import annotations

from smtptui.profiles.bundled import InitReport, bundled_profile, bundled_profiles, copy_examples
from smtptui.profiles.errors import ProfileError
from smtptui.profiles.model import (
    FAMILIES,
    MECHANISMS,
    AuthSettings,
    MessageDefaults,
    Profile,
    TlsSettings,
    security_for_port,
)
from smtptui.profiles.passwords import PASSWORD_KINDS, PasswordCache, PasswordSource
from smtptui.profiles.store import LoadResult, ProfileStore, default_folder, slugify
from smtptui.profiles.target import resolve_target

__all__ = [
    "FAMILIES",
    "MECHANISMS",
    "PASSWORD_KINDS",
    "AuthSettings",
    "InitReport",
    "LoadResult",
    "MessageDefaults",
    "PasswordCache",
    "PasswordSource",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "TlsSettings",
    "bundled_profile",
    "bundled_profiles",
    "copy_examples",
    "default_folder",
    "resolve_target",
    "security_for_port",
    "slugify",
]
