"""Writes the list scenario's pool of page cursors: every next_cursor of a walk through
GET /products?limit=1, one per benchmark product, for the (i) script to start pages from.

run.sh loads a few hundred products at random positions first, walks them here, then loads
the rest: a cursor holds a position ((created_at, id) of the page's last product) and the
filters, signed, so each one is the cursor a client paging through the full table would get
at that product, and the walk takes a few hundred requests instead of one per 100 products.

python3 bench/cursors.py BASE-URL OUT-FILE
"""
import http.client
import json
import sys
import urllib.parse

base, out = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2]
connection = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
cursors, cursor = [], None
while True:
    path = "/products?limit=1" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"GET {path}: {response.status} {body[:200]!r}")
    page = json.loads(body)
    cursor = page["next_cursor"]
    if cursor is None:
        break
    # The sample products the API seeds come last; pages after them are not benchmark pages.
    if page["items"][0]["id"].startswith("10000000-"):
        cursors.append(cursor)
with open(out, "w") as file:
    file.write("".join(c + "\n" for c in cursors))
print(len(cursors))
