"""Drives a ScamTrace TAXII 2.1 server with the OASIS taxii2-client, as a partner would.

Usage: taxii_client.py BASE_URL ORG TOKEN INBOX_ORG INBOX_TOKEN

ORG/TOKEN: a partner with the default grants (reads the operations collection).
INBOX_ORG/INBOX_TOKEN: a partner granted read and write on the submissions collection.
Prints one JSON object with what it saw; exits non-zero on any unexpected answer.
"""

import json
import sys
import uuid

import requests
from taxii2client.exceptions import AccessError
from taxii2client.v21 import Collection, Server, as_pages
from stix2validator import ValidationOptions, validate_instance

TAXII = "application/taxii+json;version=2.1"
OPERATIONS = "5ca37ace-7a11-4c01-8000-000000000001"
SUBMISSIONS = "5ca37ace-7a11-4c01-8000-000000000002"

base, org, token, inbox_org, inbox_token = sys.argv[1:6]
out = {}


def status_of(method, url, **kwargs):
    return requests.request(method, url, **kwargs).status_code


# Discovery, the API root and the collections.
server = Server(base + "/taxii2/", user=org, password=token)
out["title"] = server.title
root = server.api_roots[0]
out["api_root_title"] = root.title
out["max_content_length"] = root.max_content_length
out["versions"] = root.versions
out["collections"] = sorted((c.id, c.can_read, c.can_write) for c in root.collections)

# Every object of the operations collection, page by page.
ops = Collection(f"{base}/taxii2/api/collections/{OPERATIONS}/", user=org, password=token)
pages = 0
objects = []
for envelope in as_pages(ops.get_objects, per_request=50):
    pages += 1
    objects.extend(envelope.get("objects", []))
out["pages"] = pages
out["objects"] = len(objects)
out["distinct_ids"] = len({o["id"] for o in objects})
out["types"] = sorted({o["type"] for o in objects})
out["tlp_red_seen"] = sum(
    1 for o in objects
    if "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" in o.get("object_marking_refs", [])
)

# Everything served, as one bundle, through the OASIS validator.
result = validate_instance(
    {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects},
    ValidationOptions(version="2.1", strict=False),
)
out["validator_errors"] = [str(e) for e in result.errors][:10]

# Filters: by type, by id, by added_after (from the headers), by spec_version.
campaigns = ops.get_objects(type="campaign")["objects"]
out["campaigns"] = len(campaigns)
one = campaigns[0]["id"]
out["by_id"] = [o["id"] for o in ops.get_object(one)["objects"]] == [one]
first = requests.get(
    ops.objects_url, params={"limit": 10}, auth=(org, token), headers={"Accept": TAXII}
)
last_added = first.headers["X-TAXII-Date-Added-Last"]
out["date_added_headers"] = bool(first.headers.get("X-TAXII-Date-Added-First")) and bool(last_added)
after = []
for envelope in as_pages(ops.get_objects, per_request=100, added_after=last_added):
    after.extend(envelope.get("objects", []))
out["after_first_page"] = len(after)
out["spec_version_20"] = len(ops.get_objects(spec_version="2.0").get("objects", []))

# The manifest, and an object's versions.
manifest = []
for envelope in as_pages(ops.get_manifest, per_request=200):
    manifest.extend(envelope.get("objects", []))
out["manifest"] = len(manifest)
out["manifest_media_types"] = sorted({m["media_type"] for m in manifest})
versions = ops.object_versions(one)
out["versions_of_campaign"] = len(versions["versions"])

