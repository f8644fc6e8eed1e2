//! `Extractor::extract_text` on a typical English narrative, a Japanese one, and a megabyte of
//! digits, dots and brackets (the worst case for the phone scan: it must stay linear, well under a
//! second per megabyte).
//!
//!     cargo bench -p scamtrace-extract

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use scamtrace_extract::{Extractor, Origin};

const ENGLISH: &str = "I am 81 years old and not good with computers, my granddaughter is helping me \
type this. A big red window popped up saying my computer was infected and to call Microsoft \
support at 1-888-555-0142 immediately. He sounded very professional and knew my name and address. \
The website was microsoft-helpdesk-secure.com.\n\nThey kept me on the phone for almost three \
hours. I downloaded AnyDesk and gave them the code 123 456 789. He gave me a ticket number \
SR-4821-077. My Amazon order #112-4455661-2233445 was mentioned which made it seem real. This \
was around 2:30 pm on 3/14.\n\nHe made me go to Walgreens and buy 4 Google Play cards of $500 \
and read him the codes. I ended up paying $2,000 by gift cards. My own number is \
(212) 555-0147 if you need to reach me. I also filed a report with the police.";

const JAPANESE: &str = "パソコンを使っていたら突然警告音が鳴り、マイクロソフトのサポートに電話するよう\
画面に表示されました。表示された番号は０１２０－８１２－３４５でした。電話すると片言の日本語を話す男性が出て、\
ウイルスに感染していると言われました。AnyDeskをインストールするように言われ、IDは987 654 321でした。\
午後3時ごろ、コンビニでGoogle Playカードを5万円分買うように指示されました。注文番号は112-4455661-2233445と\
言われましたが心当たりはありません。2025年3月14日の出来事です。〒150-0001 に住んでいます。\
警察にも相談しました。";

/// A megabyte drawn from digits, dots and brackets (xorshift, so every run sees the same bytes).
fn digits_dots_brackets(len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789.()[]";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(ALPHABET[(state % ALPHABET.len() as u64) as usize])
        })
        .collect()
}

fn narratives(c: &mut Criterion) {
    let extractor = Extractor::new([7; 32]);
    let mut group = c.benchmark_group("extract_text");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, text, region) in [("english", ENGLISH, "US"), ("japanese", JAPANESE, "JP")] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| extractor.extract_text(black_box(text), region, Origin::Text))
        });
    }
    group.finish();
}

fn adversarial(c: &mut Criterion) {
    let extractor = Extractor::new([7; 32]);
    let text = digits_dots_brackets(1 << 20);
    let mut group = c.benchmark_group("extract_text");
    group
        // A fifth of a second per iteration: the same few iterations in every sample.
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("1MiB_digits_dots_brackets", |b| {
        b.iter(|| extractor.extract_text(black_box(&text), "US", Origin::Text))
    });
    group.finish();
}

criterion_group!(benches, narratives, adversarial);
criterion_main!(benches);
