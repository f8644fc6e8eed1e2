//! Calendar days as plain integers: enough to plan active periods without a date library.

/// Days since 1970-01-01 (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Day(pub(crate) i32);

/// The first day a demo report may have happened on.
pub(crate) const FIRST_DAY: Day = Day::from_ymd(2024, 1, 1);
/// The last one: the demo's "today" is 2026-11-01, and nothing is reported from the future.
pub(crate) const LAST_DAY: Day = Day::from_ymd(2026, 10, 31);

impl Day {
    /// Howard Hinnant's `days_from_civil`.
    pub(crate) const fn from_ymd(year: i32, month: u32, day: u32) -> Day {
        let y = if month <= 2 { year - 1 } else { year };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    /// Howard Hinnant's `civil_from_days`: (year, month 1..=12, day 1..=31).
    pub(crate) const fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
        (year, month, day)
    }

    pub(crate) fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }

    /// `YYYY-MM-DD`, the API's date format.
    pub(crate) fn iso(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_dates() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Day(0));
        assert_eq!(FIRST_DAY.iso(), "2024-01-01");
        assert_eq!(LAST_DAY.iso(), "2026-10-31");
        assert_eq!(
            Day::from_ymd(2024, 3, 1).0 - Day::from_ymd(2024, 2, 28).0,
            2
        );
        for n in FIRST_DAY.0..=LAST_DAY.0 {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Day(n));
        }
    }
}
