"""A generated city of Xiangyang's published figures, as an import dataset (no Cypher)."""

from graph.synthetic.figures import MAX_SCALE, MIN_SCALE, TODAY, XIANGYANG
from graph.synthetic.generator import generate

__all__ = ["MAX_SCALE", "MIN_SCALE", "TODAY", "XIANGYANG", "generate"]
