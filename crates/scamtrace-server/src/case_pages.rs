//! The case pages: the cases a viewer may see, one case with the forms that move it along,
//! opening a case from an operation's page, downloading referral packages, and the outcome
//! figures of the dashboard.
//!
//! Every change goes through [`crate::cases`] (validated, stored with its event and audit record,
//! tried again when another writer got there first); these handlers read the forms, and when a
//! change is refused they show the case again with the reason beside the field, in the viewer's
//! language.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use scamtrace_refer::case::{Case, Change, MAX_COUNT, OutcomeInput, OutcomeKind, Status};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::case_api;
use crate::cases::{self, Actor};
use crate::clusters::{self, param};
use crate::csrf;
use crate::error::ApiError;
use crate::i18n::{CATALOGS, Lang, t};
use crate::middleware::cookie;
use crate::pages::{Page, parse_form, v};

/// The forms of the case page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CaseForm {
    Note,
    Refer,
    Status,
    Assign,
    Outcome,
    Package,
}

impl CaseForm {
    fn name(self) -> &'static str {
        match self {
            CaseForm::Note => "note",
            CaseForm::Refer => "refer",
            CaseForm::Status => "status",
            CaseForm::Assign => "assign",
            CaseForm::Outcome => "outcome",
            CaseForm::Package => "package",
        }
    }

    /// Its fields, with the catalog key of each one's label (what an error names).
    fn fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            CaseForm::Note => &[("text", "cases.add_note")],
            CaseForm::Refer => &[
                ("agency", "cases.agency"),
                ("agency_reference", "cases.agency_reference"),
            ],
            CaseForm::Status => &[("status", "cases.new_status"), ("reason", "cases.reason")],
            CaseForm::Assign => &[("assignee", "cases.assignee_username")],
            CaseForm::Outcome => &[
                ("kind", "cases.outcome_kind"),
                ("count", "cases.count"),
                ("date", "cases.date"),
                ("amount", "cases.amount"),
                ("currency", "cases.currency"),
                ("agency", "cases.outcome_agency"),
                ("note", "cases.outcome_note"),
            ],
            CaseForm::Package => &[("recipient", "cases.recipient")],
        }
    }

    /// The part of the page a change shows up in, where the browser returns after it.
    fn section(self) -> &'static str {
        match self {
            CaseForm::Note => "notes",
            CaseForm::Refer => "referrals",
            CaseForm::Status | CaseForm::Assign => "case-facts",
            CaseForm::Outcome => "outcomes",
            CaseForm::Package => "packages",
        }
    }
}

/// A refused form: which one, the field at fault with its label's key (none: the form as a
/// whole), and why, already in the viewer's language.
#[derive(Debug)]
struct Refusal {
    form: CaseForm,
    field: Option<(&'static str, &'static str)>,
    message: String,
}

impl Refusal {
    fn new(form: CaseForm, field: Option<&str>, message: String) -> Refusal {
        // Only a field the form shows can be named; anything else is about the whole form.
        let field = field.and_then(|f| form.fields().iter().find(|(name, _)| *name == f).copied());
        Refusal {
            form,
            field,
            message,
        }
    }

    /// What the templates show: the message beside its field, and a summary line that names the
    /// field and links to it.
    fn json(&self, lang: Lang) -> Value {
        let form = self.form.name();
        let (summary, target) = match self.field {
            Some((name, label)) => (
                format!("{}: {}", t(lang, label), self.message),
                format!("#{form}-{name}"),
            ),
            None => (self.message.clone(), format!("#{form}-form")),
        };
        json!({"form": form, "field": self.field.map(|f| f.0), "message": self.message,
               "summary": summary, "href": target})
    }
}

