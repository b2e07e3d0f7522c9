"""Fields of the contract whose issue has not landed yet answer NOT_IMPLEMENTED."""

from typing import NoReturn

from graph.errors import NotImplementedYet


def pending(feature: str) -> NoReturn:
    raise NotImplementedYet(f"{feature} is not available yet in this version of govgraph.")
