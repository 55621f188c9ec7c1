//! One row per policy shape: the document, and what it must resolve to.

use super::*;
use crate::inventory::PolicyDocument;

const A: &str = "111111111111";

/// The role's own account, organization and path, for policy variables and partitions.
fn scope() -> Scope<'static> {
    Scope {
        partition: "aws",
        account: A,
        organization_id: "o-ours",
        org_path: Some("o-ours/r-root/ou-tenants/"),
        collected_at: Some("2026-12-07T12:00:00Z"),
        members: Some(&*MEMBERS),
    }
}

/// The organization's accounts, as the evaluation knows them.
static MEMBERS: std::sync::LazyLock<std::collections::BTreeSet<&'static str>> =
    std::sync::LazyLock::new(|| [A, "222222222222"].into_iter().collect());

/// A compact, readable form of a grant's trustee for the table below.
fn show(t: &Trustee) -> String {
    match t {
        Trustee::AnyAccount => "any".into(),
        Trustee::AccountPattern { pattern } => format!("pattern:{pattern}"),
        Trustee::Account { id, principal } if principal == "root" => format!("acct:{id}"),
        Trustee::Account { id, principal } => format!("acct:{id}={principal}"),
        Trustee::Organization { id } => format!("org:{id}"),
        Trustee::OrgPath { pattern, .. } => format!("path:{pattern}"),
        Trustee::Service { name } => format!("svc:{name}"),
        Trustee::Federated {
            provider,
            account: Some(a),
        } => format!("fed:{a}:{provider}"),
        Trustee::Federated { provider, .. } => format!("fed:{provider}"),
        Trustee::Foreign { partition, id, .. } => format!("foreign:{partition}:{id}"),
        Trustee::Unresolved { value, reason } => format!("unresolved:{reason:?}:{value}"),
    }
}

fn resolve(doc: &str) -> Result<Vec<String>, String> {
    let document = PolicyDocument::Text(doc.to_owned());
    analyse(&document, &scope())
        .map(|a| a.grants.iter().map(|g| show(&g.trustee)).collect())
        .map_err(|e| e.location)
}

/// Wraps statements in a document.
fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#)
}

/// One Allow statement with the given principal and condition.
fn allow(principal: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    doc(&format!(
        r#"{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}"#
    ))
}

/// An Allow to `principal` beside a Deny to everyone with the given condition.
fn fenced(principal: &str, deny_condition: &str) -> String {
    doc(&format!(
        r#"[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{deny_condition}}}]"#
    ))
}

/// A row: name, document, and the trustees it resolves to (or where it fails to parse).
type Row = (
    &'static str,
    String,
    Result<Vec<&'static str>, &'static str>,
);

