"""Verifies every request a test's webhook receiver recorded with the Standard Webhooks
reference library (`standardwebhooks` from PyPI) and the subscription's secret; prints them
as JSON. Any request whose signature, id or timestamp does not verify fails the run."""

import json
import sys

from standardwebhooks import Webhook

RECORD, SECRET = sys.argv[1], sys.argv[2]
hook = Webhook(SECRET)
verified = []
with open(RECORD, encoding="utf-8") as record:
    for line in record:
        request = json.loads(line)
        event = hook.verify(request["body"], request["headers"])
        verified.append({
            "id": request["headers"]["webhook-id"],
            "path": request["path"],
            "status": request["status"],
            "event": event,
        })
print(json.dumps(verified))
