//! The OpenAPI 3.1 description of the HTTP API, served at `/api/openapi.json`.
//!
//! A test compares it with the route table ([`crate::auth::ROUTES`]): an API route missing here
//! fails the build's tests.

use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn analyst_errors() -> Value {
    json!({
        "401": error_response("No valid bearer token or session."),
        "403": error_response("The caller's role may not read reports."),
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn string_list() -> Value {
    json!({"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 200}})
}

pub fn document() -> Value {
    let report_id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
    let cluster_id = json!({"name": "id", "in": "path", "required": true, "description": "The sequence number of the cluster's oldest report.", "schema": {"type": "string", "pattern": "^[0-9]+$"}});
    let query = |name: &str, description: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ScamTrace API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Report tech-support scams and read them back. Errors are `{\"error\": {\"code\", \"message\", \"details\"}}`, with messages in the language of `Accept-Language`.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `scamtrace admin create-token --role ROLE`."},
                "session": {"type": "apiKey", "in": "cookie", "name": "st_session"}
            },
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
                        "code": {"type": "string", "examples": ["validation_failed"]},
                        "message": {"type": "string"},
                        "details": {"type": "array", "items": {"type": "object", "required": ["field", "code", "message"], "properties": {
                            "field": {"type": "string", "examples": ["scammer.phone_numbers[0]"]},
                            "code": {"type": "string", "enum": ["required", "invalid_type", "unknown_field", "invalid_value", "invalid_characters", "empty", "too_long", "too_many", "invalid_date", "future_date", "invalid_country", "invalid_language", "invalid_currency", "invalid_amount", "invalid_email", "invalid_phone"]},
                            "message": {"type": "string"}
                        }}}
                    }}}
                },
                "NewReport": {
                    "type": "object", "additionalProperties": false,
                    "required": ["country", "contact_method", "narrative"],
                    "properties": {
                        "occurred_on": {"type": "string", "format": "date"},
                        "country": {"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2 of the victim."},
                        "language": {"type": "string", "description": "BCP 47 tag of the narrative."},
                        "contact_method": {"type": "string", "enum": ["phone_call", "popup", "email", "sms", "search_result", "social_media", "other"]},
                        "impersonated_brand": {"type": "string", "maxLength": 200},
                        "scammer": {"type": "object", "additionalProperties": false, "properties": {
                            "phone_numbers": string_list(), "websites": string_list(), "emails": string_list(), "names": string_list()
                        }},
                        "remote_access": {"type": "object", "additionalProperties": false, "properties": {"tool": {"type": "string"}, "id": {"type": "string"}}},
                        "payment": {"type": "object", "additionalProperties": false, "required": ["method"], "properties": {
                            "method": {"type": "string", "enum": ["gift_card", "wire_transfer", "bank_transfer", "crypto", "credit_card", "cash", "payment_app", "other", "none"]},
                            "amount": {"type": "string", "pattern": "^[0-9]{1,12}(\\.[0-9]{1,4})?$"},
                            "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
                            "details": {"type": "string", "maxLength": 2000}
                        }},
                        "narrative": {"type": "string", "minLength": 1, "maxLength": 20000},
                        "reporter": {"type": "object", "additionalProperties": false, "description": "Personal data: encrypted at rest, never shared with partners.", "properties": {
                            "name": {"type": "string"}, "email": {"type": "string", "format": "email"}, "phone": {"type": "string"}, "may_contact": {"type": "boolean"}
                        }}
                    }
                },
                "Report": {
                    "type": "object",
                    "required": ["id", "reference", "received_at", "country", "contact_method", "narrative", "reporter"],
                    "properties": {
                        "id": {"type": "string"},
                        "reference": {"type": "string", "examples": ["TSS-2026-7KQ4M"]},
                        "received_at": {"type": "string", "format": "date-time"},
                        "source": {"type": "string", "enum": ["api", "form", "import", "demo"]},
                        "occurred_on": {"type": ["string", "null"], "format": "date"},
                        "country": {"type": "string"},
                        "language": {"type": ["string", "null"]},
                        "contact_method": {"type": "string"},
                        "impersonated_brand": {"type": ["object", "null"], "properties": {
                            "text": {"type": "string"},
                            "brand": {"type": ["object", "null"], "properties": {"slug": {"type": "string"}, "name": {"type": "string"}}}
                        }},
                        "scammer": {"type": "object"},
                        "remote_access": {"type": ["object", "null"]},
                        "payment": {"type": ["object", "null"]},
                        "narrative": {"type": "string"},
                        "reporter": {"type": "object", "description": "`{\"present\": bool}`; with `include=reporter`, also name, email, phone and may_contact.", "properties": {"present": {"type": "boolean"}}}
                    }
                }
            }
        },
        "paths": {
            "/api/v1/reports": {
                "post": {
                    "operationId": "createReport", "summary": "File a report (public, rate-limited)", "security": [],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewReport"}}}},
                    "responses": {
                        "201": {"description": "Stored durably.", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {
                            "type": "object", "required": ["id", "reference", "status"],
                            "properties": {"id": {"type": "string"}, "reference": {"type": "string"}, "status": {"const": "received"}}
                        }}}},
                        "400": error_response("The body is not JSON."),
                        "413": error_response("The body is too large."),
                        "415": error_response("The body is not sent as application/json."),
                        "422": error_response("Invalid fields; nothing was stored."),
                        "429": merge(error_response("Too many reports from this address."), json!({"headers": {"Retry-After": {"schema": {"type": "integer"}}}}))
                    }
                },
                "get": {
                    "operationId": "listReports", "summary": "List reports, newest first (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [
                        query("country", "ISO 3166-1 alpha-2", json!({"type": "string"})),
                        query("brand", "Known brand slug or name, e.g. microsoft", json!({"type": "string"})),
                        query("contact_method", "One of the contact methods", json!({"type": "string"})),
                        query("since", "Received at or after (date or RFC 3339)", json!({"type": "string"})),
                        query("until", "Received before (date: through that day; or RFC 3339)", json!({"type": "string"})),
                        query("q", "Words that must all occur in the narrative", json!({"type": "string", "maxLength": 200})),
                        query("limit", "Page size, default 50, at most 500", json!({"type": "integer", "minimum": 1, "maximum": 500})),
                        query("cursor", "next_cursor of the previous page", json!({"type": "string"}))
                    ],
                    "responses": merge(json!({
                        "200": {"description": "One page.", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["items", "next_cursor"],
                            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Report"}}, "next_cursor": {"type": ["string", "null"]}}
                        }}}},
                        "400": error_response("A filter is invalid.")
                    }), analyst_errors())
                }
            },
            "/api/v1/reports/{id}": {
                "get": {
                    "operationId": "getReport", "summary": "One report (analyst, admin); personal data only with include=reporter and a reason (analyst; audited)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [report_id, query("include", "`reporter` to include personal data", json!({"enum": ["reporter"]})), query("reason", "Why personal data is read (required with include=reporter; written to the audit log)", json!({"type": "string", "maxLength": 200}))],
                    "responses": merge(json!({
                        "200": {"description": "The report.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}},
                        "400": error_response("include without a reason."),
                        "404": error_response("No such report.")
                    }), analyst_errors())
                }
            },
            "/api/v1/clusters": {
                "get": {
                    "operationId": "listClusters", "summary": "Scam operations (clusters of two reports or more), largest, most recent or costliest first (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [
                        query("sort", "`size` (default), `recent` (last seen) or `losses` (USD estimate)", json!({"enum": ["size", "recent", "losses"]})),
                        query("brand", "Only clusters with a report impersonating this brand (slug)", json!({"type": "string"})),
                        query("country", "Only clusters with a victim in this country (ISO 3166-1 alpha-2)", json!({"type": "string"})),
                        query("value", "Only clusters holding this indicator, written any way", json!({"type": "string", "maxLength": 2000})),
                        query("kind", "The kind of `value` (found automatically when absent)", json!({"type": "string"})),
                        query("region", "Region for phone numbers written without a country code (default US)", json!({"type": "string"})),
                        query("limit", "Page size, 1 to 500 (default 50)", json!({"type": "integer", "minimum": 1, "maximum": 500}))
                    ],
                    "responses": merge(json!({
                        "200": {"description": "`{items: [ClusterSummary], total}`: each summary has `id`, `reports`, `first_seen`, `last_seen`, `countries`, `brands`, `contact_methods`, `payment_methods`, `remote_access_tools`, `losses` (per currency: sum, median, USD estimate), `losses_usd_estimate`, `activity_per_week`, `sources`, `organizations` (whose data the reports are: the submitting partner's or agency's organization, `\"\"` for victims' own reports) and `main_indicator` (the linking value most of its reports share).", "content": {"application/json": {}}},
                        "400": error_response("A bad parameter.")
                    }), analyst_errors())
                }
            },
            "/api/v1/clusters/{id}": {
                "get": {
                    "operationId": "getCluster", "summary": "One cluster: its summary, indicators with report counts, and a page of member reports (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [cluster_id.clone(), query("limit", "Members per page (default 50)", json!({"type": "integer"})), query("offset", "Members to skip", json!({"type": "integer"}))],
                    "responses": merge(json!({
                        "200": {"description": "The summary plus `indicators` (each with `cluster_reports`, `status` and `links`), `members`, `members_total` and `history` (merges and splits naming this cluster: `kind`, `cluster`, `other`, `by_report`, `at`).", "content": {"application/json": {}}},
                        "308": {"description": "The cluster merged into an older one: `Location` names it."},
                        "404": error_response("No such cluster.")
                    }), analyst_errors())
                }
            },
            "/api/v1/clusters/{id}/explain": {
                "get": {
                    "operationId": "explainCluster", "summary": "The shortest chain of shared indicators between two reports of a cluster (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [cluster_id, query("a", "A report id", json!({"type": "string", "format": "uuid"})), query("b", "Another report id", json!({"type": "string", "format": "uuid"}))],
                    "responses": merge(json!({
                        "200": {"description": "`{cluster, links, path}`: the path alternates reports and indicators.", "content": {"application/json": {}}},
                        "400": error_response("a or b missing, unknown, or not in this cluster."),
                        "404": error_response("No such cluster.")
                    }), analyst_errors())
                }
            },
            "/api/v1/indicators/{kind}/{value}": {
                "get": {
                    "operationId": "getIndicator", "summary": "One indicator, written any way, with the reports and clusters holding it (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [
                        {"name": "kind", "in": "path", "required": true, "schema": {"enum": ["phone", "domain", "url", "email", "ip", "remote_access", "crypto_wallet", "bank_account", "payment_handle", "gift_card", "brand"]}},
                        {"name": "value", "in": "path", "required": true, "schema": {"type": "string"}},
                        query("region", "Region for phone numbers written without a country code (default US)", json!({"type": "string"})),
                        query("limit", "Reports listed, newest first (default 50)", json!({"type": "integer"}))
                    ],
                    "responses": merge(json!({
                        "200": {"description": "`{kind, value (canonical), status, reports_total, reports, clusters}`.", "content": {"application/json": {}}},
                        "400": error_response("An unknown kind, or a value that is not one.")
                    }), analyst_errors())
                }
            },
            "/api/v1/over-linked": {
                "get": {
                    "operationId": "overLinked", "summary": "Values shared by an unusual number of reports: hubs that do not link, analysts' decisions, and linking values past half the threshold (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "responses": merge(json!({
                        "200": {"description": "`{hub_threshold, reports, items}`; each item has `kind`, `value`, `reports`, `status`, `links`, `hub` and `clusters` (distinct clusters its reports are in).", "content": {"application/json": {}}}
                    }), analyst_errors())
                }
            },
            "/api/v1/over-linked/{kind}/{value}": {
                "put": {
                    "operationId": "decideValue", "summary": "Decide whether a value links reports, overriding hub detection (analyst, admin; audited)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [
                        {"name": "kind", "in": "path", "required": true, "schema": {"enum": ["phone", "domain", "email", "ip", "remote_access", "crypto_wallet", "bank_account", "payment_handle", "gift_card"]}},
                        {"name": "value", "in": "path", "required": true, "description": "Written any way; canonicalized.", "schema": {"type": "string"}},
                        query("region", "Region for phone numbers written without a country code (default US)", json!({"type": "string"}))
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["decision", "reason"],
                        "properties": {
                            "decision": {"enum": ["linking", "not_linking", "automatic"], "description": "`automatic` withdraws the decision: the hub threshold applies again."},
                            "reason": {"type": "string", "minLength": 1, "maxLength": 500, "description": "Why (written to the audit log)."}
                        }
                    }}}},
                    "responses": merge(json!({
                        "200": {"description": "The value as correlation now sees it: `kind`, `value`, `reports`, `status`, `links`, `clusters`.", "content": {"application/json": {}}},
                        "400": error_response("A missing or bad decision or reason, or a kind that can never link."),
                        "415": error_response("Not JSON.")
                    }), analyst_errors())
                }
            },
            "/api/v1/lookup": {
                "get": {
                    "operationId": "lookup", "summary": "A value's verdict (`scam`, `suspicious`, `unknown`, `legitimate`) with its evidence and advice in the caller's language (public, rate-limited; staff see every sighting)",
                    "security": [{}, {"bearer": []}],
                    "parameters": [
                        query("value", "A phone number in any format, a URL (defanged or not), a domain, an email, a wallet, a remote-access id", json!({"type": "string", "maxLength": 2000})),
                        query("kind", "Force the kind instead of detecting it", json!({"type": "string"})),
                        query("region", "Region for phone numbers written without a country code (default US)", json!({"type": "string"}))
                    ],
                    "responses": {
                        "200": {"description": "`{input, kind, value (canonical), verdict, basis, evidence: {reports, independent_reports, organizations, first_seen, last_seen, brands}, expires_at, advice, report_url}`; for a URL judged by its domain, `domain`. Staff also get `possible_spoofing`, `scam_since`, `decision` and `watch`. Carries an `ETag`.", "content": {"application/json": {}}},
                        "304": {"description": "`If-None-Match` matched the ETag."},
                        "400": error_response("No value, a value holding nothing to look up, a bad kind or region."),
                        "429": error_response("Too many lookups from this address: see `Retry-After`.")
                    }
                },
                "post": {
                    "operationId": "lookupBatch", "summary": "Up to 500 values' verdicts at once (public, rate-limited by values)",
                    "security": [{}, {"bearer": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["values"],
                        "properties": {
                            "values": {"type": "array", "maxItems": 500, "items": {"type": "string"}},
                            "kind": {"type": "string"}, "region": {"type": "string"}
                        }
                    }}}},
                    "responses": {
                        "200": {"description": "`{items}` in the order asked: each the single lookup's answer, or `{input, error}`.", "content": {"application/json": {}}},
                        "400": error_response("Malformed JSON, no values, or more than 500."),
                        "415": error_response("Not JSON."),
                        "429": error_response("Too many lookups from this address.")
                    }
                }
            },
            "/api/v1/hashes": {
                "get": {
                    "operationId": "hashScheme", "summary": "How to compute a privacy-lookup hash (public)", "security": [{}],
                    "responses": {"200": {"description": "`{scheme, hash, prefix_hex_digits, bucket_url, kinds}`.", "content": {"application/json": {}}}}
                }
            },
            "/api/v1/hashes/{prefix}": {
                "get": {
                    "operationId": "hashBucket", "summary": "Privacy lookup: every full hash whose first 16 bits are `prefix`, with its verdict; the server never sees the value (public, rate-limited)",
                    "security": [{}, {"bearer": []}],
                    "parameters": [{"name": "prefix", "in": "path", "required": true, "description": "Four hex digits", "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{4}$"}}],
                    "responses": {
                        "200": {"description": "`{scheme, prefix, generated_at, items: [{hash, verdict, expires_at}]}`.", "content": {"application/json": {}}},
                        "304": {"description": "`If-None-Match` matched the ETag."},
                        "400": error_response("Not four hex digits."),
                        "429": error_response("Too many requests from this address.")
                    }
                }
            },
            "/api/v1/feeds/{name}": {
                "get": {
                    "operationId": "feed", "summary": "Blocklist feed of the values judged `scam`: `{kind}.{format}`, format one of csv, json, txt, hosts (domains), rpz (domains), stix (public)",
                    "security": [{}, {"bearer": []}],
                    "parameters": [
                        {"name": "name", "in": "path", "required": true, "description": "`phone.csv`, `domain.rpz`, `url.txt`, ...", "schema": {"type": "string"}},
                        query("since", "Only values listed after this time (RFC 3339)", json!({"type": "string", "format": "date-time"}))
                    ],
                    "responses": {
                        "200": {"description": "The feed, with `ETag` and `Last-Modified`.", "content": {"text/csv": {}, "application/json": {}, "text/plain": {}, "application/stix+json;version=2.1": {}}},
                        "304": {"description": "Nothing changed since `If-None-Match` / `If-Modified-Since`."},
                        "400": error_response("A bad `since`."),
                        "404": error_response("No such kind or format, or a format the kind has no feed in."),
                        "429": error_response("Too many requests from this address.")
                    }
                }
            },
            "/api/v1/domains/score": {
                "post": {
                    "operationId": "scoreDomains", "summary": "Score up to 1,000 domain names with the domain watch: brand lookalikes and fake-support domains, each with its reasons (public, rate-limited)",
                    "security": [{}, {"bearer": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["domains"],
                        "properties": {"domains": {"type": "array", "maxItems": 1000, "items": {"type": "string"}}}
                    }}}},
                    "responses": {
                        "200": {"description": "`{items}` in order: `status` `scored` (with `domain`, `unicode`, `score` 0-100, `brand`, `family` `lookalike` or `fake_support`, `reasons` [{code, points, detail}]), `clean`, `own` (a protected brand's own domain) or `not_a_domain`.", "content": {"application/json": {}}},
                        "400": error_response("Malformed JSON, no domains, or more than 1,000."),
                        "415": error_response("Not JSON."),
                        "429": error_response("Too many requests from this address.")
                    }
                }
            },
            "/api/v1/verdicts/spoofing": {
                "get": {
                    "operationId": "possibleSpoofing", "summary": "Values on the legitimate reference list that reports name: possible spoofing or attempts to get them blocked (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "responses": merge(json!({
                        "200": {"description": "`{items: [{kind, value, listed_as, reports, independent_reports, last_seen}]}`.", "content": {"application/json": {}}}
                    }), analyst_errors())
                }
            },
            "/api/v1/verdicts/{kind}/{value}": {
                "get": {
                    "operationId": "getVerdict", "summary": "A value's verdict as staff see it (analyst, admin)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [
                        {"name": "kind", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "value", "in": "path", "required": true, "description": "Written any way; canonicalized.", "schema": {"type": "string"}}
                    ],
                    "responses": merge(json!({
                        "200": {"description": "The lookup answer with `possible_spoofing`, `scam_since`, `decision` and `watch`.", "content": {"application/json": {}}},
                        "400": error_response("A bad kind or value.")
                    }), analyst_errors())
                },
                "put": {
                    "operationId": "decideVerdict", "summary": "Confirm a value as a scam, clear it as a false positive, or expire its evidence (analyst, admin; audited)",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [
                        {"name": "kind", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "value", "in": "path", "required": true, "description": "Written any way; canonicalized.", "schema": {"type": "string"}}
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["decision", "reason"],
                        "properties": {
                            "decision": {"enum": ["confirmed", "cleared", "expired"]},
                            "reason": {"type": "string", "minLength": 1, "maxLength": 1000, "description": "Why (written to the audit log)."}
                        }
                    }}}},
                    "responses": merge(json!({
                        "200": {"description": "The value's verdict after the decision, as staff see it.", "content": {"application/json": {}}},
                        "400": error_response("A bad kind, value, decision or reason."),
                        "415": error_response("Not JSON.")
                    }), analyst_errors())
                }
            },
            "/healthz": {"get": {"operationId": "health", "summary": "Liveness and database reachability", "security": [],
                "responses": {"200": {"description": "Up."}, "503": {"description": "The database is unreachable."}}}},
            "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus metrics (text format)", "security": [],
                "responses": {"200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This document", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1.", "content": {"application/json": {}}}}}}
        }
    });
    if let Some(paths) = doc["paths"].as_object_mut()
        && let Value::Object(cases) = case_paths()
    {
        paths.extend(cases);
    }
    doc
}

