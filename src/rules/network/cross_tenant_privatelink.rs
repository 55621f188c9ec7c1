//! A PrivateLink endpoint service whose allowed principals admit another tenant, every AWS
//! account (`*`), or an account outside the organization that is not an allowed third party.
//! Acceptance-required is evidence, not a pass: it puts a person, not a policy, in the way.

use serde_json::json;

use super::{Zone, principal_account, zone};
use crate::finding::{Counterpart, Finding, Subject};
use crate::inventory::EndpointService;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc, trust};
use crate::tenants::Owner;

pub struct CrossTenantPrivateLink;

impl Rule for CrossTenantPrivateLink {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-privatelink")
    }

    /// A platform service offered to tenants is the usual design: only `*` and outsiders are
    /// reported there. A tenant's service is reported for anyone outside its own tenant
    /// (the platform aside).
    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        let own = zone(cx, &view.inventory.account_id);
        for region in &view.inventory.regions {
            for service in &region.endpoint_services {
                for principal in &service.allowed_principals {
                    let (counterpart, who) = if principal == "*" {
                        (
                            Counterpart::described("any AWS account"),
                            "every AWS account (`*`)".to_owned(),
                        )
                    } else {
                        let Some(account) = principal_account(principal) else {
                            let c = Counterpart::described(principal.clone());
                            out.push(report(self.doc(), cx, view, &region.region, service, principal, c, format!("`{principal}`, a principal tenantguard cannot tie to an account")));
                            continue;
                        };
                        let other = zone(cx, &account);
                        let reported = match (&own, &other) {
                            (a, b) if a == b => false,
                            (_, Zone::Platform) => false,
                            (_, Zone::Outside(_)) => {
                                !matches!(cx.tenants.owner(&account), Owner::ThirdParty(_))
                            }
                            (Zone::Platform, _) => false,
                            _ => true,
                        };
                        if !reported {
                            continue;
                        }
                        (
                            trust::account_counterpart(cx, &account),
                            cx.tenants.describe(&account),
                        )
                    };
                    out.push(report(
                        self.doc(),
                        cx,
                        view,
                        &region.region,
                        service,
                        principal,
                        counterpart,
                        who,
                    ));
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    region: &str,
    service: &EndpointService,
    principal: &str,
    counterpart: Counterpart,
    who: String,
) -> Finding {
    let account = &view.inventory.account_id;
    let acceptance = if service.acceptance_required {
        " (each connection needs acceptance, a person's decision, not isolation)"
    } else {
        " without acceptance"
    };
    Finding::new(
        doc,
        Subject {
            account: account.clone(),
            region: Some(region.to_owned()),
            tenant: view.owner.tenant().map(str::to_owned),
            resource: format!(
                "arn:aws:ec2:{region}:{account}:vpc-endpoint-service/{}",
                service.id
            ),
            kind_path: format!("ec2/vpc-endpoint-service/{}", service.id),
        },
        format!(
            "endpoint service `{}` of {} lets {who} connect{acceptance}",
            service.id,
            cx.tenants.describe(account)
        ),
        json!({"service": service.id, "name": service.name, "acceptance_required": service.acceptance_required, "allowed_principal": principal, "allowed_principals": service.allowed_principals}),
    )
    .with_counterpart(counterpart)
}
