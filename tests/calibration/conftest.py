"""Shared fixtures: one simulated hour of two GenAI features, exported as the collector would."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from .simulate import Simulation, Truth, write_otlp_json


@dataclass
class Hour:
    """A simulated hour: a RAG chat and a support agent in one service, each with a burst."""

    rag: Truth
    agent: Truth
    spans: tuple  # ReadableSpan, as the SDK finished them


def simulate_hour(seed: int, *, legacy: bool = False) -> Hour:
    sim = Simulation(seed, legacy=legacy)
    rng = random.Random(seed + 100)
    rag = sim.rag_chat(Simulation.arrivals(rng, per_minute=30, minutes=60, burst_minute=25, burst=150))
    agent = sim.agent(Simulation.arrivals(rng, per_minute=6, minutes=60, burst_minute=40, burst=60))
    return Hour(rag, agent, sim.spans())


@pytest.fixture(scope="session")
def hour() -> Hour:
    return simulate_hour(7)


@pytest.fixture(scope="session")
def legacy_hour() -> Hour:
    """The same traffic, seed for seed, recorded with the older attribute names."""
    return simulate_hour(7, legacy=True)


@pytest.fixture(scope="session")
def export(hour: Hour, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The collector file-exporter form: JSON Lines, camelCase, hex ids."""
    return write_otlp_json(hour.spans, tmp_path_factory.mktemp("export") / "traces.jsonl")


@pytest.fixture(scope="session")
def legacy_export(legacy_hour: Hour, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Older attribute names, snake_case field names, gzip-compressed, no telling file name."""
    path = tmp_path_factory.mktemp("legacy") / "traces.export"
    return write_otlp_json(legacy_hour.spans, path, snake_case=True, compress=True)