#[test]
fn policy_shapes_resolve_as_documented() {
    let any = r#"{"AWS":"*"}"#;
    let rows: Vec<Row> = vec![
        // --- principal forms
        ("bare account id", allow(r#"{"AWS":"111111111111"}"#, ""), Ok(vec!["acct:111111111111"])),
        ("account id with leading zeros stays a string", allow(r#"{"AWS":"012345678901"}"#, ""), Ok(vec!["acct:012345678901"])),
        ("root arn", allow(r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, ""), Ok(vec!["acct:222222222222"])),
        ("role arn", allow(r#"{"AWS":"arn:aws:iam::222222222222:role/deploy"}"#, ""), Ok(vec!["acct:222222222222=arn:aws:iam::222222222222:role/deploy"])),
        ("user arn with path", allow(r#"{"AWS":"arn:aws:iam::222222222222:user/ops/alice"}"#, ""), Ok(vec!["acct:222222222222=arn:aws:iam::222222222222:user/ops/alice"])),
        ("assumed-role session arn", allow(r#"{"AWS":"arn:aws:sts::222222222222:assumed-role/ci/run-1"}"#, ""), Ok(vec!["acct:222222222222=arn:aws:sts::222222222222:assumed-role/ci/run-1"])),
        ("federated user arn", allow(r#"{"AWS":"arn:aws:sts::222222222222:federated-user/bob"}"#, ""), Ok(vec!["acct:222222222222=arn:aws:sts::222222222222:federated-user/bob"])),
        ("china partition is another account", allow(r#"{"AWS":"arn:aws-cn:iam::111111111111:root"}"#, ""), Ok(vec!["foreign:aws-cn:111111111111"])),
        ("govcloud partition is another account", allow(r#"{"AWS":"arn:aws-us-gov:iam::222222222222:role/x"}"#, ""), Ok(vec!["foreign:aws-us-gov:222222222222"])),
        ("PrincipalArn of another partition", allow(any, r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws-cn:iam::111111111111:role/*"}}"#), Ok(vec!["foreign:aws-cn:111111111111"])),
        ("own account narrowed to another partition admits nobody", allow(r#"{"AWS":"111111111111"}"#, r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws-cn:iam::111111111111:role/*"}}"#), Ok(vec![])),
        ("PrincipalArn with a wildcard partition stays ours", allow(any, r#"{"ArnLike":{"aws:PrincipalArn":"arn:*:iam::222222222222:role/x"}}"#), Ok(vec!["acct:222222222222=arn:*:iam::222222222222:role/x"])),
        ("unknown partition is unresolved", allow(r#"{"AWS":"arn:aws-xx:iam::222222222222:root"}"#, ""), Ok(vec!["unresolved:UnknownForm:arn:aws-xx:iam::222222222222:root"])),
        ("array of principals", allow(r#"{"AWS":["111111111111","arn:aws:iam::333333333333:root"]}"#, ""), Ok(vec!["acct:111111111111", "acct:333333333333"])),
        ("wildcard string principal", allow(r#""*""#, ""), Ok(vec!["any"])),
        ("wildcard AWS principal", allow(any, ""), Ok(vec!["any"])),
        ("service principal", allow(r#"{"Service":"ec2.amazonaws.com"}"#, ""), Ok(vec!["svc:ec2.amazonaws.com"])),
        ("service array", allow(r#"{"Service":["lambda.amazonaws.com","ecs-tasks.amazonaws.com"]}"#, ""), Ok(vec!["svc:ecs-tasks.amazonaws.com", "svc:lambda.amazonaws.com"])),
        ("saml provider", allow(r#"{"Federated":"arn:aws:iam::111111111111:saml-provider/okta"}"#, ""), Ok(vec!["fed:111111111111:arn:aws:iam::111111111111:saml-provider/okta"])),
        ("saml provider of another account names it", allow(r#"{"Federated":"arn:aws:iam::222222222222:saml-provider/okta"}"#, ""), Ok(vec!["fed:222222222222:arn:aws:iam::222222222222:saml-provider/okta"])),
        ("oidc provider of another partition", allow(r#"{"Federated":"arn:aws-cn:iam::222222222222:oidc-provider/example.com"}"#, ""), Ok(vec!["foreign:aws-cn:222222222222"])),
        ("federated arn of an unknown form", allow(r#"{"Federated":"arn:aws:iam::222222222222:user/x"}"#, ""), Ok(vec!["unresolved:UnknownForm:arn:aws:iam::222222222222:user/x"])),
        ("web identity provider name", allow(r#"{"Federated":"cognito-identity.amazonaws.com"}"#, ""), Ok(vec!["fed:cognito-identity.amazonaws.com"])),
        ("deleted role unique id", allow(r#"{"AWS":"AROAJQABLZS4A3QDU576Q"}"#, ""), Ok(vec!["unresolved:UniqueId:AROAJQABLZS4A3QDU576Q"])),
        ("deleted user unique id", allow(r#"{"AWS":"AIDAJQABLZS4A3QDU576Q"}"#, ""), Ok(vec!["unresolved:UniqueId:AIDAJQABLZS4A3QDU576Q"])),
        ("canonical user is unresolved", allow(r#"{"CanonicalUser":"79a59df900b949e55d96a1e698fbaced"}"#, ""), Ok(vec!["unresolved:UnknownForm:CanonicalUser:79a59df900b949e55d96a1e698fbaced"])),
        ("eleven-digit account is unresolved", allow(r#"{"AWS":"11111111111"}"#, ""), Ok(vec!["unresolved:UnknownForm:11111111111"])),
        ("mixed principal kinds", allow(r#"{"AWS":"111111111111","Service":"ec2.amazonaws.com"}"#, ""), Ok(vec!["acct:111111111111", "svc:ec2.amazonaws.com"])),
        // --- statement structure and actions
        ("single statement object", doc(r#"{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"}"#), Ok(vec!["acct:222222222222"])),
        ("action array", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["sts:AssumeRole","sts:TagSession"]}]"#), Ok(vec!["acct:222222222222"])),
        ("tag session alone grants nothing", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["sts:TagSession","sts:SetSourceIdentity"]}]"#), Ok(vec![])),
        ("sts wildcard action", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:*"}]"#), Ok(vec!["acct:222222222222"])),
        ("full wildcard action", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"*"}]"#), Ok(vec!["acct:222222222222"])),
        ("Assume prefix wildcard", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:Assume*"}]"#), Ok(vec!["acct:222222222222"])),
        ("action names ignore case", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"STS:assumerole"}]"#), Ok(vec!["acct:222222222222"])),
        ("web identity action", doc(r#"[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]"#), Ok(vec!["fed:111111111111:arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"])),
        ("NotAction covers AssumeRole", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"NotAction":"sts:TagSession"}]"#), Ok(vec!["acct:222222222222"])),
        ("NotAction naming every assume action grants nothing", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"NotAction":"sts:Assume*"}]"#), Ok(vec![])),
        ("NotPrincipal with Allow is everyone", doc(r#"[{"Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]"#), Ok(vec!["any"])),
        ("two statements", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]"#), Ok(vec!["acct:111111111111", "svc:ec2.amazonaws.com"])),
        // --- Deny
        ("unconditional Deny of the same account removes it", doc(r#"[{"Effect":"Allow","Principal":{"AWS":["111111111111","222222222222"]},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"}]"#), Ok(vec!["acct:111111111111"])),
        ("Deny of the account root removes its roles", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/x"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:*"}]"#), Ok(vec![])),
        ("conditional Deny keeps the grant", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]"#), Ok(vec!["acct:222222222222"])),
        ("Deny of one role keeps the account grant", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:role/x"},"Action":"sts:AssumeRole"}]"#), Ok(vec!["acct:222222222222"])),
        ("Deny of fewer actions keeps the grant", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:Assume*"},{"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"}]"#), Ok(vec!["acct:222222222222"])),
        ("Deny alone grants nothing", doc(r#"[{"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"}]"#), Ok(vec![])),
        ("NotPrincipal Deny removes nothing", doc(r#"[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"},{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]"#), Ok(vec!["acct:222222222222"])),
        // --- narrowing conditions
        ("wildcard narrowed to own account", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}"#), Ok(vec!["acct:111111111111"])),
        ("wildcard narrowed to two accounts", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":["111111111111","222222222222"]}}"#), Ok(vec!["acct:111111111111", "acct:222222222222"])),
        ("condition key names ignore case", allow(any, r#"{"StringEquals":{"AWS:principalaccount":"111111111111"}}"#), Ok(vec!["acct:111111111111"])),
        ("wildcard narrowed by PrincipalArn like", allow(any, r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/*"}}"#), Ok(vec!["acct:222222222222=arn:aws:iam::222222222222:role/*"])),
        ("StringLike PrincipalArn", allow(any, r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/ci-*"}}"#), Ok(vec!["acct:222222222222=arn:aws:iam::222222222222:role/ci-*"])),
        ("PrincipalArn with wildcard account", allow(any, r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/audit"}}"#), Ok(vec!["any"])),
        ("PrincipalArn with partial account pattern", allow(any, r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::2222222222??:role/audit"}}"#), Ok(vec!["pattern:2222222222??"])),
        ("StringLike account pattern", allow(any, r#"{"StringLike":{"aws:PrincipalAccount":"22222222*"}}"#), Ok(vec!["pattern:22222222*"])),
        ("StringEquals star is literal and matches no account", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"*"}}"#), Ok(vec![])),
        ("ForAnyValue prefix still narrows", allow(any, r#"{"ForAnyValue:StringEquals":{"aws:PrincipalAccount":"111111111111"}}"#), Ok(vec!["acct:111111111111"])),
        ("IfExists on PrincipalAccount still narrows", allow(any, r#"{"StringEqualsIfExists":{"aws:PrincipalAccount":"111111111111"}}"#), Ok(vec!["acct:111111111111"])),
        ("PrincipalOrgID", allow(any, r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#), Ok(vec!["org:o-abc123"])),
        ("PrincipalOrgID IfExists admits outsiders", allow(any, r#"{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}"#), Ok(vec!["any"])),
        // --- policy variables in condition values
        ("caller's own account variable narrows nothing", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}"#), Ok(vec!["any"])),
        ("principal tag variable narrows nothing", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalTag/account}"}}"#), Ok(vec!["any"])),
        ("caller's org id variable narrows nothing", allow(any, r#"{"StringEquals":{"aws:PrincipalOrgID":"${aws:PrincipalOrgID}"}}"#), Ok(vec!["any"])),
        ("resource account variable is this account", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}"#), Ok(vec!["acct:111111111111"])),
        ("resource org variable is this organization", allow(any, r#"{"StringEquals":{"aws:PrincipalOrgID":"${aws:ResourceOrgID}"}}"#), Ok(vec!["org:o-ours"])),
        ("resource org paths variable is this account's path", allow(any, r#"{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"${aws:ResourceOrgPaths}"}}"#), Ok(vec!["path:o-ours/r-root/ou-tenants/"])),
        ("variable in the account part of an ARN is any account", allow(any, r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalTag/acct}:role/x"}}"#), Ok(vec!["any"])),
        ("variable in the role name keeps the account", allow(any, r#"{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/${aws:PrincipalTag/team}"}}"#), Ok(vec!["acct:222222222222=arn:aws:iam::222222222222:role/*"])),
        ("resource tag variable is unknown", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceTag/owner}"}}"#), Ok(vec!["unresolved:UnknownVariable:${aws:ResourceTag/owner}"])),
        ("unknown variable is unresolved", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"${acme:Tenant}"}}"#), Ok(vec!["unresolved:UnknownVariable:${acme:Tenant}"])),
        ("account principal with a caller variable stays the account", allow(r#"{"AWS":"222222222222"}"#, r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}"#), Ok(vec!["acct:222222222222"])),
        ("PrincipalOrgPaths prefix", allow(any, r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc123/r-ab12/ou-ab12-tenants1/*"}}"#), Ok(vec!["path:o-abc123/r-ab12/ou-ab12-tenants1/*"])),
        ("PrincipalOrgPaths ForAllValues admits outsiders", allow(any, r#"{"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":"o-abc123/*"}}"#), Ok(vec!["any"])),
        ("org id and account are ANDed", allow(any, r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc123","aws:PrincipalAccount":"222222222222"}}"#), Ok(vec!["acct:222222222222"])),
        ("account principal outside the condition grants nothing", allow(r#"{"AWS":"222222222222"}"#, r#"{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}"#), Ok(vec![])),
        ("account principal narrowed to one of its roles", allow(r#"{"AWS":"222222222222"}"#, r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/ci"}}"#), Ok(vec!["acct:222222222222=arn:aws:iam::222222222222:role/ci"])),
        ("negated operator does not narrow", allow(any, r#"{"StringNotEquals":{"aws:PrincipalAccount":"333333333333"}}"#), Ok(vec!["any"])),
        ("ArnNotLike does not narrow", allow(any, r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::333333333333:*"}}"#), Ok(vec!["any"])),
        ("Null check does not narrow", allow(any, r#"{"Null":{"aws:PrincipalOrgID":"false"}}"#), Ok(vec!["any"])),
        ("MFA does not narrow", allow(any, r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#), Ok(vec!["any"])),
        ("source IP does not narrow", allow(any, r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#), Ok(vec!["any"])),
        ("ExternalId does not narrow", allow(any, r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#), Ok(vec!["any"])),
        ("principal tag does not narrow", allow(any, r#"{"StringEquals":{"aws:PrincipalTag/tenant":"acme"}}"#), Ok(vec!["any"])),
        ("userid account id", allow(any, r#"{"StringEquals":{"aws:userid":"222222222222"}}"#), Ok(vec!["acct:222222222222"])),
        ("userid role id is unresolved", allow(any, r#"{"StringLike":{"aws:userid":"AROAJQABLZS4A3QDU576Q:*"}}"#), Ok(vec!["unresolved:UniqueId:AROAJQABLZS4A3QDU576Q:*"])),
        ("only AWS services", allow(any, r#"{"Bool":{"aws:PrincipalIsAWSService":"true"}}"#), Ok(vec!["svc:*"])),
        ("PrincipalIsAWSService with StringEquals", allow(any, r#"{"StringEquals":{"aws:PrincipalIsAWSService":"true"}}"#), Ok(vec!["svc:*"])),
        // --- service-source keys under a wildcard principal (issue 17, class 1)
        ("SourceOwner under a wildcard is a service (key names are case-insensitive)", allow(any, r#"{"StringEquals":{"AWS:SourceOwner":"111111111111"}}"#), Ok(vec!["svc:*"])),
        ("SourceAccount under a bare star is a service", allow(r#""*""#, r#"{"StringEquals":{"aws:SourceAccount":"222222222222"}}"#), Ok(vec!["svc:*"])),
        ("SourceArn with an account under a wildcard is a service", allow(any, r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:eu-west-1:222222222222:topic"}}"#), Ok(vec!["svc:*"])),
        ("SourceOrgID under a wildcard is a service", allow(any, r#"{"StringEquals":{"aws:SourceOrgID":"o-ours"}}"#), Ok(vec!["svc:*"])),
        ("SourceArn naming no account fails closed", allow(any, r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::bucket"}}"#), Ok(vec!["any"])),
        ("SourceAccount IfExists narrows nothing", allow(any, r#"{"StringEqualsIfExists":{"aws:SourceAccount":"111111111111"}}"#), Ok(vec!["any"])),
        ("negated SourceAccount narrows nothing", allow(any, r#"{"StringNotEquals":{"aws:SourceAccount":"111111111111"}}"#), Ok(vec!["any"])),
        ("encryption context under a wildcard is the caller's to choose", allow(any, r#"{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:111111111111:trail/*"}}"#), Ok(vec!["any"])),
        // --- Denies that fence the caller (class 2)
        ("data-perimeter Deny fences a wildcard to the organization", fenced(any, r#"{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-ours"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}"#), Ok(vec!["org:o-ours"])),
        ("own-account fence by variable", fenced(any, r#"{"StringNotEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}"#), Ok(vec!["acct:111111111111"])),
        ("a fence removes an account outside it", fenced(r#"{"AWS":"222222222222"}"#, r#"{"StringNotEquals":{"aws:PrincipalAccount":"111111111111"}}"#), Ok(vec![])),
        ("several fence keys are an either-or", fenced(any, r#"{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-ours","aws:PrincipalAccount":["333333333333"]}}"#), Ok(vec!["acct:333333333333", "org:o-ours"])),
        ("ArnNotLike fence keeps the named roles", fenced(any, r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/*"}}"#), Ok(vec!["acct:111111111111=arn:aws:iam::111111111111:role/*"])),
        ("a Deny on the network path removes nobody", fenced(any, r#"{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#), Ok(vec!["any"])),
        ("a Deny on insecure transport removes nobody", fenced(any, r#"{"Bool":{"aws:SecureTransport":"false"}}"#), Ok(vec!["any"])),
        ("a fence with a tag the caller chooses removes nobody for certain", fenced(any, r#"{"StringNotEquals":{"aws:PrincipalOrgID":"o-ours","aws:PrincipalTag/perimeter-exempt":"true"}}"#), Ok(vec!["any"])),
        ("a fence with an unknown variable removes nobody", fenced(any, r#"{"StringNotEquals":{"aws:PrincipalAccount":"${aws:ResourceTag/owner}"}}"#), Ok(vec!["any"])),
        ("an organization fence removes a named outsider (the organization's accounts known)", fenced(r#"{"AWS":["222222222222","777788889999"]}"#, r#"{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-ours"}}"#), Ok(vec!["acct:222222222222"])),
        ("a fence leaves services alone when it exempts them", fenced(r#"{"Service":"cloudtrail.amazonaws.com"}"#, r#"{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-ours"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}"#), Ok(vec!["svc:cloudtrail.amazonaws.com"])),
        // --- conditions that can never hold (class 3)
        ("another account's ResourceAccount never holds", allow(any, r#"{"StringEquals":{"aws:ResourceAccount":"222222222222"}}"#), Ok(vec![])),
        ("StringEquals against a literal star is no org id", allow(any, r#"{"StringEquals":{"aws:PrincipalOrgID":"*"}}"#), Ok(vec![])),
        ("StringEquals against a literal star is no account", allow(any, r#"{"StringEquals":{"aws:PrincipalAccount":"*"}}"#), Ok(vec![])),
        ("a PrincipalArn that is a bucket names no principal", allow(any, r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:s3:::222222222222-bucket"}}"#), Ok(vec![])),
        ("a PrincipalArn that is a function names no principal", allow(any, r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:lambda:eu-west-1:222222222222:function:f"}}"#), Ok(vec![])),
        ("a closed time window grants nothing", allow(any, r#"{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#), Ok(vec![])),
        ("an open time window still grants", allow(any, r#"{"DateLessThan":{"aws:CurrentTime":"2099-01-01T00:00:00Z"}}"#), Ok(vec!["any"])),
        // --- encoding and malformed documents
        ("url-encoded document", "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A222222222222%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D".to_owned(), Ok(vec!["acct:222222222222"])),
        ("not json", "{nope".to_owned(), Err("document")),
        ("missing statement", r#"{"Version":"2012-10-17"}"#.to_owned(), Err("Statement")),
        ("statement is a string", doc(r#""Allow everything""#), Err("Statement")),
        ("bad effect", doc(r#"[{"Effect":"Permit","Principal":"*","Action":"sts:AssumeRole"}]"#), Err("Statement[0].Effect")),
        ("principal string other than star", doc(r#"[{"Effect":"Allow","Principal":"111111111111","Action":"sts:AssumeRole"}]"#), Err("Statement[0].Principal")),
        ("principal value not a string", doc(r#"[{"Effect":"Allow","Principal":{"AWS":[1]},"Action":"sts:AssumeRole"}]"#), Err("Statement[0].Principal.AWS[0]")),
        ("allow without principal", doc(r#"[{"Effect":"Allow","Action":"sts:AssumeRole"}]"#), Err("Statement[0].Principal")),
        ("misspelt element", doc(r#"[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condtion":{}}]"#), Err("Statement[0].Condtion")),
        ("condition not an object", doc(r#"[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":"x"}]"#), Err("Statement[0].Condition")),
    ];
    assert!(rows.len() >= 40, "the table covers at least 40 shapes");
    let mut failures = Vec::new();
    for (name, document, expected) in &rows {
        let got = resolve(document);
        let expected: Result<Vec<String>, String> = expected
            .clone()
            .map(|v| v.into_iter().map(str::to_owned).collect())
            .map_err(str::to_owned);
        if got != expected {
            failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn external_id_requirement_is_read_from_the_statement() {
    let required = allow(
        r#"{"AWS":"999999999999"}"#,
        r#"{"StringEquals":{"sts:ExternalId":"tenantguard-vendor-1"}}"#,
    );
    let negated = allow(
        r#"{"AWS":"999999999999"}"#,
        r#"{"StringNotEquals":{"sts:ExternalId":"x"}}"#,
    );
    let starred = allow(
        r#"{"AWS":"999999999999"}"#,
        r#"{"StringLike":{"sts:ExternalId":"*"}}"#,
    );
    let grant = |d: &str| {
        analyse(&PolicyDocument::Text(d.to_owned()), &scope())
            .unwrap()
            .grants[0]
            .clone()
    };
    assert!(grant(&required).requires("sts:ExternalId"));
    assert!(!grant(&negated).requires("sts:ExternalId"));
    assert!(!grant(&starred).requires("sts:ExternalId"));
    assert!(!grant(&allow(r#"{"AWS":"999999999999"}"#, "")).requires("sts:ExternalId"));
}

#[test]
fn evidence_is_the_statement_as_written() {
    let d = allow(&format!(r#"{{"AWS":"{A}"}}"#), "");
    let analysis = analyse(&PolicyDocument::Text(d), &scope()).unwrap();
    assert_eq!(analysis.statement(0)["Principal"]["AWS"], A);
}

/// A requirement is met by an operator that tests the key positively, of the key's type.
#[test]
fn requirements_are_met_by_positive_tests_of_the_key() {
    let vendor = r#"{"AWS":"999999999999"}"#;
    let meets = |condition: &str, key: &str| {
        analyse(&PolicyDocument::Text(allow(vendor, condition)), &scope())
            .unwrap()
            .grants[0]
            .requires(key)
    };
    let rows: &[(&str, &str, bool)] = &[
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            "aws:SourceIp",
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#,
            "aws:SourceIp",
            true,
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            "aws:SourceIp",
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            "aws:SourceIp",
            false,
        ),
        (
            r#"{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            "aws:SourceIp",
            false,
        ),
        (
            r#"{"StringEquals":{"aws:SourceIp":"203.0.113.5"}}"#,
            "aws:SourceIp",
            false,
        ),
        (
            r#"{"StringEquals":{"sts:ExternalId":"vendor-1"}}"#,
            "sts:ExternalId",
            true,
        ),
        (
            r#"{"StringLike":{"sts:ExternalId":"vendor-*"}}"#,
            "sts:ExternalId",
            true,
        ),
        (
            r#"{"StringEquals":{"sts:ExternalId":"${aws:PrincipalTag/external}"}}"#,
            "sts:ExternalId",
            false,
        ),
        (
            r#"{"StringEquals":{"sts:ExternalId":"${aws:ResourceAccount}"}}"#,
            "sts:ExternalId",
            true,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"sts:ExternalId":"vendor-1"}}"#,
            "sts:ExternalId",
            false,
        ),
        (
            r#"{"Null":{"sts:ExternalId":"false"}}"#,
            "sts:ExternalId",
            false,
        ),
        (
            r#"{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}"#,
            "aws:CurrentTime",
            true,
        ),
        (
            r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
            "aws:MultiFactorAuthAge",
            true,
        ),
        (
            r#"{"NumericNotEquals":{"aws:MultiFactorAuthAge":"3600"}}"#,
            "aws:MultiFactorAuthAge",
            false,
        ),
        (
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
            "aws:MultiFactorAuthPresent",
            true,
        ),
        (
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#,
            "aws:MultiFactorAuthPresent",
            false,
        ),
        (
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::vendor-bucket"}}"#,
            "aws:SourceArn",
            true,
        ),
        (
            r#"{"StringEquals":{"aws:SourceIp":"x"}}"#,
            "sts:ExternalId",
            false,
        ),
    ];
    for (condition, key, expected) in rows {
        assert_eq!(
            meets(condition, key),
            *expected,
            "{condition} requires {key}"
        );
    }
}
