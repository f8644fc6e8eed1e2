//! The engine: reports, values, which values link, and the clusters they make.

use std::collections::VecDeque;

use rustc_hash::{FxHashMap, FxHashSet};
use scamtrace_extract::IndicatorKind;
use smallvec::SmallVec;

use crate::unionfind::UnionFind;
use crate::{ClusterId, Config, ReportKey, kind_links, value_may_link};

/// One value found in a report, as correlation sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence<'a> {
    pub kind: IndicatorKind,
    /// The canonical value (for domains, the registrable domain: the unit that links).
    pub value: &'a str,
    /// False where extraction says this occurrence must never link (a legitimate company's own
    /// number or site, a short-lived code): the value then links nowhere.
    pub linking: bool,
}

impl<'a> Occurrence<'a> {
    pub fn new(kind: IndicatorKind, value: &'a str) -> Self {
        Occurrence {
            kind,
            value,
            linking: true,
        }
    }

    /// Occurrences lent from values their caller owns, as `(kind, value, linking)`.
    pub fn lent(owned: &'a [(IndicatorKind, String, bool)]) -> Vec<Occurrence<'a>> {
        owned
            .iter()
            .map(|(kind, value, linking)| Occurrence {
                kind: *kind,
                value,
                linking: *linking,
            })
            .collect()
    }
}

/// An analyst's decision about a value, which overrides hub detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The value links, however many reports share it.
    Linking,
    /// The value never links.
    NotLinking,
}

/// Why a value links or does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    /// Links reports.
    Links,
    /// In at least the hub threshold of reports: does not link until an analyst decides.
    Hub,
    /// Its kind never links on its own (brands, URLs, IP addresses).
    Context,
    /// Some report says it must not link (it is on the legitimate reference list, or short-lived).
    Benign,
    /// An analyst decided it links.
    DecidedLinking,
    /// An analyst decided it does not link.
    DecidedNotLinking,
}

impl LinkStatus {
    pub fn links(self) -> bool {
        matches!(self, LinkStatus::Links | LinkStatus::DecidedLinking)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Links => "links",
            LinkStatus::Hub => "hub",
            LinkStatus::Context => "context",
            LinkStatus::Benign => "benign",
            LinkStatus::DecidedLinking => "decided_linking",
            LinkStatus::DecidedNotLinking => "decided_not_linking",
        }
    }
}

/// Something that changed cluster identities, for the merge history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Two clusters of at least two reports each became one; the older id survives.
    Merged {
        survivor: ClusterId,
        absorbed: ClusterId,
        /// The report whose arrival (or the decision, when `None`) joined them.
        by_report: Option<ReportKey>,
    },
    /// A value stopped linking and a cluster fell apart; `parts` are the new clusters' ids,
    /// `cluster` among them when its oldest report stayed in a part of two or more.
    Split {
        cluster: ClusterId,
        parts: Vec<ClusterId>,
    },
}

/// Where a cluster id leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterLookup {
    /// The id names a current cluster.
    Current(ClusterId),
    /// The cluster was absorbed: its oldest report is now in this one.
    Moved(ClusterId),
}

/// A value as the engine knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueInfo {
    pub kind: IndicatorKind,
    pub value: String,
    /// Reports holding it.
    pub reports: u32,
    pub status: LinkStatus,
    /// Distinct clusters its reports are in (one when it links).
    pub clusters: u32,
}

/// One step of an explanation: a report, or the value that leads to the next report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Report(ReportKey),
    Value(ValueRef),
}

/// A value by kind and canonical text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueRef {
    pub kind: IndicatorKind,
    pub value: String,
}

struct Report<A> {
    key: ReportKey,
    /// Its values are `report_values[start..start + len]`.
    start: u32,
    len: u32,
    attrs: A,
}

struct Value {
    kind: IndicatorKind,
    text: Box<str>,
    /// Reports holding the value, by dense index, ascending. Most values are in one to three
    /// reports: those are kept inline, without an allocation each.
    postings: SmallVec<[u32; 3]>,
    /// Occurrences that said the value must never link.
    vetoes: u32,
    decision: Option<Decision>,
    /// Whether the value currently links (what the components were built with).
    links: bool,
}

/// Reports, their values and the clusters they form. See the crate documentation.
pub struct Engine<A> {
    config: Config,
    reports: Vec<Report<A>>,
    /// Every report's distinct values, one after the other (reports never change).
    report_values: Vec<u32>,
    by_key: FxHashMap<ReportKey, u32>,
    /// One map per kind, so lookups borrow the text without building a key.
    interned: Vec<FxHashMap<Box<str>, u32>>,
    values: Vec<Value>,
    sets: UnionFind,
    threshold: u32,
    /// Values that are hubs now (no decision, no veto, at or over the threshold).
    hubs: FxHashSet<u32>,
    events: Vec<Event>,
}

