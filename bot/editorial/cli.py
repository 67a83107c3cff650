"""The `content` and `nlu` commands of `python -m bot`: editors' tools (see docs/editors.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.editorial.leaflet import FORMATS
from bot.settings.defaults import REGION as DEFAULT_REGION


def add_content_parser(sub: argparse._SubParsersAction) -> None:
    """Add `content` and its subcommands to the main parser's subcommands."""
    content = sub.add_parser("content", help="tools for content editors: check, stamp, preview, report, gaps, export")
    csub = content.add_subparsers(dest="content_command", required=True)
    check = csub.add_parser(
        "check",
        help="check every content and UI-string file and every source (content/sources.yml); exit 1 on errors",
    )
    stamp = csub.add_parser("stamp", help="record in translations which English text they were made from")
    stamp.add_argument("--lang", action="append", help="only this language (may be repeated)")
    stamp.add_argument("--topic", help="only this topic id")
    stamp.add_argument("--region", help="only this region pack (e.g. global, es-barcelona, th)")
    preview = csub.add_parser("preview", help="show an answer exactly as Telegram would")
    preview.add_argument("topic", help="topic id, e.g. registration.municipal")
    preview.add_argument("--lang", required=True, help="language code, e.g. ar")
    preview.add_argument("--region", help=f"region pack (default: $REGION or {DEFAULT_REGION})")
    report = csub.add_parser(
        "report", help="write an HTML page and a Markdown summary of the content's state and its sources' quality"
    )
    report.add_argument("--output", type=Path, required=True, help="folder to write the report into")
    gaps = csub.add_parser("gaps", help="questions the assistant could not answer, by language and nearest topic")
    gaps.add_argument("--since", type=_date, help="only questions from this day on (YYYY-MM-DD)")
    gaps.add_argument("--format", choices=("csv", "html"), default="csv", help="csv (default) or html")
    gaps.add_argument("--output", type=Path, help="file to write (default: print)")
    export = csub.add_parser("export", help="a printable A4 leaflet of a region's key answers, in one language")
    export.add_argument("--lang", required=True, help="language code, e.g. ar")
    export.add_argument("--region", help=f"region pack (default: $REGION or {DEFAULT_REGION})")
    export.add_argument("--format", choices=FORMATS, default="html", help="html (default) or pdf (needs chromium)")
    export.add_argument("--output", type=Path, required=True, help="file to write, e.g. leaflet-ar.pdf")
    for sp in (check, stamp, preview, report, export):
        sp.add_argument("--content", type=Path, help="content folder (default: $CONTENT_DIR or ./content)")


def add_nlu_parser(sub: argparse._SubParsersAction) -> None:
    """Add `nlu` and its subcommand `suggest` to the main parser's subcommands."""
    nlu = sub.add_parser("nlu", help="tools for the NLU training data: suggest examples from unanswered questions")
    nsub = nlu.add_subparsers(dest="nlu_command", required=True)
    sg = nsub.add_parser("suggest", help="turn unanswered questions into candidate NLU examples, for review")
    sg.add_argument("ids", nargs="*", type=int, help="only these question ids (see --list)")
    sg.add_argument("--lang", help="only questions in this language, e.g. th")
    sg.add_argument("--topic", help="only questions with this nearest topic ('none' for those without)")
    sg.add_argument("--since", type=_date, help="only questions from this day on (YYYY-MM-DD)")
    sg.add_argument("--intent", help="put every selected question under this intent (a topic id)")
    sg.add_argument("--list", action="store_true", help="only list the selected questions with their ids")
    sg.add_argument("--output", type=Path, help="review file to write, e.g. nlu_review/th.yml (default: print)")
    sg.add_argument("--content", type=Path, help="content folder (default: $CONTENT_DIR or ./content)")


def nlu_main(args: argparse.Namespace) -> int:
    """Run an `nlu` subcommand (only `suggest`); return the exit code."""
    from bot.editorial.suggest import Selection, suggest_main
    from bot.settings import REPO

    content_dir = _content_dir(args)
    if not (content_dir / "topics.yml").is_file():
        print(f"{content_dir} is not a content folder (it has no topics.yml). Use --content DIR.", file=sys.stderr)
        return 2
    topic = "" if args.topic in ("none", "(none)") else args.topic
    selection = Selection(args.lang, topic, args.since, frozenset(args.ids))
    return suggest_main(selection, args.intent, args.output, REPO, content_dir, args.list)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-11-01") from None


def _content_dir(args: argparse.Namespace) -> Path:
    from bot.settings.sections import content_dir

    return Path(args.content) if args.content else content_dir()


def _preview(content_dir: Path, args: argparse.Namespace) -> int:
    from bot.content.load import check_content
    from bot.editorial.preview import PreviewError, render_preview
    from bot.settings.sections import region

    content, problems = check_content(content_dir)
    try:
        print(render_preview(content, args.topic, args.lang, args.region or region()))
    except PreviewError as exc:
        print(exc, file=sys.stderr)
        return 2
    if any(p.severity == "error" for p in problems):
        print(
            "\nNote: the content has errors, so the assistant keeps using the last good version. "
            "Run: python -m bot content check",
            file=sys.stderr,
        )
    return 0


def _export(content_dir: Path, args: argparse.Namespace) -> int:
    from bot.editorial.leaflet import export_main
    from bot.settings import SettingsError, bot_username, environment
    from bot.settings.sections import region

    try:
        username = bot_username(environment())
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return export_main(content_dir, args.lang, args.region or region(), args.format, args.output, username)


def content_main(args: argparse.Namespace) -> int:
    """Run a `content` subcommand; return the exit code."""
    from bot.content.yamlfile import DataError

    if args.content_command == "gaps":  # from the database; needs no content folder
        from bot.editorial.gaps import gaps_main

        return gaps_main(args.since, args.format, args.output)
    content_dir = _content_dir(args)
    if not (content_dir / "languages.yml").is_file():
        print(f"{content_dir} is not a content folder (it has no languages.yml). Use --content DIR.", file=sys.stderr)
        return 2
    try:
        if args.content_command == "check":
            from bot.editorial.check import check_main

            return check_main(content_dir)
        if args.content_command == "stamp":
            from bot.editorial.stamp import stamp_main

            return stamp_main(content_dir, set(args.lang) if args.lang else None, args.topic, args.region)
        if args.content_command == "preview":
            return _preview(content_dir, args)
        if args.content_command == "export":
            return _export(content_dir, args)
        from bot.editorial.report import report_main

        return report_main(content_dir, args.output)
    except DataError as exc:  # languages.yml or topics.yml unreadable
        print(f"{exc}\nFix this first.", file=sys.stderr)
        return 1
