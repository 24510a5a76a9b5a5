"""A webhook receiver on loopback for Laurel's tests: answers 503 to the first N requests (a
receiver that is down), 204 after (it recovered), and appends every request it got, headers
and body as received, to a JSON Lines file that the test verifies afterwards."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, RECORD, FAIL_FIRST = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
lock = threading.Lock()
seen = 0


class Receiver(BaseHTTPRequestHandler):
    # Keep connections open between requests, as a real receiver would.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        with lock:
            seen += 1
            status = 503 if seen <= FAIL_FIRST else 204
            with open(RECORD, "a", encoding="utf-8") as record:
                headers = {k.lower(): v for k, v in self.headers.items()}
                line = {"path": self.path, "headers": headers, "body": body.decode("utf-8"), "status": status}
                record.write(json.dumps(line) + "\n")
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