impl<A> Engine<A> {
    pub fn new(config: Config) -> Self {
        Engine {
            config,
            reports: Vec::new(),
            report_values: Vec::new(),
            by_key: FxHashMap::default(),
            interned: (0..IndicatorKind::ALL.len())
                .map(|_| FxHashMap::default())
                .collect(),
            values: Vec::new(),
            sets: UnionFind::default(),
            threshold: config.hub_threshold(0),
            hubs: FxHashSet::default(),
            events: Vec::new(),
        }
    }

    /// Starts building an engine from all reports at once ([`Bulk`]): the same clusters as
    /// adding them one by one (in any order), in a fraction of the time.
    pub fn bulk(config: Config) -> Bulk<A> {
        Bulk {
            engine: Engine::new(config),
        }
    }

    pub fn config(&self) -> Config {
        self.config
    }

    /// Reports known.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Distinct values known.
    pub fn value_count(&self) -> usize {
        self.values.len()
    }

    /// Reports from which a value is a hub, at the current volume.
    pub fn hub_threshold(&self) -> u32 {
        self.threshold
    }

    pub fn contains(&self, key: ReportKey) -> bool {
        self.by_key.contains_key(&key)
    }

    /// Adds a report and updates the clusters at once. A key already known is ignored (reports
    /// are immutable; returns false).
    pub fn add_report(&mut self, key: ReportKey, attrs: A, occurrences: &[Occurrence<'_>]) -> bool {
        if self.by_key.contains_key(&key) {
            return false;
        }
        let idx = self.insert(key, attrs, occurrences);
        let threshold = self.config.hub_threshold(self.reports.len());
        if threshold != self.threshold {
            self.threshold = threshold;
            // A higher threshold can only turn hubs back into linking values.
            let mut hubs: Vec<u32> = self.hubs.iter().copied().collect();
            hubs.sort_unstable();
            for v in hubs {
                self.refresh(v, Some(key));
            }
        }
        let values = self.values_of(idx).to_vec();
        for &v in &values {
            self.refresh(v, Some(key));
        }
        for &v in &values {
            if self.values[v as usize].links {
                let first = self.values[v as usize].postings[0];
                self.join(first, idx, Some(key));
            }
        }
        true
    }

    /// Records an analyst's decision on a value (or withdraws it with `None`), whether or not a
    /// report holds it yet, and updates the clusters. Returns false when the kind can never link.
    pub fn decide(&mut self, kind: IndicatorKind, value: &str, decision: Option<Decision>) -> bool {
        if !value_may_link(kind, value) {
            return false;
        }
        let v = self.intern(kind, value);
        self.values[v as usize].decision = decision;
        self.refresh(v, None);
        true
    }

    /// Takes the merges and splits since the last call.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The id of the cluster holding the report.
    pub fn cluster_of(&self, key: ReportKey) -> Option<ClusterId> {
        let idx = *self.by_key.get(&key)?;
        Some(self.sets.min_key(self.sets.root(idx)))
    }

    /// Where a cluster id leads: to itself, or to the cluster that absorbed it. `None` when no
    /// report has this key.
    pub fn lookup_cluster(&self, id: ClusterId) -> Option<ClusterLookup> {
        let current = self.cluster_of(id)?;
        Some(if current == id {
            ClusterLookup::Current(id)
        } else {
            ClusterLookup::Moved(current)
        })
    }

    /// Keys of the cluster's reports, ascending (oldest first). Empty when `id` is not a current
    /// cluster.
    pub fn members(&self, id: ClusterId) -> Vec<ReportKey> {
        let Some(root) = self.root_of_cluster(id) else {
            return Vec::new();
        };
        let mut keys: Vec<ReportKey> = self
            .sets
            .members(root)
            .map(|m| self.reports[m as usize].key)
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The cluster's reports with their payloads, in no particular order.
    pub fn members_with_attrs(&self, id: ClusterId) -> Vec<(ReportKey, &A)> {
        let Some(root) = self.root_of_cluster(id) else {
            return Vec::new();
        };
        self.sets
            .members(root)
            .map(|m| {
                let r = &self.reports[m as usize];
                (r.key, &r.attrs)
            })
            .collect()
    }

    /// Number of reports in the cluster (0 when it is not current).
    pub fn cluster_size(&self, id: ClusterId) -> u32 {
        self.root_of_cluster(id)
            .map(|root| self.sets.size(root))
            .unwrap_or(0)
    }

    /// Every current cluster of at least `min_size` reports, as `(id, size)`, in no particular
    /// order.
    pub fn clusters(&self, min_size: u32) -> impl Iterator<Item = (ClusterId, u32)> + '_ {
        self.sets
            .roots()
            .filter(move |&r| self.sets.size(r) >= min_size)
            .map(|r| (self.sets.min_key(r), self.sets.size(r)))
    }

    /// The partition as sorted lists of sorted keys, singletons included: what tests compare.
    pub fn partition(&self) -> Vec<Vec<ReportKey>> {
        let mut parts: Vec<Vec<ReportKey>> = self
            .sets
            .roots()
            .map(|r| {
                let mut keys: Vec<ReportKey> = self
                    .sets
                    .members(r)
                    .map(|m| self.reports[m as usize].key)
                    .collect();
                keys.sort_unstable();
                keys
            })
            .collect();
        parts.sort();
        parts
    }

    /// Every report with its payload, in the order they were added.
    pub fn reports(&self) -> impl Iterator<Item = (ReportKey, &A)> + '_ {
        self.reports.iter().map(|r| (r.key, &r.attrs))
    }

