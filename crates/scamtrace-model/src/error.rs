//! Field-level validation errors: a path into the input, a stable code, and what the limit was.

use serde::Serialize;

/// Why one field of the input was refused. Codes are stable API: clients and translations key on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    InvalidType,
    UnknownField,
    InvalidValue,
    InvalidCharacters,
    Empty,
    TooLong,
    TooMany,
    InvalidDate,
    FutureDate,
    InvalidCountry,
    InvalidLanguage,
    InvalidCurrency,
    InvalidAmount,
    InvalidEmail,
    InvalidPhone,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::InvalidCharacters => "invalid_characters",
            ErrorCode::Empty => "empty",
            ErrorCode::TooLong => "too_long",
            ErrorCode::TooMany => "too_many",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::FutureDate => "future_date",
            ErrorCode::InvalidCountry => "invalid_country",
            ErrorCode::InvalidLanguage => "invalid_language",
            ErrorCode::InvalidCurrency => "invalid_currency",
            ErrorCode::InvalidAmount => "invalid_amount",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidPhone => "invalid_phone",
        }
    }
}

/// One refused field. `limit` and `expected` carry what a message needs ("at most {limit}
/// characters", "one of {expected}"); they never echo the submitted value, which may be personal
/// data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Path into the input, e.g. `scammer.phone_numbers[0]`.
    pub field: String,
    pub code: ErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode) -> Self {
        FieldError {
            field: field.into(),
            code,
            limit: None,
            expected: None,
        }
    }

    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// The English message, used when no translation applies (CLI output, import summaries).
    pub fn message_en(&self) -> String {
        let limit = self.limit.unwrap_or_default();
        let expected = self.expected.as_deref().unwrap_or("");
        match self.code {
            ErrorCode::Required => "This field is required.".into(),
            ErrorCode::InvalidType => format!("Expected {expected}."),
            ErrorCode::UnknownField => "This field is not part of a report.".into(),
            ErrorCode::InvalidValue => format!("Must be one of: {expected}."),
            ErrorCode::InvalidCharacters => "Contains characters that are not allowed here.".into(),
            ErrorCode::Empty => "Must not be empty.".into(),
            ErrorCode::TooLong => format!("Must be at most {limit} characters."),
            ErrorCode::TooMany => format!("At most {limit} entries are allowed."),
            ErrorCode::InvalidDate => "Must be a date written as YYYY-MM-DD.".into(),
            ErrorCode::FutureDate => "Must not be in the future.".into(),
            ErrorCode::InvalidCountry => {
                "Must be a two-letter ISO 3166-1 country code, such as US or JP.".into()
            }
            ErrorCode::InvalidLanguage => {
                "Must be a BCP 47 language tag, such as en or ja-JP.".into()
            }
            ErrorCode::InvalidCurrency => {
                "Must be a three-letter ISO 4217 currency code, such as USD.".into()
            }
            ErrorCode::InvalidAmount => {
                "Must be a non-negative amount written as digits, such as 500 or 129.99.".into()
            }
            ErrorCode::InvalidEmail => "Must be an email address, such as name@example.com.".into(),
            ErrorCode::InvalidPhone => "Must be a phone number (it needs digits).".into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message_en())
    }
}
