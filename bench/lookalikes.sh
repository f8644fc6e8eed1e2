#!/usr/bin/env bash
# The domain watch on real data, with the builtin brands file and the command line's default
# threshold (score >= 50):
#   - recall on 519 domains from real fake-support campaigns (Infoblox, CC BY 4.0, in
#     ../shared/data, written defanged as name[.]tld), every miss printed;
#   - false positives on real popular domains (the Moz top 500 inside the npm package
#     `top-sites`, fetched with npm into a temporary directory), every one printed;
#   - the share caught of dnstwist's permutations (PyPI `dnstwist`, its Fuzzer API, which stays
#     off the network) of microsoft.com, amazon.com, apple.com and paypal.com.
#
#   bench/lookalikes.sh [MIN_SCORE]        (default 50)
#
# Needs cargo, npm and python3 (with venv); installs dnstwist into a temporary virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
min_score="${1:-50}"
infoblox="${INFOBLOX:-../shared/data/infoblox_fake_support_lookalikes_20230131.csv}"
[ -f "$infoblox" ] || infoblox=/work/shared/data/infoblox_fake_support_lookalikes_20230131.csv
cargo build --release -q -p scamtrace-watch --example assess
target="${CARGO_TARGET_DIR:-target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Infoblox: undefang.
tail -n +2 "$infoblox" | cut -d, -f2 | sed 's/\[\.\]/./g' > "$work/infoblox.txt"

# top-sites: the package's install script would download a fresh list; only its file is used.
(cd "$work" && npm pack --silent top-sites > /dev/null && tar xzf top-sites-*.tgz)
python3 -c '
import json, sys
for site in json.load(open(sys.argv[1])):
    print(site["rootDomain"])
' "$work/package/top-sites.json" > "$work/top.txt"
topsites_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$work/package/package.json")

# dnstwist permutations, from its Python API (no DNS).
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q dnstwist
dnstwist_version=$("$work/venv/bin/python" -c 'import dnstwist; print(dnstwist.__version__)')
"$work/venv/bin/python" - > "$work/dnstwist.tsv" <<'PY'
import dnstwist
# tld-swap draws from this list (the CLI's --tld file); the other fuzzers need none.
TLDS = ["com", "net", "org", "info", "biz", "us", "co", "io", "live", "online", "xyz", "top",
        "site", "shop", "support", "help", "de", "fr", "es", "it", "co.uk", "co.jp", "ru", "cn",
        "in", "br"]
for domain in ["microsoft.com", "amazon.com", "apple.com", "paypal.com"]:
    fuzzer = dnstwist.Fuzzer(domain, tld_dictionary=TLDS)
    fuzzer.generate()
    for d in fuzzer.domains:
        if d["fuzzer"] != "*original":
            print(f"{domain}\t{d['fuzzer']}\t{d['domain']}")
PY
cut -f3 "$work/dnstwist.tsv" > "$work/dnstwist.txt"

for set in infoblox top dnstwist; do
  "$target"/release/examples/assess < "$work/$set.txt" > "$work/$set.jsonl"
done
echo "data: $(wc -l < "$work/infoblox.txt") Infoblox domains; top-sites $topsites_version ($(wc -l < "$work/top.txt") sites); dnstwist $dnstwist_version ($(wc -l < "$work/dnstwist.txt") permutations)"
python3 bench/lookalikes.py --min-score "$min_score" \
  --infoblox "$work/infoblox.jsonl" --top "$work/top.jsonl" \
  --dnstwist "$work/dnstwist.jsonl" --dnstwist-tsv "$work/dnstwist.tsv"
