//! The case workflow: what a case holds and which changes it accepts.
//!
//! A case is an investigation over one or more clusters. It moves through `open`, `referred`
//! (to one or more agencies), `actioned` (an agency acted) and `closed`, and a closed case can
//! be reopened. Notes are append-only; outcomes are structured so that the dashboard can add
//! them up. Every accepted change is one event (who, when, what) that the caller stores with the
//! new state, so the event list is the case's audit trail.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Longest title, agency name and outcome note, in characters.
pub const MAX_LINE: usize = 200;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 10_000;
/// Most clusters in one case.
pub const MAX_CLUSTERS: usize = 100;
/// Largest count in one outcome (arrests, numbers disconnected ...).
pub const MAX_COUNT: u64 = 1_000_000;

/// Where a case is in its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Referred,
    Actioned,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Referred,
        Status::Actioned,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Referred => "referred",
            Status::Actioned => "actioned",
            Status::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an agency did, as data the dashboard adds up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Searches or raids of premises.
    Raids,
    Arrests,
    NumbersDisconnected,
    DomainsSuspended,
    AccountsFrozen,
    MoneyRecovered,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 6] = [
        OutcomeKind::Raids,
        OutcomeKind::Arrests,
        OutcomeKind::NumbersDisconnected,
        OutcomeKind::DomainsSuspended,
        OutcomeKind::AccountsFrozen,
        OutcomeKind::MoneyRecovered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Raids => "raids",
            OutcomeKind::Arrests => "arrests",
            OutcomeKind::NumbersDisconnected => "numbers_disconnected",
            OutcomeKind::DomainsSuspended => "domains_suspended",
            OutcomeKind::AccountsFrozen => "accounts_frozen",
            OutcomeKind::MoneyRecovered => "money_recovered",
        }
    }

    pub fn parse(text: &str) -> Option<OutcomeKind> {
        OutcomeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
    }

    /// English label for documents and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Raids => "searches or raids",
            OutcomeKind::Arrests => "arrests",
            OutcomeKind::NumbersDisconnected => "phone numbers disconnected",
            OutcomeKind::DomainsSuspended => "domains suspended",
            OutcomeKind::AccountsFrozen => "accounts frozen",
            OutcomeKind::MoneyRecovered => "money recovered",
        }
    }
}

/// An agency's referral: to whom, when, by whom, and the agency's own reference if it gave one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub agency: String,
    #[serde(with = "time::serde::rfc3339")]
    pub referred_at: OffsetDateTime,
    pub referred_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_reference: Option<String>,
}

/// An append-only note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub author: String,
    pub text: String,
}

/// One recorded outcome. Money carries an amount and a currency; the others a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// How many (1 for money).
    pub count: u64,
    /// Money recovered: a decimal string with at most two places, and its ISO 4217 code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// When it happened (`YYYY-MM-DD`).
    pub date: String,
    /// The agency that acted, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// A case's whole state, as stored (JSON) and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub status: Status,
    /// The assigned analyst's username.
    #[serde(default)]
    pub assignee: Option<String>,
    /// The clusters as they were added (ids at the time). An absorbed cluster's id still names
    /// the cluster that absorbed it, so the case follows merges.
    pub clusters: Vec<u64>,
    #[serde(default)]
    pub referrals: Vec<Referral>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// An outcome as asked for, before it is recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub kind: String,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    pub date: String,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A change to a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Retitle(String),
    Assign(Option<String>),
    AddClusters(Vec<u64>),
    /// Refer to an agency (with its reference, if it gave one): the case becomes `referred`
    /// unless an agency acted on it already.
    Refer {
        agency: String,
        agency_reference: Option<String>,
    },
    /// Move to `actioned`, `closed`, or back to `open` (reopen). `referred` is reached by
    /// referring.
    SetStatus {
        status: Status,
        reason: Option<String>,
    },
    Note(String),
    Outcome(OutcomeInput),
}

impl Change {
    /// The event's action name (`case.referred` ...), for the case's history and the audit log.
    pub fn action(&self) -> &'static str {
        match self {
            Change::Retitle(_) => "case.retitled",
            Change::Assign(_) => "case.assigned",
            Change::AddClusters(_) => "case.clusters_added",
            Change::Refer { .. } => "case.referred",
            Change::SetStatus { .. } => "case.status",
            Change::Note(_) => "case.note",
            Change::Outcome(_) => "case.outcome",
        }
    }
}

/// Why a change was refused. Messages name the field and never repeat free text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// A field is missing, too long or malformed.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The workflow does not allow it from the current status.
    #[error("{0}")]
    Transition(String),
}