/// A refusal from the workflow or the store in the viewer's language.
///
/// The workflow (`scamtrace_refer::case`) and [`crate::cases`] word their refusals in English for
/// the API, the CLI and the logs. The pages recognize each of them and say it in the viewer's
/// language; one they do not know (a rule added later) falls back to a general message, and the
/// tests below fail until it is added here.
fn localized(lang: Lang, message: &str) -> Option<String> {
    let m = message.trim();
    let number = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let status = |s: &str| {
        let s = s.trim();
        match Status::parse(s) {
            Some(st) => t(lang, &format!("cases.status_{}", st.as_str())),
            None => s.to_string(),
        }
    };
    let key = match m {
        "is required" => "errors.required",
        "holds control characters" => "errors.invalid_characters",
        "is not an amount like 12500 or 12500.50" => "errors.invalid_amount",
        "must be above zero" => "cases.err_above_zero",
        "is not a date like 2026-11-28" => "errors.invalid_date",
        "is in the future" => "errors.future_date",
        "is not an ISO 4217 code like USD" => "errors.invalid_currency",
        "is required for money recovered" => "cases.err_amount_required",
        "only money recovered has an amount" => "cases.err_amount_only_money",
        "is not the username of an analyst's account" => "cases.err_not_analyst",
        "the case holds those clusters already" => "cases.err_has_operations",
        "name at least one cluster" => "cases.err_no_operation_named",
        "a case becomes referred by referring it to an agency" => "cases.err_refer_to_refer",
        "the case is closed: reopen it before referring it" => "cases.err_closed_reopen",
        "the case kept changing under this change; try again" => "cases.err_busy",
        m if m.starts_with("is not one of ") => "errors.invalid_value",
        m if m.starts_with("is longer than ") => {
            return Some(CATALOGS.format(lang, "errors.too_long", &[("limit", number(m))]));
        }
        m if m.starts_with("must be 1 to ") => {
            return Some(CATALOGS.format(lang, "cases.err_count", &[("limit", number(m))]));
        }
        m if m.starts_with("a case holds at most ") => {
            return Some(CATALOGS.format(lang, "errors.too_many", &[("limit", number(m))]));
        }
        m if m.starts_with("there is no operation ") => {
            return Some(CATALOGS.format(lang, "cases.err_no_operation", &[("id", number(m))]));
        }
        m => {
            let rest = m.strip_prefix("the case is ")?;
            if let Some(now) = rest.strip_suffix(" already") {
                return Some(CATALOGS.format(
                    lang,
                    "cases.err_already",
                    &[("status", status(now))],
                ));
            }
            let (from, to) = rest.split_once(" and cannot become ")?;
            let (to, hint) = to.split_once(':').unwrap_or((to, ""));
            let key = match hint.trim() {
                "refer it to an agency first" => "cases.err_refer_first",
                "only a closed case can be reopened" => "cases.err_reopen_closed_only",
                "" => "cases.err_transition",
                _ => return None,
            };
            return Some(CATALOGS.format(lang, key, &[("from", status(from)), ("to", status(to))]));
        }
    };
    Some(t(lang, key))
}

/// An error from a change as a refusal to show on the page, with its status; errors that are not
/// about what the viewer typed or the case's state (a store failure) stay errors.
fn refusal(lang: Lang, form: CaseForm, error: ApiError) -> Result<(StatusCode, Refusal), ApiError> {
    match error {
        ApiError::Invalid { field, message } => {
            let text = localized(lang, &message).unwrap_or_else(|| t(lang, "errors.invalid"));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Refusal::new(form, Some(&field), text),
            ))
        }
        ApiError::Conflict(message) => {
            let text = localized(lang, &message).unwrap_or_else(|| t(lang, "errors.conflict"));
            // A refused transition is about the status chosen; other conflicts about the form.
            let field = (form == CaseForm::Status).then_some("status");
            Ok((StatusCode::CONFLICT, Refusal::new(form, field, text)))
        }
        other => Err(other),
    }
}

