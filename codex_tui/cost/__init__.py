"""What sessions cost: a bundled price table, config.toml overrides, and roll-ups (core, no Textual)."""
