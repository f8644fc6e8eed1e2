"""Helpers for bench/taxii.sh: fill a TAXII collection, walk its pages, configure medallion.

    python3 bench/taxii_helper.py fill URL AUTH COUNT [POSTERS]
        POSTs envelopes of 100 fresh indicators (unique ids and values) until COUNT objects are
        accepted, with POSTERS processes in parallel (default 1); prints objects and seconds.
    python3 bench/taxii_helper.py pages URL AUTH OUT
        Walks the collection by `next`, checks every page but the last holds 100 objects, and
        writes the start of each full page to OUT: FIRST, then the X-TAXII-Date-Added-Last of
        every page before it (the value for `added_after`).
    python3 bench/taxii_helper.py medallion DIR USER PASSWORD
        Writes DIR/medallion.json: memory backend, one API root `api` with two empty collections.

URL is the collection's objects URL (http://127.0.0.1:PORT/.../objects/); AUTH is the whole
Authorization header value. Standard library only, so it runs under any Python 3.
"""

import http.client
import json
import multiprocessing
import os
import sys
import time
import urllib.parse

TAXII = "application/taxii+json;version=2.1"
PAGE = 100
# Collections of the medallion instance: one for the GET workload, one for the POST workload.
MEDALLION_READ = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
MEDALLION_WRITE = "52892447-4d7e-4f70-b94d-d7f22742ff63"


def envelope(salt, n):
    """100 fresh indicators; (salt, n) makes ids and values unique across posters and runs."""
    objects = []
    for i in range(PAGE):
        tail = f"{i:04x}{n:08x}"
        objects.append({
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{salt:08x}-{os.getpid() & 0xFFFF:04x}-4000-8000-{tail}",
            "created": "2026-11-28T12:00:00.000Z",
            "modified": "2026-11-28T12:00:00.000Z",
            "name": "Tech-support scam domain",
            "indicator_types": ["malicious-activity"],
            "pattern": f"[domain-name:value = 'h{salt:x}-{tail}.example']",
            "pattern_type": "stix",
            "valid_from": "2026-11-28T12:00:00.000Z",
        })
    return json.dumps({"objects": objects}).encode()


def connect(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=600), u.path


def post_envelopes(args):
    url, auth, envelopes, salt = args
    conn, path = connect(url)
    accepted = 0
    for n in range(envelopes):
        conn.request("POST", path, envelope(salt, n), {
            "Authorization": auth, "Accept": TAXII, "Content-Type": TAXII})
        r = conn.getresponse()
        body = r.read()
        if r.status != 202:
            raise SystemExit(f"POST answered {r.status}: {body[:300]!r}")
        accepted += json.loads(body)["success_count"]
    return accepted


def fill(url, auth, count, posters=1):
    envelopes = -(-count // PAGE)
    shares = [envelopes // posters + (1 if p < envelopes % posters else 0) for p in range(posters)]
    salt = int.from_bytes(os.urandom(4), "big")
    start = time.monotonic()
    with multiprocessing.Pool(posters) as pool:
        accepted = sum(pool.map(post_envelopes,
                                [(url, auth, s, (salt + p) & 0xFFFFFFFF) for p, s in enumerate(shares)]))
    seconds = time.monotonic() - start
    print(f"{accepted} {seconds:.1f}")


def pages(url, auth, out):
    conn, path = connect(url)
    starts, query, total = ["FIRST"], {"limit": PAGE}, 0
    while True:
        conn.request("GET", path + "?" + urllib.parse.urlencode(query),
                     headers={"Authorization": auth, "Accept": TAXII})
        r = conn.getresponse()
        body = json.loads(r.read() or b"{}")
        if r.status != 200:
            raise SystemExit(f"GET answered {r.status}: {body}")
        objects = body.get("objects", [])
        total += len(objects)
        if not body.get("more"):
            break
        if len(objects) != PAGE:
            raise SystemExit(f"a page before the last holds {len(objects)} objects")
        starts.append(r.getheader("X-TAXII-Date-Added-Last"))
        query = {"limit": PAGE, "next": body["next"]}
    # The last page is only served in full when the collection is a whole number of pages.
    if total % PAGE:
        starts.pop()
    with open(out, "w") as f:
        f.write("\n".join(starts) + "\n")
    print(f"{total} {len(starts)}")


def medallion(directory, user, password):
    def collection(cid, title):
        return {"id": cid, "title": title, "description": "bench/taxii.sh",
                "can_read": True, "can_write": True,
                "media_types": ["application/stix+json;version=2.1"],
                "objects": [], "manifest": []}

    data = {
        "/discovery": {"title": "bench", "default": "http://127.0.0.1/api/",
                       "api_roots": ["http://127.0.0.1/api/"]},
        "api": {
            "information": {"title": "bench", "versions": [TAXII],
                            "max_content_length": 10 * 1024 * 1024},
            "status": [],
            "collections": [collection(MEDALLION_READ, "read"),
                            collection(MEDALLION_WRITE, "write")],
        },
    }
    with open(os.path.join(directory, "medallion-data.json"), "w") as f:
        json.dump(data, f)
    config = {
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                    "filename": os.path.join(directory, "medallion-data.json")},
        "users": {user: password},
        "taxii": {"max_page_size": PAGE},
    }
    with open(os.path.join(directory, "medallion.json"), "w") as f:
        json.dump(config, f)


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "fill":
        fill(rest[0], rest[1], int(rest[2]), int(rest[3]) if len(rest) > 3 else 1)
    elif command == "pages":
        pages(*rest)
    elif command == "medallion":
        medallion(*rest)
    else:
        raise SystemExit(__doc__)
