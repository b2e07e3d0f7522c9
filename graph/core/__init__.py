"""The driver wrapper, batched statement shapes, errors, the vocabulary and the city's clock."""
