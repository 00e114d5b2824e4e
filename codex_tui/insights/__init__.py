"""The insight report: metrics, evidence bundle, prompt, Codex writer and HTML (no Textual)."""
