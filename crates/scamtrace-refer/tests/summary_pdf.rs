//! `summary.pdf` read back with poppler: `pdftotext` finds the counts, totals, numbers and section
//! titles, `pdftotext -bbox` finds every word inside the page margins, `pdftoppm` renders every
//! page that `pdfinfo` counts, and poppler complains about nothing. Hostile input (PDF syntax in
//! strings, a 100 KB narrative, 10,000 domains) still gives a small document poppler reads.
//!
//! Without poppler-utils (`scripts/test` installs them) the tests print a loud notice and pass,
//! unless `SCAMTRACE_REQUIRE_ALL_TESTS=1` (CI), which makes them fail. Set
//! `SCAMTRACE_SUMMARY_PDF_DIR=/some/dir` to keep `realistic.pdf` and `hostile.pdf` for a look.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use scamtrace_refer::Summary;
use scamtrace_refer::summary::{Counted, Dated, Loss, Narrative, Phone, Rail, Receiver};
use time::macros::datetime;

fn poppler() -> bool {
    let have = |tool: &str| {
        Command::new(tool)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ["pdftotext", "pdftoppm", "pdfinfo"].iter().all(|t| have(t)) {
        return true;
    }
    if std::env::var("SCAMTRACE_REQUIRE_ALL_TESTS").as_deref() == Ok("1") {
        panic!("poppler-utils are required (SCAMTRACE_REQUIRE_ALL_TESTS=1) but missing");
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! SKIPPED: poppler-utils missing (pdftotext, pdftoppm, pdfinfo); CI runs this test !!!\n"
    );
    false
}

/// Keeps a rendered sample in `SCAMTRACE_SUMMARY_PDF_DIR`, when set.
fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("SCAMTRACE_SUMMARY_PDF_DIR") {
        std::fs::write(Path::new(&dir).join(name), bytes).expect("write sample");
    }
}

fn counted(value: &str, reports: u32) -> Counted {
    Counted {
        value: value.into(),
        reports,
    }
}

