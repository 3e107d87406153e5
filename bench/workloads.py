"""The workloads every comparison runs over: 100 varied profiles, the same on every run.

They span every interaction, output format, downstream and side effect, budgets from
half a second to a month (with the rules' landmarks: 2.5 s, 5 s, 60 s, 1 h, 1 day),
chains, tools, volumes from a hundred to a billion requests, measured and catalogue
speeds, the models of three providers, account tiers, service tiers, prices and limits
of the workload's own. Each is validated by ``advisor.parse_profile``.
"""

from __future__ import annotations

import random
from typing import Any

import advisor

MODELS = (
    ("openai", "gpt-4o-mini"), ("openai", "gpt-4o"), ("openai", "gpt-4.1"), ("openai", "o3"),
    ("openai", "text-embedding-3-small"), ("anthropic", "claude-sonnet-4-5"), ("anthropic", "claude-haiku-4-5"),
    ("google", "gemini-2.5-flash"), ("deepseek", "deepseek-flash"),
)
INTERACTIONS = ("chat", "inline_edit", "request_response", "submit_and_notify", "service_call", "pipeline")
BUDGETS = (0.5, 1, 2, 2.5, 3, 4, 5, 8, 10, 30, 60, 120, 300, 900, 3600, 7200, 28800, 86400, 172800, 2_592_000)
DOWNSTREAM = ("own_ui", "internal_service", "external_api", "compliance_critical")
SIDE_EFFECTS = ("none", "idempotent", "non_idempotent")
VOLUMES = (100, 900, 5_000, 40_000, 120_000, 800_000, 3_000_000, 25_000_000, 400_000_000, 1_000_000_000)


def _draw(rng: random.Random, i: int) -> dict[str, Any]:
    provider, model = MODELS[i % len(MODELS)]
    embedding = model.startswith("text-embedding")
    data: dict[str, Any] = {
        "name": f"workload {i:03d}",
        "interaction": INTERACTIONS[i % len(INTERACTIONS)],
        "latency_budget_s": rng.choice(BUDGETS) * rng.choice((1, 1, 1, 0.9, 1.3)),
        "chained_calls": rng.choice((1, 1, 1, 1, 2, 3, 5)),
        "tool_latency_s": rng.choice((0.0, 0.0, 0.0, 0.4, 2.0, 12.0)),
        "input_tokens": rng.choice((200, 800, 1_800, 6_000, 30_000, 120_000)),
        "output_tokens": 0 if embedding else rng.choice((20, 60, 180, 180, 400, 600, 2_000, 8_000)),
        "output_format": "embedding" if embedding else rng.choice(("text", "text", "json")),
        "requests_per_month": rng.choice(VOLUMES),
        "provider": provider,
        "model": model,
        "downstream": DOWNSTREAM[(i // 6) % len(DOWNSTREAM)],
        "side_effects": SIDE_EFFECTS[(i // 3) % len(SIDE_EFFECTS)],
        "retry_rate": rng.choice((0.0, 0.0, 0.01, 0.05, 0.3)),
    }
    if rng.random() < 0.6:
        data["peak_requests_per_minute"] = round(data["requests_per_month"] / 43_200 * rng.choice((1, 3, 12, 40)), 3)
    if rng.random() < 0.3:
        data["model_p95_s"] = rng.choice((0.8, 2.5, 6.0, 20.0, 90.0))
    if rng.random() < 0.5:
        data["current_mode"] = rng.choice(advisor.MODES)
    if rng.random() < 0.3:
        data["cached_input_fraction"] = rng.choice((0.25, 0.5, 0.9))
    if rng.random() < 0.2:
        data["attempts_per_layer"], data["retry_layers"] = rng.choice(((3, 2), (3, 3), (2, 4)))
    if provider == "openai" and rng.random() < 0.4:
        data["tier"] = rng.choice(("tier-1", "tier-3", "tier-5"))
    if rng.random() < 0.1:
        data["rate_limits"] = {"rpm": rng.choice((60.0, 500.0, 10_000.0)), "tpm": rng.choice((40_000.0, 2e6))}
    if rng.random() < 0.08:
        data["pricing"] = {"input_per_mtok": 0.4, "output_per_mtok": 1.6, "batch_discount": 0.5}
    return data


def varied_workloads(count: int = 100, seed: int = 16) -> list[dict[str, Any]]:
    """``count`` workload mappings, each valid; the same ones for the same seed."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    i = 0
    while len(out) < count:
        data = _draw(rng, i)
        i += 1
        try:
            advisor.assess(advisor.parse_profile(data), what_if=False)
        except advisor.AdvisorError:  # e.g. a tier or service tier the provider lacks
            continue
        out.append(data)
    return out


def forget_workloads() -> None:
    """Forget the latency percentiles worked out for earlier workloads.

    The latency model keeps the percentiles of each set of calls it has worked out (a
    workload's what-if probes ask for the same ones again and again). The benchmarks run
    the same 100 workloads round after round, where a user assesses a workload once: each
    timed run starts with that cache empty, so that every workload is new to it, as it is
    to a user, while its own probes still share.
    """
    from advisor.core.distribution import _percentiles

    _percentiles.cache_clear()
