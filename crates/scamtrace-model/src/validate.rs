//! Turning untrusted JSON into a [`NewReport`], or into every reason it cannot be one.
//!
//! Validation walks the JSON value by hand instead of deriving `Deserialize`, so that one request
//! gets *all* its field errors at once, each with an exact path (`scammer.phone_numbers[2]`).

use serde_json::{Map, Value};

use crate::{
    Amount, BrandClaim, ContactMethod, Country, Currency, Day, ErrorCode, FieldError, LanguageTag,
    NewReport, Payment, PaymentMethod, RemoteAccess, Reporter, Scammer,
};

/// Size limits on a report. Lengths count Unicode characters, not bytes.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub narrative_chars: usize,
    pub short_text_chars: usize,
    pub website_chars: usize,
    pub email_chars: usize,
    pub details_chars: usize,
    pub list_items: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        narrative_chars: 20_000,
        short_text_chars: 200,
        website_chars: 2_048,
        email_chars: 254,
        details_chars: 2_000,
        list_items: 20,
    };
}

/// Validates a report against [`Limits::DEFAULT`], with today's UTC date as "now".
pub fn parse_report(input: &Value) -> Result<NewReport, Vec<FieldError>> {
    let today = time::OffsetDateTime::now_utc().date();
    parse_report_with(input, &Limits::DEFAULT, today)
}

/// Validates a report. `today` bounds `occurred_on` (one day of slack for time zones ahead of UTC).
pub fn parse_report_with(
    input: &Value,
    limits: &Limits,
    today: time::Date,
) -> Result<NewReport, Vec<FieldError>> {
    let mut v = Validator {
        errors: Vec::new(),
        limits,
    };
    let Some(obj) = input.as_object() else {
        return Err(vec![
            FieldError::new("", ErrorCode::InvalidType).with_expected("a JSON object"),
        ]);
    };
    v.unknown_fields(
        "",
        obj,
        &[
            "occurred_on",
            "country",
            "language",
            "contact_method",
            "impersonated_brand",
            "scammer",
            "remote_access",
            "payment",
            "narrative",
            "reporter",
        ],
    );

    let occurred_on = v.string(obj, "", "occurred_on", 10).and_then(|s| {
        let day = Day::parse(&s);
        match day {
            None => v.fail("occurred_on", ErrorCode::InvalidDate),
            Some(d) if d.0 > today.next_day().unwrap_or(today) => {
                v.fail("occurred_on", ErrorCode::FutureDate)
            }
            Some(d) => Some(d),
        }
    });
    let country = v.required(obj, "", "country").and_then(|_| {
        let s = v.string(obj, "", "country", 2)?;
        Country::parse(&s).or_else(|| v.fail("country", ErrorCode::InvalidCountry))
    });
    let language = v.string(obj, "", "language", 35).and_then(|s| {
        LanguageTag::parse(&s).or_else(|| v.fail("language", ErrorCode::InvalidLanguage))
    });
    let contact_method = v.required(obj, "", "contact_method").and_then(|_| {
        v.choice(
            obj,
            "",
            "contact_method",
            ContactMethod::parse,
            &ContactMethod::ALL.map(|m| m.as_str()),
        )
    });
    let impersonated_brand = v
        .string(obj, "", "impersonated_brand", limits.short_text_chars)
        .map(|s| BrandClaim::from_text(&s));
    let scammer = v
        .object(obj, "", "scammer")
        .map(|s| v.scammer(s))
        .unwrap_or_default();
    let remote_access = v
        .object(obj, "", "remote_access")
        .and_then(|r| v.remote_access(r));
    let payment = v.object(obj, "", "payment").and_then(|p| v.payment(p));
    let narrative = v.required(obj, "", "narrative").and_then(|_| {
        let before = v.errors.len();
        let text = v.text(obj, "", "narrative", limits.narrative_chars, true);
        if text.is_none() && v.errors.len() == before {
            v.push(FieldError::new("narrative", ErrorCode::Required));
        }
        text
    });
    let reporter = v.object(obj, "", "reporter").and_then(|r| v.reporter(r));

    match (country, contact_method, narrative) {
        (Some(country), Some(contact_method), Some(narrative)) if v.errors.is_empty() => {
            Ok(NewReport {
                occurred_on,
                country,
                language,
                contact_method,
                impersonated_brand,
                scammer,
                remote_access,
                payment,
                narrative,
                reporter,
            })
        }
        _ => Err(v.errors),
    }
}

struct Validator<'a> {
    errors: Vec<FieldError>,
    limits: &'a Limits,
}

fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl Validator<'_> {
    fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    fn fail<T>(&mut self, field: &str, code: ErrorCode) -> Option<T> {
        self.push(FieldError::new(field, code));
        None
    }

    fn unknown_fields(&mut self, parent: &str, obj: &Map<String, Value>, known: &[&str]) {
        let mut unknown: Vec<&String> = obj
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        unknown.sort();
        for key in unknown {
            // The key is attacker-chosen: cap what we echo back.
            let shown: String = key.chars().take(64).collect();
            self.push(FieldError::new(
                path(parent, &shown),
                ErrorCode::UnknownField,
            ));
        }
    }

    /// Present and not null; records `required` otherwise.
    fn required(&mut self, obj: &Map<String, Value>, parent: &str, key: &str) -> Option<()> {
        match obj.get(key) {
            None | Some(Value::Null) => self.fail(&path(parent, key), ErrorCode::Required),
            Some(_) => Some(()),
        }
    }

    /// An optional single-line string. Blank counts as absent.
    fn string(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        max: usize,
    ) -> Option<String> {
        self.text(obj, parent, key, max, false)
    }

    fn text(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        let field = path(parent, key);
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => self.clean(&field, s, max, multiline),
            Some(_) => {
                self.push(FieldError::new(field, ErrorCode::InvalidType).with_expected("a string"));
                None
            }
        }
    }

    /// Trims, normalizes line ends, and refuses control characters (NUL above all: it would not
    /// survive PostgreSQL) and over-long text. Blank text is treated as absent.
    fn clean(&mut self, field: &str, raw: &str, max: usize, multiline: bool) -> Option<String> {
        let s = if multiline {
            raw.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            raw.to_string()
        };
        let s = s.trim();
        let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\t'));
        if !s.chars().all(allowed) {
            return self.fail(field, ErrorCode::InvalidCharacters);
        }
        if s.chars().count() > max {
            self.push(FieldError::new(field, ErrorCode::TooLong).with_limit(max));
            return None;
        }
        if s.is_empty() {
            return None;
        }
        Some(s.to_string())
    }

    fn choice<T>(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        let field = path(parent, key);
        let s = self.string(obj, parent, key, 64)?;
        parse(&s).or_else(|| {
            self.push(
                FieldError::new(field, ErrorCode::InvalidValue).with_expected(allowed.join(", ")),
            );
            None
        })
    }

    fn object<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'v Map<String, Value>> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => Some(o),
            Some(_) => {
                self.push(
                    FieldError::new(path(parent, key), ErrorCode::InvalidType)
                        .with_expected("an object"),
                );
                None
            }
        }
    }

    /// An optional list of short strings; blank entries are dropped, duplicates kept once.
    fn list(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        max_chars: usize,
        check: impl Fn(&str) -> Option<ErrorCode>,
    ) -> Vec<String> {
        let field = path(parent, key);
        let items = match obj.get(key) {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            // A single string where a list was expected is what people mean; accept it.
            Some(Value::String(_)) => std::slice::from_ref(&obj[key]),
            Some(_) => {
                self.push(
                    FieldError::new(field, ErrorCode::InvalidType)
                        .with_expected("a list of strings"),
                );
                return Vec::new();
            }
        };
        if items.len() > self.limits.list_items {
            self.push(
                FieldError::new(field, ErrorCode::TooMany).with_limit(self.limits.list_items),
            );
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_field = format!("{field}[{i}]");
            let Some(s) = item.as_str() else {
                self.push(
                    FieldError::new(item_field, ErrorCode::InvalidType).with_expected("a string"),
                );
                continue;
            };
            if let Some(s) = self.clean(&item_field, s, max_chars, false) {
                if let Some(code) = check(&s) {
                    self.push(FieldError::new(item_field, code));
                } else if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn scammer(&mut self, obj: &Map<String, Value>) -> Scammer {
        self.unknown_fields(
            "scammer",
            obj,
            &["phone_numbers", "websites", "emails", "names"],
        );
        let short = self.limits.short_text_chars;
        Scammer {
            phone_numbers: self.list(obj, "scammer", "phone_numbers", 64, check_phone),
            websites: self.list(
                obj,
                "scammer",
                "websites",
                self.limits.website_chars,
                |_| None,
            ),
            emails: self.list(
                obj,
                "scammer",
                "emails",
                self.limits.email_chars,
                check_email,
            ),
            names: self.list(obj, "scammer", "names", short, |_| None),
        }
    }

    fn remote_access(&mut self, obj: &Map<String, Value>) -> Option<RemoteAccess> {
        self.unknown_fields("remote_access", obj, &["tool", "id"]);
        let tool = self.string(obj, "remote_access", "tool", 100);
        let id = self.string(obj, "remote_access", "id", 200);
        (tool.is_some() || id.is_some()).then_some(RemoteAccess { tool, id })
    }

    fn payment(&mut self, obj: &Map<String, Value>) -> Option<Payment> {
        self.unknown_fields("payment", obj, &["method", "amount", "currency", "details"]);
        let before = self.errors.len();
        let method = match obj.get("method") {
            None | Some(Value::Null) => self.fail("payment.method", ErrorCode::Required),
            Some(_) => self.choice(
                obj,
                "payment",
                "method",
                PaymentMethod::parse,
                &PaymentMethod::ALL.map(|m| m.as_str()),
            ),
        };
        let amount = match obj.get("amount") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => {
                Amount::parse(s).or_else(|| self.fail("payment.amount", ErrorCode::InvalidAmount))
            }
            Some(_) => {
                self.push(
                    FieldError::new("payment.amount", ErrorCode::InvalidType)
                        .with_expected("a decimal string such as \"500.00\""),
                );
                None
            }
        };
        let currency = self.string(obj, "payment", "currency", 3).and_then(|s| {
            Currency::parse(&s)
                .or_else(|| self.fail("payment.currency", ErrorCode::InvalidCurrency))
        });
        let currency_error = self.errors.iter().any(|e| e.field == "payment.currency");
        if amount.is_some() && currency.is_none() && !currency_error {
            self.push(FieldError::new("payment.currency", ErrorCode::Required));
        }
        let details = self.text(obj, "payment", "details", self.limits.details_chars, true);
        if self.errors.len() != before {
            return None;
        }
        Some(Payment {
            method: method?,
            amount,
            currency,
            details,
        })
    }

    fn reporter(&mut self, obj: &Map<String, Value>) -> Option<Reporter> {
        self.unknown_fields("reporter", obj, &["name", "email", "phone", "may_contact"]);
        let name = self.string(obj, "reporter", "name", self.limits.short_text_chars);
        let email = self
            .string(obj, "reporter", "email", self.limits.email_chars)
            .and_then(|e| match check_email(&e) {
                Some(code) => self.fail("reporter.email", code),
                None => Some(e),
            });
        let phone = self
            .string(obj, "reporter", "phone", 64)
            .and_then(|p| match check_phone(&p) {
                Some(code) => self.fail("reporter.phone", code),
                None => Some(p),
            });
        let may_contact = match obj.get("may_contact") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.push(
                    FieldError::new("reporter.may_contact", ErrorCode::InvalidType)
                        .with_expected("true or false"),
                );
                false
            }
        };
        (name.is_some() || email.is_some() || phone.is_some()).then_some(Reporter {
            name,
            email,
            phone,
            may_contact,
        })
    }
}

