//! Policy variables (`${aws:PrincipalTag/team}`, `${aws:ResourceAccount}`, ...) in condition
//! values, and the account a policy is attached to.
//!
//! IAM fills a variable in from the request when it evaluates the policy, so a condition value
//! is only as narrow as whoever supplies the variable's value:
//!
//! - **the caller** (its own account, ARN, organization, tags, session, source, the time):
//!   the caller makes the condition true for itself, so the value narrows nothing and is read
//!   as `*` (any value);
//! - **the resource** (`aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`):
//!   the value is the account the policy is attached to, its organization or its OU path,
//!   known from the [`Scope`];
//! - the three escapes `${*}`, `${?}`, `${$}` stand for the characters themselves;
//! - any other variable (including `aws:ResourceTag/...`, whose value tenantguard does not
//!   collect) is unknown, and the value is reported unresolved: unknown is not narrow.

/// Where a policy is attached: the account whose resource it guards, that account's
/// partition, organization and OU path. Account ids in a policy are ids of the partition of
/// the resource: the same twelve digits in another partition are another account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    pub partition: &'a str,
    pub account: &'a str,
    pub organization_id: &'a str,
    /// `o-.../r-.../ou-.../` as `aws:ResourceOrgPaths` gives it, when known.
    pub org_path: Option<&'a str>,
    /// When the policy was read (RFC 3339), when known: `aws:CurrentTime` windows that had
    /// closed by then grant nothing.
    pub collected_at: Option<&'a str>,
    /// The organization's accounts, when known: a fence on `aws:PrincipalOrgID` then removes
    /// a named account outside the organization for certain.
    pub members: Option<&'a std::collections::BTreeSet<&'a str>>,
}

impl<'a> Scope<'a> {
    /// The scope of a resource with ARN `arn` (the partition is read from it; `aws` when the
    /// ARN does not say).
    pub fn of_arn(
        arn: &'a str,
        account: &'a str,
        organization_id: &'a str,
        org_path: Option<&'a str>,
    ) -> Scope<'a> {
        let partition = arn
            .strip_prefix("arn:")
            .and_then(|rest| rest.split(':').next())
            .filter(|p| !p.is_empty())
            .unwrap_or("aws");
        Scope {
            partition,
            account,
            organization_id,
            org_path,
            collected_at: None,
            members: None,
        }
    }

    /// The same scope, read at `collected_at`.
    pub fn at(self, collected_at: Option<&'a str>) -> Scope<'a> {
        Scope {
            collected_at,
            ..self
        }
    }

    /// The same scope, knowing the organization's accounts.
    pub fn within(self, members: Option<&'a std::collections::BTreeSet<&'a str>>) -> Scope<'a> {
        Scope { members, ..self }
    }

    /// Whether `account` is known to be outside the organization.
    pub fn outside(&self, account: &str) -> bool {
        self.members.is_some_and(|m| !m.contains(account))
    }
}

/// The scope the engine's unit tests judge in: account `111111111111` of organization
/// `o-own`, in `aws`, nothing else known.
#[cfg(test)]
pub(crate) const TEST_SCOPE: Scope<'static> = Scope {
    partition: "aws",
    account: "111111111111",
    organization_id: "o-own",
    org_path: None,
    collected_at: None,
    members: None,
};

/// Who supplies the value of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supplier {
    /// The request: the caller controls it.
    Caller,
    /// The resource's own account, organization or path.
    Resource,
    /// `${*}`, `${?}`, `${$}`.
    Literal,
    Unknown,
}

/// Keys whose value in the request context comes from the caller or the request itself.
const CALLER_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltype",
    "aws:principalservicename",
    "aws:principalisawsservice",
    "aws:userid",
    "aws:username",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceidentity",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    "aws:federatedprovider",
    "aws:currenttime",
    "aws:epochtime",
    "aws:tokenissuetime",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:requestedregion",
    "aws:securetransport",
    "aws:viaawsservice",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
];

/// Keys with a tag or claim name after a `/` (or a provider prefix) that the caller controls.
const CALLER_PREFIXES: &[&str] = &[
    "aws:principaltag/",
    "aws:requesttag/",
    "aws:tagkeys",
    "sts:",
    "saml:",
];

pub fn supplier(variable: &str) -> Supplier {
    if matches!(variable, "*" | "?" | "$") {
        return Supplier::Literal;
    }
    let key = variable.to_ascii_lowercase();
    if matches!(
        key.as_str(),
        "aws:resourceaccount" | "aws:resourceorgid" | "aws:resourceorgpaths"
    ) {
        return Supplier::Resource;
    }
    if CALLER_KEYS.contains(&key.as_str()) || CALLER_PREFIXES.iter().any(|p| key.starts_with(p)) {
        return Supplier::Caller;
    }
    // Web identity claims: `<provider host>:sub`, `:aud`, `:amr`, ... (a host has a dot).
    if let Some((provider, _claim)) = key.split_once(':')
        && provider.contains('.')
    {
        return Supplier::Caller;
    }
    Supplier::Unknown
}

/// A condition value with its variables filled in as far as the policy's scope allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filled {
    /// No variable that widens: compare as the operator says.
    Exact(String),
    /// Some of it is the caller's to choose (read as `*`), or an escape: compare as a
    /// wildcard pattern.
    Pattern(String),
    /// A variable tenantguard does not know, or a resource value it does not have.
    Unknown { variable: String },
}