/// The change a form asks for, or why it cannot be one.
fn change_of(
    lang: Lang,
    form: CaseForm,
    fields: &HashMap<String, String>,
) -> Result<Change, Refusal> {
    let get = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
    let given = |name: &str| Some(get(name).trim()).filter(|v| !v.is_empty());
    Ok(match form {
        CaseForm::Note => Change::Note(get("text").to_string()),
        CaseForm::Refer => Change::Refer {
            agency: get("agency").to_string(),
            agency_reference: given("agency_reference").map(str::to_string),
        },
        CaseForm::Status => {
            let status = Status::parse(get("status")).ok_or_else(|| {
                Refusal::new(form, Some("status"), t(lang, "errors.invalid_value"))
            })?;
            Change::SetStatus {
                status,
                reason: given("reason").map(str::to_string),
            }
        }
        CaseForm::Assign => Change::Assign(given("assignee").map(str::to_string)),
        CaseForm::Outcome => {
            let kind = get("kind").trim();
            let money = kind == OutcomeKind::MoneyRecovered.as_str();
            let count = match given("count").filter(|_| !money) {
                None => None,
                Some(c) => Some(c.parse::<u64>().map_err(|_| {
                    let limit = MAX_COUNT.to_string();
                    Refusal::new(
                        form,
                        Some("count"),
                        CATALOGS.format(lang, "cases.err_count", &[("limit", limit)]),
                    )
                })?),
            };
            let amount = given("amount").map(str::to_string);
            // The currency list always has a choice; it counts only with an amount to go with it.
            let currency = given("currency")
                .filter(|_| money || amount.is_some())
                .map(str::to_string);
            Change::Outcome(OutcomeInput {
                kind: kind.to_string(),
                count,
                amount,
                currency,
                date: get("date").to_string(),
                agency: given("agency").map(str::to_string),
                note: given("note").map(str::to_string),
            })
        }
        // Exporting is not a change of the case.
        CaseForm::Package => return Err(Refusal::new(form, None, t(lang, "errors.bad_request"))),
    })
}

/// The statuses a case can be moved to from the page (`referred` is reached by referring).
fn next_statuses(now: Status) -> &'static [&'static str] {
    match now {
        Status::Open => &["closed"],
        Status::Referred => &["actioned", "closed"],
        Status::Actioned => &["closed"],
        Status::Closed => &["open"],
    }
}

fn is_staff(principal: &Principal) -> bool {
    matches!(principal.role, Role::Analyst | Role::Admin)
}

fn uri_of(path: &str) -> Uri {
    Uri::try_from(path).unwrap_or_else(|_| Uri::from_static("/cases"))
}

/// A package's size for people: `12.3 KB`, `1.4 MB`.
fn size_text(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1000.0 {
        format!("{bytes} B")
    } else if b < 1_000_000.0 {
        format!("{:.1} KB", b / 1000.0)
    } else {
        format!("{:.1} MB", b / 1_000_000.0)
    }
}

/// An actor id from the store (a user's or a token's) as the pages name it.
fn actor_name(users: &[scamtrace_store::UserRecord], id: &str) -> String {
    users
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.username.clone())
        .unwrap_or_else(|| format!("token {}", id.chars().take(8).collect::<String>()))
}

