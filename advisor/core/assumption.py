"""An assumption: a number the advisor used that the user did not give it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Assumption(BaseModel):
    """Printed next to every figure it affects, so each number can be checked."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str
    value: str
    source: str
