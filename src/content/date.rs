//! Front-matter dates: `YYYY-MM-DD`, local date-times (site time zone) and
//! RFC 3339 date-times with an offset.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Parses a front-matter date in the site time zone.
pub fn parse(text: &str, tz: &TimeZone) -> Result<Zoned, String> {
    let t = text.trim();
    if t.len() == 10 {
        let d: Date = t.parse().map_err(|e: jiff::Error| short(e))?;
        return d.to_zoned(tz.clone()).map_err(short);
    }
    if has_offset(t) {
        let ts: Timestamp = t.parse().map_err(|e: jiff::Error| short(e))?;
        return Ok(ts.to_zoned(tz.clone()));
    }
    let dt: DateTime = t
        .replacen(' ', "T", 1)
        .parse()
        .map_err(|e: jiff::Error| short(e))?;
    // In a DST gap the compatible strategy moves forward, like most calendars.
    dt.to_zoned(tz.clone()).map_err(short)
}

fn has_offset(t: &str) -> bool {
    let time = match t.find(['T', 't', ' ']) {
        Some(i) => &t[i..],
        None => return false,
    };
    time.ends_with(['Z', 'z']) || time.contains('+') || time[1..].contains('-')
}

fn short(e: jiff::Error) -> String {
    let s = e.to_string();
    // jiff explains nested causes with ": "; the last part is the useful one.
    s.rsplit(": ").next().unwrap_or(&s).to_string()
}

/// Formats a date for display with a theme's `date_format` and month names.
pub fn display(z: &Zoned, format: &str, months: &[String]) -> String {
    let month = months
        .get(z.month() as usize - 1)
        .cloned()
        .unwrap_or_else(|| z.month().to_string());
    format
        .replace("{day}", &z.day().to_string())
        .replace("{month}", &month)
        .replace("{year}", &z.year().to_string())
}

/// RFC 3339 with offset, seconds precision: stable across runs and machines.
pub fn rfc3339(z: &Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    #[test]
    fn plain_date_is_midnight_in_site_zone() {
        let z = parse("2020-04-16", &berlin()).unwrap();
        assert_eq!(rfc3339(&z), "2020-04-16T00:00:00+02:00");
    }

    #[test]
    fn datetime_with_offset_is_converted() {
        let z = parse("2020-01-01T12:00:00Z", &berlin()).unwrap();
        assert_eq!(rfc3339(&z), "2020-01-01T13:00:00+01:00");
        let z = parse("2020-01-01 09:30", &berlin()).unwrap();
        assert_eq!(rfc3339(&z), "2020-01-01T09:30:00+01:00");
    }

    #[test]
    fn impossible_dates_are_errors() {
        assert!(parse("2024-02-30", &berlin()).is_err());
        assert!(parse("2024-01-01T24:00:00", &berlin()).is_err());
        assert!(parse("gestern", &berlin()).is_err());
        assert!(parse("2024-02-29", &berlin()).is_ok());
    }

    #[test]
    fn dst_gap_moves_forward() {
        let z = parse("2024-03-31T02:30:00", &berlin()).unwrap();
        assert_eq!(rfc3339(&z), "2024-03-31T03:30:00+02:00");
    }

    #[test]
    fn display_in_german_and_english() {
        let z = parse("2020-04-16", &berlin()).unwrap();
        let de: Vec<String> = ["Januar", "Februar", "März", "April"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(display(&z, "{day}. {month} {year}", &de), "16. April 2020");
        let en: Vec<String> = ["January", "February", "March", "April"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(display(&z, "{month} {day}, {year}", &en), "April 16, 2020");
    }
}
