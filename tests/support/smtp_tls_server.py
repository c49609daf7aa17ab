"""Two real SMTP servers for the delivery tests (aiosmtpd), on 127.0.0.1 with a test CA (trustme):
one that requires STARTTLS, one that speaks TLS from the first byte (implicit TLS, "smtps").

Prints one JSON line: {"starttls": PORT, "implicit": PORT, "ca": PATH}; every message received is
appended to OUT as a JSON line {"rcpt": [...], "data": "...", "tls": true|false}. Runs until killed.

usage: python smtp_tls_server.py DIR
"""
import json
import os
import ssl
import sys
import time

import trustme
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        record = {
            "rcpt": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            # Whether the connection the message came over is TLS (after STARTTLS, or from the
            # first byte).
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
        }
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    directory = sys.argv[1]
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    ca_path = os.path.join(directory, "ca.pem")
    ca.cert_pem.write_to_path(ca_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(context)
    out = os.path.join(directory, "received.jsonl")
    ports = {"starttls": free_port(), "implicit": free_port()}
    starttls = Controller(Sink(out), hostname="127.0.0.1", port=ports["starttls"],
                          tls_context=context, require_starttls=True)
    # The readiness probe of aiosmtpd speaks plain SMTP; on a TLS-only port it gets a handshake.
    implicit = Controller(Sink(out), hostname="127.0.0.1", port=ports["implicit"],
                          ssl_context=context)
    starttls.start()
    implicit.start()
    print(json.dumps({**ports, "ca": ca_path, "received": out}), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
