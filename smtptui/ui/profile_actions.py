"""Creating, editing, duplicating and deleting profiles from the dashboard.
Every write goes through :class:`~smtptui.profiles.ProfileStore` (atomic, 0600)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smtptui.profiles import ProfileError

if TYPE_CHECKING:
    from smtptui.profiles import Profile
    from smtptui.ui.app import SmtpTuiApp


def edit_profile(app: SmtpTuiApp, profile: Profile | None, *, as_new: bool = False) -> None:
    """Open the form; ``None`` creates a profile, ``as_new`` saves a copy."""
    from smtptui.ui.screens.profile_form import ProfileFormScreen

    previous = None if (profile is None or as_new) else profile.name

    def saved(result: Profile | None) -> None:
        if result is not None:
            app.reload_profiles(select=result.name)
            app.notify(f"saved {result.name} to {result.source_path}", timeout=4)

    app.push_screen(ProfileFormScreen(app.store, profile, previous_name=previous), saved)


def duplicate_profile(app: SmtpTuiApp, profile: Profile | None) -> None:
    if profile is None:
        return
    names = {p.name for p in app.query_one("ProfilesPane").profiles}
    n = 2
    while f"{profile.name} {n}" in names:
        n += 1
    copy = profile.replace(name=f"{profile.name} {n}", builtin_server=profile.builtin_server)
    edit_profile(app, copy, as_new=True)


def delete_profile(app: SmtpTuiApp, profile: Profile | None) -> None:
    from smtptui.ui.screens.confirm import ConfirmScreen

    if profile is None:
        return
    if profile.bundled:
        app.notify(
            f"{profile.name} is a bundled example, not a file of yours; nothing to delete",
            severity="warning",
            timeout=4,
        )
        return

    def confirmed(yes: bool | None) -> None:
        if not yes:
            return
        try:
            path = app.store.delete(profile.name)
        except ProfileError as exc:
            app.notify(str(exc), severity="error")
            return
        controller = app.controllers.pop(profile.name, None)
        if controller is not None and controller.connected:
            app.run_worker(controller.disconnect(), exit_on_error=False)
        if app.current == profile.name:
            app.current = None
        app.reload_profiles()
        app.notify(f"deleted {path}", timeout=4)

    app.push_screen(
        ConfirmScreen(
            f"Delete the profile {profile.name!r}?\n\n{profile.source_path}\n\nThe file is removed."
        ),
        confirmed,
    )
