//! How stored reports look from outside, and the list query shared by the API and the pages.

use std::collections::HashMap;

use scamtrace_model::{ContactMethod, Country, Day, KNOWN_BRANDS, Reporter};
use scamtrace_store::{Cursor, ReportFilter, StoredReport};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::error::ApiError;

pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A report as the API returns it. Personal data appears only when `reporter` is given, which
/// callers do after checking the role and writing the audit event.
pub fn report_json(r: &StoredReport, reporter: Option<&Reporter>) -> Value {
    let reporter_json = match (reporter, &r.reporter_sealed) {
        (Some(p), _) => json!({
            "present": true, "name": p.name, "email": p.email, "phone": p.phone, "may_contact": p.may_contact
        }),
        (None, sealed) => json!({"present": sealed.is_some()}),
    };
    json!({
        "id": r.id,
        "reference": r.reference,
        "received_at": rfc3339(r.received_at),
        "source": r.source,
        "organization": r.organization,
        "occurred_on": r.occurred_on,
        "country": r.country,
        "language": r.language,
        "contact_method": r.contact_method,
        "impersonated_brand": r.impersonated_brand,
        "scammer": r.details.scammer,
        "remote_access": r.details.remote_access,
        "payment": r.details.payment,
        "narrative": r.narrative,
        "reporter": reporter_json,
        "indicators": r.indicators.iter().map(scamtrace_intake::indicator_json).collect::<Vec<_>>(),
    })
}

/// The filters of `GET /api/v1/reports` and of the reports page, validated.
pub fn parse_filter(params: &HashMap<String, String>) -> Result<ReportFilter, ApiError> {
    let bad = |field: &str, code: &'static str| ApiError::BadRequest {
        field: field.to_string(),
        code,
    };
    let given = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut filter = ReportFilter::default();
    if let Some(c) = given("country") {
        filter.country = Some(
            Country::parse(c)
                .ok_or_else(|| bad("country", "invalid_country"))?
                .to_string(),
        );
    }
    if let Some(b) = given("brand") {
        let b = b.to_ascii_lowercase();
        let brand = KNOWN_BRANDS
            .iter()
            .find(|k| k.slug == b || k.name.eq_ignore_ascii_case(&b))
            .ok_or_else(|| bad("brand", "invalid_value"))?;
        filter.brand = Some(brand.slug.to_string());
    }
    if let Some(m) = given("contact_method") {
        filter.contact_method = Some(
            ContactMethod::parse(m)
                .ok_or_else(|| bad("contact_method", "invalid_value"))?
                .as_str()
                .to_string(),
        );
    }
    if let Some(s) = given("since") {
        filter.since = Some(parse_instant(s, false).ok_or_else(|| bad("since", "invalid_date"))?);
    }
    if let Some(u) = given("until") {
        filter.until = Some(parse_instant(u, true).ok_or_else(|| bad("until", "invalid_date"))?);
    }
    if let Some(q) = given("q") {
        if q.chars().count() > 200 {
            return Err(bad("q", "too_long"));
        }
        filter.q = Some(q.to_string());
    }
    if let Some(l) = given("limit") {
        let n: u32 = l.parse().map_err(|_| bad("limit", "invalid_value"))?;
        if n == 0 {
            return Err(bad("limit", "invalid_value"));
        }
        filter.limit = n.min(500);
    }
    if let Some(c) = given("cursor") {
        filter.cursor = Some(Cursor::decode(c).ok_or_else(|| bad("cursor", "invalid_value"))?);
    }
    Ok(filter)
}

/// A date (`2026-11-01`, the start of that day UTC; for `until`, the start of the next day, so
/// the day itself is included) or an RFC 3339 instant.
fn parse_instant(s: &str, end_of_day: bool) -> Option<time::OffsetDateTime> {
    if let Some(day) = Day::parse(s) {
        let date = if end_of_day { day.0.next_day()? } else { day.0 };
        return Some(date.midnight().assume_utc());
    }
    time::OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The filter written back as query parameters, for "next page" links.
pub fn filter_query(params: &HashMap<String, String>, cursor: &Cursor) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    let mut keys: Vec<_> = params
        .keys()
        .filter(|k| *k != "cursor" && *k != "lang")
        .collect();
    keys.sort();
    for k in keys {
        ser.append_pair(k, &params[k]);
    }
    ser.append_pair("cursor", &cursor.encode());
    ser.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn filters_are_validated_and_normalized() {
        let f = parse_filter(&params(&[
            ("country", "jp"),
            ("brand", "Microsoft"),
            ("since", "2026-11-01"),
            ("until", "2026-11-01"),
            ("limit", "900"),
        ]))
        .unwrap();
        assert_eq!(f.country.as_deref(), Some("JP"));
        assert_eq!(f.brand.as_deref(), Some("microsoft"));
        assert_eq!(f.limit, 500);
        assert_eq!(f.until.unwrap() - f.since.unwrap(), time::Duration::days(1));
        for (k, v) in [
            ("country", "XX"),
            ("brand", "acme"),
            ("contact_method", "fax"),
            ("since", "yesterday"),
            ("limit", "ten"),
            ("limit", "0"),
            ("cursor", "zzz"),
        ] {
            assert!(parse_filter(&params(&[(k, v)])).is_err(), "{k}={v}");
        }
    }
}
