//! IAM's wildcard matching: `*` matches any run of characters, `?` exactly one.
//!
//! IAM patterns have no escapes, classes or braces, so a general glob crate would give some
//! characters (`[`, `{`) a meaning IAM does not; this is the whole of IAM's matching.

/// Whether `text` matches the IAM pattern `pattern`, comparing characters exactly.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with single backtrack point: linear in practice, never exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Like [`matches`], ignoring ASCII case (action names, `...IgnoreCase` operators).
pub fn matches_ignore_case(pattern: &str, text: &str) -> bool {
    matches(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
}

/// `ArnLike` / `ArnEquals`: each of the six colon-separated parts is matched on its own, so a
/// `*` in the account part cannot swallow the resource part.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != 6 || a.len() != 6 {
        return matches(pattern, arn);
    }
    p.iter().zip(&a).all(|(p, a)| matches(p, a))
}

pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(matches("*", ""));
        assert!(matches("sts:Assume*", "sts:AssumeRole"));
        assert!(matches("1111????2222", "111100002222"));
        assert!(!matches("1111????2222", "11110002222"));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
        assert!(matches_ignore_case("STS:assumerole", "sts:AssumeRole"));
        assert!(!matches("sts:assumerole", "sts:AssumeRole"));
    }

    #[test]
    fn arn_parts_are_separate() {
        assert!(arn_matches(
            "arn:aws:iam::*:role/x",
            "arn:aws:iam::111122223333:role/x"
        ));
        assert!(!arn_matches(
            "arn:aws:iam::*:user/x",
            "arn:aws:iam::111122223333:role/x"
        ));
        // A pattern with fewer than six parts falls back to matching the whole text, which
        // errs towards a match: a condition is never read as narrower than it may be.
        assert!(arn_matches(
            "arn:aws:iam::*",
            "arn:aws:iam::111122223333:role/x"
        ));
        assert!(arn_matches(
            "arn:aws:iam::111122223333:*",
            "arn:aws:iam::111122223333:role/a/b"
        ));
    }
}
