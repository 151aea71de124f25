"""Mozilla HTTP Observatory's scoring of response headers (its v2 tests and modifiers).

Starts at 100; each test adds or takes points; A+ is 100 or more. Only the tests that headers decide
are here (not the ones about a site's HTTP port, which a test client cannot see).
"""

import re

PRIVATE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        words = part.strip().split()
        if words:
            directives[words[0].lower()] = [word.lower() for word in words[1:]]
    return directives


def score_csp(headers):
    header = headers.get("Content-Security-Policy")
    if not header:
        return -25, "csp-not-implemented"
    csp = parse_csp(header)
    default = csp.get("default-src", [])
    scripts = csp.get("script-src", default)
    styles = csp.get("style-src", default)
    objects = csp.get("object-src", default)
    if {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(scripts):
        return -20, "csp-implemented-with-unsafe-inline"
    if objects != ["'none'"]:
        return -5, "csp-implemented-but-object-src-unrestricted"
    if "'unsafe-inline'" in styles:
        return 0, "csp-implemented-with-unsafe-inline-in-style-src-only"
    if default == ["'none'"]:
        return 10, "csp-implemented-with-no-unsafe-default-src-none"
    return 5, "csp-implemented-with-no-unsafe"


def score_cookies(cookies, session_cookie="sessionid"):
    if not cookies:
        return 0, "cookies-not-found"
    if any(not cookie["secure"] for cookie in cookies.values()):
        return -20, "cookies-without-secure-flag"
    if session_cookie in cookies and not cookies[session_cookie]["httponly"]:
        return -30, "cookies-session-without-httponly-flag"
    if any(not cookie["samesite"] for cookie in cookies.values()):
        return 0, "cookies-secure-with-httponly-sessions"
    return 5, "cookies-secure-with-httponly-sessions-and-samesite"


def score_referrer(headers):
    policy = headers.get("Referrer-Policy", "")
    values = {value.strip().lower() for value in policy.split(",") if value.strip()}
    if not values:
        return 0, "referrer-policy-not-implemented"
    if values <= PRIVATE_REFERRER:
        return 5, "referrer-policy-private"
    return -5, "referrer-policy-unsafe"


def score_hsts(headers):
    header = headers.get("Strict-Transport-Security", "")
    match = re.search(r"max-age=(\d+)", header)
    if not match:
        return -20, "hsts-not-implemented"
    if int(match.group(1)) < 15768000:
        return -10, "hsts-implemented-max-age-less-than-six-months"
    return 0, "hsts-implemented-max-age-at-least-six-months"


def score_nosniff(headers):
    if headers.get("X-Content-Type-Options", "").lower() == "nosniff":
        return 0, "x-content-type-options-nosniff"
    return -5, "x-content-type-options-not-implemented"


def score_framing(headers):
    csp = parse_csp(headers.get("Content-Security-Policy", ""))
    if csp.get("frame-ancestors") in (["'none'"], ["'self'"]):
        return 5, "x-frame-options-implemented-via-csp"
    if headers.get("X-Frame-Options", "").upper() in ("DENY", "SAMEORIGIN"):
        return 0, "x-frame-options-sameorigin-or-deny"
    return -20, "x-frame-options-not-implemented"


def score_cors(headers):
    if headers.get("Access-Control-Allow-Origin", "") == "*":
        return -50, "cross-origin-resource-sharing-implemented-with-universal-access"
    return 0, "cross-origin-resource-sharing-not-implemented"


def observatory(response):
    headers = response.headers
    results = [
        score_csp(headers),
        score_cookies(response.cookies),
        score_referrer(headers),
        score_hsts(headers),
        score_nosniff(headers),
        score_framing(headers),
        score_cors(headers),
    ]
    score = 100 + sum(points for points, _name in results)
    grade = "A+" if score >= 100 else "A" if score >= 90 else "B" if score >= 70 else "F"
    return score, grade, [name for _points, name in results]