/// A case of 40 reports from six countries, in three currencies, paid by gift cards, crypto and
/// wire, with toll-free numbers and narratives in German, Spanish, English and Japanese.
fn realistic() -> Summary {
    let countries = [
        ("US", 18),
        ("CA", 7),
        ("GB", 6),
        ("DE", 4),
        ("AU", 3),
        ("ES", 2),
    ];
    let months = [
        ("2025-09", 2),
        ("2025-10", 4),
        ("2025-11", 6),
        ("2025-12", 9),
        ("2026-01", 8),
        ("2026-02", 7),
        ("2026-03", 4),
    ];
    Summary {
        case_reference: "CASE-2026-7KQ4M".into(),
        case_id: "0195f3c2-8a1e-7c44-9b2d-5e6f7a8b9c0d".into(),
        title: "\"Microsoft Windows Defender\" pop-up and call-centre operation".into(),
        instance: "Example Trust & Safety".into(),
        recipient: "FBI Internet Crime Complaint Center (IC3)".into(),
        exported_at: Some(datetime!(2026-04-01 12:00:00 UTC)),
        exported_by: "alice".into(),
        status: "referred".into(),
        operations: vec!["op-3f9a2c".into(), "op-81bd07".into()],
        reports: 40,
        personal_data_included: true,
        first_seen: Some("2025-09-03".into()),
        last_seen: Some("2026-03-28".into()),
        countries: countries.iter().map(|(c, n)| counted(c, *n)).collect(),
        months: months.iter().map(|(m, n)| counted(m, *n)).collect(),
        losses: vec![
            Loss { currency: "USD".into(), total: "31250.00".into(), reports: 22, usd_estimate: Some(31250.0) },
            Loss { currency: "GBP".into(), total: "8400.50".into(), reports: 7, usd_estimate: Some(10668.64) },
            Loss { currency: "EUR".into(), total: "5120.00".into(), reports: 6, usd_estimate: Some(5580.80) },
        ],
        losses_usd_estimate: 47499.44,
        payment_rails: vec![
            Rail {
                method: "gift_card".into(),
                reports: 14,
                receivers: vec![
                    Receiver { kind: "gift_card".into(), value: "Google Play".into(), reports: 9 },
                    Receiver { kind: "gift_card".into(), value: "Apple".into(), reports: 5 },
                ],
            },
            Rail {
                method: "crypto".into(),
                reports: 10,
                receivers: vec![
                    Receiver {
                        kind: "crypto_wallet".into(),
                        value: "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh".into(),
                        reports: 6,
                    },
                    Receiver {
                        kind: "crypto_wallet".into(),
                        value: "0x52908400098527886E0F7030069857D2E4169EE7".into(),
                        reports: 4,
                    },
                ],
            },
            Rail {
                method: "wire_transfer".into(),
                reports: 8,
                receivers: vec![Receiver {
                    kind: "bank_account".into(),
                    value: "DE89 3704 0044 0532 0130 00".into(),
                    reports: 8,
                }],
            },
        ],
        phones: vec![
            Phone { number: "+18885550142".into(), number_type: "toll_free".into(), region: "US".into(), reports: 17 },
            Phone { number: "+18445550199".into(), number_type: "toll_free".into(), region: "US".into(), reports: 9 },
            Phone { number: "+448005550123".into(), number_type: "toll_free".into(), region: "GB".into(), reports: 5 },
            Phone { number: "+61255501234".into(), number_type: "fixed_line".into(), region: "AU".into(), reports: 2 },
        ],
        domains: vec![
            counted("microsoft-support-alert.com", 12),
            counted("windows-defender-helpdesk.net", 7),
            counted("apple-icloud-lock.support", 4),
        ],
        remote_tools: vec![counted("AnyDesk", 21), counted("TeamViewer", 9), counted("UltraViewer", 3)],
        brands: vec![counted("Microsoft", 24), counted("Apple", 9), counted("Norton", 5), counted("PayPal", 2)],
        timeline: vec![
            Dated { date: "2025-09-03".into(), text: "First report".into() },
            Dated { date: "2026-01-15".into(), text: "Case opened".into() },
            Dated { date: "2026-02-02".into(), text: "Referred to the FBI's IC3".into() },
            Dated { date: "2026-03-10".into(), text: "3 domains suspended by their registrars".into() },
            Dated { date: "2026-03-28".into(), text: "Last report".into() },
        ],
        narratives: vec![
            Narrative {
                reference: "TSS-2026-A1B2C".into(),
                country: "DE".into(),
                date: "2026-01-12".into(),
                language: Some("de".into()),
                text: "Ein Pop-up sagte, mein Computer sei gesperrt. Der „Microsoft-Techniker“ verlangte \
                       500 € in Google-Play-Karten und übernahm über AnyDesk die Kontrolle. Grüße aus München."
                    .into(),
            },
            Narrative {
                reference: "TSS-2026-D3E4F".into(),
                country: "ES".into(),
                date: "2026-02-20".into(),
                language: Some("es".into()),
                text: "Me llamaron diciendo que mi cuenta de Apple estaba comprometida. Pagué 1.200 € en \
                       bitcoin; el señor insistió en que no colgara. ¿Cómo recupero mi dinero?"
                    .into(),
            },
            Narrative {
                reference: "TSS-2025-G5H6J".into(),
                country: "US".into(),
                date: "2025-12-04".into(),
                language: Some("en".into()),
                text: "A red screen said my computer was infected and to call +1 888 555 0142. The man \
                       said he was from Microsoft and had me install AnyDesk. He said my bank account had \
                       been hacked and I had to buy $2,500 in gift cards to \"secure\" it.\n\nHe sent me to \
                       https://microsoft-support-alert.com/secure/session?id=8f1c2a9be0d34f7f9a1c2b3d4e5f6a7b8c9d0e1f \
                       to check the status."
                    .into(),
            },
            Narrative {
                reference: "TSS-2026-K7L8M".into(),
                country: "US".into(),
                date: "2026-03-01".into(),
                language: Some("ja".into()),
                text: "ウイルスに感染したと表示され、電話するように言われました。".into(),
            },
        ],
        outcomes: vec!["3 domains suspended".into(), "USD 12,000.00 recovered".into()],
        method: "Reports were grouped by the phone numbers, domains and wallets they share.\n\
                 Losses are the victims' own figures; US-dollar estimates use the month's rate."
            .into(),
        contact: "Trust & Safety desk: referrals@example.org, +1 202 555 0100 (weekdays 9–17 ET).".into(),
    }
}

