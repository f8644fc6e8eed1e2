//! `Watcher::score` over a certificate-transparency-shaped stream (mostly benign names, about 3%
//! lookalikes and fake-support names; see `support/corpus.rs`) with the builtin brands file, over
//! planted names only (every one a hit, the slow path), and the cost of building a watcher.
//!
//!     cargo bench -p scamtrace-watch

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scamtrace_watch::{Brands, Watcher};

#[path = "support/corpus.rs"]
mod corpus;

fn bench(c: &mut Criterion) {
    let brands = Brands::builtin();
    let watcher = Watcher::new(&brands);
    let mut stream = corpus::Corpus::new(7);
    let names: Vec<String> = (0..100_000).map(|_| stream.name()).collect();
    let hits: Vec<&String> = names
        .iter()
        .filter(|n| watcher.score(n).is_some_and(|s| s.score >= 50))
        .collect();

    let mut group = c.benchmark_group("score");
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("ct_mix_100k", |b| {
        b.iter(|| {
            let mut flagged = 0usize;
            for name in &names {
                if watcher.score(black_box(name)).is_some() {
                    flagged += 1;
                }
            }
            flagged
        })
    });
    group.throughput(Throughput::Elements(hits.len() as u64));
    group.bench_function("flagged_only", |b| {
        b.iter(|| {
            for name in &hits {
                black_box(watcher.score(black_box(name)));
            }
        })
    });
    group.finish();

    c.bench_function("watcher_new", |b| {
        b.iter(|| Watcher::new(black_box(&brands)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
