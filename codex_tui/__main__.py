from codex_tui.cli import main

raise SystemExit(main())
