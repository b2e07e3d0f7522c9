"""A generated city of Xiangyang's published figures, as an import dataset (no Cypher)."""

from graph.synthetic.generator import MAX_SCALE, MIN_SCALE, TODAY, XIANGYANG, generate

__all__ = ["MAX_SCALE", "MIN_SCALE", "TODAY", "XIANGYANG", "generate"]
