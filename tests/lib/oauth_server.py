#!/usr/bin/env python3
"""A small OAuth 2.0 provider for the mailarc tests (standard library only).

It issues, expires, rotates and revokes tokens (RFC 6749), redeems
authorization codes with PKCE (RFC 7636), runs the device flow (RFC 8628),
and answers token introspection (RFC 7662) for Dovecot's oauth2 passdb.
It counts every request and keeps the token requests' form fields for the
tests to inspect through /control/*. It listens on 127.0.0.1 only.

    oauth_server.py --port N --pidfile F [--client-id ID]
        [--client-secret S] [--app-user U] [--user NAME:PASSWORD]...
        [--expires-in SECONDS] [--rotate | --rotate-strict]
        [--delay SECONDS] [--log F]

--rotate issues a new refresh token with every refresh and, like Microsoft's
identity platform, leaves the old one valid; --rotate-strict revokes the old
one at once (refresh token rotation with reuse detection).
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


class State:
    def __init__(self, args):
        self.args = args
        self.expires_in = args.expires_in
        self.rotate = args.rotate or args.rotate_strict
        self.rotate_strict = args.rotate_strict
        self.delay = args.delay
        self.deny_next = False
        self.refresh = {}   # refresh token -> username
        self.access = {}    # access token -> (username, expires_at, scope)
        self.codes = {}     # code -> dict(user, redirect_uri, challenge)
        self.devices = {}   # device_code -> dict(user_code, state, user)
        self.users = dict(u.split(":", 1) for u in args.user)
        self.counts = {}
        self.requests = []  # token requests: path and form fields

    def count(self, what):
        self.counts[what] = self.counts.get(what, 0) + 1


def new_token(prefix):
    return prefix + secrets.token_urlsafe(24)


class Handler(BaseHTTPRequestHandler):
    server_version = "mailarc-test-oauth/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        # Method and path only: no query string, no body.
        if self.server.logf:
            self.server.logf.write("%s %s\n" % (self.command,
                                                self.path.split("?")[0]))
            self.server.logf.flush()

    # -- plumbing ---------------------------------------------------------

    def form(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        return {k: v[0] for k, v in
                urllib.parse.parse_qs(body, keep_blank_values=True).items()}

    def query(self):
        q = urllib.parse.urlsplit(self.path).query
        return {k: v[0] for k, v in
                urllib.parse.parse_qs(q, keep_blank_values=True).items()}

    def send(self, code, obj, headers=None):
        data = (json.dumps(obj) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, code, err, desc):
        self.send(code, {"error": err, "error_description": desc})

    def redirect(self, url):
        self.send_response(302)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- routes -----------------------------------------------------------

    def do_GET(self):
        st = self.server.st
        path = urllib.parse.urlsplit(self.path).path
        with LOCK:
            if path.endswith("/authorize"):
                st.count("authorize")
                return self.authorize()
            if path == "/device/verify":
                return self.device_verify()
            if path == "/control/stats":
                return self.send(200, st.counts)
            if path == "/control/requests":
                return self.send(200, st.requests)
            if path == "/control/refresh_tokens":
                return self.send(200, st.refresh)
        self.error(404, "not_found", path)

    def do_POST(self):
        st = self.server.st
        path = urllib.parse.urlsplit(self.path).path
        form = self.form()
        if path.endswith("/token"):
            with LOCK:
                st.count("token")
                st.requests.append({"path": path, "form": form})
                delay = st.delay
            # Outside the lock: concurrent requests overlap as they would
            # at a real provider.
            if delay:
                time.sleep(delay)
            with LOCK:
                return self.token(path, form)
        with LOCK:
            if path in ("/introspect", "/introspect/"):
                st.count("introspect")
                return self.introspect(form)
            if path.endswith("/devicecode") or path == "/device":
                st.count("device")
                return self.device(form)
            if path.startswith("/control/"):
                return self.control(path[len("/control/"):], form)
        self.error(404, "not_found", path)

    # -- OAuth ------------------------------------------------------------

    def check_client(self, form, need_secret):
        a = self.server.st.args
        if form.get("client_id") != a.client_id:
            self.error(401, "invalid_client", "unknown client_id")
            return False
        sec = form.get("client_secret")
        if (need_secret or sec is not None) and a.client_secret is not None \
                and sec != a.client_secret:
            self.error(401, "invalid_client", "bad client secret")
            return False
        return True

    def issue(self, user, scope, refresh=None):
        st = self.server.st
        tok = new_token("at-")
        st.access[tok] = (user, time.time() + st.expires_in, scope)
        out = {"access_token": tok, "token_type": "Bearer",
               "expires_in": st.expires_in, "scope": scope}
        if refresh is not None:
            out["refresh_token"] = refresh
        self.send(200, out)

    def token(self, path, form):
        st = self.server.st
        g = form.get("grant_type")
        st.count("grant:" + str(g))
        scope = form.get("scope", "")
        if g == "refresh_token":
            if not self.check_client(form, False):
                return
            rt = form.get("refresh_token")
            user = st.refresh.get(rt)
            if user is None:
                return self.error(400, "invalid_grant",
                                  "refresh token revoked or unknown")
            new = None
            if st.rotate:
                if st.rotate_strict:
                    del st.refresh[rt]
                new = new_token("rt-")
                st.refresh[new] = user
            return self.issue(user, scope, new)
        if g == "client_credentials":
            if not self.check_client(form, True):
                return
            if not scope.endswith("/.default"):
                return self.error(400, "invalid_scope",
                                  "app-only scopes end in /.default")
            return self.issue(st.args.app_user, scope)
        if g == "password":
            if not self.check_client(form, False):
                return
            u, p = form.get("username"), form.get("password")
            if u not in st.users or st.users[u] != p:
                return self.error(400, "invalid_grant",
                                  "bad username or password")
            return self.issue(u, scope)
        if g == "authorization_code":
            if not self.check_client(form, False):
                return
            c = st.codes.pop(form.get("code"), None)
            if c is None:
                return self.error(400, "invalid_grant", "unknown code")
            if form.get("redirect_uri") != c["redirect_uri"]:
                return self.error(400, "invalid_grant",
                                  "redirect_uri differs")
            v = form.get("code_verifier", "")
            chal = base64.urlsafe_b64encode(
                hashlib.sha256(v.encode()).digest()).decode().rstrip("=")
            if chal != c["challenge"]:
                return self.error(400, "invalid_grant",
                                  "PKCE verifier does not match")
            rt = new_token("rt-")
            st.refresh[rt] = c["user"]
            return self.issue(c["user"], c["scope"], rt)
        if g == "urn:ietf:params:oauth:grant-type:device_code":
            if not self.check_client(form, False):
                return
            d = st.devices.get(form.get("device_code"))
            if d is None:
                return self.error(400, "invalid_grant", "unknown device")
            if d["state"] == "pending":
                return self.error(400, "authorization_pending", "wait")
            if d["state"] == "denied":
                return self.error(400, "access_denied", "user said no")
            del st.devices[form.get("device_code")]
            rt = new_token("rt-")
            st.refresh[rt] = d["user"]
            return self.issue(d["user"], d["scope"], rt)
        self.error(400, "unsupported_grant_type", str(g))

    def authorize(self):
        st = self.server.st
        q = self.query()
        if q.get("client_id") != st.args.client_id:
            return self.error(400, "invalid_client", "unknown client_id")
        if q.get("response_type") != "code" or \
                q.get("code_challenge_method") != "S256" or \
                not q.get("code_challenge") or not q.get("state"):
            return self.error(400, "invalid_request", "need code + S256")
        ru = q.get("redirect_uri", "")
        host = urllib.parse.urlsplit(ru).hostname
        if host not in ("127.0.0.1", "localhost"):
            return self.error(400, "invalid_request", "redirect_uri")
        sep = "&" if "?" in ru else "?"
        if st.deny_next:
            st.deny_next = False
            return self.redirect(ru + sep + urllib.parse.urlencode(
                {"error": "access_denied", "state": q["state"]}))
        code = new_token("code-")
        st.codes[code] = {"user": q.get("login_hint", "nobody"),
                          "redirect_uri": ru,
                          "challenge": q["code_challenge"],
                          "scope": q.get("scope", "")}
        self.redirect(ru + sep + urllib.parse.urlencode(
            {"code": code, "state": q["state"]}))

    def device(self, form):
        st = self.server.st
        if form.get("client_id") != st.args.client_id:
            return self.error(401, "invalid_client", "unknown client_id")
        dc = new_token("dc-")
        uc = secrets.token_hex(4).upper()
        st.devices[dc] = {"user_code": uc, "state": "pending",
                          "user": None, "scope": form.get("scope", "")}
        port = self.server.server_address[1]
        self.send(200, {"device_code": dc, "user_code": uc,
                        "verification_uri":
                        "http://127.0.0.1:%d/device/verify" % port,
                        "expires_in": 60, "interval": 1})

    def device_verify(self):
        q = self.query()
        for d in self.server.st.devices.values():
            if d["user_code"] == q.get("user_code"):
                d["state"] = "denied" if q.get("deny") else "approved"
                d["user"] = q.get("user", "nobody")
                return self.send(200, {"ok": True})
        self.error(404, "not_found", "user_code")

    def introspect(self, form):
        # RFC 7662 2.1; Dovecot's introspection_mode = post sends token=.
        tok = form.get("token")
        if tok is None:
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Bearer "):
                tok = auth[7:]
        a = self.server.st.access.get(tok)
        if a is None or a[1] <= time.time():
            return self.send(200, {"active": False})
        self.send(200, {"active": True, "username": a[0], "scope": a[2],
                        "exp": int(a[1])})

    def control(self, what, form):
        st = self.server.st
        if what == "seed":
            st.refresh[form["refresh_token"]] = form["username"]
        elif what == "revoke":
            st.refresh.pop(form.get("refresh_token"), None)
            if form.get("all"):
                st.refresh.clear()
        elif what == "expire":
            st.access = {k: (v[0], 0, v[2]) for k, v in st.access.items()}
        elif what == "config":
            if "expires_in" in form:
                st.expires_in = int(form["expires_in"])
            if "rotate" in form:
                st.rotate = form["rotate"] == "1"
            if "rotate_strict" in form:
                st.rotate_strict = form["rotate_strict"] == "1"
                st.rotate = st.rotate or st.rotate_strict
            if "delay" in form:
                st.delay = float(form["delay"])
            if "deny_next" in form:
                st.deny_next = form["deny_next"] == "1"
        elif what == "reset":
            st.counts.clear()
            st.requests.clear()
        else:
            return self.error(404, "not_found", what)
        self.send(200, {"ok": True})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pidfile", required=True)
    ap.add_argument("--client-id", default="mailarc-test")
    ap.add_argument("--client-secret", default=None)
    ap.add_argument("--app-user", default="app")
    ap.add_argument("--user", action="append", default=[])
    ap.add_argument("--expires-in", type=int, default=3600)
    ap.add_argument("--rotate", action="store_true")
    ap.add_argument("--rotate-strict", action="store_true")
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--log", default=None)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.st = State(args)
    srv.logf = open(args.log, "a") if args.log else None
    with open(args.pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(args.pidfile + ".tmp", args.pidfile)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
