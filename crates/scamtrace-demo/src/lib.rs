//! Demo data for ScamTrace: a deterministic, realistic stream of victims' reports of tech-support
//! scams, each with the ground truth of which scam operation it came from.
//!
//! A [`Demo`] first plans a few dozen (up to a few hundred) scam operations of very different
//! sizes, each with its own market, brands, active period, habits and pools of callback numbers,
//! domains, remote-access ids and wallets. It then yields reports lazily, one at a time, so a
//! million reports never sit in memory together. Every report is a JSON object in exactly the
//! shape `POST /api/v1/reports` accepts: victims in several countries and languages, indicators
//! written the many ways victims write them, decoy numbers in the stories, plus one-off scams
//! and noise that belong to no operation. The crate does no I/O, and the same seed and count
//! always give byte-identical JSON.
//!
//! ```
//! use scamtrace_demo::Demo;
//!
//! let demo = Demo::new(42, 500);
//! let reports: Vec<_> = demo.reports().collect();
//! assert_eq!(reports.len(), 500);
//!
//! // Every report is ready to POST; `operation` is the ground truth for clustering.
//! let first = &reports[0].report;
//! assert!(first["narrative"].as_str().is_some_and(|n| !n.is_empty()));
//! let biggest = &demo.operations[0];
//! let victims = reports.iter().filter(|r| r.operation == Some(biggest.index)).count();
//! assert_eq!(victims, biggest.size_hint);
//!
//! // Same seed, same reports.
//! assert_eq!(scamtrace_demo::generate(42, 500)[0], reports[0].report);
//! ```

mod brands;
mod calendar;
mod locale;
mod money;
mod narrative;
mod operations;
mod people;
mod phones;
mod random;
mod remote;
mod report;
mod sites;
mod unique;

use rand::SeedableRng;
use serde_json::Value;

pub use operations::Operation;
use operations::{OneOff, Profile};
use random::DemoRng;
use report::When;
use unique::{Permutation, Serials, mix64};

/// One generated report and its ground truth.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoReport {
    /// The JSON body for `POST /api/v1/reports`.
    pub report: Value,
    /// Index into [`Demo::operations`] of the operation behind it; `None` for one-off scams and
    /// noise.
    pub operation: Option<usize>,
    /// E.164 of every scammer number written into the narrative (in whatever format the victim
    /// used), in order of first mention; empty when the story quotes none. Decoys such as the
    /// victim's own number are not in it. The ground truth for phone extraction from free text.
    pub planted_phones: Vec<String>,
}

/// A planned demo: its operations, and a lazy, deterministic stream of reports.
#[derive(Clone, Debug)]
pub struct Demo {
    /// The scam operations, largest first.
    pub operations: Vec<Operation>,
    seed: u64,
    count: usize,
    profiles: Vec<Profile>,
    /// Exclusive end of each operation's range of labels; one-offs and then noise follow.
    ends: Vec<usize>,
    one_offs: usize,
    noise: usize,
    /// Shuffles positions so operations' reports are spread through the stream.
    order: Permutation,
    serials: Serials,
}

/// What a label stands for.
enum Slot {
    Operation { index: usize, rank: usize },
    OneOff(usize),
    Noise,
}

/// Share of reports that are noise ("test", spam, questions).
const NOISE_SHARE: f64 = 0.02;

impl Demo {
    /// Plans the operations of a demo of `reports` reports. Cheap: no report is built here.
    pub fn new(seed: u64, reports: usize) -> Demo {
        let mut rng = DemoRng::seed_from_u64(seed);
        // One-offs are 10-15% of reports, depending on the seed.
        let one_off_share = 0.10 + 0.05 * random::unit(&mut rng);
        let one_offs = ((reports as f64 * one_off_share).round() as usize).min(reports);
        let noise = ((reports as f64 * NOISE_SHARE).round() as usize).min(reports - one_offs);
        let in_operations = reports - one_offs - noise;
        let plan = operations::plan(&mut rng, seed, in_operations, reports);
        let ends = plan
            .operations
            .iter()
            .scan(0, |end, op| {
                *end += op.size_hint;
                Some(*end)
            })
            .collect();
        Demo {
            operations: plan.operations,
            seed,
            count: reports,
            profiles: plan.profiles,
            ends,
            one_offs,
            noise,
            order: Permutation::new(reports as u64, mix64(seed ^ 0x005e_ed0f_0de5)),
            serials: plan.serials,
        }
    }

    /// How many reports [`Demo::reports`] yields.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many reports are one-off scams (their own indicators, `operation: None`).
    pub fn one_off_count(&self) -> usize {
        self.one_offs
    }

    /// How many reports are noise (off-topic or empty, `operation: None`).
    pub fn noise_count(&self) -> usize {
        self.noise
    }

    /// Yields exactly `reports` reports, building each one only when it is asked for.
    pub fn reports(&self) -> impl Iterator<Item = DemoReport> + '_ {
        (0..self.count).map(move |position| self.build(position))
    }

    /// The report at `position` of the stream (the same one [`Demo::reports`] yields there).
    pub fn report(&self, position: usize) -> Option<DemoReport> {
        (position < self.count).then(|| self.build(position))
    }

    fn build(&self, position: usize) -> DemoReport {
        // Each report has its own ChaCha stream, so it does not depend on the ones before it.
        let mut rng = DemoRng::seed_from_u64(self.seed);
        rng.set_stream(position as u64 + 1);
        let label = self.order.apply(position as u64) as usize;
        match self.slot(label) {
            Slot::Operation { index, rank } => {
                let op = &self.operations[index];
                let when = When::Rank {
                    rank,
                    size: op.size_hint,
                };
                let (report, planted_phones) =
                    report::victim(&mut rng, &self.profiles[index], &op.pools(), when);
                DemoReport {
                    report,
                    operation: Some(index),
                    planted_phones,
                }
            }
            Slot::OneOff(j) => {
                let one_off = OneOff::new(&mut rng, &self.serials, j as u64);
                let (report, planted_phones) =
                    report::victim(&mut rng, &one_off.profile, &one_off.pools(), When::Anytime);
                DemoReport {
                    report,
                    operation: None,
                    planted_phones,
                }
            }
            Slot::Noise => DemoReport {
                report: report::noise(&mut rng),
                operation: None,
                planted_phones: Vec::new(),
            },
        }
    }

    fn slot(&self, label: usize) -> Slot {
        let in_operations = self.ends.last().copied().unwrap_or(0);
        if label < in_operations {
            let index = self.ends.partition_point(|end| *end <= label);
            let start = if index == 0 { 0 } else { self.ends[index - 1] };
            Slot::Operation {
                index,
                rank: label - start,
            }
        } else if label < in_operations + self.one_offs {
            Slot::OneOff(label - in_operations)
        } else {
            Slot::Noise
        }
    }
}

/// `reports` report bodies for `seed`, without the ground truth.
pub fn generate(seed: u64, reports: usize) -> Vec<Value> {
    Demo::new(seed, reports)
        .reports()
        .map(|r| r.report)
        .collect()
}

#[cfg(test)]
mod tests;
