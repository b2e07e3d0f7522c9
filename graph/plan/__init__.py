"""The read planner (DESIGN §8): a query's root field, whole, in one Cypher statement.

`resolvers/plan.py` describes what a root field selects in the neutral terms of
`Select` (the catalogue's field names, the answer's keys, checked arguments). Here,
`compile_root` turns that into one parameterised statement (graph/plan/cypher.py)
whose single row is the field's answer already shaped: nested map literals keyed by
the answer's keys, a `CALL` subquery per link that imports only its object and walks
from its key with the walk its domain module declares (graph/places.py,
graph/party.py …), the walk's or look-up's scope predicate (graph/security/scope.py)
on every object reached, `ORDER BY` and `LIMIT first + 1` inside every page, and
`totalCount` as a count in the same statement only when selected. `answer` runs it,
raises what today's resolvers raise (FORBIDDEN, NOT_FOUND) or gives null, and finishes
the few values Cypher cannot make: cursors (encoded by the caller's function) and
DateTimes in ISO form. No other Python touches the objects of the answer.

What the catalogue (graph/plan/catalogue.py) does not name is `NotCompiled`: a root
field selecting it is answered by today's resolvers instead, whole (`contactPhone`
decrypts and writes the access log). `historyIntact` is made after the statement from
the events it reads (`Computed`), with the chain of the `Finish` the caller gives. And a list
whose items fail its guard (a case's events edited in the database into values no event
can have) is `Unreadable`: the resolvers then answer the whole request, with their error.
"""

from graph.plan.cypher import Finish, Unreadable
from graph.plan.roots import ROOTS, Plan, answer, compile_root
from graph.plan.select import NotCompiled, Select

__all__ = [
    "ROOTS",
    "Finish",
    "NotCompiled",
    "Plan",
    "Select",
    "Unreadable",
    "answer",
    "compile_root",
]
