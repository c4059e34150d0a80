"""The claims each seeded identity carries, and the faults the tests can ask the provider for."""

from __future__ import annotations

import json
import os
from typing import Any

from jwcrypto import jwk, jwt
from jwcrypto.common import base64url_decode
from oauth2_provider.oauth2_validators import OAuth2Validator

# What the next ID tokens get wrong, set by POST /test/mode: "normal", "wrong-audience" (issued
# to another client id) or "bad-signature" (signed with a key the JWKS does not publish, under
# the published key's id).
MODE = {"value": "normal"}
MODES = ("normal", "wrong-audience", "bad-signature")


def identities() -> dict[str, dict[str, Any]]:
    with open(os.environ["OIDC_PROVIDER_IDENTITIES"]) as source:
        return json.load(source)


class IdentityValidator(OAuth2Validator):
    # Every claim of an identity goes into its ID token and userinfo, whatever the scope.
    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        claims = dict(identities()[request.user.username])
        claims.pop("password", None)
        return claims

    def finalize_id_token(
        self, id_token: dict, token: Any, token_handler: Any, request: Any
    ) -> str:
        if MODE["value"] == "wrong-audience":
            id_token["aud"] = "another-application"
        signed: str = super().finalize_id_token(id_token, token, token_handler, request)
        if MODE["value"] != "bad-signature":
            return signed
        header, claims, _ = signed.split(".")
        forged = jwt.JWT(
            header=json.loads(base64url_decode(header)),
            claims=json.loads(base64url_decode(claims)),
        )
        forged.make_signed_token(jwk.JWK.from_pem(os.environ["OIDC_PROVIDER_ROGUE_KEY"].encode()))
        return forged.serialize()
