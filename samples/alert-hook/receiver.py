#!/usr/bin/env python3
"""A stand-in for a Slack/Mattermost incoming webhook: prints each JSON body it is POSTed
(its `text` line first) and answers 204. Usage: receiver.py [PORT] (default 8765)."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            facts = json.loads(body)
            print(f"{facts.get('text')}\n  {json.dumps(facts, sort_keys=True)}", flush=True)
        except ValueError:
            print(f"not JSON: {body!r}", flush=True)
        if self.headers.get("Authorization"):
            print("  (with an Authorization header)", flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format, *args):
        pass  # the bodies are what matters


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    print(f"receiving on http://127.0.0.1:{port}/", flush=True)
    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
