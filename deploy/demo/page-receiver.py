#!/usr/bin/env python3
"""A local webhook receiver for the quick start: prints each page Vigil sends, with its acknowledgement link.

    deploy/demo/page-receiver.py [PORT]      (default 9515; one JSON line per page on stdout)
Answers 200 to every POST, once per Idempotency-Key (a repeat is acknowledged but not printed again).
"""
import http.server, json, sys, threading

seen = set()
# The server answers each request on its own thread: one line per page, never two pages interleaved on a line.
lock = threading.Lock()

class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        key = self.headers.get("Idempotency-Key", "")
        with lock:
            first = key not in seen
            seen.add(key)
        if first:
            try:
                page = json.loads(body)
            except ValueError:
                page = {"raw": body.decode("utf-8", "replace")}
            line = json.dumps({"to": self.path.strip("/"), "key": key, "incident": (page.get("incident") or {}).get("id"),
                               "subject": page.get("subject"),
                               "ack_url": page.get("ack_url"), "text": page.get("text")}, ensure_ascii=False)
            with lock:
                print(line, flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9515
http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()
