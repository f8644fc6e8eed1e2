"""The reference side of tests/phone_oracle.rs: Python `phonenumbers` (libphonenumber's port).

Reads JSON Lines on stdin and writes one JSON line per input line, in order:

  {"id": n, "mode": "examples", "region": "JP"}
      -> {"id", "examples": [{"type", "e164", "national", "international"}]}
         libphonenumber's example number for each type the region supports; region "001" gives
         one per non-geographic calling code (+800, +808, ...), "national" then empty.
  {"id": n, "mode": "parse", "text": "...", "region": "JP"}
      -> {"id", "e164", "national_number", "valid", "region" (null for "001"), "type"},
         or {"id", "e164": null} when it does not parse
  {"id": n, "mode": "match", "text": "...", "region": "JP"}
      -> {"id", "found": [{"start", "end", "e164"}]} from PhoneNumberMatcher, Leniency.VALID;
         start and end are UTF-8 byte offsets, as Rust slices text.

"type" is the Rust NumberType::as_str name (toll_free, fixed_line_or_mobile, voip, ...).
"""

import json
import sys

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

TYPE_NAMES = {
    getattr(PhoneNumberType, name): name.lower()
    for name in dir(PhoneNumberType)
    if name.isupper() and isinstance(getattr(PhoneNumberType, name), int)
}


def fmt(number, style):
    return phonenumbers.format_number(number, style)


def examples(region):
    if region == "001":
        numbers = [
            phonenumbers.example_number_for_non_geo_entity(code)
            for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
        ]
    else:
        numbers = [
            phonenumbers.example_number_for_type(region, t)
            for t in sorted(phonenumbers.supported_types_for_region(region))
        ]
    return [
        {
            "type": TYPE_NAMES[phonenumbers.number_type(n)],
            "e164": fmt(n, PhoneNumberFormat.E164),
            "national": "" if region == "001" else fmt(n, PhoneNumberFormat.NATIONAL),
            "international": fmt(n, PhoneNumberFormat.INTERNATIONAL),
        }
        for n in numbers
        if n is not None
    ]


def parse(text, region):
    try:
        n = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return {"e164": None}
    number_region = phonenumbers.region_code_for_number(n)
    return {
        "e164": fmt(n, PhoneNumberFormat.E164),
        "national_number": phonenumbers.national_significant_number(n),
        "valid": phonenumbers.is_valid_number(n),
        "region": None if number_region == "001" else number_region,
        "type": TYPE_NAMES[phonenumbers.number_type(n)],
    }


def byte_offset(text, index):
    return len(text[:index].encode("utf-8"))


def match(text, region):
    found = PhoneNumberMatcher(text, region, leniency=Leniency.VALID)
    return [
        {
            "start": byte_offset(text, m.start),
            "end": byte_offset(text, m.end),
            "e164": fmt(m.number, PhoneNumberFormat.E164),
        }
        for m in found
    ]


def answer(request):
    mode, region = request["mode"], request.get("region")
    if mode == "examples":
        return {"examples": examples(region)}
    if mode == "parse":
        return parse(request["text"], region)
    if mode == "match":
        return {"found": match(request["text"], region)}
    raise ValueError(f"unknown mode {mode!r}")


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        reply = {"id": request["id"], **answer(request)}
        sys.stdout.write(json.dumps(reply, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
