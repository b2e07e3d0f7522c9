"""The CSV import (../shared/contract/import.md): files, checks, online and bulk writers.

It depends on the domain modules; they never depend on it.
"""
