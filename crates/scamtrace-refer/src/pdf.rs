//! `summary.pdf`: lays a [`crate::Summary`] out as an A4 PDF 1.7 document an investigator can
//! read in ten minutes. Page 1 is the operation at a glance (the key facts and two charts), then
//! losses, payment rails, phone numbers, domains, remote-access tools, brands, the timeline,
//! outcomes, victims' accounts, the method and the contact; every page has a header (instance,
//! case reference) and a footer ("Page N of M", export time, recipient), and the outline lists
//! the sections.
//!
//! Built for hostile input (scammers submit reports too): the text uses the standard 14 fonts
//! Helvetica and Helvetica-Bold with WinAnsiEncoding (nothing embedded), every character outside
//! WinAnsi is printed as `?`, strings go into the content streams through pdf-writer's escaping,
//! and every list and text is capped, so a 100 KB narrative or 10,000 domains give a document of
//! ordinary size. The same summary always gives the same bytes: the only date in the file is
//! `exported_at`. Content streams are not compressed.

mod charts;
mod layout;
mod text;

use pdf_writer::types::PageMode;
use pdf_writer::{Date, Finish, Name, Pdf, Rect, Ref, TextStr};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::summary::{Counted, Summary};
use layout::{Align, Chrome, Column, Mark, Pages, Row};
use text::Font;

/// Characters kept of a value in a table cell or a label (a domain is at most 253).
const VALUE_CHARS: usize = 300;
/// Characters kept of each narrative.
const NARRATIVE_CHARS: usize = 2_000;
/// Lines kept of each narrative (line breaks can make short text long).
const NARRATIVE_LINES: usize = 40;
/// Characters and lines kept of the method and of the contact.
const METHOD_CHARS: usize = 8_000;
const METHOD_LINES: usize = 120;
const CONTACT_CHARS: usize = 2_000;
const CONTACT_LINES: usize = 30;
/// Rows kept per list; the rest are counted in a "... and N more" line.
const PHONES: usize = 60;
const DOMAINS: usize = 60;
const SHORT_LIST: usize = 30;
const RAILS: usize = 12;
const RECEIVERS: usize = 20;
const TIMELINE: usize = 60;
const OUTCOMES: usize = 40;
const NARRATIVES: usize = 5;
/// Operation ids and brands named on page 1.
const GLANCE_ITEMS: usize = 8;

/// The summary as a PDF file.
pub fn render(summary: &Summary) -> Vec<u8> {
    let mut pages = Pages::new();
    glance(&mut pages, summary);
    losses(&mut pages, summary);
    rails(&mut pages, summary);
    phones(&mut pages, summary);
    counted(&mut pages, "Domains", "Domain", &summary.domains, DOMAINS);
    counted(
        &mut pages,
        "Remote-access tools",
        "Tool",
        &summary.remote_tools,
        SHORT_LIST,
    );
    counted(
        &mut pages,
        "Brands impersonated",
        "Brand",
        &summary.brands,
        SHORT_LIST,
    );
    timeline(&mut pages, summary);
    outcomes(&mut pages, summary);
    narratives(&mut pages, summary);
    pages.heading("Method", 30.0);
    prose(
        &mut pages,
        &summary.method,
        (METHOD_CHARS, METHOD_LINES),
        "Not described.",
    );
    pages.heading("Contact", 30.0);
    prose(
        &mut pages,
        &summary.contact,
        (CONTACT_CHARS, CONTACT_LINES),
        "Not given.",
    );

    let chrome = Chrome {
        instance: cap(&summary.instance),
        case_reference: cap(&summary.case_reference),
        exported: summary
            .exported_at
            .map_or_else(|| "time not recorded".to_owned(), rfc3339),
        recipient: cap(&summary.recipient),
    };
    let marks = std::mem::take(&mut pages.marks);
    assemble(summary, pages.finish(&chrome), &marks)
}

