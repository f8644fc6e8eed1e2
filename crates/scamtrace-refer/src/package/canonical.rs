//! The RFC 8785 (JSON Canonicalization Scheme) form of the JSON values a manifest holds, the bytes
//! its signature covers.
//!
//! RFC 8785 sorts object keys by their UTF-16 code units, writes no whitespace, escapes strings as
//! ECMAScript's `JSON.stringify` does (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other characters
//! below U+0020 as lowercase `\u00xx`, everything else literal: serde_json's escaping exactly) and
//! writes numbers as ECMAScript does. Only integers within ±(2^53 − 1) are accepted, where that is
//! plain decimal; any other number is refused rather than risk a form another implementation
//! would not reproduce.

use serde_json::Value;

/// The largest integer ECMAScript numbers (and so RFC 8785) hold exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `value` in canonical form, or why it has none here (a fraction or an integer beyond 2^53).
pub(crate) fn canonical(value: &Value) -> Result<String, String> {
    let mut out = String::new();
    write(value, &mut out)?;
    Ok(out)
}

fn write(value: &Value, out: &mut String) -> Result<(), String> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64().filter(|u| *u <= MAX_SAFE_INTEGER) {
                out.push_str(&u.to_string());
            } else if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() <= MAX_SAFE_INTEGER) {
                out.push_str(&i.to_string());
            } else {
                return Err(format!(
                    "the number {n} is not an integer within ±(2^53 - 1), which the canonical form requires"
                ));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// A JSON string literal escaped as RFC 8785 requires (and serde_json does).
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}