/// Fills in the variables of one condition value.
pub fn fill(value: &str, scope: &Scope<'_>) -> Filled {
    if !value.contains("${") {
        return Filled::Exact(value.to_owned());
    }
    let mut out = String::with_capacity(value.len());
    let mut widened = false;
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            // An unterminated `${` is text to IAM.
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let variable = &after[..end];
        match supplier(variable) {
            Supplier::Literal => {
                widened |= variable != "$";
                out.push_str(variable);
            }
            Supplier::Caller => {
                widened = true;
                out.push('*');
            }
            Supplier::Resource => match resource_value(variable, scope) {
                Some(v) => out.push_str(v),
                None => {
                    return Filled::Unknown {
                        variable: variable.to_owned(),
                    };
                }
            },
            Supplier::Unknown => {
                return Filled::Unknown {
                    variable: variable.to_owned(),
                };
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    if widened {
        Filled::Pattern(out)
    } else {
        Filled::Exact(out)
    }
}

fn resource_value<'a>(variable: &str, scope: &Scope<'a>) -> Option<&'a str> {
    match variable.to_ascii_lowercase().as_str() {
        "aws:resourceaccount" => Some(scope.account),
        "aws:resourceorgid" => Some(scope.organization_id).filter(|o| !o.is_empty()),
        "aws:resourceorgpaths" => scope.org_path,
        _ => None,
    }
}

/// Whether a value holds a variable that the caller supplies or that is unknown: a
/// requirement written that way is no requirement.
pub fn caller_chosen(value: &str) -> bool {
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return false;
        };
        if matches!(
            supplier(&after[..end]),
            Supplier::Caller | Supplier::Unknown
        ) {
            return true;
        }
        rest = &after[end + 1..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPE: Scope<'static> = Scope {
        partition: "aws",
        account: "111111111111",
        organization_id: "o-ours",
        org_path: Some("o-ours/r-root/ou-tenants/"),
        collected_at: None,
        members: None,
    };

    #[test]
    fn who_supplies_each_variable() {
        assert_eq!(supplier("aws:PrincipalTag/team"), Supplier::Caller);
        assert_eq!(supplier("aws:PrincipalAccount"), Supplier::Caller);
        assert_eq!(supplier("aws:username"), Supplier::Caller);
        assert_eq!(supplier("sts:ExternalId"), Supplier::Caller);
        assert_eq!(
            supplier("token.actions.githubusercontent.com:sub"),
            Supplier::Caller
        );
        assert_eq!(supplier("aws:ResourceAccount"), Supplier::Resource);
        assert_eq!(supplier("aws:ResourceOrgID"), Supplier::Resource);
        assert_eq!(supplier("*"), Supplier::Literal);
        assert_eq!(supplier("aws:ResourceTag/owner"), Supplier::Unknown);
        assert_eq!(supplier("tenantguard:made-up"), Supplier::Unknown);
    }

    #[test]
    fn values_are_filled_from_the_scope_or_widened() {
        assert_eq!(
            fill("111111111111", &SCOPE),
            Filled::Exact("111111111111".into())
        );
        assert_eq!(
            fill("${aws:ResourceAccount}", &SCOPE),
            Filled::Exact("111111111111".into())
        );
        assert_eq!(
            fill("${aws:ResourceOrgID}", &SCOPE),
            Filled::Exact("o-ours".into())
        );
        assert_eq!(
            fill("arn:aws:iam::${aws:PrincipalAccount}:role/x", &SCOPE),
            Filled::Pattern("arn:aws:iam::*:role/x".into())
        );
        assert_eq!(
            fill("${aws:PrincipalTag/account}", &SCOPE),
            Filled::Pattern("*".into())
        );
        assert_eq!(
            fill("${aws:ResourceTag/owner}", &SCOPE),
            Filled::Unknown {
                variable: "aws:ResourceTag/owner".into()
            }
        );
        assert_eq!(
            fill("a${$}b", &SCOPE),
            Filled::Exact("a$b".into()),
            "`${{$}}` is a dollar sign"
        );
        assert_eq!(
            fill("${unterminated", &SCOPE),
            Filled::Exact("${unterminated".into())
        );
        let no_path = Scope {
            org_path: None,
            collected_at: None,
            members: None,
            ..SCOPE
        };
        assert!(matches!(
            fill("${aws:ResourceOrgPaths}", &no_path),
            Filled::Unknown { .. }
        ));
    }

    #[test]
    fn partition_comes_from_the_arn() {
        let s = Scope::of_arn(
            "arn:aws-cn:iam::111111111111:role/x",
            "111111111111",
            "o",
            None,
        );
        assert_eq!(s.partition, "aws-cn");
        assert_eq!(Scope::of_arn("nonsense", "1", "o", None).partition, "aws");
    }

    #[test]
    fn requirements_the_caller_fills_in_are_none() {
        assert!(caller_chosen("${aws:PrincipalTag/x}"));
        assert!(caller_chosen("pre-${aws:username}"));
        assert!(caller_chosen("${made:up}"));
        assert!(!caller_chosen("${aws:ResourceAccount}"));
        assert!(!caller_chosen("secret-1"));
    }
}
