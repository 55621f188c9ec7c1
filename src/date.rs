//! Calendar dates for suppression expiry: `YYYY-MM-DD`, compared as days since 1970-01-01.

/// A calendar date as days since 1970-01-01 (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(i64);

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible dates such as `2026-02-30`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let date = Date::from_civil(y, m, d);
        ((1..=12).contains(&m) && d >= 1 && date.civil() == (y, m, d)).then_some(date)
    }

    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date(secs.div_euclid(86_400))
    }

    /// Days from a civil date (Howard Hinnant's algorithm).
    fn from_civil(y: i64, m: u32, d: u32) -> Date {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(m) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }

    fn civil(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (
            if m <= 2 {
                yoe + era * 400 + 1
            } else {
                yoe + era * 400
            },
            m,
            d,
        )
    }
}

/// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 time as IAM's date operators accept it
/// (`2026-12-07`, `2026-12-07T17:28:50Z`, with fractions or a `+01:00` offset) or of epoch
/// seconds. `None` when it is neither.
pub fn instant(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let (day, time) = s.split_once(['T', 't']).unwrap_or((s, ""));
    let days = Date::parse(day)?.0;
    if time.is_empty() {
        return Some(days * 86_400);
    }
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let clock = clock.split('.').next()?;
    let mut parts = clock.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next().unwrap_or("0").parse().ok()?;
    let sec: i64 = parts.next().unwrap_or("0").parse().ok()?;
    if parts.next().is_some() || h > 24 || m > 59 || sec > 60 {
        return None;
    }
    let shift = match offset.as_bytes().first() {
        None | Some(b'Z' | b'z') if offset.len() <= 1 => 0,
        Some(sign @ (b'+' | b'-')) => {
            let (oh, om) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
            let minutes = oh.parse::<i64>().ok()? * 60 + om.parse::<i64>().ok()?;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    Some(days * 86_400 + h * 3_600 + m * 60 + sec - shift)
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_and_prints_round_trip() {
        for s in ["1970-01-01", "2000-02-29", "2026-12-01", "2099-12-31"] {
            assert_eq!(Date::parse(s).unwrap().to_string(), s);
        }
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("26-1-1").is_none());
        assert!(Date::parse("2026-12-01").unwrap() < Date::parse("2027-01-01").unwrap());
        assert_eq!(Date::parse("1970-01-02").unwrap(), Date(1));
    }

    #[test]
    fn instants_in_the_forms_iam_accepts() {
        use super::instant;
        assert_eq!(instant("1970-01-02"), Some(86_400));
        assert_eq!(instant("1970-01-01T01:00:00Z"), Some(3_600));
        assert_eq!(instant("1970-01-01T01:00:00.123Z"), Some(3_600));
        assert_eq!(instant("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(instant("3600"), Some(3_600));
        assert_eq!(instant("yesterday"), None);
        assert!(instant("2019-12-31T23:59:59Z") < instant("2026-12-07T17:28:50Z"));
    }
}
