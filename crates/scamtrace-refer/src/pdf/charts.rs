//! The two charts, drawn with filled rectangles and text: victims by country (horizontal bars,
//! the count at each bar's end) and victims by month (vertical bars over month labels). Both keep
//! a fixed, page-sized height whatever the number of entries.

use super::group;
use super::layout::{BAR, GREY, INK, LEFT, Pages, RULE, WIDTH};
use super::text::{self, Font};
use crate::summary::Counted;

/// Countries charted one by one; the rest are one "Other" bar.
const COUNTRY_BARS: usize = 15;
/// Months charted; older ones are summed in a note.
const MONTH_BARS: usize = 60;

/// Horizontal bars, largest first, beyond [`COUNTRY_BARS`] aggregated into "Other (N countries)".
pub(crate) fn by_country(pages: &mut Pages, title: &str, countries: &[Counted]) {
    let mut sorted: Vec<&Counted> = countries.iter().collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.reports));
    let mut bars: Vec<(Vec<u8>, u64)> = Vec::new();
    if sorted.len() > COUNTRY_BARS {
        let (shown, rest) = sorted.split_at(COUNTRY_BARS - 1);
        bars.extend(
            shown
                .iter()
                .map(|c| (text::encode(&c.value), u64::from(c.reports))),
        );
        let other: u64 = rest.iter().map(|c| u64::from(c.reports)).sum();
        bars.push((
            text::encode(&format!("Other ({} countries)", rest.len())),
            other,
        ));
    } else {
        bars.extend(
            sorted
                .iter()
                .map(|c| (text::encode(&c.value), u64::from(c.reports))),
        );
    }

    const SIZE: f32 = 8.5;
    const PITCH: f32 = 15.0;
    const BAR_H: f32 = 10.0;
    const COUNT_W: f32 = 50.0;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0);
    pages.subheading(title, PITCH * bars.len().max(1) as f32 + 6.0);
    if bars.is_empty() {
        pages.note("No countries reported.");
        return;
    }
    let labels: Vec<Vec<u8>> = bars
        .iter()
        .map(|(l, _)| text::clip(l, Font::Regular, SIZE, 110.0))
        .collect();
    let widest = labels
        .iter()
        .map(|l| Font::Regular.width(l, SIZE))
        .fold(0.0, f32::max);
    // The bars start just right of the widest label (at least 30 pt in, at most 120 pt).
    let label_w = (widest + 10.0).max(30.0);
    let track = WIDTH - label_w - COUNT_W;
    for ((_, count), label) in bars.iter().zip(&labels) {
        let top = pages.y();
        let baseline = top - PITCH / 2.0 - SIZE * 0.35;
        pages.text(LEFT, baseline, Font::Regular, SIZE, label, INK);
        let w = if max == 0 {
            0.0
        } else {
            track * (*count as f64 / max as f64) as f32
        };
        let x = LEFT + label_w;
        pages.rect(x, top - (PITCH + BAR_H) / 2.0, w.max(0.5), BAR_H, BAR);
        let n = text::encode(&group(*count));
        pages.text(x + w + 4.0, baseline, Font::Bold, SIZE, &n, INK);
        pages.advance(PITCH);
    }
    pages.advance(6.0);
}

/// Vertical bars in calendar order with the count above each bar where it fits, and month
/// labels thinned out to every k-th month so that they never overlap.
pub(crate) fn by_month(pages: &mut Pages, title: &str, months: &[Counted]) {
    const SIZE: f32 = 7.0;
    const AXIS_W: f32 = 30.0;
    const PLOT_H: f32 = 110.0;
    const LABELS_H: f32 = 14.0;
    pages.subheading(title, PLOT_H + LABELS_H + 32.0);
    if months.is_empty() {
        pages.note("No months reported.");
        return;
    }
    let skipped = months.len().saturating_sub(MONTH_BARS);
    let shown = &months[skipped..];
    if skipped > 0 {
        let earlier: u64 = months[..skipped].iter().map(|m| u64::from(m.reports)).sum();
        pages.note(&format!(
            "The last {MONTH_BARS} of {} months; {} earlier months hold {} reports.",
            months.len(),
            skipped,
            group(earlier)
        ));
    }

    pages.ensure(PLOT_H + LABELS_H + 18.0);
    let max = shown
        .iter()
        .map(|m| u64::from(m.reports))
        .max()
        .unwrap_or(0);
    // Room above the plot for the count over the tallest bar.
    let top = pages.y() - 12.0;
    let base = top - PLOT_H;
    let x0 = LEFT + AXIS_W;
    let plot_w = WIDTH - AXIS_W;
    let slot = plot_w / shown.len().max(1) as f32;
    let bar_w = (slot * 0.7).min(28.0);

    // The axis: a baseline, and the top of the scale with its value (none when all are 0).
    pages.hline(x0, x0 + plot_w, base, 0.6, GREY);
    let mut ticks = vec![(0, base)];
    if max > 0 {
        pages.hline(x0, x0 + plot_w, top, 0.3, RULE);
        ticks.push((max, top));
    }
    for (value, y) in ticks {
        let n = text::encode(&group(value));
        let w = Font::Regular.width(&n, SIZE);
        pages.text(x0 - 4.0 - w, y - SIZE * 0.35, Font::Regular, SIZE, &n, GREY);
    }

    let labels: Vec<Vec<u8>> = shown
        .iter()
        .map(|m| text::clip(&text::encode(&m.value), Font::Regular, SIZE, 44.0))
        .collect();
    let widest = labels
        .iter()
        .map(|l| Font::Regular.width(l, SIZE))
        .fold(0.0, f32::max);
    let step = ((widest + 4.0) / slot).ceil().max(1.0) as usize;
    for (i, (month, label)) in shown.iter().zip(&labels).enumerate() {
        let centre = x0 + slot * (i as f32 + 0.5);
        let reports = u64::from(month.reports);
        let h = if max == 0 {
            0.0
        } else {
            PLOT_H * (reports as f64 / max as f64) as f32
        };
        if h > 0.0 {
            pages.rect(centre - bar_w / 2.0, base, bar_w, h.max(0.5), BAR);
        }
        let n = text::encode(&group(reports));
        let nw = Font::Bold.width(&n, SIZE);
        if reports > 0 && nw <= slot - 1.0 {
            pages.text(centre - nw / 2.0, base + h + 2.5, Font::Bold, SIZE, &n, INK);
        }
        if i % step == 0 {
            let lw = Font::Regular.width(label, SIZE);
            let lx = (centre - lw / 2.0).clamp(x0 - AXIS_W, x0 + plot_w - lw);
            pages.text(lx, base - 9.0, Font::Regular, SIZE, label, GREY);
        }
    }
    pages.advance(12.0 + PLOT_H + LABELS_H);
}
