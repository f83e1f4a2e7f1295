#!/usr/bin/env python3
"""web_serve.py - serves a folder (the web build: build-web/) on the loopback address
only, with the headers that make its pages cross-origin isolated, so the threaded page
(build-web/threads/, scripts/web.sh --threads) gets its threads:
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
  Cross-Origin-Resource-Policy: same-origin
A page served by plain `python3 -m http.server` is not isolated (the threaded page then
opens the single-threaded one, ../multi/). Standard library only.

usage: web_serve.py [DIR] [--port N]   (DIR: build-web; --port 0: any free port)
Prints "web_serve: http://127.0.0.1:PORT/" once it listens (the browser test reads it);
stops on Ctrl+C or SIGTERM. A bad folder or a port in use: a message and exit 2.
"""
import argparse
import functools
import http.server
import os
import signal
import sys

ISOLATION_HEADERS = (
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


class IsolatedHandler(http.server.SimpleHTTPRequestHandler):
    """The standard file handler plus the isolation headers on every answer."""

    extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map, **{".wasm": "application/wasm",
                                                                                  ".js": "text/javascript"})

    def end_headers(self):
        for name, value in ISOLATION_HEADERS:
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("web_serve: %s %s\n" % (self.address_string(), fmt % args))


def stop(signum, frame):
    """SIGTERM stops the server like Ctrl+C."""
    raise KeyboardInterrupt


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", nargs="?", default=os.path.join(here, "..", "build-web"))
    ap.add_argument("--port", type=int, default=8000, help="0: any free port")
    ap.add_argument("--quiet", action="store_true", help="no line per request")
    o = ap.parse_args()
    if not os.path.isdir(o.dir):
        print("web_serve: no folder '%s' (build it first: scripts/web.sh --threads)" % o.dir, file=sys.stderr)
        return 2
    handler = functools.partial(IsolatedHandler, directory=os.path.abspath(o.dir))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", o.port), handler)
    except OSError as e:
        print("web_serve: cannot listen on 127.0.0.1:%d: %s" % (o.port, e.strerror), file=sys.stderr)
        return 2
    server.verbose = not o.quiet
    signal.signal(signal.SIGTERM, stop)
    print("web_serve: http://127.0.0.1:%d/ (serving %s; Ctrl+C stops)" % (server.server_address[1],
                                                                         os.path.abspath(o.dir)), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