/// One line of a case's history: the action in `lang` and what it changed (never a note's
/// text, which may quote a victim).
fn event_line(lang: Lang, action: &str, data: &Value) -> (String, String) {
    let name = action.strip_prefix("case.").unwrap_or(action);
    let key = format!("cases.action_{name}");
    let label = match CATALOGS.get(lang, &key) {
        k if k == key => action.to_string(),
        text => text.to_string(),
    };
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let status = |v: &Value| {
        v.as_str()
            .map(|s| t(lang, &format!("cases.status_{s}")))
            .unwrap_or_default()
    };
    let detail = match name {
        "opened" => text(&data["title"]),
        "retitled" => text(&data["to"]),
        "assigned" => match data["to"].as_str() {
            Some(who) => who.to_string(),
            None => t(lang, "cases.unassigned"),
        },
        "clusters_added" => data["added"]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .map(|i| format!("#{}", text(i)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        "referred" => text(&data["agency"]),
        "status" => {
            let mut line = format!("{} → {}", status(&data["from"]), status(&data["to"]));
            if let Some(reason) = data["reason"].as_str() {
                line.push_str(&format!(" ({reason})"));
            }
            line
        }
        "outcome" => {
            let kind = data["kind"].as_str().unwrap_or("");
            let what = t(lang, &format!("cases.kind_{kind}"));
            match (data["amount"].as_str(), data["currency"].as_str()) {
                (Some(a), Some(c)) => format!("{what}: {a} {c}"),
                _ => format!("{what}: {}", data["count"]),
            }
        }
        _ => String::new(),
    };
    (label, detail)
}

/// Renders a case for `principal`, with a refused form's error and what was typed in it.
async fn render_case(
    state: &AppState,
    lang: Lang,
    principal: &Principal,
    headers: &HeaderMap,
    case: &Case,
    status: StatusCode,
    refused: Option<(Refusal, &HashMap<String, String>)>,
) -> Result<Response, ApiError> {
    let staff = is_staff(principal);
    let store = state.intake.store();
    let (ids, operations) = {
        let engine = state.correlator.engine().await;
        let ids = cases::clusters_now(&engine, case);
        let operations: Vec<Value> = ids
            .iter()
            .map(|id| {
                let s = clusters::summary(&engine, *id);
                let brands: Vec<String> = s["brands"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .take(3)
                    .filter_map(|b| b["value"].as_str())
                    .map(crate::workbench::brand_label)
                    .collect();
                json!({"id": id.to_string(), "reports": s["reports"], "first_seen": s["first_seen"],
                       "last_seen": s["last_seen"], "brands": brands})
            })
            .collect();
        (ids, operations)
    };
    let view = cases::case_json(case, &ids, principal);
    let users = if staff {
        store.list_users().await?
    } else {
        Vec::new()
    };
    let events: Vec<Value> = if staff {
        store
            .case_events(&case.id)
            .await?
            .iter()
            .map(|e| {
                let data = serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null);
                let (action, detail) = event_line(lang, &e.action, &data);
                json!({"version": e.version, "at": crate::views::rfc3339(e.at),
                       "actor": actor_name(&users, &e.actor), "action": action, "detail": detail})
            })
            .collect()
    } else {
        Vec::new()
    };
    let packages: Vec<Value> = store
        .case_packages(&case.id)
        .await?
        .iter()
        .filter(|p| cases::may_download(principal, p))
        .map(|p| {
            json!({"id": p.id, "recipient": p.recipient, "personal_data": p.personal_data,
                   "exported_at": crate::views::rfc3339(p.exported_at),
                   "exported_by": actor_name(&users, &p.exported_by),
                   "sha256": p.sha256, "size_text": size_text(p.size)})
        })
        .collect();

    // Suggestions: the agencies with accounts here (their packages carry victims' contact
    // details) and those the case went to; the analysts a case can be assigned to.
    let mut agencies: Vec<String> = Vec::new();
    let known = users
        .iter()
        .filter(|u| u.role == "law_enforcement" && u.disabled_at.is_none())
        .filter_map(|u| u.organization.clone());
    for a in case.agencies().into_iter().chain(known) {
        if !agencies
            .iter()
            .any(|b| scamtrace_refer::case::same_agency(&a, b))
        {
            agencies.push(a);
        }
    }
    let analysts: Vec<&str> = users
        .iter()
        .filter(|u| u.disabled_at.is_none() && matches!(u.role.as_str(), "analyst" | "admin"))
        .map(|u| u.username.as_str())
        .collect();

    // What each form shows: its defaults, or what was typed in the one refused.
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let statuses = next_statuses(case.status);
    let mut vals = json!({
        "note": {},
        "refer": {},
        "status": {"status": statuses.first()},
        "assign": {"assignee": case.assignee},
        "outcome": {"kind": OutcomeKind::Arrests.as_str(), "count": "1", "date": today},
        "package": {"recipient": case.referrals.last().map(|r| r.agency.clone())},
    });
    let error = match &refused {
        Some((refusal, typed)) => {
            let form = refusal.form;
            let kept: Map<String, Value> = form
                .fields()
                .iter()
                .map(|(name, _)| {
                    let value = typed.get(*name).cloned().unwrap_or_default();
                    (name.to_string(), json!(value))
                })
                .collect();
            vals[form.name()] = Value::Object(kept);
            refusal.json(lang)
        }
        None => Value::Null,
    };
    let page = Page::new(
        state,
        lang,
        Some(principal.clone()),
        headers,
        &uri_of(&format!("/cases/{}", case.id)),
    );
    Ok(page.render(
        state,
        status,
        "case.html",
        context! {
            case => v(view), staff => staff, operations => v(operations), events => v(events),
            packages => v(packages), error => v(error), vals => v(vals), statuses => v(statuses),
            outcome_kinds => v(OutcomeKind::ALL.map(OutcomeKind::as_str)),
            currencies => v(scamtrace_model::CURRENCIES), agency_options => v(agencies),
            analysts => v(analysts), today => today,
        },
    ))
}

/// `GET /cases`: the cases the viewer may see, most recently changed first; `?status=` filters.
pub async fn cases_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let viewer = principal.clone().ok_or(ApiError::Unauthorized)?;
    let status = match param(&params, "status") {
        Some(s) => Some(Status::parse(s).ok_or_else(|| ApiError::BadRequest {
            field: "status".into(),
            code: "invalid_value",
        })?),
        None => None,
    };
    let all = cases::all_cases(state.intake.store().as_ref()).await?;
    let items: Vec<Value> = {
        let engine = state.correlator.engine().await;
        all.iter()
            .filter(|c| cases::may_see(&viewer, c))
            .filter(|c| status.is_none_or(|s| c.status == s))
            .map(|c| cases::case_json(c, &cases::clusters_now(&engine, c), &viewer))
            .collect()
    };
    Ok(Page::new(&state, lang, principal, &headers, &uri).render(
        &state,
        StatusCode::OK,
        "cases.html",
        context! {
            items => v(items), staff => is_staff(&viewer),
            statuses => v(Status::ALL.map(Status::as_str)),
            filter_status => status.map(Status::as_str),
        },
    ))
}

/// `GET /cases/{id}` (its id or reference): not found unless the viewer may see it.
pub async fn case_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    let case = case_api::visible_case(&state, &principal, &key).await?;
    render_case(
        &state,
        lang,
        &principal,
        &headers,
        &case,
        StatusCode::OK,
        None,
    )
    .await
}