/// Page 1: the key facts and the two charts.
fn glance(pages: &mut Pages, s: &Summary) {
    pages.heading("The operation at a glance", 60.0);
    let title = if s.title.trim().is_empty() {
        "Untitled case"
    } else {
        &s.title
    };
    pages.title(&cap(title));

    let operations = if s.operations.is_empty() {
        "none".to_owned()
    } else {
        format!(
            "{}: {}",
            group(s.operations.len() as u64),
            listed(s.operations.iter().map(|o| cap(o)), s.operations.len())
        )
    };
    let brands = if s.brands.is_empty() {
        "none reported".to_owned()
    } else {
        listed(
            s.brands
                .iter()
                .map(|b| format!("{} ({})", cap(&b.value), group(b.reports.into()))),
            s.brands.len(),
        )
    };
    let personal = if s.personal_data_included {
        "Victims' contact details are included for law enforcement (victims.csv)"
    } else {
        "victims.csv holds no personal data"
    };
    let exported = match (&s.exported_at, s.exported_by.trim().is_empty()) {
        (Some(at), false) => format!("{} by {}", rfc3339(*at), cap(&s.exported_by)),
        (Some(at), true) => rfc3339(*at),
        (None, false) => format!("by {}", cap(&s.exported_by)),
        (None, true) => "not recorded".to_owned(),
    };
    let or_unknown = |v: &Option<String>| v.as_deref().map_or_else(|| "unknown".to_owned(), cap);
    pages.key_values(&[
        ("Case reference", cap(&s.case_reference)),
        ("Case id", cap(&s.case_id)),
        ("Status", cap(&s.status)),
        ("Operations", operations),
        ("Victims' reports", group(s.reports.into())),
        ("Countries", group(s.countries.len() as u64)),
        ("First seen", or_unknown(&s.first_seen)),
        ("Last seen", or_unknown(&s.last_seen)),
        (
            "Losses (USD estimate)",
            format!("USD {}", money(s.losses_usd_estimate)),
        ),
        ("Brands impersonated", brands),
        ("Personal data", personal.to_owned()),
        ("Prepared for", cap(&s.recipient)),
        ("Exported", exported),
    ]);

    charts::by_country(pages, "Victims by country", &s.countries);
    charts::by_month(pages, "Victims by month", &s.months);
}

fn losses(pages: &mut Pages, s: &Summary) {
    pages.heading("Losses", 40.0);
    if s.losses.is_empty() {
        pages.note("No losses reported.");
        return;
    }
    let columns = [
        Column {
            title: "Currency",
            share: 1.0,
            align: Align::Left,
        },
        Column {
            title: "Reports",
            share: 1.0,
            align: Align::Right,
        },
        Column {
            title: "Total",
            share: 2.0,
            align: Align::Right,
        },
        Column {
            title: "USD estimate",
            share: 2.0,
            align: Align::Right,
        },
    ];
    let mut rows: Vec<Row> = s
        .losses
        .iter()
        .map(|l| {
            Row::new(vec![
                cap(&l.currency),
                group(l.reports.into()),
                amount(&l.total),
                l.usd_estimate
                    .map_or_else(|| "no rate".to_owned(), |v| format!("USD {}", money(v))),
            ])
        })
        .collect();
    rows.push(Row {
        cells: vec![
            "Total".to_owned(),
            String::new(),
            String::new(),
            format!("USD {}", money(s.losses_usd_estimate)),
        ],
        bold: true,
    });
    pages.table("Losses", &columns, &rows);
    if s.losses.iter().any(|l| l.usd_estimate.is_none()) {
        pages.gap(3.0);
        pages.note("\"no rate\": no exchange rate is known for the currency, so it is not in the USD total.");
    }
}

fn rails(pages: &mut Pages, s: &Summary) {
    pages.heading("Payment rails", 40.0);
    if s.payment_rails.is_empty() {
        pages.note("No payment rails reported.");
        return;
    }
    let columns = [
        Column {
            title: "Kind",
            share: 1.3,
            align: Align::Left,
        },
        Column {
            title: "Receiving account, wallet or handle",
            share: 4.0,
            align: Align::Left,
        },
        Column {
            title: "Reports",
            share: 0.8,
            align: Align::Right,
        },
    ];
    for rail in s.payment_rails.iter().take(RAILS) {
        let reports = rail.reports;
        pages.subheading(
            &format!(
                "{}: {} {}",
                words(&rail.method),
                group(reports.into()),
                plural(reports, "report")
            ),
            30.0,
        );
        if rail.receivers.is_empty() {
            pages.note("No receiving accounts recorded.");
            continue;
        }
        let rows: Vec<Row> = rail
            .receivers
            .iter()
            .take(RECEIVERS)
            .map(|r| Row::new(vec![words(&r.kind), cap(&r.value), group(r.reports.into())]))
            .collect();
        pages.table(&words(&rail.method), &columns, &rows);
        more(pages, rail.receivers.len(), RECEIVERS);
    }
    more(pages, s.payment_rails.len(), RAILS);
}

