"""Checks ScamTrace's STIX bundles with the OASIS tools.

Reads a JSON list of bundles on standard input. For each bundle, runs the OASIS stix2-validator
(STIX 2.1, strict on errors) and computes every observable's id with the OASIS stix2 library:
standard types through their classes, ScamTrace's extension types through the library's own
JCS canonicalization and the SCO namespace. Prints one JSON object per bundle:
{"errors": [...], "warnings": [...], "ids": {"<our id>": "<stix2's id>"}}.
"""
import json
import sys
import uuid

import stix2
from stix2.canonicalization.Canonicalize import canonicalize
from stix2validator import ValidationOptions, validate_instance

SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
STANDARD = {
    "domain-name": stix2.DomainName,
    "url": stix2.URL,
    "email-addr": stix2.EmailAddress,
    "ipv4-addr": stix2.IPv4Address,
    "ipv6-addr": stix2.IPv6Address,
}


def oasis_id(obj):
    kind = obj["type"]
    if kind in STANDARD:
        return STANDARD[kind](value=obj["value"]).id
    text = canonicalize({"value": obj["value"]}, utf8=False)
    return f"{kind}--{uuid.uuid5(SCO_NAMESPACE, text)}"


def main():
    bundles = json.load(sys.stdin)
    options = ValidationOptions(version="2.1", strict=False)
    for bundle in bundles:
        result = validate_instance(bundle, options)
        errors = [str(e) for e in result.errors]
        warnings = [str(w) for w in result.warnings]
        ids = {}
        for obj in bundle["objects"]:
            if "value" in obj and obj["id"].split("--")[0] == obj["type"]:
                ids[obj["id"]] = oasis_id(obj)
        print(json.dumps({"errors": errors, "warnings": warnings, "ids": ids}))


main()
