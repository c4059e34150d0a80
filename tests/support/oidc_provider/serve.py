"""Start the test OpenID Connect provider on a loopback port.

    python -m tests.support.oidc_provider.serve --port 8001 \
        --identities tests/support/oidc_provider/demo_identities.json \
        --client-id lean-leaders --client-secret ... \
        --redirect-uri http://127.0.0.1:8000/accounts/sso/callback/ \
        --post-logout-redirect-uri http://127.0.0.1:8000/accounts/login/

Each start generates a fresh RS256 signing key (published at /o/.well-known/jwks.json) and a
second, unpublished one for the "bad-signature" mode, migrates a throwaway SQLite database,
seeds one account per identity and the client, then prints "ready <issuer>" and serves.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[3]


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--identities", required=True, help="JSON: username -> claims + password")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True)
    parser.add_argument("--post-logout-redirect-uri", action="append", default=[])
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    issuer = f"http://127.0.0.1:{args.port}/o"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.support.oidc_provider.settings",
        OIDC_PROVIDER_DB=str(workdir / "provider.sqlite3"),
        OIDC_PROVIDER_KEY=_private_key_pem(),
        OIDC_PROVIDER_ROGUE_KEY=_private_key_pem(),
        OIDC_PROVIDER_ISSUER=issuer,
        OIDC_PROVIDER_IDENTITIES=str(Path(args.identities).resolve()),
    )
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for username, identity in json.loads(Path(args.identities).read_text()).items():
        User.objects.create_user(username=username, password=identity["password"])
    Application.objects.create(
        name="Lean Leaders",
        client_id=args.client_id,
        client_secret=args.client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(args.redirect_uri),
        post_logout_redirect_uris=" ".join(args.post_logout_redirect_uri),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    print(f"ready {issuer}", flush=True)
    run("127.0.0.1", args.port, get_wsgi_application(), ipv6=False, threading=True)


if __name__ == "__main__":
    main()