    /// A report's payload.
    pub fn attrs(&self, key: ReportKey) -> Option<&A> {
        let idx = *self.by_key.get(&key)?;
        Some(&self.reports[idx as usize].attrs)
    }

    /// The values of a report.
    pub fn report_values(&self, key: ReportKey) -> Vec<ValueInfo> {
        let Some(&idx) = self.by_key.get(&key) else {
            return Vec::new();
        };
        self.values_of(idx).iter().map(|&v| self.info(v)).collect()
    }

    /// What the engine knows of a value.
    pub fn value(&self, kind: IndicatorKind, value: &str) -> Option<ValueInfo> {
        self.lookup(kind, value).map(|v| self.info(v))
    }

    /// Every value the engine knows, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = (IndicatorKind, &str)> + '_ {
        self.values.iter().map(|v| (v.kind, &*v.text))
    }

    /// How many reports (and partner nodes) hold a value: cheap, whatever the number.
    pub fn value_report_count(&self, kind: IndicatorKind, value: &str) -> u32 {
        self.lookup(kind, value)
            .map_or(0, |v| self.values[v as usize].postings.len() as u32)
    }

    /// Keys of the reports holding a value, ascending.
    pub fn value_reports(&self, kind: IndicatorKind, value: &str) -> Vec<ReportKey> {
        let Some(v) = self.lookup(kind, value) else {
            return Vec::new();
        };
        let mut keys: Vec<ReportKey> = self.values[v as usize]
            .postings
            .iter()
            .map(|&p| self.reports[p as usize].key)
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The values of a cluster's reports with how many of its reports hold each, most first.
    pub fn cluster_values(&self, id: ClusterId) -> Vec<(ValueInfo, u32)> {
        let Some(root) = self.root_of_cluster(id) else {
            return Vec::new();
        };
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for m in self.sets.members(root) {
            for &v in self.values_of(m) {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut out: Vec<(ValueInfo, u32)> =
            counts.into_iter().map(|(v, n)| (self.info(v), n)).collect();
        out.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(a.0.kind.cmp(&b.0.kind))
                .then(a.0.value.cmp(&b.0.value))
        });
        out
    }

    /// Values that link, or would link, an unusual number of reports: every hub, every value an
    /// analyst decided on, and linking values past half the hub threshold. Most reports first.
    pub fn over_linked(&self) -> Vec<ValueInfo> {
        let watch = self.threshold.div_ceil(2);
        let mut out: Vec<ValueInfo> = (0..self.values.len() as u32)
            .filter(|&v| {
                let value = &self.values[v as usize];
                value_may_link(value.kind, &value.text)
                    && (self.hubs.contains(&v)
                        || value.decision.is_some()
                        || (value.links && value.postings.len() as u32 >= watch))
            })
            .map(|v| self.info(v))
            .collect();
        out.sort_by(|a, b| {
            b.reports
                .cmp(&a.reports)
                .then(a.kind.cmp(&b.kind))
                .then(a.value.cmp(&b.value))
        });
        out
    }

    /// The shortest chain of shared linking values from report `a` to report `b`: report, value,
    /// report, ..., report. `None` when they are not in one cluster (or unknown).
    pub fn explain(&self, a: ReportKey, b: ReportKey) -> Option<Vec<Step>> {
        let (&ia, &ib) = (self.by_key.get(&a)?, self.by_key.get(&b)?);
        if self.sets.root(ia) != self.sets.root(ib) {
            return None;
        }
        if ia == ib {
            return Some(vec![Step::Report(a)]);
        }
        // Breadth-first over reports; `via[r]` is (previous report, value) on the way to r.
        let mut via: FxHashMap<u32, (u32, u32)> = FxHashMap::default();
        let mut seen_values: FxHashSet<u32> = FxHashSet::default();
        let mut queue = VecDeque::from([ia]);
        via.insert(ia, (ia, u32::MAX));
        'search: while let Some(r) = queue.pop_front() {
            for &v in self.values_of(r) {
                if !self.values[v as usize].links || !seen_values.insert(v) {
                    continue;
                }
                for &next in &self.values[v as usize].postings {
                    if let std::collections::hash_map::Entry::Vacant(e) = via.entry(next) {
                        e.insert((r, v));
                        if next == ib {
                            break 'search;
                        }
                        queue.push_back(next);
                    }
                }
            }
        }
        let mut path = vec![Step::Report(b)];
        let mut at = ib;
        while at != ia {
            let (prev, v) = *via.get(&at)?;
            path.push(Step::Value(self.value_ref(v)));
            path.push(Step::Report(self.reports[prev as usize].key));
            at = prev;
        }
        path.reverse();
        Some(path)
    }

    /// Why a value links or does not, with the current threshold.
    fn status_of(&self, v: u32) -> LinkStatus {
        let value = &self.values[v as usize];
        if !value_may_link(value.kind, &value.text) {
            return LinkStatus::Context;
        }
        match value.decision {
            Some(Decision::Linking) => return LinkStatus::DecidedLinking,
            Some(Decision::NotLinking) => return LinkStatus::DecidedNotLinking,
            None => {}
        }
        if !kind_links(value.kind) {
            LinkStatus::Context
        } else if value.vetoes > 0 {
            LinkStatus::Benign
        } else if value.postings.len() as u32 >= self.threshold {
            LinkStatus::Hub
        } else {
            LinkStatus::Links
        }
    }

    /// The values of the report at dense index `idx`.
    fn values_of(&self, idx: u32) -> &[u32] {
        let r = &self.reports[idx as usize];
        &self.report_values[r.start as usize..(r.start + r.len) as usize]
    }

    fn info(&self, v: u32) -> ValueInfo {
        let value = &self.values[v as usize];
        let clusters = if value.links {
            1
        } else {
            let roots: FxHashSet<u32> = value.postings.iter().map(|&p| self.sets.root(p)).collect();
            roots.len() as u32
        };
        ValueInfo {
            kind: value.kind,
            value: value.text.to_string(),
            reports: value.postings.len() as u32,
            status: self.status_of(v),
            clusters,
        }
    }

    fn value_ref(&self, v: u32) -> ValueRef {
        let value = &self.values[v as usize];
        ValueRef {
            kind: value.kind,
            value: value.text.to_string(),
        }
    }

    fn root_of_cluster(&self, id: ClusterId) -> Option<u32> {
        let idx = *self.by_key.get(&id)?;
        let root = self.sets.root(idx);
        (self.sets.min_key(root) == id).then_some(root)
    }

    fn lookup(&self, kind: IndicatorKind, value: &str) -> Option<u32> {
        self.interned[kind as usize].get(value).copied()
    }

    fn intern(&mut self, kind: IndicatorKind, text: &str) -> u32 {
        if let Some(v) = self.lookup(kind, text) {
            return v;
        }
        let v = self.values.len() as u32;
        self.values.push(Value {
            kind,
            text: text.into(),
            postings: SmallVec::new(),
            vetoes: 0,
            decision: None,
            links: false,
        });
        self.interned[kind as usize].insert(text.into(), v);
        v
    }

    /// Records the report and its values, without joining anything.
    fn insert(&mut self, key: ReportKey, attrs: A, occurrences: &[Occurrence<'_>]) -> u32 {
        let idx = self.sets.push(key);
        debug_assert_eq!(idx as usize, self.reports.len());
        self.by_key.insert(key, idx);
        let start = self.report_values.len();
        for occ in occurrences {
            let v = self.intern(occ.kind, occ.value);
            let value = &mut self.values[v as usize];
            if !occ.linking {
                value.vetoes += 1;
            }
            if !self.report_values[start..].contains(&v) {
                self.report_values.push(v);
                value.postings.push(idx);
            }
        }
        self.reports.push(Report {
            key,
            start: start as u32,
            len: (self.report_values.len() - start) as u32,
            attrs,
        });
        idx
    }

    /// Brings a value's linking in line with its status: joins its reports when it starts
    /// linking, splits its cluster when it stops.
    fn refresh(&mut self, v: u32, by_report: Option<ReportKey>) {
        let status = self.status_of(v);
        if status == LinkStatus::Hub {
            self.hubs.insert(v);
        } else {
            self.hubs.remove(&v);
        }
        let links = status.links();
        if links == self.values[v as usize].links {
            return;
        }
        self.values[v as usize].links = links;
        if links {
            self.join_postings(v, by_report, true);
        } else if let Some(&first) = self.values[v as usize].postings.first() {
            let root = self.sets.find(first);
            self.split(root);
        }
    }

    fn join_postings(&mut self, v: u32, by_report: Option<ReportKey>, record: bool) {
        let postings = std::mem::take(&mut self.values[v as usize].postings);
        if let Some((&first, rest)) = postings.split_first() {
            for &p in rest {
                if record {
                    self.join(first, p, by_report);
                } else {
                    self.sets.union(first, p);
                }
            }
        }
        self.values[v as usize].postings = postings;
    }

    /// Joins two reports' clusters, recording a merge when both had two reports or more (a
    /// single report joining a cluster is growth, not a merge).
    fn join(&mut self, a: u32, b: u32, by_report: Option<ReportKey>) {
        if let Some(joined) = self.sets.union(a, b)
            && joined.sizes.0 >= 2
            && joined.sizes.1 >= 2
        {
            self.events.push(Event::Merged {
                survivor: joined.survivor,
                absorbed: joined.absorbed,
                by_report,
            });
        }
    }

    /// Rebuilds one cluster's components from its members' currently linking values.
    fn split(&mut self, root: u32) {
        let old_id = self.sets.min_key(root);
        let reports = &self.reports;
        let members = self.sets.dissolve(root, |m| reports[m as usize].key);
        for &m in &members {
            let r = &self.reports[m as usize];
            for i in r.start..r.start + r.len {
                let v = self.report_values[i as usize];
                let value = &self.values[v as usize];
                if value.links {
                    let first = value.postings[0];
                    self.sets.union(first, m);
                }
            }
        }
        let mut parts: Vec<ClusterId> = members
            .iter()
            .map(|&m| self.sets.root(m))
            .collect::<FxHashSet<u32>>()
            .into_iter()
            .filter(|&r| self.sets.size(r) >= 2)
            .map(|r| self.sets.min_key(r))
            .collect();
        parts.sort_unstable();
        if parts.len() != 1 || parts[0] != old_id {
            self.events.push(Event::Split {
                cluster: old_id,
                parts,
            });
        }
    }
}