/// A case form's POST: the change (or the export), then back to the case; a refusal shows the
/// case again with the reason beside the field and what was typed kept.
async fn submit(
    state: Arc<AppState>,
    lang: Lang,
    principal: Option<Principal>,
    key: String,
    request: Request,
    form: CaseForm,
) -> Result<Response, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    let headers = request.headers().clone();
    let fields = parse_form(&crate::api::read_body(&state, request.into_body()).await?);
    let case = case_api::visible_case(&state, &principal, &key).await?;
    let show = |status: StatusCode, refusal: Refusal| {
        render_case(
            &state,
            lang,
            &principal,
            &headers,
            &case,
            status,
            Some((refusal, &fields)),
        )
    };
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        let refusal = Refusal::new(form, None, t(lang, "errors.csrf"));
        return show(StatusCode::FORBIDDEN, refusal).await;
    }
    let done = match form {
        // The button says "Download package": the new package downloads at once (and is listed
        // on the case from then on).
        CaseForm::Package => {
            let recipient = fields.get("recipient").map(String::as_str).unwrap_or("");
            case_api::export(&state, &principal, &case.id, recipient)
                .await
                .map(|info| format!("/packages/{}", info.id))
        }
        _ => {
            let change = match change_of(lang, form, &fields) {
                Ok(change) => change,
                Err(refusal) => return show(StatusCode::UNPROCESSABLE_ENTITY, refusal).await,
            };
            let actor = Actor::of(state.intake.store().as_ref(), &principal).await?;
            cases::change_case(&state.intake, &state.correlator, &case.id, change, &actor)
                .await
                .map(|c| format!("/cases/{}#{}", c.id, form.section()))
                .map_err(ApiError::from)
        }
    };
    match done {
        Ok(target) => Ok(Redirect::to(&target).into_response()),
        Err(e) => {
            let (status, refusal) = refusal(lang, form, e)?;
            show(status, refusal).await
        }
    }
}

