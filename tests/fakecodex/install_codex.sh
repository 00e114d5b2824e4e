#!/usr/bin/env bash
# Install every pinned Codex CLI release (tests/fakecodex/versions.txt) from npm into
# $CODEX_VERSIONS_DIR (default .codex-versions/<version>), so the tests can drive them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${CODEX_VERSIONS_DIR:-$here/../../.codex-versions}"
mkdir -p "$dest"
for version in $(cat "$here/versions.txt"); do
  bin="$dest/$version/node_modules/.bin/codex"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "$version"; then
    echo "codex $version already installed"
    continue
  fi
  mkdir -p "$dest/$version"
  (cd "$dest/$version" && npm install --no-audit --no-fund --loglevel=error "@openai/codex@$version")
  "$bin" --version
done