fn phones(pages: &mut Pages, s: &Summary) {
    pages.heading("Phone numbers", 40.0);
    if s.phones.is_empty() {
        pages.note("None reported.");
        return;
    }
    let columns = [
        Column {
            title: "Number",
            share: 2.0,
            align: Align::Left,
        },
        Column {
            title: "Type",
            share: 1.5,
            align: Align::Left,
        },
        Column {
            title: "Region",
            share: 1.0,
            align: Align::Left,
        },
        Column {
            title: "Reports",
            share: 1.0,
            align: Align::Right,
        },
    ];
    let rows: Vec<Row> = s
        .phones
        .iter()
        .take(PHONES)
        .map(|p| {
            Row::new(vec![
                cap(&p.number),
                words(&p.number_type),
                cap(&p.region),
                group(p.reports.into()),
            ])
        })
        .collect();
    pages.table("Phone numbers", &columns, &rows);
    more(pages, s.phones.len(), PHONES);
}

/// A section that is a list of values with report counts.
fn counted(
    pages: &mut Pages,
    title: &'static str,
    column: &'static str,
    values: &[Counted],
    keep: usize,
) {
    pages.heading(title, 40.0);
    if values.is_empty() {
        pages.note("None reported.");
        return;
    }
    let columns = [
        Column {
            title: column,
            share: 5.0,
            align: Align::Left,
        },
        Column {
            title: "Reports",
            share: 1.0,
            align: Align::Right,
        },
    ];
    let rows: Vec<Row> = values
        .iter()
        .take(keep)
        .map(|c| Row::new(vec![cap(&c.value), group(c.reports.into())]))
        .collect();
    pages.table(title, &columns, &rows);
    more(pages, values.len(), keep);
}

/// Oldest first; a long timeline keeps its first and last events.
fn timeline(pages: &mut Pages, s: &Summary) {
    pages.heading("Timeline", 40.0);
    if s.timeline.is_empty() {
        pages.note("No events recorded.");
        return;
    }
    let columns = [
        Column {
            title: "Date",
            share: 1.0,
            align: Align::Left,
        },
        Column {
            title: "Event",
            share: 5.0,
            align: Align::Left,
        },
    ];
    let row = |d: &crate::summary::Dated| Row::new(vec![cap(&d.date), cap(&d.text)]);
    let events = &s.timeline;
    if events.len() <= TIMELINE {
        let rows: Vec<Row> = events.iter().map(row).collect();
        pages.table("Timeline", &columns, &rows);
    } else {
        let half = TIMELINE / 2;
        let first: Vec<Row> = events[..half].iter().map(row).collect();
        pages.table("Timeline", &columns, &first);
        pages.gap(3.0);
        pages.note(&format!("... {} more events ...", events.len() - TIMELINE));
        pages.gap(3.0);
        let last: Vec<Row> = events[events.len() - half..].iter().map(row).collect();
        pages.table("Timeline", &columns, &last);
    }
}

fn outcomes(pages: &mut Pages, s: &Summary) {
    pages.heading("Outcomes", 30.0);
    if s.outcomes.is_empty() {
        pages.note("No outcomes recorded yet.");
        return;
    }
    let items: Vec<String> = s.outcomes.iter().take(OUTCOMES).map(|o| cap(o)).collect();
    pages.bullets(&items);
    more(pages, s.outcomes.len(), OUTCOMES);
}

