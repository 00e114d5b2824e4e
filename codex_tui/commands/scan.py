"""`codex-tui scan`: the daily skill-health report."""
from __future__ import annotations


from codex_tui import config, exit_codes
from codex_tui.commands.common import cli_settings, print_json, sources_from_args
from codex_tui.index.query import load_sessions, print_warnings
from codex_tui.scan.health import skill_health
from codex_tui.private_files import write_private
from codex_tui.sanitize import safe, say
from codex_tui.scan.report import to_markdown



def run_scan(args) -> int:
    if args.days <= 0 or args.max_samples_per_skill < 0:
        say("codex-tui scan: --days must be positive and --max-samples-per-skill not negative",
              err=True)
        return exit_codes.ERROR
    skills_root = (args.skills_root or cli_settings(args).skills_path()).expanduser()
    words = [w.strip() for w in args.complex_words.split(",")] if args.complex_words \
        else list(config.DEFAULT_COMPLEX_WORDS)
    selection = load_sessions(sources_from_args(args), args.days, use_cache=not args.no_cache,
                              now=config.now())
    print_warnings(selection)
    report = skill_health(selection, skills_root=skills_root, days=args.days,
                          max_samples=args.max_samples_per_skill, words=words,
                          include_otel=args.include_otel)
    text = safe(to_markdown(report))   # prompts, commands, paths: foreign text
    if args.out:
        try:
            write_private(args.out, text if not args.json else _json_text(report))
        except OSError as exc:
            say(f"codex-tui scan: cannot write {args.out}: {exc.strerror or exc}", err=True)
            return exit_codes.ERROR
    if args.json:
        print_json(report)
    else:
        say(text)
    return exit_codes.ISSUES if report["skills_with_issues"] else exit_codes.OK


def _json_text(report: dict) -> str:
    import orjson

    return orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n"
