"""The OpenAPI document tells the errors every operation can answer, in the one error format.

Added to each operation from what is true of all of them, so no endpoint can forget it: any
request may carry an invalid token (401, `api.auth.reject_invalid_token`); an operation that
needs a token can refuse the caller's role (403); one with an id in its path answers 404 for an
id that does not exist, cannot exist (`inputs.IdConverter`) or is not the caller's to see.
Responses particular to one operation (429, 503) are declared on it with `alt_response`.
"""

from apispec import BasePlugin


class ErrorResponses(BasePlugin):
    """An apispec plugin: 401, 403 and 404 on the operations that can answer them."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            responses.setdefault(401, "UNAUTHORIZED")
            if operation.get("security"):
                responses.setdefault(403, "FORBIDDEN")
            if "{" in (path or ""):
                responses.setdefault(404, "NOT_FOUND")
