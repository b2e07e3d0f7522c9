"""The CSV import, online and bulk."""
