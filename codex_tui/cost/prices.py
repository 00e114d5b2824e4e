"""The bundled price table (USD per 1M tokens) and the lookup that applies config.toml overrides.

Codex's token counts: `input` includes `cached_input`, and `output` includes `reasoning`
(total = input + output). So a request costs
    (input - cached_input) * input_price + cached_input * cached_price + output * output_price
and reasoning tokens are billed as output once, never added twice. Where each price comes
from is listed in README.md ("Cost").
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

PRICES_DATE = "2026-11-30"   # when the table below was checked against the sources in README


@dataclass(frozen=True, slots=True)
class Price:
    input: float          # USD per 1M uncached input tokens
    cached_input: float   # USD per 1M cached input tokens
    output: float         # USD per 1M output tokens (reasoning included)


BUNDLED: dict[str, Price] = {
    "gpt-5": Price(1.25, 0.125, 10.0),
    "gpt-5-codex": Price(1.25, 0.125, 10.0),
    "gpt-5-mini": Price(0.25, 0.025, 2.0),
    "gpt-5-nano": Price(0.05, 0.005, 0.40),
    "gpt-5.1": Price(1.25, 0.125, 10.0),
    "gpt-5.1-codex": Price(1.25, 0.125, 10.0),
    "gpt-5.1-codex-max": Price(1.25, 0.125, 10.0),
    "gpt-5.1-codex-mini": Price(0.25, 0.025, 2.0),
    "gpt-5.2": Price(1.75, 0.175, 14.0),
    "gpt-5.2-codex": Price(1.75, 0.175, 14.0),
    "codex-mini-latest": Price(1.50, 0.375, 6.0),
    "o3": Price(2.0, 0.50, 8.0),
    "o4-mini": Price(1.10, 0.275, 4.40),
    "gpt-4.1": Price(2.0, 0.50, 8.0),
    "gpt-4.1-mini": Price(0.40, 0.10, 1.60),
}

_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class PriceLike(Protocol):
    input: float
    output: float


class PriceTable:
    """The bundled prices with the user's `[prices.MODEL]` tables from config.toml on top."""

    def __init__(self, overrides: Mapping[str, PriceLike] | None = None) -> None:
        """`overrides`: model -> anything with `input`, `output` and optional `cached_input`
        (settings.PriceSetting); a missing `cached_input` is billed as `input`."""
        self.prices = dict(BUNDLED)
        self.overridden: set[str] = set()
        for model, p in (overrides or {}).items():
            cached = getattr(p, "cached_input", None)
            self.prices[model] = Price(float(p.input),
                                       float(p.input if cached is None else cached),
                                       float(p.output))
            self.overridden.add(model)

    def price(self, model: str) -> Price | None:
        """The price of `model`: exactly, else without a provider prefix (`openai/gpt-5`) or a
        date suffix (`gpt-5-2025-08-07`). None when nothing is known."""
        if not model:
            return None
        for name in (model, model.rsplit("/", 1)[-1]):
            if name in self.prices:
                return self.prices[name]
            undated = _DATED.sub("", name)
            if undated in self.prices:
                return self.prices[undated]
        return None


def cost_usd(tokens: Mapping[str, int], price: Price) -> float:
    """The dollars for one token record (Codex's shape: input includes cached, output includes
    reasoning). Not rounded: sums are rounded once, at the end."""
    cached = min(tokens.get("cached_input", 0), tokens.get("input", 0))
    fresh = tokens.get("input", 0) - cached
    return (fresh * price.input + cached * price.cached_input
            + tokens.get("output", 0) * price.output) / 1_000_000


def table_from_settings(settings) -> PriceTable:
    return PriceTable(getattr(settings, "prices", None) or {})