fn check_email(s: &str) -> Option<ErrorCode> {
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    };
    (!ok).then_some(ErrorCode::InvalidEmail)
}

/// Victims write numbers every way there is (`1-8OO-FIX-MYPC`, `０１２０…`); extraction normalizes
/// them later. Here a number only has to hold some digits.
fn check_phone(s: &str) -> Option<ErrorCode> {
    let has_digit = s.chars().any(|c| c.is_numeric());
    let symbols = s.chars().filter(|c| c.is_alphanumeric()).count();
    (!has_digit || symbols < 3).then_some(ErrorCode::InvalidPhone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> time::Date {
        time::macros::date!(2026 - 11 - 28)
    }

    fn parse(v: Value) -> Result<NewReport, Vec<FieldError>> {
        parse_report_with(&v, &Limits::DEFAULT, today())
    }

    fn codes(v: Value) -> Vec<(String, &'static str)> {
        parse(v)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    fn full() -> Value {
        json!({
            "occurred_on": "2026-11-02",
            "country": "US",
            "language": "en-US",
            "contact_method": "phone_call",
            "impersonated_brand": "Microsoft support",
            "scammer": {
                "phone_numbers": ["+1 (888) 555-0142", "1-8OO-FIX-MYPC"],
                "websites": ["ms-help-desk[.]com"],
                "emails": ["support@ms-help.example"],
                "names": ["Steve"]
            },
            "remote_access": {"tool": "AnyDesk", "id": "123 456 789"},
            "payment": {"method": "gift_card", "amount": "500.00", "currency": "usd", "details": "Google Play"},
            "narrative": "He said he was from Microsoft.\r\nThen he asked for cards.",
            "reporter": {"name": "Pat", "email": "pat@example.com", "phone": "555-0100", "may_contact": true}
        })
    }

    #[test]
    fn a_complete_report_is_accepted_and_normalized() {
        let r = parse(full()).unwrap();
        assert_eq!(r.country.as_str(), "US");
        assert_eq!(r.language.unwrap().as_str(), "en-US");
        assert_eq!(r.contact_method, ContactMethod::PhoneCall);
        assert_eq!(
            r.impersonated_brand.unwrap().brand.unwrap().slug,
            "microsoft"
        );
        assert_eq!(r.scammer.phone_numbers.len(), 2);
        let p = r.payment.unwrap();
        assert_eq!(
            (p.amount.unwrap().as_str(), p.currency.unwrap().as_str()),
            ("500.00", "USD")
        );
        assert_eq!(
            r.narrative,
            "He said he was from Microsoft.\nThen he asked for cards."
        );
        assert!(r.reporter.unwrap().may_contact);
    }

    #[test]
    fn a_minimal_report_is_accepted() {
        let r = parse(json!({"country": "jp", "contact_method": "popup", "narrative": "偽の警告"}))
            .unwrap();
        assert_eq!(r.country.as_str(), "JP");
        assert!(r.reporter.is_none() && r.payment.is_none() && r.scammer.is_empty());
    }

    #[test]
    fn missing_required_fields_are_each_named() {
        assert_eq!(
            codes(json!({})),
            [
                ("country".into(), "required"),
                ("contact_method".into(), "required"),
                ("narrative".into(), "required")
            ]
        );
    }

    #[test]
    fn blank_narrative_is_missing() {
        assert_eq!(
            codes(json!({"country": "US", "contact_method": "popup", "narrative": "  \n "})),
            [("narrative".to_string(), "required")]
        );
    }

    #[test]
    fn unknown_enum_values_list_what_is_allowed() {
        let mut v = full();
        v["contact_method"] = json!("carrier_pigeon");
        v["payment"]["method"] = json!("IOU");
        let errors = parse(v).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, "contact_method");
        assert_eq!(errors[0].code, ErrorCode::InvalidValue);
        assert!(
            errors[0]
                .expected
                .as_deref()
                .unwrap()
                .contains("phone_call")
        );
        assert_eq!(errors[1].field, "payment.method");
    }

    #[test]
    fn oversized_narrative_is_refused_with_its_limit() {
        let mut v = full();
        v["narrative"] = json!("あ".repeat(20_001));
        let errors = parse(v.clone()).unwrap_err();
        assert_eq!(errors[0].field, "narrative");
        assert_eq!(errors[0].code, ErrorCode::TooLong);
        assert_eq!(errors[0].limit, Some(20_000));
        v["narrative"] = json!("あ".repeat(20_000));
        assert!(parse(v).is_ok(), "the limit counts characters, not bytes");
    }

    #[test]
    fn every_bad_field_is_reported_with_its_path() {
        let v = json!({
            "occurred_on": "2030-01-01",
            "country": "XX",
            "language": "not a tag",
            "contact_method": 3,
            "scammer": {"phone_numbers": ["call me", 5], "emails": ["nobody"], "fax": []},
            "payment": {"method": "crypto", "amount": 12.5},
            "narrative": "a\u{0}b",
            "reporter": {"email": "x", "may_contact": "yes"},
            "victim_ssn": "123"
        });
        let got = codes(v);
        let want = [
            ("victim_ssn", "unknown_field"),
            ("occurred_on", "future_date"),
            ("country", "invalid_country"),
            ("language", "invalid_language"),
            ("contact_method", "invalid_type"),
            ("scammer.fax", "unknown_field"),
            ("scammer.phone_numbers[0]", "invalid_phone"),
            ("scammer.phone_numbers[1]", "invalid_type"),
            ("scammer.emails[0]", "invalid_email"),
            ("payment.amount", "invalid_type"),
            ("narrative", "invalid_characters"),
            ("reporter.email", "invalid_email"),
            ("reporter.may_contact", "invalid_type"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(f, c)| (f.to_string(), *c)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn amount_needs_a_currency() {
        let v = json!({"country": "US", "contact_method": "popup", "narrative": "x",
            "payment": {"method": "gift_card", "amount": "100"}});
        assert_eq!(codes(v), [("payment.currency".to_string(), "required")]);
    }

    #[test]
    fn lists_are_capped_and_deduplicated() {
        let mut v = full();
        v["scammer"]["names"] = json!((0..21).map(|i| format!("n{i}")).collect::<Vec<_>>());
        assert_eq!(
            codes(v.clone()),
            [("scammer.names".to_string(), "too_many")]
        );
        v["scammer"]["names"] = json!(["Steve", " Steve ", ""]);
        assert_eq!(parse(v).unwrap().scammer.names, ["Steve"]);
    }

    #[test]
    fn non_objects_are_refused() {
        assert_eq!(codes(json!([1, 2])), [(String::new(), "invalid_type")]);
    }

    #[test]
    fn dates_allow_one_day_of_time_zone_slack() {
        let mut v = full();
        v["occurred_on"] = json!("2026-11-29");
        assert!(parse(v.clone()).is_ok());
        v["occurred_on"] = json!("2026-02-30");
        assert_eq!(codes(v), [("occurred_on".to_string(), "invalid_date")]);
    }
}
