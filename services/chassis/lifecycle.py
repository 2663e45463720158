"""Status values and the moves allowed between them, declared once per kind of thing."""
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S", bound=StrEnum)


class Lifecycle(Generic[S]):
    """``Lifecycle({DRAFT: {PUBLISHED}, PUBLISHED: set()})``: which status may become which."""

    def __init__(self, moves: dict[S, set[S]]) -> None:
        self.moves = {status: frozenset(targets) for status, targets in moves.items()}

    def allows(self, current: str, target: S) -> bool:
        return target in self.moves.get(type(target)(current), frozenset())

    def sources(self, target: S) -> tuple[str, ...]:
        """The statuses that may become ``target`` (for a query's WHERE status IN ...)."""
        return tuple(status.value for status, targets in self.moves.items() if target in targets)