# Adding objects: two good ones, one bad, to the submissions collection.
inbox = Collection(
    f"{base}/taxii2/api/collections/{SUBMISSIONS}/", user=inbox_org, password=inbox_token
)
identity = f"identity--{uuid.uuid4()}"
indicator = f"indicator--{uuid.uuid4()}"
envelope = {
    "objects": [
        {
            "type": "identity", "spec_version": "2.1", "id": identity,
            "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
            "name": inbox_org, "identity_class": "organization",
        },
        {
            "type": "indicator", "spec_version": "2.1", "id": indicator,
            "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
            "created_by_ref": identity,
            "pattern": "[domain-name:value = 'pc-repair-desk-help.example']",
            "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
            "indicator_types": ["malicious-activity"],
        },
        {"type": "indicator", "id": "indicator--not-a-uuid", "spec_version": "2.1"},
    ]
}
status = inbox.add_objects(envelope)
out["status"] = {
    "status": status.status,
    "total": status.total_count,
    "success": status.success_count,
    "failure": status.failure_count,
    "failures": [f["id"] for f in status.failures],
}
again = inbox.add_objects(json.dumps(envelope))
out["replay_success"] = again.success_count
# The status resource, read back by URL.
status.refresh()
out["status_refreshed"] = status.status
got = inbox.get_object(indicator)["objects"]
out["added_readable"] = [o["id"] for o in got] == [indicator]
inbox.delete_object(indicator)
out["deleted_status"] = status_of(
    "GET", f"{inbox.objects_url}{indicator}/", auth=(inbox_org, inbox_token), headers={"Accept": TAXII}
)

# Errors: each one named by its HTTP status.
errors = {}
try:
    Collection(f"{base}/taxii2/api/collections/{SUBMISSIONS}/", user=org, password=token).get_objects()
except (requests.HTTPError, AccessError) as e:
    errors["read_without_permission"] = getattr(getattr(e, "response", None), "status_code", "access")
try:
    ops.add_objects({"objects": []})
except (requests.HTTPError, AccessError) as e:
    errors["write_without_permission"] = getattr(getattr(e, "response", None), "status_code", "access")
headers = {"Accept": TAXII, "Content-Type": TAXII}
errors["read_403_raw"] = status_of(
    "GET", f"{base}/taxii2/api/collections/{SUBMISSIONS}/objects/", auth=(org, token), headers=headers
)
errors["write_403_raw"] = status_of("POST", ops.objects_url, auth=(org, token), headers=headers, data=b'{"objects":[]}')
errors["unknown_collection"] = status_of(
    "GET", f"{base}/taxii2/api/collections/{uuid.uuid4()}/objects/", auth=(org, token), headers=headers
)
errors["no_credentials"] = status_of("GET", f"{base}/taxii2/", headers=headers)
errors["wrong_password"] = status_of("GET", f"{base}/taxii2/", auth=(org, "st_wrong"), headers=headers)
errors["token_of_another_org"] = status_of("GET", f"{base}/taxii2/", auth=(inbox_org, token), headers=headers)
errors["not_acceptable"] = status_of(
    "GET", ops.objects_url, auth=(org, token), headers={"Accept": "application/json"}
)
errors["wrong_media_type"] = status_of(
    "POST", inbox.objects_url, auth=(inbox_org, inbox_token),
    headers={"Accept": TAXII, "Content-Type": "application/json"}, data=b'{"objects":[]}',
)
errors["malformed_json"] = status_of(
    "POST", inbox.objects_url, auth=(inbox_org, inbox_token), headers=headers, data=b'{"objects": [',
)
errors["not_an_envelope"] = status_of(
    "POST", inbox.objects_url, auth=(inbox_org, inbox_token), headers=headers, data=b'[1, 2]',
)
errors["too_large"] = status_of(
    "POST", inbox.objects_url, auth=(inbox_org, inbox_token), headers=headers,
    data=b'{"objects": [' + b" " * (root.max_content_length + 10) + b"]}",
)
errors["bad_filter"] = status_of(
    "GET", ops.objects_url, params={"added_after": "yesterday"}, auth=(org, token), headers=headers
)
error_body = requests.get(f"{base}/taxii2/", headers=headers)
errors["error_media_type"] = error_body.headers.get("Content-Type")
errors["error_has_title"] = "title" in error_body.json()
out["errors"] = errors
print(json.dumps(out))