fn narratives(pages: &mut Pages, s: &Summary) {
    pages.heading("Victims' accounts", 40.0);
    if s.narratives.is_empty() {
        pages.note("No narratives selected.");
        return;
    }
    pages.note("Representative reports in the victims' words, personal data removed.");
    let shown = &s.narratives[..s.narratives.len().min(NARRATIVES)];
    if shown.iter().any(|n| text::loses_characters(&n.text)) {
        pages.note(
            "Characters the standard PDF fonts cannot show (Japanese, emoji ...) are printed as ?.",
        );
    }
    for n in shown {
        let mut head = vec![cap(&n.reference), cap(&n.country), cap(&n.date)];
        if let Some(lang) = n.language.as_deref().filter(|l| !l.trim().is_empty()) {
            head.push(cap(lang));
        }
        pages.subheading(&head.join("  \u{b7}  "), 2.0 * 12.5);
        pages.paragraphs(
            &text::cap_chars(&n.text, NARRATIVE_CHARS),
            10.0,
            NARRATIVE_LINES,
        );
    }
    more(pages, s.narratives.len(), NARRATIVES);
}

/// Free text (the method, the contact) cut to `(characters, lines)`, or `empty` in grey.
fn prose(pages: &mut Pages, s: &str, (chars, lines): (usize, usize), empty: &str) {
    if s.trim().is_empty() {
        pages.note(empty);
    } else {
        pages.paragraphs(&text::cap_chars(s, chars), 0.0, lines);
    }
}

/// "... and N more" under a list that was cut to `kept` of `total` items.
fn more(pages: &mut Pages, total: usize, kept: usize) {
    if total > kept {
        pages.gap(3.0);
        pages.note(&format!("... and {} more", group((total - kept) as u64)));
    }
}

/// Up to [`GLANCE_ITEMS`] items joined by commas, then "and N more".
fn listed(items: impl Iterator<Item = String>, total: usize) -> String {
    let mut out: Vec<String> = items.take(GLANCE_ITEMS).collect();
    if total > GLANCE_ITEMS {
        out.push(format!("and {} more", group((total - GLANCE_ITEMS) as u64)));
    }
    out.join(", ")
}

/// A value cut to [`VALUE_CHARS`].
fn cap(s: &str) -> String {
    text::cap_chars(s, VALUE_CHARS)
}

/// An identifier such as `gift_card` as words (`Gift card`), capitalized.
fn words(s: &str) -> String {
    if s.eq_ignore_ascii_case("voip") {
        return "VoIP".to_owned();
    }
    let s = cap(s).replace('_', " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn group(n: u64) -> String {
    group_digits(&n.to_string())
}

/// Thousands separators in a string of ASCII digits.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// An amount with two decimals and thousands separators; `n/a` when not a number.
fn money(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_owned();
    }
    let fixed = format!("{:.2}", v.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, "00"));
    let sign = if v < 0.0 && fixed != "0.00" { "-" } else { "" };
    format!("{sign}{}.{frac}", group_digits(int))
}

/// A decimal string from the summary (`12500.00`) with thousands separators; anything that is not
/// a plain decimal is shown as given.
fn amount(total: &str) -> String {
    let (sign, unsigned) = match total.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", total),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) || int.len() > 40 {
        return cap(total);
    }
    match frac {
        Some(f) => format!("{sign}{}.{}", group_digits(int), cap(f)),
        None => format!("{sign}{}", group_digits(int)),
    }
}

/// RFC 3339 in UTC, to the second.
fn rfc3339(at: OffsetDateTime) -> String {
    let Some(utc) = at.checked_to_offset(UtcOffset::UTC) else {
        return "time not representable".to_owned();
    };
    let utc = utc.replace_nanosecond(0).unwrap_or(utc);
    utc.format(&Rfc3339)
        .unwrap_or_else(|_| "time not representable".to_owned())
}

/// The PDF date of `exported_at` in UTC, if its year fits the format.
fn pdf_date(at: OffsetDateTime) -> Option<Date> {
    let utc = at.checked_to_offset(UtcOffset::UTC)?;
    let year = u16::try_from(utc.year()).ok().filter(|y| *y <= 9999)?;
    Some(
        Date::new(year)
            .month(utc.month().into())
            .day(utc.day())
            .hour(utc.hour())
            .minute(utc.minute())
            .second(utc.second())
            .utc_offset_hour(0),
    )
}

