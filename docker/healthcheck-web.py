"""Docker health check of the web container: GET /health on gunicorn, healthy on HTTP 200.

It asks over plain HTTP (the production settings exempt /health from the HTTPS redirect) and names a host
from DJANGO_ALLOWED_HOSTS, since Django refuses any other Host header.
"""

import os
import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8000/health"
TIMEOUT_SECONDS = 10


def allowed_host() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        name = host.strip().lstrip(".")  # ".example.org" allows example.org itself
        if name and name != "*":
            return name
    return "localhost"


def main() -> int:
    request = urllib.request.Request(URL, headers={"Host": allowed_host()})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (fixed URL)
            body = response.read(500).decode(errors="replace")
            status = response.status
    except urllib.error.HTTPError as error:  # 503 and friends
        body, status = error.read(500).decode(errors="replace"), error.code
    except OSError as error:  # refused, timed out: gunicorn is not up
        print(f"unhealthy: {error}")
        return 1
    print(status, body)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
