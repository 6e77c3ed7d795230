"""What verifiers fetch without an account: the issuer's DID document and JWKS, and the signed
status lists. Public, cacheable, derived from the key file and the status entries."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, jsonify, request

from credentials import models as _models  # noqa: F401  (registers the tables)
from credentials import services, status_list

bp = Blueprint("credentials", __name__)

PUBLIC_CACHE = f"public, max-age={status_list.TTL_MS // 1000}"


def _public(response: Response) -> Response:
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.headers["Access-Control-Allow-Origin"] = "*"  # wallets verify from their origin
    return response


@bp.get("/.well-known/did.json")
@bp.get("/did.json")
def did_document() -> Response:
    """The ``did:web`` document (also at ``/did.json`` for a BASE_URL with a path)."""
    response = jsonify(services.did_document())
    response.mimetype = "application/did+json"
    return _public(response)


@bp.get("/.well-known/jwks.json")
def jwks() -> Response:
    response = jsonify(services.jwks())
    response.mimetype = "application/jwk-set+json"
    return _public(response)


@bp.get("/credentials/status/<int:list_number>")
def status(list_number: int) -> Response:
    """The signed ``BitstringStatusListCredential`` of one list, as a VC-JWT."""
    token = services.status_list_jwt(list_number)
    if token is None:
        abort(404)
    response = Response(token, mimetype="application/vc+jwt")
    response.set_etag(hashlib.sha256(token.encode("ascii")).hexdigest())
    return _public(response).make_conditional(request)
