"""The GraphQL API as a whole: errors, limits, paging, statement counts, fuzzing."""
