"""Keep secrets out of access logs: the tokens that mailed links carry in their paths.

A confirmation, reset or email-change link is as good as a password while it lives; an access
log line holding one would let anyone who reads the logs use it.
"""

import re

# Signed tokens are long runs of URL-safe base64 and dots; ids, words and dates are short.
_TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-.]{24,}(?=/|\?|\s|$)")
# Open311 clients send their key as ``api_key`` in the query string.
_TOKEN_QUERY = re.compile(r"(?<=[?&])(token|key|api_key|code)=[^&\s]*", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` (a path or a whole request line) with token segments and values replaced."""
    text = _TOKEN_SEGMENT.sub(REDACTED, text)
    return _TOKEN_QUERY.sub(lambda match: f"{match.group(1)}={REDACTED}", text)
