"""Party organisations, assignments and coverage."""