fn invalid(field: &'static str, message: impl Into<String>) -> CaseError {
    CaseError::Invalid {
        field,
        message: message.into(),
    }
}

/// A single line of text: trimmed, 1..=`max` characters, no control characters.
pub fn line(field: &'static str, text: &str, max: usize) -> Result<String, CaseError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(field, "is required"));
    }
    if text.chars().count() > max {
        return Err(invalid(field, format!("is longer than {max} characters")));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid(field, "holds control characters"));
    }
    Ok(text.to_string())
}

/// A note: trimmed, 1..=`MAX_NOTE` characters, line breaks and tabs allowed.
fn note_text(text: &str) -> Result<String, CaseError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(invalid("text", "is required"));
    }
    if text.chars().count() > MAX_NOTE {
        return Err(invalid(
            "text",
            format!("is longer than {MAX_NOTE} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(invalid("text", "holds control characters"));
    }
    Ok(text)
}

fn clusters(ids: &[u64]) -> Result<Vec<u64>, CaseError> {
    if ids.is_empty() {
        return Err(invalid("clusters", "name at least one cluster"));
    }
    let mut out: Vec<u64> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.len() > MAX_CLUSTERS {
        return Err(invalid(
            "clusters",
            format!("a case holds at most {MAX_CLUSTERS} clusters"),
        ));
    }
    Ok(out)
}

/// A money amount: digits with an optional point and at most two decimals, above zero.
pub fn money(text: &str) -> Result<String, CaseError> {
    let text = text.trim().replace(',', "");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let ok = !whole.is_empty()
        && whole.len() <= 15
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(invalid("amount", "is not an amount like 12500 or 12500.50"));
    }
    let cents =
        whole.parse::<u64>().unwrap_or(0) * 100 + format!("{frac:0<2}").parse::<u64>().unwrap_or(0);
    if cents == 0 {
        return Err(invalid("amount", "must be above zero"));
    }
    Ok(format!("{}.{:02}", cents / 100, cents % 100))
}

fn is_date(text: &str) -> bool {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok()
}

fn outcome(input: &OutcomeInput, actor: &str, at: OffsetDateTime) -> Result<Outcome, CaseError> {
    let kind = OutcomeKind::parse(&input.kind).ok_or_else(|| {
        invalid(
            "kind",
            "is not one of raids, arrests, numbers_disconnected, domains_suspended, accounts_frozen, money_recovered",
        )
    })?;
    let date = input.date.trim().to_string();
    if !is_date(&date) {
        return Err(invalid("date", "is not a date like 2026-11-28"));
    }
    if date > at.date().to_string() {
        return Err(invalid("date", "is in the future"));
    }
    let agency = match input.agency.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(line("agency", a, MAX_LINE)?),
    };
    let note = match input.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(line("note", n, MAX_LINE)?),
    };
    let (count, amount, currency) = if kind == OutcomeKind::MoneyRecovered {
        let amount = money(
            input
                .amount
                .as_deref()
                .ok_or_else(|| invalid("amount", "is required for money recovered"))?,
        )?;
        let currency = input
            .currency
            .as_deref()
            .map(str::trim)
            .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .ok_or_else(|| invalid("currency", "is not an ISO 4217 code like USD"))?
            .to_ascii_uppercase();
        (1, Some(amount), Some(currency))
    } else {
        if input.amount.is_some() || input.currency.is_some() {
            return Err(invalid("amount", "only money recovered has an amount"));
        }
        let count = input.count.unwrap_or(1);
        if count == 0 || count > MAX_COUNT {
            return Err(invalid("count", format!("must be 1 to {MAX_COUNT}")));
        }
        (count, None, None)
    };
    Ok(Outcome {
        kind,
        count,
        amount,
        currency,
        date,
        agency,
        note,
        recorded_by: actor.to_string(),
        recorded_at: at,
    })
}

