"""`application/graphql-response+json` (GraphQL over HTTP), answered when a client asks for it.

Under that type a request that never reached execution (it did not parse, did not validate,
its variables did not fit, or it was refused as a whole) is answered 400 without `data`;
under `application/json` such errors keep status 200, as older clients expect."""

import json

from starlette.responses import Response

GRAPHQL_RESPONSE = "application/graphql-response+json"


def prefers_graphql_response(accept: str) -> bool:
    """Whether the Accept header ranks application/graphql-response+json first among the
    types this server answers (ties go to the order written)."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media in (GRAPHQL_RESPONSE, "application/json") and quality > 0:
            ranked.append((-quality, position, media))
    return bool(ranked) and min(ranked)[2] == GRAPHQL_RESPONSE


def as_graphql_response(response: Response) -> Response:
    """The same answer under application/graphql-response+json."""
    if not response.media_type and "json" not in response.headers.get("content-type", ""):
        return response  # the GraphiQL page
    body = json.loads(bytes(response.body))
    status = response.status_code
    errors = body.get("errors") or []
    # Errors of execution carry a path; a request error has none and no data.
    if errors and body.get("data") is None and all("path" not in error for error in errors):
        body.pop("data", None)
        status = 400 if status == 200 else status
    headers = {
        key: value
        for key, value in response.headers.items()
        if key not in ("content-length", "content-type")
    }
    return Response(json.dumps(body), status, headers, media_type=GRAPHQL_RESPONSE)
