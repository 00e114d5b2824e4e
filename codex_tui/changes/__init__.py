"""What an agent changed: its own edits per turn (from the rollout) and the repo's `git diff`
since the session began, kept apart (core, no Textual)."""
