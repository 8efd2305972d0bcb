"""A small OpenID Connect provider for the tests, served over real HTTP on 127.0.0.1.

It answers discovery (``/.well-known/openid-configuration``), ``/authorize`` (approves at once
as ``provider.user``, redirecting back with a code and the state), ``/token`` (checks the
client's secret, the single-use code, the redirect URI and the PKCE verifier, and returns an
access token and an ID token signed RS256 with a key made for the run), ``/userinfo`` (for a
valid access token) and ``/jwks``. allauth talks to it exactly as to a real provider: its
views fetch discovery, token and userinfo over HTTP, and the browser follows the redirects.
Every request is recorded in ``provider.requests`` (method and path).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "hearth-test-key"


class OidcProvider:
    def __init__(self, *, client_id: str, client_secret: str, user: dict):
        self.client_id, self.client_secret = client_id, client_secret
        self.user = dict(user)  # the claims of whoever "signs in" at /authorize
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="oidc-provider", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> OidcProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def configuration(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def jwks(self) -> dict:
        key = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**key, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}

    def id_token(self, claims: dict, nonce: str | None) -> str:
        now = int(time.time())
        body = {**claims, "iss": self.url, "aud": self.client_id, "iat": now, "exp": now + 300}
        if nonce:
            body["nonce"] = nonce
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": KEY_ID})

    # --- the endpoints ---------------------------------------------------------------------

    def authorize(self, query: dict) -> tuple[int, dict, dict | None]:
        redirect_uri = query.get("redirect_uri", "")
        if (query.get("client_id") != self.client_id or query.get("response_type") != "code"
                or not redirect_uri):
            return 400, {}, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"redirect_uri": redirect_uri, "claims": dict(self.user),
                                "challenge": query.get("code_challenge"), "nonce": query.get("nonce")}
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        separator = "&" if "?" in redirect_uri else "?"
        return 302, {"Location": f"{redirect_uri}{separator}{urlencode(back)}"}, None

    def token(self, form: dict, authorization: str) -> tuple[int, dict, dict]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {}, {"error": "invalid_client"}
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if (grant is None or form.get("grant_type") != "authorization_code"
                or form.get("redirect_uri") != grant["redirect_uri"]):
            return 400, {}, {"error": "invalid_grant"}
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
            if digest.decode() != grant["challenge"]:
                return 400, {}, {"error": "invalid_grant", "error_description": "PKCE"}
        access_token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access_token] = grant["claims"]
        return 200, {}, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                         "id_token": self.id_token(grant["claims"], grant["nonce"])}

    def userinfo(self, authorization: str) -> tuple[int, dict, dict]:
        claims = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if not authorization.startswith("Bearer ") or claims is None:
            return 401, {"WWW-Authenticate": "Bearer"}, {"error": "invalid_token"}
        return 200, {}, claims

    def _handler_class(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, headers: dict, body: dict | None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                provider.requests.append(("GET", parts.path))
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                if parts.path == "/.well-known/openid-configuration":
                    self._answer(200, {}, provider.configuration())
                elif parts.path == "/jwks":
                    self._answer(200, {}, provider.jwks())
                elif parts.path == "/authorize":
                    self._answer(*provider.authorize(query))
                elif parts.path == "/userinfo":
                    self._answer(*provider.userinfo(self.headers.get("Authorization", "")))
                else:
                    self._answer(404, {}, {"error": "not_found"})

            def do_POST(self):  # noqa: N802
                parts = urlsplit(self.path)
                provider.requests.append(("POST", parts.path))
                length = int(self.headers.get("Content-Length") or 0)
                form = {key: values[0] for key, values in
                        parse_qs(self.rfile.read(length).decode()).items()}
                if parts.path == "/token":
                    self._answer(*provider.token(form, self.headers.get("Authorization", "")))
                else:
                    self._answer(404, {}, {"error": "not_found"})

        return Handler