impl Case {
    /// A new, open case over `cluster_ids`.
    pub fn open(
        id: String,
        reference: String,
        title: &str,
        cluster_ids: &[u64],
        assignee: Option<String>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Case, CaseError> {
        Ok(Case {
            id,
            reference,
            title: line("title", title, MAX_LINE)?,
            status: Status::Open,
            assignee,
            clusters: clusters(cluster_ids)?,
            referrals: Vec::new(),
            notes: Vec::new(),
            outcomes: Vec::new(),
            created_by: actor.to_string(),
            created_at: at,
            updated_at: at,
        })
    }

    /// The agencies the case was referred to, in order, each once.
    pub fn agencies(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.referrals {
            if !out.iter().any(|a| same_agency(a, &r.agency)) {
                out.push(r.agency.clone());
            }
        }
        out
    }

    /// Whether the case was referred to `agency` (names compared without regard to case).
    pub fn referred_to(&self, agency: &str) -> bool {
        self.referrals
            .iter()
            .any(|r| same_agency(&r.agency, agency))
    }

    /// Applies `change` made by `actor` at `at`. Returns what the event records (JSON); on an
    /// error the case is unchanged.
    pub fn apply(
        &mut self,
        change: &Change,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<serde_json::Value, CaseError> {
        use serde_json::json;
        let data = match change {
            Change::Retitle(title) => {
                let title = line("title", title, MAX_LINE)?;
                let data = json!({"from": self.title, "to": title});
                self.title = title;
                data
            }
            Change::Assign(assignee) => {
                let data = json!({"from": self.assignee, "to": assignee});
                self.assignee = assignee.clone();
                data
            }
            Change::AddClusters(ids) => {
                let mut all = self.clusters.clone();
                all.extend(ids.iter().copied());
                let all = clusters(&all)?;
                let added: Vec<u64> = all
                    .iter()
                    .copied()
                    .filter(|c| !self.clusters.contains(c))
                    .collect();
                if added.is_empty() {
                    return Err(invalid("clusters", "the case holds those clusters already"));
                }
                self.clusters = all;
                json!({"added": added.iter().map(u64::to_string).collect::<Vec<_>>()})
            }
            Change::Refer {
                agency,
                agency_reference,
            } => {
                if self.status == Status::Closed {
                    return Err(CaseError::Transition(
                        "the case is closed: reopen it before referring it".into(),
                    ));
                }
                let agency = line("agency", agency, MAX_LINE)?;
                let agency_reference = match agency_reference.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(r) => Some(line("agency_reference", r, MAX_LINE)?),
                };
                let from = self.status;
                if self.status == Status::Open {
                    self.status = Status::Referred;
                }
                self.referrals.push(Referral {
                    agency: agency.clone(),
                    referred_at: at,
                    referred_by: actor.to_string(),
                    agency_reference: agency_reference.clone(),
                });
                json!({"agency": agency, "agency_reference": agency_reference,
                       "from": from, "to": self.status})
            }
            Change::SetStatus { status, reason } => {
                let reason = match reason.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(r) => Some(line("reason", r, MAX_LINE)?),
                };
                let from = self.status;
                let allowed = match (from, *status) {
                    (a, b) if a == b => {
                        return Err(CaseError::Transition(format!("the case is {a} already")));
                    }
                    (Status::Referred, Status::Actioned) => true,
                    (_, Status::Closed) => true,
                    (Status::Closed, Status::Open) => true,
                    (Status::Open, Status::Referred) | (Status::Actioned, Status::Referred) => {
                        return Err(CaseError::Transition(
                            "a case becomes referred by referring it to an agency".into(),
                        ));
                    }
                    _ => false,
                };
                if !allowed {
                    let hint = match *status {
                        Status::Actioned => ": refer it to an agency first",
                        Status::Open => ": only a closed case can be reopened",
                        _ => "",
                    };
                    return Err(CaseError::Transition(format!(
                        "the case is {from} and cannot become {status}{hint}"
                    )));
                }
                self.status = *status;
                json!({"from": from, "to": status, "reason": reason})
            }
            Change::Note(text) => {
                let text = note_text(text)?;
                self.notes.push(Note {
                    at,
                    author: actor.to_string(),
                    text,
                });
                json!({"note": self.notes.len()})
            }
            Change::Outcome(input) => {
                let o = outcome(input, actor, at)?;
                let data = serde_json::to_value(&o).unwrap_or_default();
                self.outcomes.push(o);
                data
            }
        };
        self.updated_at = at;
        Ok(data)
    }
}

