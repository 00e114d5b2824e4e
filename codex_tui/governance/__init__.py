"""Governance: git state, handoff audit, PR gate and context budget for the repo of a session.

Plain Python (no Textual): `build_gate_report` for a whole repo, `context_budget` for one
session's gauge. Every item carries a level ("ok", "warn", "fail") and an evidence string a
view can render as is.
"""
from codex_tui.governance.budget import Budget, budget_from_summary, context_budget
from codex_tui.governance.checks import FAIL, OK, WARN, Check
from codex_tui.governance.gates import GateReport, build_gate_report
from codex_tui.governance.git_state import GitError, GitState, read_git_state
from codex_tui.governance.handoff import HandoffAudit, audit_handoff
from codex_tui.governance.pr_gate import PrGate, load_pr_gate

__all__ = ["Budget", "budget_from_summary", "Check", "FAIL", "GateReport", "GitError", "GitState", "HandoffAudit", "OK",
           "PrGate", "WARN", "audit_handoff", "build_gate_report", "context_budget", "load_pr_gate",
           "read_git_state"]
