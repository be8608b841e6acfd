"""A container's health check: does the app process on this machine answer its sign-in page?

Run by the container image's HEALTHCHECK (Containerfile). The request is made as the reverse proxy
would make it: for the site's first host name (DANGJIAN_ALLOWED_HOSTS), marked as HTTPS through the
header the proxy sets (DANGJIAN_PROXY_SSL_HEADER), so that neither the host check nor the redirect to
HTTPS gets in the way. Exits 0 when the page answers 200, 1 otherwise.
"""

import http.client
import os
import sys

PORT = int(os.environ.get("DANGJIAN_HEALTHCHECK_PORT", "8000"))
PATH = "/accounts/login/"


def main() -> int:
    hosts = [host.strip() for host in os.environ.get("DANGJIAN_ALLOWED_HOSTS", "").split(",") if host.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "127.0.0.1"
    headers = {"Host": host, "Connection": "close"}
    if proto_header := os.environ.get("DANGJIAN_PROXY_SSL_HEADER"):
        headers[proto_header] = "https"
    # The first request after a start loads what the page needs: give it time.
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        connection.request("GET", PATH, headers=headers)
        status = connection.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"unhealthy: {PATH} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
