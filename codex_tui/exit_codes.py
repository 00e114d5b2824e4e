"""The exit statuses of every codex-tui command, in one place (README.md says which each uses)."""

OK = 0            # done; nothing to report
ERROR = 1         # could not do it: a bad argument, a missing file, a tool that failed
ISSUES = 2        # done, and it found problems (`scan`: skills with issues; `job verify` failed)
STOP = 3          # a stop gate holds (`gate`), or nothing waits to be answered (`approve`, `deny`)
INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as a shell reports it
