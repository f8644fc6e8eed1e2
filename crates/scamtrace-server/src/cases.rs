//! Cases and law-enforcement referral packages: the case workflow (`scamtrace_refer::case`)
//! over the store, and the package assembled from the correlation engine and the reports.
//!
//! The server, its pages and the CLI all go through the functions here, so that every change is
//! validated, stored with its event and audit record in one transaction, and retried when
//! another writer got there first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use scamtrace_correlate::{ClusterLookup, Engine};
use scamtrace_extract::IndicatorKind;
use scamtrace_intake::Intake;
use scamtrace_refer::case::{Case, CaseError, Change, same_agency};
use scamtrace_refer::notices::{DomainFact, NoticeContext, Templates};
use scamtrace_refer::package::{ManifestInfo, PackageFile, SigningKey};
use scamtrace_refer::redact::{Personal, redact};
use scamtrace_refer::summary::{Counted, Dated, Loss, Narrative, Phone, Rail, Receiver, Summary};
use scamtrace_store::{
    AuditEvent, CaseEventRecord, CasePackage, CasePackageInfo, CaseRecord, Store, StoreError,
};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::auth::{Principal, Role};
use crate::correlation::{Correlator, Facts};

/// The label the instance's package signing key is derived under from its master key.
pub const SIGNING_KEY_LABEL: &str = "scamtrace/referral-signing/v1";

/// How many times a change is tried when other writers keep changing the case meanwhile (with a
/// short random pause that grows, so that racing writers spread out).
const RETRIES: usize = 50;

async fn back_off(attempt: usize) {
    use rand::Rng;
    let most = (attempt as u64 + 1).min(20) * 2;
    let ms = rand::rng().random_range(0..=most);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// Settings of referrals (`[server.refer]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReferConfig {
    /// Who agencies contact about a case (a desk's email or phone); default: the organization.
    pub contact: Option<String>,
    /// A directory whose `phone.txt`, `domain.txt` and `payment.txt` replace the built-in abuse
    /// notice templates (those missing stay built in). Read at every export, so edits apply at
    /// once; `scamtrace case templates DIR` writes the built-in ones to start from.
    pub notice_templates: Option<std::path::PathBuf>,
}

impl ReferConfig {
    /// The notice templates: the built-in ones with the directory's replacements. A template
    /// that does not parse is refused with its file named.
    pub fn templates(&self) -> Result<Templates, String> {
        let mut templates = Templates::builtin();
        let Some(dir) = &self.notice_templates else {
            return Ok(templates);
        };
        if !dir.is_dir() {
            return Err(format!(
                "notice_templates {} is not a directory",
                dir.display()
            ));
        }
        for name in scamtrace_refer::notices::TEMPLATES {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => templates
                    .replace(name, text)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            }
        }
        Ok(templates)
    }

    pub fn contact(&self, organization: &str) -> String {
        self.contact
            .clone()
            .unwrap_or_else(|| format!("The {organization} ScamTrace team"))
    }
}

/// The instance's package signing key, derived from its master key.
pub fn signing_key(vault: &scamtrace_vault::Vault) -> SigningKey {
    SigningKey::from_seed(vault.derive_key(SIGNING_KEY_LABEL))
}

/// Who acts: the id for the audit log and the name shown on the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: String,
    pub name: String,
}

impl Actor {
    /// The caller as an actor: a signed-in user by username, a token by a short id.
    pub async fn of(store: &dyn Store, principal: &Principal) -> Result<Actor, StoreError> {
        let name = if principal.via_session {
            store
                .find_user(&principal.id)
                .await?
                .map(|u| u.username)
                .unwrap_or_else(|| principal.id.clone())
        } else {
            format!("token {}", principal.id.chars().take(8).collect::<String>())
        };
        Ok(Actor {
            id: principal.id.clone(),
            name,
        })
    }
}