/// Cases, referral packages and the signing key.
fn case_paths() -> Value {
    let id = json!({"name": "id", "in": "path", "required": true, "description": "The case's id or its reference (`CASE-2026-7KQ4M`).", "schema": {"type": "string"}});
    let security = json!([{"bearer": []}, {"session": []}]);
    let body = |required: &[&str], properties: Value| {
        json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "additionalProperties": false, "properties": properties}}}})
    };
    let case_answer = json!({"description": "The case: `{id, reference, title, status, assignee, clusters, operations (clusters now, merges followed), referrals, notes, outcomes, agencies, packages, created_by, created_at, updated_at}`. Agencies' members see neither notes nor assignee.", "content": {"application/json": {}}});
    let change_errors = json!({
        "404": error_response("No such case, or not one the caller may see."),
        "409": error_response("The workflow does not allow it from the case's status (the details say why)."),
        "415": error_response("Not JSON."),
        "422": error_response("A field is wrong (the details name it).")
    });
    let change = |op: &str, summary: &str, required: &[&str], properties: Value| {
        json!({"post": {
            "operationId": op, "summary": summary, "security": security, "parameters": [id],
            "requestBody": body(required, properties),
            "responses": merge(merge(json!({"200": case_answer}), change_errors.clone()), analyst_errors())
        }})
    };
    json!({
        "/api/v1/cases": {
            "get": {
                "operationId": "listCases", "summary": "Cases the caller may see, most recently changed first (analyst, admin; law_enforcement: those referred to its agency)",
                "security": security,
                "parameters": [
                    {"name": "status", "in": "query", "required": false, "schema": {"enum": ["open", "referred", "actioned", "closed"]}},
                    {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 500}}
                ],
                "responses": merge(json!({"200": {"description": "`{items: [case], next_cursor: null}`.", "content": {"application/json": {}}}}), analyst_errors())
            },
            "post": {
                "operationId": "openCase", "summary": "Open a case over one or more clusters (analyst, admin; audited)",
                "security": security,
                "requestBody": body(&["title", "clusters"], json!({
                    "title": {"type": "string", "maxLength": 200},
                    "clusters": {"type": "array", "minItems": 1, "maxItems": 100, "items": {"type": ["string", "integer"]}},
                    "assignee": {"type": "string", "description": "An analyst's username."}
                })),
                "responses": merge(merge(json!({"201": case_answer}), change_errors.clone()), analyst_errors())
            }
        },
        "/api/v1/cases/{id}": {
            "get": {
                "operationId": "getCase", "summary": "One case with its packages (analyst, admin; law_enforcement: referred to its agency)",
                "security": security, "parameters": [id],
                "responses": merge(json!({"200": case_answer, "404": error_response("No such case, or not one the caller may see.")}), analyst_errors())
            },
            "patch": {
                "operationId": "updateCase", "summary": "Change the title, the assignee (null unassigns) or the status: actioned, closed, or open to reopen; referred is reached by a referral (analyst, admin; audited)",
                "security": security, "parameters": [id],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
                    "title": {"type": "string"}, "assignee": {"type": ["string", "null"]},
                    "status": {"enum": ["open", "actioned", "closed"]}, "reason": {"type": "string", "maxLength": 200}}}}}},
                "responses": merge(merge(json!({"200": case_answer}), change_errors.clone()), analyst_errors())
            }
        },
        "/api/v1/cases/{id}/notes": change("addCaseNote", "Append a note (analyst, admin; notes are never edited)", &["text"], json!({"text": {"type": "string", "maxLength": 10000}})),
        "/api/v1/cases/{id}/referrals": change("referCase", "Refer the case to an agency; an open case becomes referred (analyst, admin; audited)", &["agency"], json!({"agency": {"type": "string", "maxLength": 200}, "agency_reference": {"type": "string", "maxLength": 200}})),
        "/api/v1/cases/{id}/outcomes": change("addCaseOutcome", "Record an outcome: raids, arrests, numbers_disconnected, domains_suspended, accounts_frozen (with count) or money_recovered (with amount and currency) (analyst, admin)", &["kind", "date"], json!({
            "kind": {"enum": ["raids", "arrests", "numbers_disconnected", "domains_suspended", "accounts_frozen", "money_recovered"]},
            "count": {"type": "integer", "minimum": 1, "maximum": 1000000}, "amount": {"type": "string", "pattern": "^[0-9,]+(\\.[0-9]{1,2})?$"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "date": {"type": "string", "format": "date"},
            "agency": {"type": "string"}, "note": {"type": "string", "maxLength": 200}})),
        "/api/v1/cases/{id}/clusters": change("addCaseClusters", "Add clusters to the case (analyst, admin)", &["clusters"], json!({"clusters": {"type": "array", "minItems": 1, "items": {"type": ["string", "integer"]}}})),
        "/api/v1/cases/{id}/events": {"get": {
            "operationId": "caseEvents", "summary": "The case's history, oldest first: every change with who, when and what (analyst, admin)",
            "security": security, "parameters": [id],
            "responses": merge(json!({"200": {"description": "`{items: [{version, at, actor, action, data}], next_cursor: null}`.", "content": {"application/json": {}}}, "404": error_response("No such case.")}), analyst_errors())
        }},
        "/api/v1/cases/{id}/packages": {
            "get": {
                "operationId": "listCasePackages", "summary": "The case's referral packages the caller may download",
                "security": security, "parameters": [id],
                "responses": merge(json!({"200": {"description": "`{items: [{id, case_id, recipient, personal_data, exported_by, exported_at, sha256, size, href}]}`.", "content": {"application/json": {}}}, "404": error_response("No such case.")}), analyst_errors())
            },
            "post": {
                "operationId": "exportCasePackage", "summary": "Build, sign and store a referral package for an agency; victims' contact details only for a law-enforcement agency and only where reporters allowed contact (analyst, admin; audited)",
                "security": security, "parameters": [id],
                "requestBody": body(&["recipient"], json!({"recipient": {"type": "string", "maxLength": 200, "description": "The agency (an organization)."}})),
                "responses": merge(merge(json!({"201": {"description": "The package's listing.", "content": {"application/json": {}}}}), change_errors.clone()), analyst_errors())
            }
        },
        "/api/v1/packages/{id}": {"get": {
            "operationId": "downloadPackage", "summary": "A referral package, the zip exactly as signed (analyst, admin; law_enforcement: packages for its agency; audited)",
            "security": security,
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": merge(json!({"200": {"description": "The zip.", "content": {"application/zip": {}}}, "404": error_response("No such package, or not one the caller may download.")}), analyst_errors())
        }},
        "/api/v1/outcomes": {"get": {
            "operationId": "caseOutcomes", "summary": "Cases by status, referrals by agency, and totals of raids, arrests, numbers disconnected, domains suspended, accounts frozen and money recovered",
            "security": security,
            "responses": merge(json!({"200": {"description": "The figures.", "content": {"application/json": {}}}}), analyst_errors())
        }},
        "/.well-known/scamtrace-signing-key": {"get": {
            "operationId": "signingKey", "summary": "The Ed25519 public key referral packages are signed with: `{algorithm, key_id, public_key, public_key_pem, instance, format}`; `?format=pem` for the PEM alone",
            "security": [],
            "responses": {"200": {"description": "The key.", "content": {"application/json": {}, "application/x-pem-file": {}}}}
        }}
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ROUTES;

    #[test]
    fn every_api_route_is_documented() {
        let doc = document();
        for route in ROUTES.iter().filter(|r| r.api) {
            let op = &doc["paths"][route.path][route.method.to_ascii_lowercase()];
            assert!(
                op.is_object(),
                "{} {} is missing from the OpenAPI document",
                route.method,
                route.path
            );
            assert!(
                op["responses"].is_object() && op["operationId"].is_string(),
                "{} {}",
                route.method,
                route.path
            );
        }
        let documented: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| p.as_object().unwrap().len())
            .sum();
        assert_eq!(
            documented,
            ROUTES.iter().filter(|r| r.api).count(),
            "documented operations that are not routes"
        );
    }
}
