#!/usr/bin/env python3
"""The Python pipeline ScamTrace's extraction is compared with: phonenumbers' PhoneNumberMatcher
(Leniency.VALID, the victim's country as default region) plus compiled URL and email regexes,
single-threaded, over a corpus written by `cargo run --example corpus`. As on the Rust side, one
warm-up pass, then each measurement is the fastest of RUNS passes. Prints one JSON object per
measurement, in the shape of the Rust `extract_corpus` example's; with --details, every missed
planted number and every false positive on stderr.

    .venv/bin/python bench/extract_python.py corpus.jsonl [--details]
"""

import json
import os
import re
import sys
import time

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|info|online|support|site|co\.uk|de|fr|es|jp|io|xyz|top)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
RUNS = 3
EMAIL = re.compile(r"\b[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}\b", re.IGNORECASE)


def phones(text, country):
    return {
        phonenumbers.format_number(m.number, PhoneNumberFormat.E164)
        for m in PhoneNumberMatcher(text, country, leniency=Leniency.VALID)
    }


def pipeline(text, country):
    return phones(text, country), URL.findall(text), EMAIL.findall(text)


# A pass goes through the corpus again and again until it has lasted this long (as on the Rust
# side, which reads the same variable), so both sides average the machine's noise over windows
# of the same length.
MIN_SECONDS = float(os.environ.get("SCAMTRACE_BENCH_MIN_SECONDS", "0"))


def fastest(run):
    """Seconds per trip through the corpus in the fastest of RUNS passes, and the last result."""
    best, out = float("inf"), None
    for _ in range(RUNS):
        start = time.perf_counter()
        trips = 1
        out = run()
        while time.perf_counter() - start < MIN_SECONDS:
            out = run()
            trips += 1
        best = min(best, (time.perf_counter() - start) / trips)
    return best, out


def score(corpus, found):
    f = p = tp = 0
    for (_, _, planted), numbers in zip(corpus, found):
        f += len(numbers)
        p += len(planted)
        tp += len(numbers & planted)
    return f, p, tp


def report(base, name, secs, counts, indicators=None):
    line = dict(base, name=name, seconds=secs, found=counts[0], planted=counts[1], true_positives=counts[2])
    if indicators is not None:
        line["indicators"] = indicators
    print(json.dumps(line), flush=True)


def main():
    args = sys.argv[1:]
    details = "--details" in args
    path = next(a for a in args if a != "--details")
    corpus = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                v = json.loads(line)
                corpus.append((v["narrative"], v["country"], set(v["planted"])))
    base = {"narratives": len(corpus), "bytes": sum(len(t.encode("utf-8")) for t, _, _ in corpus)}

    for text, country, _ in corpus:  # warm-up, as on the Rust side
        pipeline(text, country)

    secs, found = fastest(lambda: [phones(text, country) for text, country, _ in corpus])
    report(base, "Python phonenumbers", secs, score(corpus, found))

    secs, results = fastest(lambda: [pipeline(text, country) for text, country, _ in corpus])
    indicators = sum(len(p) + len(u) + len(e) for p, u, e in results)
    report(base, "Python phonenumbers + URL/email regexes", secs,
           score(corpus, [p for p, _, _ in results]), indicators)

    if details:
        for (text, country, planted), numbers in zip(corpus, found):
            for p in sorted(planted - numbers):
                print(json.dumps({"miss": p, "country": country, "narrative": text}), file=sys.stderr)
            for p in sorted(numbers - planted):
                print(json.dumps({"false_positive": p, "country": country, "narrative": text}), file=sys.stderr)


if __name__ == "__main__":
    main()
