"""Regions, grids, buildings and households."""