macro_rules! case_form {
    ($(#[$doc:meta])* $name:ident, $form:expr) => {
        $(#[$doc])*
        pub async fn $name(
            State(state): State<Arc<AppState>>,
            Extension(lang): Extension<Lang>,
            Extension(principal): Extension<Option<Principal>>,
            Path(key): Path<String>,
            request: Request,
        ) -> Result<Response, ApiError> {
            submit(state, lang, principal, key, request, $form).await
        }
    };
}

case_form!(
    /// `POST /cases/{id}/note`: appends a note.
    note_form,
    CaseForm::Note
);
case_form!(
    /// `POST /cases/{id}/refer`: refers the case to an agency.
    refer_form,
    CaseForm::Refer
);
case_form!(
    /// `POST /cases/{id}/status`: actioned, closed, or reopened.
    status_form,
    CaseForm::Status
);
case_form!(
    /// `POST /cases/{id}/assign`: assigns the case to an analyst (empty: to no one).
    assign_form,
    CaseForm::Assign
);
case_form!(
    /// `POST /cases/{id}/outcome`: records what an agency did.
    outcome_form,
    CaseForm::Outcome
);
case_form!(
    /// `POST /cases/{id}/package`: exports a referral package and downloads it.
    package_form,
    CaseForm::Package
);

/// `GET /packages/{id}`: a package's zip, exactly as signed (the API's download, audited).
pub async fn download(
    state: State<Arc<AppState>>,
    principal: Extension<Option<Principal>>,
    id: Path<String>,
) -> Result<Response, ApiError> {
    case_api::download(state, principal, id).await
}

// ---------------------------------------------------------------------------------------------
// Cases on an operation's page

/// The cases that hold operation `id` now (merges followed), for its page.
pub(crate) async fn cases_with(state: &AppState, id: u64) -> Result<Vec<Value>, ApiError> {
    let all = cases::all_cases(state.intake.store().as_ref()).await?;
    let engine = state.correlator.engine().await;
    Ok(all
        .iter()
        .filter(|c| cases::clusters_now(&engine, c).contains(&id))
        .map(|c| json!({"id": c.id, "reference": c.reference, "title": c.title, "status": c.status.as_str()}))
        .collect())
}

/// A new case's suggested title, from the operation's main brand and indicator.
pub(crate) fn suggested_title(
    lang: Lang,
    id: u64,
    brand: Option<&str>,
    indicator: Option<&str>,
) -> String {
    match (brand, indicator) {
        (Some(b), Some(i)) => CATALOGS.format(
            lang,
            "cases.suggested_title",
            &[("brand", b.to_string()), ("indicator", i.to_string())],
        ),
        (None, Some(i)) => CATALOGS.format(
            lang,
            "cases.suggested_title_no_brand",
            &[("indicator", i.to_string())],
        ),
        (Some(b), None) => CATALOGS.format(
            lang,
            "cases.suggested_title_brand_only",
            &[("brand", b.to_string()), ("id", id.to_string())],
        ),
        (None, None) => CATALOGS.format(lang, "wb.cluster_title", &[("id", id.to_string())]),
    }
}

/// The operation's page again, with the reason its case was not opened and the title typed.
#[allow(clippy::too_many_arguments)]
async fn open_refused(
    state: &AppState,
    lang: Lang,
    principal: &Principal,
    headers: &HeaderMap,
    id: u64,
    title: &str,
    status: StatusCode,
    message: String,
) -> Result<Response, ApiError> {
    let page = Page::new(
        state,
        lang,
        Some(principal.clone()),
        headers,
        &uri_of(&format!("/clusters/{id}")),
    );
    let error = json!({"form": "open", "field": "title", "message": message,
                       "summary": format!("{}: {message}", t(lang, "cases.new_case_title")),
                       "href": "#open-title"});
    let form = json!({"title": title, "error": error});
    crate::workbench::render_cluster(state, &page, lang, id, &HashMap::new(), None, status, form)
        .await
}

/// `POST /clusters/{id}/case`: opens a case over the operation, assigned to the analyst who
/// opened it, and goes to it; a refused title shows the operation's page again with the reason.
pub async fn open_from_operation(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    Path(raw): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    let id = clusters::cluster_id(&raw)?;
    let headers = request.headers().clone();
    let fields = parse_form(&crate::api::read_body(&state, request.into_body()).await?);
    let title = fields.get("title").map(String::as_str).unwrap_or("");
    let show = |status: StatusCode, message: String| {
        open_refused(
            &state, lang, &principal, &headers, id, title, status, message,
        )
    };
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        return show(StatusCode::FORBIDDEN, t(lang, "errors.csrf")).await;
    }
    let store = state.intake.store();
    let actor = Actor::of(store.as_ref(), &principal).await?;
    // A signed-in analyst owns the case they open until it is reassigned.
    let assignee = principal.via_session.then_some(actor.name.as_str());
    match cases::open_case(
        &state.intake,
        &state.correlator,
        title,
        &[id],
        assignee,
        &actor,
    )
    .await
    {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
        Err(cases::CaseFailure::NoCluster(_)) => Err(ApiError::NotFound),
        Err(e) => match ApiError::from(e) {
            ApiError::Invalid { message, .. } => {
                let text = localized(lang, &message).unwrap_or_else(|| t(lang, "errors.invalid"));
                show(StatusCode::UNPROCESSABLE_ENTITY, text).await
            }
            ApiError::Conflict(message) => {
                let text = localized(lang, &message).unwrap_or_else(|| t(lang, "errors.conflict"));
                show(StatusCode::CONFLICT, text).await
            }
            other => Err(other),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The dashboard's outcomes

/// Cases by status, referrals by agency and outcome totals, labelled in `lang`.
pub(crate) async fn outcomes(state: &AppState, lang: Lang) -> Result<Value, ApiError> {
    let all = cases::all_cases(state.intake.store().as_ref()).await?;
    let f = cases::outcome_figures(&all);
    let by_status: Vec<Value> = Status::ALL
        .iter()
        .map(|s| {
            json!({"status": s.as_str(), "label": t(lang, &format!("cases.status_{}", s.as_str())),
                   "cases": f["by_status"][s.as_str()].as_u64().unwrap_or(0)})
        })
        .collect();
    let totals: Vec<Value> = OutcomeKind::ALL
        .iter()
        .filter(|k| **k != OutcomeKind::MoneyRecovered)
        .map(|k| {
            json!({"kind": k.as_str(), "label": t(lang, &format!("cases.kind_{}", k.as_str())),
                   "value": f[k.as_str()].as_u64().unwrap_or(0)})
        })
        .collect();
    Ok(json!({
        "cases": f["cases"], "by_status": by_status, "referrals": f["referrals_by_agency"],
        "totals": totals, "money": f["money_recovered"],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scamtrace_refer::case::CaseError;
    use time::macros::datetime;

    const AT: time::OffsetDateTime = datetime!(2026-11-20 09:00 UTC);

    fn case() -> Case {
        Case::open(
            "c1".into(),
            "CASE-2026-AAAAA".into(),
            "Fake support numbers",
            &[7],
            None,
            "analyst",
            AT,
        )
        .unwrap()
    }

    fn refused(case: &mut Case, change: Change) -> String {
        match case.apply(&change, "analyst", AT).unwrap_err() {
            CaseError::Invalid { message, .. } => message,
            CaseError::Transition(message) => message,
        }
    }

    fn outcome(kind: &str, f: impl FnOnce(&mut OutcomeInput)) -> Change {
        let mut input = OutcomeInput {
            kind: kind.into(),
            date: "2026-11-01".into(),
            ..OutcomeInput::default()
        };
        f(&mut input);
        Change::Outcome(input)
    }

    /// Every refusal the workflow words has its own message in every language: none falls
    /// back to the general one (a new rule in `scamtrace_refer::case` fails here until the
    /// pages know it).
    #[test]
    fn every_refusal_of_the_workflow_is_translated() {
        let mut c = case();
        let mut messages = vec![
            refused(&mut c, Change::Note("  ".into())),
            refused(&mut c, Change::Note("x".repeat(10_001))),
            refused(&mut c, Change::Note("a\u{7}b".into())),
            refused(&mut c, Change::AddClusters(vec![7])),
            refused(
                &mut c,
                Change::SetStatus {
                    status: Status::Actioned,
                    reason: None,
                },
            ),
            refused(
                &mut c,
                Change::SetStatus {
                    status: Status::Referred,
                    reason: None,
                },
            ),
            refused(
                &mut c,
                Change::SetStatus {
                    status: Status::Open,
                    reason: None,
                },
            ),
            refused(&mut c, outcome("parades", |_| {})),
            refused(&mut c, outcome("arrests", |o| o.date = "soon".into())),
            refused(&mut c, outcome("arrests", |o| o.date = "2027-01-01".into())),
            refused(&mut c, outcome("arrests", |o| o.count = Some(0))),
            refused(&mut c, outcome("arrests", |o| o.amount = Some("5".into()))),
            refused(&mut c, outcome("money_recovered", |_| {})),
            refused(
                &mut c,
                outcome("money_recovered", |o| o.amount = Some("lots".into())),
            ),
            refused(
                &mut c,
                outcome("money_recovered", |o| o.amount = Some("0".into())),
            ),
            refused(
                &mut c,
                outcome("money_recovered", |o| o.amount = Some("5".into())),
            ),
        ];
        c.apply(
            &Change::Refer {
                agency: "Metropolitan Police Cyber Unit".into(),
                agency_reference: None,
            },
            "analyst",
            AT,
        )
        .unwrap();
        messages.push(refused(
            &mut c,
            Change::SetStatus {
                status: Status::Open,
                reason: None,
            },
        ));
        c.apply(
            &Change::SetStatus {
                status: Status::Closed,
                reason: None,
            },
            "analyst",
            AT,
        )
        .unwrap();
        messages.push(refused(
            &mut c,
            Change::Refer {
                agency: "Central Bureau of Investigation".into(),
                agency_reference: None,
            },
        ));
        messages.push(refused(
            &mut c,
            Change::SetStatus {
                status: Status::Closed,
                reason: None,
            },
        ));
        messages.push(refused(&mut c, Change::AddClusters((100..=200).collect())));
        let none = Case::open("x".into(), "r".into(), "t", &[], None, "a", AT).unwrap_err();
        messages.push(none.to_string().split(": ").nth(1).unwrap().to_string());
        messages.extend([
            "there is no operation 42".to_string(),
            "the case kept changing under this change; try again".to_string(),
            "is not the username of an analyst's account".to_string(),
            "is not an ISO 4217 code like USD".to_string(),
        ]);
        for lang in Lang::all() {
            for m in &messages {
                let text = localized(lang, m).unwrap_or_else(|| panic!("{m:?} is not translated"));
                assert!(
                    !text.contains("cases.") && !text.contains("errors."),
                    "{m:?}: {text}"
                );
                assert!(!text.contains('{'), "{m:?}: {text}");
            }
        }
        assert_eq!(
            localized(Lang::EN, "is longer than 200 characters").unwrap(),
            "This is too long: at most 200 characters."
        );
        let de = Lang::from_code("de").unwrap();
        assert!(
            localized(
                de,
                "the case is referred and cannot become open: only a closed case can be reopened"
            )
            .unwrap()
            .contains(&t(de, "cases.status_referred"))
        );
        assert_eq!(localized(Lang::EN, "something new"), None);
    }

    #[test]
    fn refusals_name_only_fields_of_their_form() {
        let r = Refusal::new(CaseForm::Refer, Some("agency"), "required".into());
        assert_eq!(r.field, Some(("agency", "cases.agency")));
        let r = Refusal::new(CaseForm::Refer, Some("body"), "bad".into());
        assert_eq!(r.field, None);
        let j = Refusal::new(
            CaseForm::Package,
            Some("recipient"),
            "This field is required.".into(),
        )
        .json(Lang::EN);
        assert_eq!(j["summary"], "Recipient agency: This field is required.");
        assert_eq!(j["href"], "#package-recipient");
    }

    #[test]
    fn outcome_forms_drop_the_currency_without_an_amount() {
        let fields: HashMap<String, String> = [
            ("kind", "arrests"),
            ("count", "3"),
            ("currency", "USD"),
            ("amount", ""),
            ("date", "2026-11-01"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let Ok(Change::Outcome(o)) = change_of(Lang::EN, CaseForm::Outcome, &fields) else {
            panic!("an outcome");
        };
        assert_eq!((o.count, o.currency, o.amount), (Some(3), None, None));
        let mut money = fields.clone();
        money.insert("kind".into(), "money_recovered".into());
        money.insert("amount".into(), "12500".into());
        let Ok(Change::Outcome(o)) = change_of(Lang::EN, CaseForm::Outcome, &money) else {
            panic!("an outcome");
        };
        assert_eq!((o.count, o.currency.as_deref()), (None, Some("USD")));
        let mut bad = fields;
        bad.insert("count".into(), "three".into());
        let refusal = change_of(Lang::EN, CaseForm::Outcome, &bad).unwrap_err();
        assert_eq!(refusal.field.map(|f| f.0), Some("count"));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(12_345), "12.3 KB");
        assert_eq!(size_text(1_400_000), "1.4 MB");
    }
}
