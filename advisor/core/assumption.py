"""An assumption: a number the advisor used that the user did not give it."""

from pydantic import BaseModel, ConfigDict


class Assumption(BaseModel):
    """Printed next to every figure it affects, so each number can be checked."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str
    value: str
    source: str
    # The documents ``source`` cites, by id: keys of the rule set's and the catalogue's
    # ``sources`` (the assessment's ``sources`` map gives each one's title, url and date).
    source_ids: tuple[str, ...] = ()


def joined_ids(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """The ids of sources cited together, each once, in order."""
    return tuple(dict.fromkeys(key for group in groups for key in group))