/// An engine being built from all reports at once; see [`Engine::bulk`].
pub struct Bulk<A> {
    engine: Engine<A>,
}

impl<A> Bulk<A> {
    /// Makes room for about `reports` more reports holding `values` distinct values in all, so
    /// that the tables are not grown (and rehashed) step by step.
    pub fn reserve(&mut self, reports: usize, values: usize) {
        let e = &mut self.engine;
        e.reports.reserve(reports);
        e.by_key.reserve(reports);
        e.report_values.reserve(reports * 3);
        e.values.reserve(values);
        e.sets.reserve(reports);
        // Values are spread over kinds unevenly; phone numbers and domains are most of them.
        let per_kind = values / 3;
        for map in &mut e.interned {
            map.reserve(per_kind / 4);
        }
        e.interned[IndicatorKind::Phone as usize].reserve(per_kind);
        e.interned[IndicatorKind::Domain as usize].reserve(per_kind);
    }

    /// Records a report; a key already recorded is ignored (returns false).
    pub fn add(&mut self, key: ReportKey, attrs: A, occurrences: &[Occurrence<'_>]) -> bool {
        if self.engine.by_key.contains_key(&key) {
            return false;
        }
        self.engine.insert(key, attrs, occurrences);
        true
    }

    /// Records an analyst's decision on a value (known yet or not).
    pub fn decide(&mut self, kind: IndicatorKind, value: &str, decision: Decision) {
        if value_may_link(kind, value) {
            let v = self.engine.intern(kind, value);
            self.engine.values[v as usize].decision = Some(decision);
        }
    }

    /// Joins everything at once.
    pub fn finish(self) -> Engine<A> {
        let mut engine = self.engine;
        engine.threshold = engine.config.hub_threshold(engine.reports.len());
        for v in 0..engine.values.len() as u32 {
            let status = engine.status_of(v);
            if status == LinkStatus::Hub {
                engine.hubs.insert(v);
            }
            if status.links() {
                engine.values[v as usize].links = true;
                engine.join_postings(v, None, false);
            }
        }
        engine
    }
}

#[cfg(test)]
mod tests;