/// Why a case operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CaseFailure {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("there is no operation {0}")]
    NoCluster(u64),
    #[error("there is no case {0:?}")]
    NotFound(String),
    #[error("the case kept changing under this change; try again")]
    Busy,
    #[error("building the package failed: {0}")]
    Package(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CaseFailure> for crate::error::ApiError {
    fn from(e: CaseFailure) -> Self {
        use crate::error::ApiError;
        match e {
            CaseFailure::Case(CaseError::Invalid { field, message }) => ApiError::Invalid {
                field: field.to_string(),
                message,
            },
            CaseFailure::Case(CaseError::Transition(message)) => ApiError::Conflict(message),
            CaseFailure::NoCluster(id) => ApiError::Invalid {
                field: "clusters".into(),
                message: format!("there is no operation {id}"),
            },
            CaseFailure::NotFound(_) => ApiError::NotFound,
            CaseFailure::Busy => {
                ApiError::Conflict("the case kept changing under this change; try again".into())
            }
            CaseFailure::Package(message) => {
                tracing::error!(error = %message, "building a referral package failed");
                ApiError::Internal
            }
            CaseFailure::Store(e) => e.into(),
        }
    }
}

fn decode(record: &CaseRecord) -> Result<Case, StoreError> {
    serde_json::from_str(&record.state)
        .map_err(|e| StoreError::Corrupt(format!("case {}: {e}", record.id)))
}

fn encode(case: &Case, version: i64) -> CaseRecord {
    CaseRecord {
        id: case.id.clone(),
        reference: case.reference.clone(),
        version,
        status: case.status.as_str().to_string(),
        agencies: case.agencies(),
        state: serde_json::to_string(case).unwrap_or_default(),
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}

/// A fresh case reference: `CASE-2026-7KQ4M` (the year, five letters and digits without the
/// ones people confuse).
fn new_reference(now: OffsetDateTime) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let tail: String = (0..5)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("CASE-{}-{tail}", now.year())
}

/// The current ids of `ids` (an absorbed cluster's id names the one that absorbed it).
fn current_clusters(engine: &Engine<Facts>, ids: &[u64]) -> Result<Vec<u64>, CaseFailure> {
    let mut out = Vec::new();
    for id in ids {
        match engine.lookup_cluster(*id) {
            Some(ClusterLookup::Current(c)) | Some(ClusterLookup::Moved(c)) => {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
            None => return Err(CaseFailure::NoCluster(*id)),
        }
    }
    Ok(out)
}

/// A case's clusters as they are now: merges followed, vanished ones left out.
pub fn clusters_now(engine: &Engine<Facts>, case: &Case) -> Vec<u64> {
    let mut out = Vec::new();
    for id in &case.clusters {
        if let Some(ClusterLookup::Current(c)) | Some(ClusterLookup::Moved(c)) =
            engine.lookup_cluster(*id)
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
}

/// An assignee must be an enabled analyst's or admin's username.
async fn check_assignee(
    store: &dyn Store,
    assignee: Option<&str>,
) -> Result<Option<String>, CaseFailure> {
    let Some(name) = assignee.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let key = scamtrace_store::username_key(name);
    match store.find_user_by_username(&key).await? {
        Some(u) if u.disabled_at.is_none() && matches!(u.role.as_str(), "analyst" | "admin") => {
            Ok(Some(u.username))
        }
        _ => Err(CaseError::Invalid {
            field: "assignee",
            message: "is not the username of an analyst's account".into(),
        }
        .into()),
    }
}

fn audit(actor: &Actor, action: &str, case: &Case, reason: Option<String>) -> AuditEvent {
    AuditEvent {
        at: case.updated_at,
        actor: actor.id.clone(),
        action: action.to_string(),
        subject: format!("case:{}", case.id),
        reason,
    }
}

/// Opens a case over `clusters` and stores it with its first event.
pub async fn open_case(
    intake: &Intake,
    correlator: &Correlator,
    title: &str,
    clusters: &[u64],
    assignee: Option<&str>,
    actor: &Actor,
) -> Result<Case, CaseFailure> {
    let store = intake.store().as_ref();
    let ids = {
        let engine = correlator.engine().await;
        current_clusters(&engine, clusters)?
    };
    let assignee = check_assignee(store, assignee).await?;
    let now = OffsetDateTime::now_utc();
    for _ in 0..RETRIES {
        let case = Case::open(
            uuid::Uuid::now_v7().to_string(),
            new_reference(now),
            title,
            &ids,
            assignee.clone(),
            &actor.name,
            now,
        )?;
        let data = serde_json::json!({
            "title": case.title,
            "clusters": case.clusters.iter().map(u64::to_string).collect::<Vec<_>>(),
            "assignee": case.assignee,
        });
        let event = CaseEventRecord {
            case_id: case.id.clone(),
            version: 1,
            at: now,
            actor: actor.id.clone(),
            action: "case.opened".into(),
            data: data.to_string(),
        };
        match store
            .create_case(
                encode(&case, 1),
                event,
                audit(actor, "case.opened", &case, None),
            )
            .await
        {
            Ok(()) => return Ok(case),
            // A reference drawn twice: draw again.
            Err(StoreError::AlreadyExists(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(CaseFailure::Busy)
}

/// A case by id or reference.
pub async fn find_case(
    store: &dyn Store,
    key: &str,
) -> Result<Option<(CaseRecord, Case)>, StoreError> {
    let key = key.trim();
    if key.len() > 100 {
        return Ok(None);
    }
    let record = if key.to_ascii_uppercase().starts_with("CASE-") {
        let wanted = key.to_ascii_uppercase();
        store
            .list_cases()
            .await?
            .into_iter()
            .find(|c| c.reference == wanted)
    } else {
        store.get_case(key).await?
    };
    match record {
        Some(r) => {
            let case = decode(&r)?;
            Ok(Some((r, case)))
        }
        None => Ok(None),
    }
}

/// Every case, most recently changed first.
pub async fn all_cases(store: &dyn Store) -> Result<Vec<Case>, StoreError> {
    store.list_cases().await?.iter().map(decode).collect()
}

/// Applies `change` to the case `key` (id or reference), storing the new state with its event
/// and audit record; tried again from a fresh read when another writer changed the case.
pub async fn change_case(
    intake: &Intake,
    correlator: &Correlator,
    key: &str,
    change: Change,
    actor: &Actor,
) -> Result<Case, CaseFailure> {
    let store = intake.store().as_ref();
    let change = match change {
        Change::AddClusters(ids) => {
            let engine = correlator.engine().await;
            Change::AddClusters(current_clusters(&engine, &ids)?)
        }
        Change::Assign(a) => Change::Assign(check_assignee(store, a.as_deref()).await?),
        other => other,
    };
    for attempt in 0..RETRIES {
        if attempt > 0 {
            back_off(attempt).await;
        }
        let Some((record, mut case)) = find_case(store, key).await? else {
            return Err(CaseFailure::NotFound(key.to_string()));
        };
        let now = OffsetDateTime::now_utc().max(case.updated_at);
        let data = case.apply(&change, &actor.name, now)?;
        let version = record.version + 1;
        let event = CaseEventRecord {
            case_id: case.id.clone(),
            version,
            at: now,
            actor: actor.id.clone(),
            action: change.action().to_string(),
            data: data.to_string(),
        };
        // The audit log says what changed, never free text (a note may quote a victim).
        let reason = match &change {
            Change::SetStatus { status, .. } => Some(format!("to {status}")),
            Change::Refer { agency, .. } => Some(format!("to {agency}")),
            Change::Outcome(o) => Some(o.kind.clone()),
            _ => None,
        };
        match store
            .update_case(
                encode(&case, version),
                event,
                audit(actor, change.action(), &case, reason),
            )
            .await
        {
            Ok(()) => return Ok(case),
            Err(StoreError::Conflict(_)) => continue,
            Err(StoreError::NotFound(_)) => return Err(CaseFailure::NotFound(key.to_string())),
            Err(e) => return Err(e.into()),
        }
    }
    Err(CaseFailure::Busy)
}

/// Whether `principal` may see `case`: analysts and admins see every case, an agency's members
/// the cases referred to their agency.
pub fn may_see(principal: &Principal, case: &Case) -> bool {
    match principal.role {
        Role::Analyst | Role::Admin => true,
        Role::LawEnforcement => principal
            .organization
            .as_deref()
            .is_some_and(|org| case.referred_to(org)),
        Role::Partner => false,
    }
}

/// Whether `principal` may download `package`: analysts and admins any, an agency's members
/// those made for their agency.
pub fn may_download(principal: &Principal, package: &CasePackageInfo) -> bool {
    match principal.role {
        Role::Analyst | Role::Admin => true,
        Role::LawEnforcement => principal
            .organization
            .as_deref()
            .is_some_and(|org| same_agency(org, &package.recipient)),
        Role::Partner => false,
    }
}

/// Whether `recipient` is a law-enforcement agency here: an enabled `law_enforcement` account
/// belongs to it. Only then may a package carry victims' contact details.
pub async fn is_law_enforcement(store: &dyn Store, recipient: &str) -> Result<bool, StoreError> {
    Ok(store.list_users().await?.iter().any(|u| {
        u.role == "law_enforcement"
            && u.disabled_at.is_none()
            && u.organization
                .as_deref()
                .is_some_and(|o| same_agency(o, recipient))
    }))
}

// ---------------------------------------------------------------------------------------------
// The referral package.

/// What an export needs besides the case.
pub struct ExportContext<'a> {
    pub intake: &'a Intake,
    pub correlator: &'a Correlator,
    pub organization: &'a str,
    pub refer: &'a ReferConfig,
}

/// A value of the case and what is known of it there: reports, first and last day.
type ValueKey = (IndicatorKind, String);
type Seen = (u32, String, String);

/// One victim report as the package sees it.
struct Member {
    cluster: u64,
    key: u64,
    facts: Facts,
}

fn day(t: OffsetDateTime) -> String {
    t.date().to_string()
}

fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| {
            // An E.164 number is no formula; any other cell that could be one is defused.
            if c.len() > 1 && c.starts_with('+') && c[1..].bytes().all(|b| b.is_ascii_digit()) {
                c.clone()
            } else {
                crate::workbench::csv_cell(c)
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn counted(map: HashMap<String, u32>) -> Vec<Counted> {
    let mut list: Vec<Counted> = map
        .into_iter()
        .map(|(value, reports)| Counted { value, reports })
        .collect();
    list.sort_by(|a, b| b.reports.cmp(&a.reports).then(a.value.cmp(&b.value)));
    list
}

/// The months from `first` to `last` (`YYYY-MM`), each with its count (zero included).
fn month_series(counts: &BTreeMap<String, u32>) -> Vec<Counted> {
    let (Some(first), Some(last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse().ok()?, mo.parse().ok()?))
    };
    let (Some((mut y, mut m)), Some(end)) = (parse(first), parse(last)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while (y, m) <= end && out.len() < 600 {
        let key = format!("{y:04}-{m:02}");
        out.push(Counted {
            reports: counts.get(&key).copied().unwrap_or(0),
            value: key,
        });
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    out
}

/// Whether every character of `text` prints in the summary's fonts (Latin scripts).
fn prints_in_latin(text: &str) -> bool {
    text.chars()
        .all(|c| (c as u32) < 0x250 || matches!(c, '€' | '“' | '”' | '‘' | '’' | '–' | '—' | '…'))
}

/// Builds the package for `case` and `recipient`, stores it, and returns what was stored.
pub async fn export_package(
    ctx: &ExportContext<'_>,
    case: &Case,
    recipient: &str,
    actor: &Actor,
) -> Result<CasePackageInfo, CaseFailure> {
    let recipient =
        scamtrace_refer::case::line("recipient", recipient, scamtrace_refer::case::MAX_LINE)?;
    let store = ctx.intake.store().as_ref();
    let templates = ctx.refer.templates().map_err(CaseFailure::Package)?;
    let personal_data = is_law_enforcement(store, &recipient).await?;
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);

    // The members and values of the case's clusters, as the engine has them now.
    let (clusters, members, values) = {
        let engine = ctx.correlator.engine().await;
        let clusters = clusters_now(&engine, case);
        let mut members = Vec::new();
        // (kind, value) -> (reports in the case, first day, last day)
        let mut values: BTreeMap<(IndicatorKind, String), (u32, String, String)> = BTreeMap::new();
        for c in &clusters {
            for (key, f) in engine.members_with_attrs(*c) {
                if f.is_partner() {
                    continue;
                }
                let d = f.day();
                for v in engine.report_values(key) {
                    let e = values.entry((v.kind, v.value.clone())).or_insert((
                        0,
                        d.clone(),
                        d.clone(),
                    ));
                    e.0 += 1;
                    if d < e.1 {
                        e.1 = d.clone();
                    }
                    if d > e.2 {
                        e.2 = d.clone();
                    }
                }
                members.push(Member {
                    cluster: *c,
                    key,
                    facts: f.clone(),
                });
            }
        }
        (clusters, members, values)
    };

    // Reports, with their reporters where the package may carry them.
    // A narrative is the victim's own account: it travels in victims.csv only to law
    // enforcement (whole where the reporter allowed contact, scrubbed otherwise); the summary's
    // few narratives are scrubbed for every recipient.
    let mut victims = String::from(
        "reference,operation,received_at,occurred_on,country,language,contact_method,impersonated_brand,payment_method,amount,currency,remote_access_tool",
    );
    if personal_data {
        victims.push_str(",narrative,may_contact,reporter_name,reporter_email,reporter_phone");
    }
    victims.push_str("\r\n");
    let mut narratives: Vec<Narrative> = Vec::new();
    let mut personal_reads = 0u64;
    let mut ordered: Vec<&Member> = members.iter().collect();
    ordered.sort_by(|a, b| {
        a.facts
            .received_at
            .cmp(&b.facts.received_at)
            .then(a.key.cmp(&b.key))
    });
    // Each report is read once: for the victims' own contact details (what must never be
    // listed as a scammer's), then for its row.
    let mut read = Vec::with_capacity(ordered.len());
    for m in ordered {
        if let Some(report) = store.get_report(&m.facts.id).await? {
            read.push((m, report));
        }
    }
    let private = crate::sharing::contacts_in(ctx.intake, read.iter().map(|(_, r)| r));
    for (m, report) in &read {
        let reporter = ctx.intake.reporter_of(report).map_err(|e| {
            CaseFailure::Package(format!("a reporter's details cannot be opened: {e}"))
        })?;
        if reporter.is_some() {
            personal_reads += 1;
        }
        let spans: Vec<(usize, usize, &str)> = report
            .indicators
            .iter()
            .filter(|i| i.source == "narrative")
            .filter_map(|i| {
                let placeholder = if i.kind == "gift_card" && i.value.starts_with("code:") {
                    "[gift card code]"
                } else {
                    let kind = IndicatorKind::parse(&i.kind)?;
                    if !private.contains(&(kind, i.value.clone())) {
                        return None;
                    }
                    scamtrace_refer::redact::REDACTED
                };
                Some((
                    usize::try_from(i.span_start).ok()?,
                    usize::try_from(i.span_end).ok()?,
                    placeholder,
                ))
            })
            .collect();
        // The scammers' values in the story stay, whatever scrubbing would take.
        let keep: Vec<(usize, usize)> = report
            .indicators
            .iter()
            .filter(|i| i.source == "narrative" && i.kind != "gift_card" && i.kind != "brand")
            .filter(|i| {
                IndicatorKind::parse(&i.kind)
                    .is_some_and(|k| !private.contains(&(k, i.value.clone())))
            })
            .filter_map(|i| {
                Some((
                    usize::try_from(i.span_start).ok()?,
                    usize::try_from(i.span_end).ok()?,
                ))
            })
            .collect();
        let clean = redact(
            &report.narrative,
            &Personal {
                name: reporter.as_ref().and_then(|r| r.name.as_deref()),
                email: reporter.as_ref().and_then(|r| r.email.as_deref()),
                phone: reporter.as_ref().and_then(|r| r.phone.as_deref()),
                spans,
                scrub: true,
                keep,
            },
        );
        let payment = report.details.payment.as_ref();
        let mut cells = vec![
            report.reference.clone(),
            m.cluster.to_string(),
            scamtrace_stix::timestamp(report.received_at),
            report.occurred_on.clone().unwrap_or_default(),
            report.country.clone(),
            report.language.clone().unwrap_or_default(),
            report.contact_method.clone(),
            m.facts.brand.clone().unwrap_or_default(),
            m.facts.payment_method.clone().unwrap_or_default(),
            payment
                .and_then(|p| p.amount.as_ref())
                .map(|a| crate::clusters::decimal(a.ten_thousandths()))
                .unwrap_or_default(),
            payment
                .and_then(|p| p.currency.as_ref())
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            m.facts.remote_tool.clone().unwrap_or_default(),
        ];
        if personal_data {
            match reporter.as_ref().filter(|r| r.may_contact) {
                Some(r) => cells.extend([
                    report.narrative.clone(),
                    "yes".to_string(),
                    r.name.clone().unwrap_or_default(),
                    r.email.clone().unwrap_or_default(),
                    r.phone.clone().unwrap_or_default(),
                ]),
                None => cells.extend([
                    clean.clone(),
                    "no".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
            }
        }
        victims.push_str(&csv_line(&cells));
        let chars = clean.chars().count();
        if (80..=4_000).contains(&chars) {
            narratives.push(Narrative {
                reference: report.reference.clone(),
                country: report.country.clone(),
                date: m.facts.day(),
                language: report.language.clone(),
                text: clean,
            });
        }
    }

    // Representative narratives: in the summary's script, of a readable length, from as many
    // countries as there are, oldest first among equals.
    narratives.sort_by_key(|n| {
        (
            !prints_in_latin(&n.text),
            (n.text.chars().count() as i64 - 600).abs() / 200,
        )
    });
    let mut chosen: Vec<Narrative> = Vec::new();
    for n in &narratives {
        if chosen.len() < 5 && !chosen.iter().any(|c| c.country == n.country) {
            chosen.push(n.clone());
        }
    }
    for n in &narratives {
        if chosen.len() < 3 && !chosen.iter().any(|c| c.reference == n.reference) {
            chosen.push(n.clone());
        }
    }

    // Figures.
    let mut countries: HashMap<String, u32> = HashMap::new();
    let mut brands: HashMap<String, u32> = HashMap::new();
    let mut tools: HashMap<String, u32> = HashMap::new();
    let mut rails: HashMap<String, u32> = HashMap::new();
    let mut months: BTreeMap<String, u32> = BTreeMap::new();
    let mut losses: BTreeMap<String, (u128, u32)> = BTreeMap::new();
    let (mut first, mut last): (Option<String>, Option<String>) = (None, None);
    for m in &members {
        let f = &m.facts;
        *countries.entry(f.country.clone()).or_default() += 1;
        if let Some(b) = &f.brand {
            *brands.entry(crate::protect::brand_name(b)).or_default() += 1;
        }
        if let Some(t) = &f.remote_tool {
            *tools.entry(t.clone()).or_default() += 1;
        }
        if let Some(p) = f.payment_method.as_ref().filter(|p| *p != "none") {
            *rails.entry(p.clone()).or_default() += 1;
        }
        if let Some((currency, amount)) = &f.loss {
            let e = losses.entry(currency.clone()).or_default();
            e.0 = e.0.saturating_add(*amount);
            e.1 += 1;
        }
        let d = f.day();
        *months
            .entry(d.get(..7).unwrap_or("").to_string())
            .or_default() += 1;
        if first.as_ref().is_none_or(|x| &d < x) {
            first = Some(d.clone());
        }
        if last.as_ref().is_none_or(|x| &d > x) {
            last = Some(d);
        }
    }
    let mut usd_total = 0.0;
    let mut loss_list: Vec<Loss> = losses
        .into_iter()
        .map(|(currency, (sum, n))| {
            let usd = crate::clusters::usd(&currency, sum).map(f64::round);
            usd_total += usd.unwrap_or(0.0);
            Loss {
                total: crate::clusters::decimal(sum),
                currency,
                reports: n,
                usd_estimate: usd,
            }
        })
        .collect();
    loss_list.sort_by(|a, b| {
        b.usd_estimate
            .unwrap_or(0.0)
            .total_cmp(&a.usd_estimate.unwrap_or(0.0))
            .then(a.currency.cmp(&b.currency))
    });

    // Values: what is shareable about the scammers, never a victim's own contact details or a
    // gift card code's keyed hash (meaningless outside this instance).
    let shareable = |kind: IndicatorKind, value: &str| {
        let code = kind == IndicatorKind::GiftCard && value.starts_with("code:");
        !code && !private.contains(&(kind, value.to_string()))
    };
    let mut phones = Vec::new();
    let mut domains = Vec::new();
    let mut receivers = Vec::new();
    let mut gift_cards = Vec::new();
    let mut indicators_csv =
        String::from("kind,value,reports,first_seen,last_seen,number_type,region\r\n");
    let mut by_count: Vec<(&ValueKey, &Seen)> = values
        .iter()
        .filter(|((k, v), _)| shareable(*k, v))
        .collect();
    by_count.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    for ((kind, value), (n, first_day, last_day)) in &by_count {
        let (mut number_type, mut region) = (String::new(), String::new());
        match kind {
            IndicatorKind::Phone => {
                if let Some(p) = scamtrace_extract::phone::parse_phone(value, "US") {
                    number_type = p.number_type.as_str().to_string();
                    region = p.region.clone().unwrap_or_default();
                }
                phones.push(Phone {
                    number: value.clone(),
                    number_type: number_type.clone(),
                    region: region.clone(),
                    reports: *n,
                });
            }
            IndicatorKind::Domain => domains.push(DomainFact {
                domain: value.clone(),
                reports: *n,
                urls: Vec::new(),
            }),
            IndicatorKind::CryptoWallet
            | IndicatorKind::BankAccount
            | IndicatorKind::PaymentHandle => receivers.push(Receiver {
                kind: kind.as_str().to_string(),
                value: value.clone(),
                reports: *n,
            }),
            IndicatorKind::GiftCard => gift_cards.push(Counted {
                value: value.clone(),
                reports: *n,
            }),
            _ => {}
        }
        indicators_csv.push_str(&csv_line(&[
            kind.as_str().to_string(),
            value.clone(),
            n.to_string(),
            first_day.clone(),
            last_day.clone(),
            number_type,
            region,
        ]));
    }
    // URLs under each domain, a few each.
    for ((kind, value), _) in &by_count {
        if *kind != IndicatorKind::Url {
            continue;
        }
        let host = value
            .split_once("://")
            .map_or(value.as_str(), |(_, rest)| rest)
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or("");
        if let Some(d) = domains
            .iter_mut()
            .filter(|d| host == d.domain || host.ends_with(&format!(".{}", d.domain)))
            .max_by_key(|d| d.domain.len())
            && d.urls.len() < 3
        {
            d.urls.push(value.clone());
        }
    }
    let rail_of = |kind: &str| match kind {
        "crypto_wallet" => "crypto",
        "bank_account" => "bank_transfer",
        _ => "payment_app",
    };
    let mut rail_list: Vec<Rail> = counted(rails)
        .into_iter()
        .map(|c| Rail {
            method: c.value,
            reports: c.reports,
            receivers: Vec::new(),
        })
        .collect();
    for r in &receivers {
        let wanted = rail_of(&r.kind);
        let idx = rail_list
            .iter()
            .position(|rail| {
                rail.method == wanted
                    || (wanted == "bank_transfer" && rail.method == "wire_transfer")
            })
            .unwrap_or_else(|| {
                rail_list.push(Rail {
                    method: wanted.to_string(),
                    reports: 0,
                    receivers: Vec::new(),
                });
                rail_list.len() - 1
            });
        rail_list[idx].receivers.push(r.clone());
    }
    if let Some(rail) = rail_list.iter_mut().find(|r| r.method == "gift_card") {
        for g in &gift_cards {
            rail.receivers.push(Receiver {
                kind: "gift_card".into(),
                value: g.value.clone(),
                reports: g.reports,
            });
        }
    }

    // The timeline: the reported activity, then what the case did.
    let mut timeline = Vec::new();
    if let Some(f) = &first {
        timeline.push(Dated {
            date: f.clone(),
            text: "First victim report of the activity".into(),
        });
    }
    if let Some((month, n)) = months
        .iter()
        .max_by_key(|(m, n)| (**n, std::cmp::Reverse((*m).clone())))
    {
        timeline.push(Dated {
            date: format!("{month}-01"),
            text: format!("Busiest month: {n} victim reports in {month}"),
        });
    }
    if let Some(l) = &last {
        timeline.push(Dated {
            date: l.clone(),
            text: "Latest victim report".into(),
        });
    }
    timeline.push(Dated {
        date: day(case.created_at),
        text: format!("Case {} opened", case.reference),
    });
    for r in &case.referrals {
        timeline.push(Dated {
            date: day(r.referred_at),
            text: format!("Referred to {}", r.agency),
        });
    }
    for o in &case.outcomes {
        timeline.push(Dated {
            date: o.date.clone(),
            text: scamtrace_refer::case::outcome_line(o),
        });
    }
    timeline.sort_by(|a, b| a.date.cmp(&b.date));

    let contact = ctx.refer.contact(ctx.organization);
    let summary = Summary {
        case_reference: case.reference.clone(),
        case_id: case.id.clone(),
        title: case.title.clone(),
        instance: ctx.organization.to_string(),
        recipient: recipient.clone(),
        exported_at: Some(now),
        exported_by: actor.name.clone(),
        status: case.status.as_str().to_string(),
        operations: clusters.iter().map(u64::to_string).collect(),
        reports: members.len() as u32,
        personal_data_included: personal_data,
        first_seen: first.clone(),
        last_seen: last.clone(),
        countries: counted(countries.clone()),
        months: month_series(&months),
        losses: loss_list,
        losses_usd_estimate: usd_total,
        payment_rails: rail_list,
        phones: phones.clone(),
        domains: domains
            .iter()
            .map(|d| Counted {
                value: d.domain.clone(),
                reports: d.reports,
            })
            .collect(),
        remote_tools: counted(tools),
        brands: counted(brands.clone()),
        timeline,
        narratives: chosen,
        outcomes: case
            .outcomes
            .iter()
            .map(scamtrace_refer::case::outcome_line)
            .collect(),
        method: method_text(ctx.organization, members.len(), clusters.len()),
        contact: contact.clone(),
    };
    let pdf = scamtrace_refer::pdf::render(&summary);

    // The STIX bundle: every shareable value of the operations, and a report that names them.
    let bundle = {
        let engine = ctx.correlator.engine().await;
        let campaigns: Vec<scamtrace_stix::SharedCampaign> = clusters
            .iter()
            .filter_map(|c| crate::sharing::shared_campaign(&engine, *c, &private))
            .collect();
        let author = scamtrace_stix::Author::new(ctx.organization, scamtrace_stix::Tlp::Amber, now);
        stix_report(&author, &campaigns, case, &recipient, now)
    };

    let mut brand_names: Vec<String> = counted(brands).into_iter().map(|c| c.value).collect();
    brand_names.truncate(5);
    let notices = scamtrace_refer::notices::notices(
        &templates,
        &NoticeContext {
            case_reference: case.reference.clone(),
            instance: ctx.organization.to_string(),
            contact,
            date: day(now),
            reports: members.len() as u32,
            first_seen: first,
            last_seen: last,
            brands: brand_names,
        },
        &phones,
        &domains,
        &receivers,
        &gift_cards,
    )
    .map_err(|e| CaseFailure::Package(e.to_string()))?;

    let mut files = vec![
        PackageFile::new("summary.pdf", pdf),
        PackageFile::new("indicators.csv", indicators_csv),
        PackageFile::new("victims.csv", victims),
        PackageFile::new(
            "bundle.json",
            serde_json::to_vec_pretty(&bundle).unwrap_or_default(),
        ),
        PackageFile::new(
            "README.txt",
            readme(ctx.organization, case, &recipient, personal_data),
        ),
    ];
    for n in notices {
        files.push(PackageFile::new(
            format!("abuse-notices/{}", n.file_name),
            n.text,
        ));
    }
    let info = ManifestInfo {
        case_id: case.id.clone(),
        case_reference: case.reference.clone(),
        recipient: recipient.clone(),
        exported_at: now,
        exported_by: actor.name.clone(),
        instance: ctx.organization.to_string(),
        personal_data,
    };
    let key = signing_key(ctx.intake.vault());
    let bytes = scamtrace_refer::package::build(files, &info, &key)
        .map_err(|e| CaseFailure::Package(e.to_string()))?;
    let package = CasePackage {
        info: CasePackageInfo {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: case.id.clone(),
            recipient: recipient.clone(),
            personal_data,
            exported_by: actor.id.clone(),
            exported_at: now,
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            size: bytes.len() as i64,
        },
        bytes,
    };
    let info = package.info.clone();
    // Reading victims' contact details into a package is an access to personal data: audited.
    let audit = AuditEvent {
        at: now,
        actor: actor.id.clone(),
        action: if personal_data {
            "case.package.personal_data".into()
        } else {
            "case.package".into()
        },
        subject: format!("case:{}", case.id),
        reason: Some(if personal_data {
            format!(
                "package {} for {recipient}: contact details of consenting reporters among {personal_reads} reports",
                info.id
            )
        } else {
            format!("package {} for {recipient}: no personal data", info.id)
        }),
    };
    store.insert_case_package(package, audit).await?;
    Ok(info)
}

fn method_text(organization: &str, reports: usize, clusters: usize) -> String {
    format!(
        "{organization} collects victims' reports of technical-support scams through its public form, its API and partners' imports. \
         Every report is reduced to normalized indicators: phone numbers in E.164, registrable domains and URLs, email addresses, \
         remote-access tool IDs, crypto wallets (checksums verified), bank accounts and payment handles; gift card codes are kept only as keyed hashes. \
         Reports that share an indicator are linked; an operation is a connected set of linked reports. Values that appear in very many \
         unrelated reports (a bank's support line, a shared host) do not link, nor do values on the reference list of legitimate numbers and sites, \
         nor values an analyst ruled out. This case covers {clusters} operation(s) with {reports} victim report(s). Figures are as reported by victims \
         and not independently verified; US-dollar estimates use fixed approximate rates. The files of this package are listed with their SHA-256 \
         in manifest.json, which is signed with the instance's Ed25519 key."
    )
}

fn readme(organization: &str, case: &Case, recipient: &str, personal_data: bool) -> String {
    format!(
        "Referral package {reference}: {title}\r\n\
         Prepared by {organization} for {recipient}.\r\n\r\n\
         summary.pdf      the case at a glance: victims, losses, payment rails, numbers, domains, timeline, narratives\r\n\
         indicators.csv   every scammer indicator with its report count and first and last day seen\r\n\
         victims.csv      one row per victim report{pd}\r\n\
         bundle.json      the shareable indicators as a STIX 2.1 bundle with a report object\r\n\
         abuse-notices/   ready-to-send takedown requests for carriers, registrars, hosts and payment providers\r\n\
         manifest.json    the SHA-256 of every file, signed with {organization}'s Ed25519 key\r\n\r\n\
         To verify: scamtrace verify-package THIS.zip --key KEY, where KEY is the document published at\r\n\
         /.well-known/scamtrace-signing-key on {organization}'s ScamTrace server (compare its key_id with manifest.json).\r\n",
        reference = case.reference,
        title = case.title,
        pd = if personal_data {
            "; reporters' contact details where they allowed contact (law enforcement only)"
        } else {
            "; no personal data"
        },
    )
}

/// The bundle with a STIX `report` object that names every object about the operations.
fn stix_report(
    author: &scamtrace_stix::Author,
    campaigns: &[scamtrace_stix::SharedCampaign],
    case: &Case,
    recipient: &str,
    now: OffsetDateTime,
) -> serde_json::Value {
    let mut bundle = author.bundle(campaigns, &[]);
    let Some(objects) = bundle["objects"].as_array_mut() else {
        return bundle;
    };
    let mut refs: Vec<serde_json::Value> = objects
        .iter()
        .filter(|o| {
            !matches!(
                o["type"].as_str(),
                Some("marking-definition") | Some("extension-definition")
            )
        })
        .filter(|o| o["id"] != serde_json::json!(author.identity_id))
        .map(|o| o["id"].clone())
        .collect();
    if refs.is_empty() {
        refs.push(serde_json::json!(author.identity_id));
    }
    let id = format!(
        "report--{}",
        uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_URL,
            format!(
                "scamtrace:case:{}:{}",
                case.id,
                scamtrace_stix::timestamp(now)
            )
            .as_bytes()
        )
    );
    objects.push(serde_json::json!({
        "type": "report",
        "spec_version": "2.1",
        "id": id,
        "created_by_ref": author.identity_id,
        "created": scamtrace_stix::timestamp(now),
        "modified": scamtrace_stix::timestamp(now),
        "name": format!("Referral {}: {}", case.reference, case.title),
        "description": format!(
            "Technical-support scam operations referred by {} to {recipient}. No victim's personal data is in this bundle.",
            author.name
        ),
        "report_types": ["campaign", "indicator"],
        "published": scamtrace_stix::timestamp(now),
        "object_refs": refs,
        "object_marking_refs": [author.tlp.marking_id()],
    }));
    bundle
}

/// Outcome totals and case counts for the dashboard.
pub fn outcome_figures(cases: &[Case]) -> serde_json::Value {
    let mut totals = scamtrace_refer::case::OutcomeTotals::default();
    let mut by_status: BTreeMap<&str, u32> = scamtrace_refer::case::Status::ALL
        .iter()
        .map(|s| (s.as_str(), 0))
        .collect();
    let mut agencies: BTreeMap<String, (String, u32)> = BTreeMap::new();
    for c in cases {
        *by_status.entry(c.status.as_str()).or_default() += 1;
        for o in &c.outcomes {
            totals.add(o);
        }
        let mut seen = BTreeSet::new();
        for r in &c.referrals {
            let key = r.agency.trim().to_lowercase();
            if seen.insert(key.clone()) {
                agencies
                    .entry(key)
                    .or_insert_with(|| (r.agency.clone(), 0))
                    .1 += 1;
            }
        }
    }
    let mut referrals: Vec<(String, u32)> = agencies.into_values().collect();
    referrals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    serde_json::json!({
        "cases": cases.len(),
        "by_status": by_status,
        "referrals_by_agency": referrals.iter().map(|(a, n)| serde_json::json!({"agency": a, "cases": n})).collect::<Vec<_>>(),
        "raids": totals.raids,
        "arrests": totals.arrests,
        "numbers_disconnected": totals.numbers_disconnected,
        "domains_suspended": totals.domains_suspended,
        "accounts_frozen": totals.accounts_frozen,
        "money_recovered": totals.money_recovered.iter().map(|(c, cents)| serde_json::json!({
            "currency": c, "amount": format!("{}.{:02}", cents / 100, cents % 100)
        })).collect::<Vec<_>>(),
    })
}

/// A case as JSON for `viewer`: agencies' members see neither notes nor the assignee, and only
/// their own agency's referrals.
pub fn case_json(case: &Case, clusters_now: &[u64], viewer: &Principal) -> serde_json::Value {
    let mut v = serde_json::to_value(case).unwrap_or_default();
    v["clusters"] = serde_json::json!(case.clusters.iter().map(u64::to_string).collect::<Vec<_>>());
    v["operations"] =
        serde_json::json!(clusters_now.iter().map(u64::to_string).collect::<Vec<_>>());
    v["agencies"] = serde_json::json!(case.agencies());
    if viewer.role == Role::LawEnforcement {
        let org = viewer.organization.clone().unwrap_or_default();
        if let Some(obj) = v.as_object_mut() {
            obj.remove("notes");
            obj.remove("assignee");
            obj.remove("created_by");
        }
        v["referrals"] = serde_json::json!(
            case.referrals
                .iter()
                .filter(|r| same_agency(&r.agency, &org))
                .collect::<Vec<_>>()
        );
        v["agencies"] = serde_json::json!([org]);
    }
    v
}

/// A package's listing as JSON.
pub fn package_json(p: &CasePackageInfo) -> serde_json::Value {
    serde_json::json!({
        "id": p.id,
        "case_id": p.case_id,
        "recipient": p.recipient,
        "personal_data": p.personal_data,
        "exported_by": p.exported_by,
        "exported_at": scamtrace_stix::timestamp(p.exported_at),
        "sha256": p.sha256,
        "size": p.size,
        "href": format!("/api/v1/packages/{}", p.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_filled_in_calendar_order() {
        let counts: BTreeMap<String, u32> =
            [("2025-11".to_string(), 2), ("2026-02".to_string(), 5)].into();
        let series = month_series(&counts);
        let labels: Vec<&str> = series.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(labels, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(series.iter().map(|c| c.reports).sum::<u32>(), 7);
    }

    #[test]
    fn references_look_like_references() {
        let r = new_reference(time::macros::datetime!(2026-11-28 10:00 UTC));
        assert!(r.starts_with("CASE-2026-") && r.len() == 15, "{r}");
        assert!(!r[10..].contains(['0', 'O', '1', 'I']));
    }

    #[test]
    fn latin_script_check() {
        assert!(prints_in_latin("Señora Müller paid €500 – “urgent”"));
        assert!(!prints_in_latin("マイクロソフトを名乗る"));
    }
}
