"""``smtptui learn``: guided lessons against the built-in server."""

from __future__ import annotations

import click

from smtptui.i18n import LANGUAGES, resolve_lang, t
from smtptui.learn.lessons import LESSONS


@click.command()
@click.argument(
    "lesson",
    required=False,
    metavar="[LESSON]",
    type=click.Choice([lesson.id for lesson in LESSONS]),
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="English or Chinese (default: SMTPTUI_LANG, then the locale).",
)
@click.option(
    "--list", "list_only", is_flag=True, help="List the lessons and your progress, then exit."
)
@click.option(
    "--reset", is_flag=True, help="Forget the progress of every lesson (or of LESSON), then exit."
)
@click.pass_context
def learn(
    ctx: click.Context, lesson: str | None, lang: str | None, list_only: bool, reset: bool
) -> None:
    """Learn SMTP by typing it: guided lessons against the built-in server.

    Every step is checked against what you really sent and what the server
    really answered.  Progress is saved in the user data folder; LESSON opens
    one lesson at once (e.g. envelope).

    \b
      smtptui learn
      smtptui learn --lang zh envelope
      smtptui learn --list
    """
    from smtptui.learn.progress import ProgressStore

    language = resolve_lang(lang or ctx.find_root().params.get("lang"))
    store = ProgressStore()
    if reset:
        try:
            store.reset(lesson)
        except OSError as exc:
            raise click.ClickException(
                t("lesson.error.save", language, reason=exc.strerror or exc)
            ) from None
        return
    if list_only:
        from smtptui.ui.screens.lessons_menu import status_text

        everything = store.load()
        for n, item in enumerate(LESSONS, 1):
            progress = everything.get(item.id)
            status = (
                status_text(progress, len(item.steps), language)
                if progress
                else "○ " + t("lesson.ui.status.new", language)
            )
            click.echo(f"{n}. {item.id:15} {item.title(language)}   {status}")
        return
    from smtptui.ui.learn_app import LearnApp

    LearnApp(lang=language, lesson=lesson).run()