/// Runs `tool args.. pdf tail..` and returns its stdout; fails on a non-zero exit or any complaint.
fn run(tool: &str, args: &[&str], pdf: &Path, tail: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(tail)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} {args:?} failed: {stderr}");
    assert!(
        stderr.trim().is_empty(),
        "{tool} {args:?} complained: {stderr}"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What poppler makes of a rendered summary.
struct Read {
    pages: usize,
    layout: String,
    plain: String,
}

/// Writes the PDF, reads its text and page count, renders every page at 40 dpi and checks that
/// every word lies inside the margins.
fn read_back(bytes: &[u8]) -> Read {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("summary.pdf");
    std::fs::write(&pdf, bytes).expect("write pdf");

    let info = run("pdfinfo", &[], &pdf, &[]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    let version = info
        .lines()
        .find_map(|l| l.strip_prefix("PDF version:"))
        .map(str::trim);
    assert_eq!(version, Some("1.7"), "{info}");

    let layout = run("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf, &["-"]);
    let plain = run("pdftotext", &["-enc", "UTF-8"], &pdf, &["-"]);
    assert_eq!(
        layout.matches('\u{c}').count(),
        pages,
        "one form feed per page"
    );
    let bbox = run("pdftotext", &["-bbox", "-enc", "UTF-8"], &pdf, &["-"]);
    assert!(words_inside_margins(&bbox) > 0);

    let root = dir.path().join("page");
    run(
        "pdftoppm",
        &["-r", "40", "-png"],
        &pdf,
        &[root.to_str().expect("utf-8 temp path")],
    );
    let pngs: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    assert_eq!(pngs.len(), pages, "one PNG per page");
    for png in &pngs {
        let data = std::fs::read(png).expect("read png");
        assert!(
            data.len() > 100 && data.starts_with(b"\x89PNG"),
            "{} is not a PNG",
            png.display()
        );
    }
    Read {
        pages,
        layout,
        plain,
    }
}

/// Checks every word box of `pdftotext -bbox` against the page's margins (50 pt, a little
/// tolerance for glyph boxes), returning the number of words.
fn words_inside_margins(html: &str) -> usize {
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let at = tag
            .find(&key)
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
            + key.len();
        tag[at..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("bad {name} in {tag}"))
    };
    let mut count = 0;
    for tag in html.split("<word ").skip(1) {
        let (x0, y0, x1, y1) = (
            attr(tag, "xMin"),
            attr(tag, "yMin"),
            attr(tag, "xMax"),
            attr(tag, "yMax"),
        );
        assert!(
            x0 >= 48.0 && x1 <= 595.28 - 48.0,
            "word off the margins horizontally: {tag}"
        );
        assert!(
            y0 >= 48.0 && y1 <= 841.89 - 45.0,
            "word off the margins vertically: {tag}"
        );
        count += 1;
    }
    count
}

/// Whitespace collapsed, so that phrases match whatever the line breaks.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether some line of the layout text starts with `label` and ends with `value` (a chart row,
/// a table row).
fn row(layout: &str, label: &str, value: &str) -> bool {
    layout
        .lines()
        .map(str::trim)
        .any(|l| l.starts_with(label) && l.ends_with(value))
}

#[test]
fn a_realistic_summary_reads_back_with_its_counts_and_totals() {
    let summary = realistic();
    let bytes = scamtrace_refer::pdf::render(&summary);
    keep("realistic.pdf", &bytes);
    assert!(bytes.starts_with(b"%PDF-1.7"));
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    if !poppler() {
        return;
    }
    let read = read_back(&bytes);
    let (text, all) = (&read.layout, flat(&read.plain));
    assert!(read.pages >= 2, "{} pages", read.pages);

    for title in [
        "The operation at a glance",
        "Victims by country",
        "Victims by month",
        "Losses",
        "Payment rails",
        "Phone numbers",
        "Domains",
        "Remote-access tools",
        "Brands impersonated",
        "Timeline",
        "Outcomes",
        "Victims' accounts",
        "Method",
        "Contact",
    ] {
        assert!(text.contains(title), "no section {title:?}");
    }
    assert!(text.contains("Page 1 of"), "no page footer");
    assert!(text.contains(&format!("Page {} of {}", read.pages, read.pages)));
    assert!(text.contains("Prepared for FBI Internet Crime Complaint Center (IC3)"));
    assert!(text.contains("2026-04-01T12:00:00Z"));
    assert_eq!(
        text.matches("CASE-2026-7KQ4M").count(),
        read.pages + 1,
        "header on every page, and page 1"
    );

    assert!(row(text, "Victims' reports", "40"), "reports count");
    assert!(row(text, "Countries", "6"), "countries count");
    for (country, n) in [
        ("US", "18"),
        ("CA", "7"),
        ("GB", "6"),
        ("DE", "4"),
        ("AU", "3"),
        ("ES", "2"),
    ] {
        assert!(row(text, country, n), "no chart row {country} {n}");
    }
    for month in ["2025-09", "2025-12", "2026-03"] {
        assert!(text.contains(month), "no month label {month}");
    }
    assert!(all.contains("USD 47,499.44"), "USD total");
    for total in [
        "31,250.00",
        "8,400.50",
        "5,120.00",
        "USD 10,668.64",
        "USD 5,580.80",
    ] {
        assert!(all.contains(total), "no {total}");
    }
    for phone in [
        "+18885550142",
        "+18445550199",
        "+448005550123",
        "+61255501234",
    ] {
        assert!(text.contains(phone), "no {phone}");
    }
    assert!(row(text, "+18885550142", "17"));
    assert!(all.contains("Toll free"));
    assert!(all.contains("bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"));
    assert!(all.contains("microsoft-support-alert.com"));
    assert!(all.contains("Victims' contact details are included for law enforcement"));
    assert!(all.contains("op-3f9a2c"));
    assert!(all.contains("Microsoft (24)"));
}

#[test]
fn accented_latin_round_trips_and_other_scripts_become_question_marks() {
    if !poppler() {
        return;
    }
    let read = read_back(&scamtrace_refer::pdf::render(&realistic()));
    let all = flat(&read.plain);
    for phrase in [
        "Grüße aus München.",
        "„Microsoft-Techniker“",
        "500 €",
        "übernahm",
        "el señor insistió",
        "¿Cómo recupero mi dinero?",
        "Pagué 1.200 €",
        "9–17 ET",
        "Trust & Safety",
    ] {
        assert!(all.contains(phrase), "{phrase:?} did not round-trip");
    }
    assert!(all.contains("?????"), "Japanese shown as question marks");
    assert!(all.contains("printed as ?"));
}

#[test]
fn an_empty_summary_renders() {
    let bytes = scamtrace_refer::pdf::render(&Summary::default());
    assert!(bytes.starts_with(b"%PDF-1.7") && bytes.ends_with(b"%%EOF"));
    if !poppler() {
        return;
    }
    let read = read_back(&bytes);
    assert!(read.layout.contains("The operation at a glance"));
    assert!(read.layout.contains(&format!("Page 1 of {}", read.pages)));
    assert!(read.layout.contains("victims.csv holds no personal data"));
    assert!(read.layout.contains("USD 0.00"));
}

/// Scammers write reports: PDF syntax, backslashes, `%%EOF`, control characters, a 100 KB
/// narrative and 10,000 domains.
fn hostile() -> Summary {
    let evil = ") Tj ET (BT /F1 99 Tf (pwned) Tj ET";
    let mut s = realistic();
    s.title = format!("{evil} \\ C:\\Users\\victim\\ %%EOF\nstartxref\n0\n\u{0}\u{7}\u{1b}[31m");
    s.instance = "\\\\server\\share ((( unbalanced".into();
    s.recipient = format!("{})))", "R".repeat(5_000));
    s.case_reference = "CASE-)\\(-%%EOF".into();
    s.operations = (0..5_000).map(|i| format!("op-{i:05}")).collect();
    s.countries = (0..250)
        .map(|i| counted(&format!("C{i}"), 250 - i))
        .collect();
    s.months = (0..130)
        .map(|i| counted(&format!("{}-{:02}", 2015 + i / 12, i % 12 + 1), i % 17))
        .collect();
    s.domains = (0..10_000)
        .map(|i| counted(&format!("support-{i}.example{evil}"), 1))
        .collect();
    s.phones = (0..3_000)
        .map(|i| Phone {
            number: format!("+1888555{i:04}"),
            number_type: "voip".into(),
            region: "US".into(),
            reports: 1,
        })
        .collect();
    s.losses.push(Loss {
        currency: "XYZ".into(),
        total: "1e308)".into(),
        reports: 1,
        usd_estimate: None,
    });
    s.losses_usd_estimate = f64::NAN;
    s.payment_rails[1].receivers.push(Receiver {
        kind: "crypto_wallet".into(),
        value: "0x".to_owned() + &"ab".repeat(20_000),
        reports: 1,
    });
    s.narratives[0].text = format!("{evil} ").repeat(100_000 / (evil.len() + 1)) + "end";
    s.narratives[1].text = "\\".repeat(3_000);
    s.narratives[2].text = "%%EOF\n".repeat(500);
    s.narratives.extend((0..20).map(|i| Narrative {
        reference: format!("TSS-{i}"),
        ..Default::default()
    }));
    s.timeline = (0..1_000)
        .map(|i| Dated {
            date: format!("day {i}"),
            text: "x".repeat(i),
        })
        .collect();
    s.outcomes = (0..500).map(|i| format!("outcome {i} 😀 詐欺")).collect();
    s.method = "m".repeat(200_000);
    s.contact = "\u{202e}evil.com\u{202c}".into();
    s
}

#[test]
fn hostile_strings_and_huge_lists_render_small_and_readable() {
    let summary = hostile();
    let bytes = scamtrace_refer::pdf::render(&summary);
    keep("hostile.pdf", &bytes);
    assert!(bytes.len() < 1_500_000, "{} bytes", bytes.len());
    assert!(bytes.ends_with(b"%%EOF"));
    if !poppler() {
        return;
    }
    let read = read_back(&bytes);
    assert!(read.pages < 60, "{} pages", read.pages);
    let all = flat(&read.plain);
    // The PDF syntax in the title came out as text, not as operators.
    assert!(
        all.contains(") Tj ET (BT /F1 99 Tf (pwned) Tj ET"),
        "hostile title not shown as text"
    );
    assert!(
        all.contains("C:\\Users\\victim\\ %%EOF startxref 0 ???[31m"),
        "{}",
        &all[..400]
    );
    assert!(all.contains("CASE-)\\(-%%EOF"));
    assert!(all.contains("... and 9,940 more"), "domains capped");
    assert!(all.contains("... and 2,940 more"), "phones capped");
    assert!(all.contains("Other (236 countries)"));
    assert!(all.contains("The last 60 of 130 months"));
    assert!(all.contains("no rate") && all.contains("USD n/a"));
    assert!(all.contains("... 940 more events ..."));
    assert!(all.contains("... and 19 more"), "narratives capped at five");
    assert!(all.contains("outcome 1 ? ??"));
    assert!(all.contains("?evil.com?"));
    assert!(
        read.layout.contains('\u{2026}'),
        "capped text ends in an ellipsis"
    );
}

#[test]
fn the_same_summary_gives_the_same_bytes() {
    assert_eq!(
        scamtrace_refer::pdf::render(&realistic()),
        scamtrace_refer::pdf::render(&realistic())
    );
    assert_eq!(
        scamtrace_refer::pdf::render(&hostile()),
        scamtrace_refer::pdf::render(&hostile())
    );
}

/// Every text position, rectangle and rule in the content streams lies inside the 50 pt
/// margins (no poppler needed: pdf-writer escapes line breaks in strings, so each operator is
/// on a line of its own).
#[test]
fn drawing_stays_inside_the_margins() {
    let (left, right, bottom, top) = (49.99, 595.28 - 49.99, 49.99, 841.89 - 49.99);
    for summary in [realistic(), hostile(), Summary::default()] {
        let bytes = scamtrace_refer::pdf::render(&summary);
        let text = String::from_utf8_lossy(&bytes);
        let mut seen = 0;
        for line in text.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            let nums = |n: usize| -> Vec<f64> {
                parts[..n]
                    .iter()
                    .map(|p| p.parse().unwrap_or(f64::NAN))
                    .collect()
            };
            match parts.last().copied() {
                Some("Td" | "m" | "l") if parts.len() == 3 => {
                    let v = nums(2);
                    assert!(v[0] >= left && v[0] <= right, "x off the page: {line}");
                    assert!(v[1] >= bottom && v[1] <= top, "y off the page: {line}");
                    seen += 1;
                }
                Some("re") if parts.len() == 5 => {
                    let v = nums(4);
                    assert!(
                        v[0] >= left && v[0] + v[2] <= right,
                        "rectangle off the page: {line}"
                    );
                    assert!(
                        v[1] >= bottom && v[1] + v[3] <= top,
                        "rectangle off the page: {line}"
                    );
                    seen += 1;
                }
                _ => {}
            }
        }
        assert!(seen > 10);
    }
}

/// Both charts with 1 to 61 entries (and counts in the thousands): every page renders, every
/// word stays inside the margins, and beyond 15 countries the rest are one "Other" bar.
#[test]
fn charts_hold_one_to_sixty_entries() {
    for n in [1_usize, 2, 15, 16, 40, 60, 61] {
        let mut s = realistic();
        s.countries = (0..n)
            .map(|i| counted(&format!("K{i}"), (n - i) as u32 * 97))
            .collect();
        s.months = (0..n)
            .map(|i| {
                counted(
                    &format!("{}-{:02}", 2021 + i / 12, i % 12 + 1),
                    (i as u32 * 7919) % 2_500,
                )
            })
            .collect();
        let bytes = scamtrace_refer::pdf::render(&s);
        keep(&format!("charts-{n}.pdf"), &bytes);
        if !poppler() {
            return;
        }
        let read = read_back(&bytes);
        let all = flat(&read.plain);
        assert!(all.contains("Victims by country") && all.contains("Victims by month"));
        let first = if n > 60 { "2021-02" } else { "2021-01" };
        assert!(all.contains(first), "first month labelled ({n})");
        if n > 15 {
            assert!(
                all.contains(&format!("Other ({} countries)", n - 14)),
                "{n}"
            );
            assert!(!all.contains(&format!("K{} ", n - 1)), "{n}");
        } else {
            assert!(row(&read.layout, &format!("K{}", n - 1), "97"), "{n}");
        }
        if n == 61 {
            assert!(all.contains("The last 60 of 61 months; 1 earlier months hold 0 reports."));
        }
    }
}