/// The file: catalog, page tree, the two fonts, one page and content stream per laid-out page,
/// the outline, and the document information.
fn assemble(s: &Summary, streams: Vec<Vec<u8>>, marks: &[Mark]) -> Vec<u8> {
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let info = next.bump();
    let outline = next.bump();
    let fonts: Vec<(Name, Font, Ref)> = layout::FONT_NAMES
        .iter()
        .map(|&(name, font)| (name, font, next.bump()))
        .collect();
    let page_ids: Vec<(Ref, Ref)> = streams.iter().map(|_| (next.bump(), next.bump())).collect();
    let item_ids: Vec<Ref> = marks.iter().map(|_| next.bump()).collect();

    let mut pdf = Pdf::new();
    let mut cat = pdf.catalog(catalog);
    cat.pages(tree);
    if !marks.is_empty() {
        cat.outlines(outline).page_mode(PageMode::UseOutlines);
    }
    cat.finish();

    let mut doc = pdf.document_info(info);
    doc.title(TextStr(&cap(&s.title)));
    doc.author(TextStr(&cap(&s.instance)));
    doc.subject(TextStr(&format!(
        "Referral package {}",
        cap(&s.case_reference)
    )));
    doc.creator(TextStr("ScamTrace"));
    if let Some(date) = s.exported_at.and_then(pdf_date) {
        doc.creation_date(date);
    }
    doc.finish();

    pdf.pages(tree)
        .kids(page_ids.iter().map(|p| p.0))
        .count(page_ids.len() as i32);
    for ((page_id, content_id), stream) in page_ids.iter().zip(&streams) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, layout::PAGE_W, layout::PAGE_H));
        page.parent(tree);
        page.contents(*content_id);
        let mut resources = page.resources();
        let mut dict = resources.fonts();
        for (name, _, id) in &fonts {
            dict.pair(*name, *id);
        }
        dict.finish();
        resources.finish();
        page.finish();
        pdf.stream(*content_id, stream);
    }
    for (_, font, id) in &fonts {
        let base: &[u8] = match font {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
        };
        pdf.type1_font(*id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"))
            .first_char(32)
            .last_char(255)
            .widths(font.widths());
    }

    if let (Some(first), Some(last)) = (item_ids.first(), item_ids.last()) {
        pdf.outline(outline)
            .first(*first)
            .last(*last)
            .count(item_ids.len() as i32);
        for (i, (mark, id)) in marks.iter().zip(&item_ids).enumerate() {
            let mut item = pdf.outline_item(*id);
            item.title(TextStr(mark.title)).parent(outline);
            if i > 0 {
                item.prev(item_ids[i - 1]);
            }
            if let Some(next) = item_ids.get(i + 1) {
                item.next(*next);
            }
            if let Some((page, _)) = page_ids.get(mark.page) {
                item.dest()
                    .page(*page)
                    .xyz(layout::LEFT, layout::r(mark.top + 12.0), None);
            }
        }
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(money(48210.554), "48,210.55");
        assert_eq!(money(-1000.0), "-1,000.00");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(money(f64::NAN), "n/a");
        assert_eq!(amount("12500.00"), "12,500.00");
        assert_eq!(amount("-999.5"), "-999.5");
        assert_eq!(amount("100"), "100");
        assert_eq!(amount("12,5"), "12,5");
        assert_eq!(amount(") Tj"), ") Tj");
        assert_eq!(words("toll_free"), "Toll free");
        assert_eq!(words(""), "");
    }

    #[test]
    fn dates_are_utc() {
        let at = time::macros::datetime!(2026-04-01 14:30:05.25 +02:00);
        assert_eq!(rfc3339(at), "2026-04-01T12:30:05Z");
        assert!(pdf_date(at).is_some());
        let far = time::macros::datetime!(-0044-03-15 12:00 UTC);
        assert!(pdf_date(far).is_none());
        // The last representable instant, 23 hours west of UTC, has no UTC form.
        let edge = time::PrimitiveDateTime::MAX.assume_offset(time::macros::offset!(-23:00));
        assert_eq!(rfc3339(edge), "time not representable");
        assert!(pdf_date(edge).is_none());
    }
}
