"""Figures kept in the graph so that questions read them instead of recounting (DESIGN §8),
the writes that keep them, their audit, and the full recounts they are checked against."""