/// Agency names match whatever their case and surrounding spaces.
pub fn same_agency(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Totals of outcomes over many cases, for the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OutcomeTotals {
    pub raids: u64,
    pub arrests: u64,
    pub numbers_disconnected: u64,
    pub domains_suspended: u64,
    pub accounts_frozen: u64,
    /// Money recovered per currency: (ISO 4217, cents).
    pub money_recovered: Vec<(String, u64)>,
}

impl OutcomeTotals {
    pub fn add(&mut self, o: &Outcome) {
        let n = o.count;
        match o.kind {
            OutcomeKind::Raids => self.raids += n,
            OutcomeKind::Arrests => self.arrests += n,
            OutcomeKind::NumbersDisconnected => self.numbers_disconnected += n,
            OutcomeKind::DomainsSuspended => self.domains_suspended += n,
            OutcomeKind::AccountsFrozen => self.accounts_frozen += n,
            OutcomeKind::MoneyRecovered => {
                let (Some(amount), Some(currency)) = (&o.amount, &o.currency) else {
                    return;
                };
                let cents = cents(amount);
                match self.money_recovered.iter_mut().find(|(c, _)| c == currency) {
                    Some((_, total)) => *total = total.saturating_add(cents),
                    None => self.money_recovered.push((currency.clone(), cents)),
                }
                self.money_recovered.sort();
            }
        }
    }
}

/// Cents of a decimal amount as [`money`] writes it.
pub fn cents(amount: &str) -> u64 {
    let (whole, frac) = amount.split_once('.').unwrap_or((amount, "0"));
    whole.parse::<u64>().unwrap_or(0).saturating_mul(100)
        + format!("{frac:0<2}")[..2].parse::<u64>().unwrap_or(0)
}

/// One line for an outcome (`3 arrests`, `USD 12500.00 money recovered`).
pub fn outcome_line(o: &Outcome) -> String {
    match (&o.amount, &o.currency) {
        (Some(a), Some(c)) => format!("{c} {a} {} on {}", o.kind.label(), o.date),
        _ => format!("{} {} on {}", o.count, o.kind.label(), o.date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-20 09:00 UTC);

    fn new_case() -> Case {
        Case::open(
            "0193".into(),
            "CASE-2026-AAAAA".into(),
            "  Fake Microsoft support, toll-free numbers  ",
            &[7, 7, 12],
            None,
            "analyst-1",
            T0,
        )
        .unwrap()
    }

    fn status(case: &mut Case, s: Status) -> Result<serde_json::Value, CaseError> {
        case.apply(
            &Change::SetStatus {
                status: s,
                reason: None,
            },
            "analyst-1",
            T0,
        )
    }

    fn refer(case: &mut Case, agency: &str) -> Result<serde_json::Value, CaseError> {
        case.apply(
            &Change::Refer {
                agency: agency.into(),
                agency_reference: None,
            },
            "analyst-1",
            T0,
        )
    }

    #[test]
    fn opening_trims_and_deduplicates() {
        let case = new_case();
        assert_eq!(case.title, "Fake Microsoft support, toll-free numbers");
        assert_eq!(case.clusters, vec![7, 12]);
        assert_eq!(case.status, Status::Open);
        let err = Case::open("x".into(), "r".into(), " ", &[1], None, "a", T0).unwrap_err();
        assert_eq!(err.to_string(), "title: is required");
        let err = Case::open("x".into(), "r".into(), "t", &[], None, "a", T0).unwrap_err();
        assert_eq!(err.to_string(), "clusters: name at least one cluster");
    }

    #[test]
    fn the_whole_workflow_with_reopen() {
        let mut case = new_case();
        assert_eq!(
            status(&mut case, Status::Actioned).unwrap_err().to_string(),
            "the case is open and cannot become actioned: refer it to an agency first"
        );
        assert_eq!(
            status(&mut case, Status::Referred).unwrap_err().to_string(),
            "a case becomes referred by referring it to an agency"
        );
        let data = refer(&mut case, "Central Bureau of Investigation").unwrap();
        assert_eq!(data["from"], "open");
        assert_eq!(data["to"], "referred");
        assert_eq!(case.status, Status::Referred);
        refer(&mut case, "Metropolitan Police Cyber Unit").unwrap();
        refer(&mut case, " central bureau of investigation ").unwrap();
        assert_eq!(
            case.agencies().len(),
            2,
            "one agency referred twice counts once"
        );
        assert!(case.referred_to("CENTRAL BUREAU OF INVESTIGATION"));
        status(&mut case, Status::Actioned).unwrap();
        // Referring an actioned case to another agency keeps it actioned.
        refer(&mut case, "Federal Police").unwrap();
        assert_eq!(case.status, Status::Actioned);
        status(&mut case, Status::Closed).unwrap();
        assert_eq!(
            refer(&mut case, "Another Agency").unwrap_err().to_string(),
            "the case is closed: reopen it before referring it"
        );
        assert_eq!(
            status(&mut case, Status::Closed).unwrap_err().to_string(),
            "the case is closed already"
        );
        let data = status(&mut case, Status::Open).unwrap();
        assert_eq!(data["from"], "closed");
        assert_eq!(case.status, Status::Open);
        assert_eq!(
            status(&mut case, Status::Open).unwrap_err().to_string(),
            "the case is open already"
        );
    }

    #[test]
    fn refused_changes_leave_the_case_as_it_was() {
        let mut case = new_case();
        let before = case.clone();
        let later = T0 + time::Duration::hours(1);
        for change in [
            Change::Retitle("\u{7}".into()),
            Change::Note("   ".into()),
            Change::Note("x".repeat(MAX_NOTE + 1)),
            Change::AddClusters(vec![7]),
            Change::Refer {
                agency: "".into(),
                agency_reference: None,
            },
            Change::Outcome(OutcomeInput {
                kind: "arrests".into(),
                count: Some(0),
                date: "2026-11-21".into(),
                ..Default::default()
            }),
        ] {
            assert!(
                case.apply(&change, "analyst-2", later).is_err(),
                "{change:?}"
            );
            assert_eq!(case, before, "{change:?}");
        }
    }

    #[test]
    fn notes_append_with_author_and_time() {
        let mut case = new_case();
        let later = T0 + time::Duration::minutes(5);
        case.apply(
            &Change::Note("Called the carrier.\r\nNo answer.".into()),
            "analyst-2",
            later,
        )
        .unwrap();
        case.apply(&Change::Note("Second".into()), "analyst-1", later)
            .unwrap();
        assert_eq!(case.notes.len(), 2);
        assert_eq!(case.notes[0].text, "Called the carrier.\nNo answer.");
        assert_eq!(case.notes[0].author, "analyst-2");
        assert_eq!(case.notes[0].at, later);
        assert_eq!(case.updated_at, later);
    }

    #[test]
    fn outcomes_are_validated_and_add_up() {
        let mut case = new_case();
        let add =
            |case: &mut Case, input: OutcomeInput| case.apply(&Change::Outcome(input), "a", T0);
        add(
            &mut case,
            OutcomeInput {
                kind: "arrests".into(),
                count: Some(3),
                date: "2026-11-19".into(),
                agency: Some("Central Bureau of Investigation".into()),
                ..Default::default()
            },
        )
        .unwrap();
        add(
            &mut case,
            OutcomeInput {
                kind: "money_recovered".into(),
                amount: Some("12,500.5".into()),
                currency: Some("usd".into()),
                date: "2026-11-19".into(),
                ..Default::default()
            },
        )
        .unwrap();
        add(
            &mut case,
            OutcomeInput {
                kind: "money_recovered".into(),
                amount: Some("99.99".into()),
                currency: Some("USD".into()),
                date: "2026-11-20".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let errors: Vec<String> = [
            OutcomeInput {
                kind: "parking_tickets".into(),
                date: "2026-11-19".into(),
                ..Default::default()
            },
            OutcomeInput {
                kind: "arrests".into(),
                date: "2026-11-31".into(),
                ..Default::default()
            },
            OutcomeInput {
                kind: "arrests".into(),
                date: "2026-12-01".into(),
                ..Default::default()
            },
            OutcomeInput {
                kind: "money_recovered".into(),
                amount: Some("1e9".into()),
                currency: Some("USD".into()),
                date: "2026-11-19".into(),
                ..Default::default()
            },
            OutcomeInput {
                kind: "money_recovered".into(),
                amount: Some("10".into()),
                currency: Some("US".into()),
                date: "2026-11-19".into(),
                ..Default::default()
            },
            OutcomeInput {
                kind: "arrests".into(),
                amount: Some("10".into()),
                date: "2026-11-19".into(),
                ..Default::default()
            },
        ]
        .into_iter()
        .map(|i| add(&mut case, i).unwrap_err().to_string())
        .collect();
        assert!(errors[0].starts_with("kind: is not one of"), "{errors:?}");
        assert_eq!(errors[1], "date: is not a date like 2026-11-28");
        assert_eq!(errors[2], "date: is in the future");
        assert_eq!(errors[3], "amount: is not an amount like 12500 or 12500.50");
        assert_eq!(errors[4], "currency: is not an ISO 4217 code like USD");
        assert_eq!(errors[5], "amount: only money recovered has an amount");
        let mut totals = OutcomeTotals::default();
        for o in &case.outcomes {
            totals.add(o);
        }
        assert_eq!(totals.arrests, 3);
        assert_eq!(totals.money_recovered, vec![("USD".to_string(), 1_260_049)]);
        assert_eq!(
            outcome_line(&case.outcomes[1]),
            "USD 12500.50 money recovered on 2026-11-19"
        );
        assert_eq!(outcome_line(&case.outcomes[0]), "3 arrests on 2026-11-19");
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut case = new_case();
        refer(&mut case, "Federal Police").unwrap();
        case.apply(&Change::Note("n".into()), "a", T0).unwrap();
        let text = serde_json::to_string(&case).unwrap();
        let back: Case = serde_json::from_str(&text).unwrap();
        assert_eq!(back, case);
        assert!(text.contains("\"status\":\"referred\""));
    }
}
