"""Starts moto's standalone server with patches that restore AWS behaviour moto 5.2.5 lacks.

Each patch is small, names the AWS behaviour it restores, and is tested by
`tests/moto/test_launcher.py` (run by the test suite before the live tests). The product is
never bent to fit the emulator: where moto departs from AWS, moto is corrected here.

usage: python launcher.py [moto_server arguments...]
"""

import hashlib
import json
import os
import random
import re
import sys
import threading

from moto.ec2.exceptions import InvalidTransitGatewayID
from moto.ec2.models import ec2_backends
from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRouteTableBackend
from moto.ec2.models.transit_gateway_attachments import (
    TransitGatewayAttachment,
    TransitGatewayAttachmentBackend,
    TransitGatewayVpcAttachment,
)


def _gateway_owner(backend, transit_gateway_id):
    """The EC2 backend (account, same region) that owns the gateway: the caller's own, or,
    as AWS allows for a gateway shared through RAM, another account's."""
    if transit_gateway_id in backend.transit_gateways:
        return backend
    for account_id, regions in ec2_backends.items():
        other = regions.get(backend.region_name) if hasattr(regions, "get") else None
        if other is not None and transit_gateway_id in other.transit_gateways:
            return other
    return None


def create_transit_gateway_vpc_attachment(
    self, transit_gateway_id, vpc_id, subnet_ids, tags=None, options=None
):
    """AWS: account B attaches its VPC to account A's gateway (shared through RAM). The
    attachment belongs to the gateway, is visible to both accounts, reports the gateway's
    owner as `TransitGatewayOwnerId` and the VPC's as `ResourceOwnerId`, and is associated with
    and propagated into the default route tables only when the gateway's
    `DefaultRouteTableAssociation` / `DefaultRouteTablePropagation` options are enabled.
    moto 5.2.5 looks the gateway up in the caller's account only, reports the caller as both
    owners, and always associates (never propagates)."""
    owner = _gateway_owner(self, transit_gateway_id)
    if owner is None:
        raise InvalidTransitGatewayID(
            transit_gateway_id,
            f"Transit Gateway {transit_gateway_id} was deleted or does not exist.",
        )
    gateway = owner.transit_gateways[transit_gateway_id]
    attachment = TransitGatewayVpcAttachment(
        owner,
        transit_gateway=gateway,
        tags=tags,
        vpc_id=vpc_id,
        subnet_ids=subnet_ids,
        options=options,
    )
    attachment.resource_owner_id = self.account_id
    attachment.owner_id = self.account_id
    attachment._gateway_owner_id = owner.account_id
    owner.transit_gateway_attachments[attachment.id] = attachment
    if owner is not self:
        self.transit_gateway_attachments[attachment.id] = attachment
    gateway_options = gateway.options
    if gateway_options.get("DefaultRouteTableAssociation") == "enable":
        owner.set_route_table_association(
            attachment.id, gateway_options["AssociationDefaultRouteTableId"]
        )
    else:
        attachment.transit_gateway_route_table = None
    if gateway_options.get("DefaultRouteTablePropagation") == "enable":
        owner.set_route_table_propagation(
            attachment.id, gateway_options["PropagationDefaultRouteTableId"]
        )
    return attachment


_create_route = TransitGatewayRouteTableBackend.create_transit_gateway_route


def create_transit_gateway_route(self, *args, **kwargs):
    """AWS: a static route names its target in `TransitGatewayAttachments`, a list.
    moto 5.2.5 stores one dict there, which its serializer drops: every static route reads
    back with no attachment, as if it led nowhere."""
    route = _create_route(self, *args, **kwargs)
    target = route.get("transitGatewayAttachments")
    if isinstance(target, dict):
        route["transitGatewayAttachments"] = [target]
    return route


def transit_gateway_owner_id(self):
    return getattr(self, "_gateway_owner_id", self.resource_owner_id)


# IAM Identity Center ------------------------------------------------------------------------

#: The Region the organization's Identity Center instance lives in (its home Region). AWS
#: creates the instance there when Identity Center is enabled; moto has no such step.
SSO_HOME_REGION = os.environ.get("TENANTGUARD_MOTO_SSO_HOME_REGION", "us-east-1")


def _management_account(account_id):
    """The management account of the organization `account_id` belongs to (itself when it is
    in no organization)."""
    from moto.organizations.models import organizations_backends

    return organizations_backends.master_accounts.get(account_id, (account_id, "aws"))[0]


def _holds_instance(backend):
    """AWS: an organization instance belongs to the management account and lives in its home
    Region; ListInstances anywhere else (another Region, a member account) answers an empty
    list (https://docs.aws.amazon.com/singlesignon/latest/userguide/regions.html). moto 5.2.5
    makes an instance in every account and Region on first use."""
    return (
        backend.region_name == SSO_HOME_REGION
        and _management_account(backend.account_id) == backend.account_id
    )


def list_instances(self):
    return self.instances if _holds_instance(self) else []


def _home_identity_store(account_id, region):
    """The identity store id of the instance held by (`account_id`, `region`), if any."""
    from moto.ssoadmin.models import ssoadmin_backends

    backend = ssoadmin_backends[account_id][region]
    if not _holds_instance(backend):
        return None
    return backend.instances[0].identity_store_id


def get_identity_store(self, store_id):
    """AWS: an identity store answers only in its own account and home Region; elsewhere any
    call naming it fails with ResourceNotFoundException "IdentityStore not present for
    IdentityStoreId" (ResourceType IDENTITY_STORE). moto 5.2.5 makes an empty store of any
    unknown id, anywhere, so a read in the wrong Region looks like "no users, no groups"."""
    from moto.identitystore.exceptions import ResourceNotFoundException
    from moto.identitystore.models import IdentityStoreData

    if store_id not in self.identity_stores:
        if store_id != _home_identity_store(self.account_id, self.region_name):
            raise ResourceNotFoundException(
                message=f"IdentityStore not present for IdentityStoreId: {store_id}",
                resource_type="IDENTITY_STORE",
            )
        self.identity_stores[store_id] = IdentityStoreData()
    return self.identity_stores[store_id]


def _reserved_path(region):
    """Where Identity Center puts its roles: `/aws-reserved/sso.amazonaws.com/`, with the home
    Region appended outside us-east-1."""
    base = "/aws-reserved/sso.amazonaws.com/"
    return base if region == "us-east-1" else f"{base}{region}/"


def _provision(backend, instance_arn, permission_set_arn, account_id):
    """Provisions a permission set into `account_id` as AWS does: the role
    `AWSReservedSSO_<set>_<16 hex>` under the reserved path, trusting the account's
    `AWSSSO_<16 hex>_DO_NOT_DELETE` SAML provider, with the set's inline policy as
    `AwsSSOInlinePolicy` and its managed policies attached."""
    from moto.iam.models import iam_backends

    permission_set = backend._find_permission_set(instance_arn, permission_set_arn)
    iam = iam_backends[account_id]["aws"]
    prefix = f"AWSReservedSSO_{permission_set.name}_"
    role = next((r for r in iam.get_roles() if r.name.startswith(prefix)), None)
    if role is None:
        provider = f"AWSSSO_{random.getrandbits(64):016x}_DO_NOT_DELETE"
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": f"arn:aws:iam::{account_id}:saml-provider/{provider}"
                    },
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    "Condition": {
                        "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}
                    },
                }
            ],
        }
        role = iam.create_role(
            role_name=f"{prefix}{random.getrandbits(64):016x}",
            assume_role_policy_document=json.dumps(trust),
            path=_reserved_path(backend.region_name),
            permissions_boundary=None,
            description="",
            tags=[],
            max_session_duration=None,
        )
    if permission_set.inline_policy:
        iam.put_role_policy(role.name, "AwsSSOInlinePolicy", permission_set.inline_policy)
    for policy in permission_set.managed_policies:
        try:
            iam.attach_role_policy(policy.arn, role.name)
        except Exception:  # an AWS-managed policy moto does not know: AWS has them all
            pass


_create_account_assignment = None


def create_account_assignment(self, instance_arn, target_id, target_type, permission_set_arn,
                              principal_type, principal_id):
    """AWS checks the permission set and provisions it into the target account as part of the
    call (API_CreateAccountAssignment: "the specified permission set will automatically be
    provisioned to the account in the form of an IAM policy ... attached to the IAM role
    created in IAM Identity Center"). moto 5.2.5 records the assignment and provisions
    nothing, so no reserved role ever appears in the account's IAM."""
    self._find_permission_set(instance_arn, permission_set_arn)
    summary = _create_account_assignment(
        self, instance_arn, target_id, target_type, permission_set_arn, principal_type,
        principal_id,
    )
    _provision(self, instance_arn, permission_set_arn, target_id)
    return summary


_permission_set_to_json = None


def _iso_duration(value):
    """ISO-8601 duration of a number of seconds (`PT1H`, `PT90M`, `PT45S`)."""
    seconds = int(value)
    if seconds % 3600 == 0:
        return f"PT{seconds // 3600}H"
    if seconds % 60 == 0:
        return f"PT{seconds // 60}M"
    return f"PT{seconds}S"


def permission_set_to_json(self, *args, **kwargs):
    """AWS returns SessionDuration as an ISO-8601 string (default `PT1H`); moto 5.2.5 returns
    the integer 3600, which the AWS SDKs refuse to deserialize."""
    body = _permission_set_to_json(self, *args, **kwargs)
    duration = body.get("SessionDuration")
    if duration is None or isinstance(duration, (int, float)) or str(duration).isdigit():
        body["SessionDuration"] = _iso_duration(duration or 3600)
    return body


def put_permissions_boundary_to_permission_set(self):
    """AWS has Put/Get/DeletePermissionsBoundary(To|For|From)PermissionSet; moto 5.2.5 has
    none of them. Get answers ResourceNotFoundException for a set without a boundary."""
    params = json.loads(self.body)
    permission_set = self.ssoadmin_backend._find_permission_set(
        params["InstanceArn"], params["PermissionSetArn"]
    )
    permission_set.permissions_boundary = params["PermissionsBoundary"]
    return "{}"


def get_permissions_boundary_for_permission_set(self):
    from moto.ssoadmin.exceptions import ResourceNotFoundException

    params = json.loads(self.body)
    permission_set = self.ssoadmin_backend._find_permission_set(
        params["InstanceArn"], params["PermissionSetArn"]
    )
    boundary = getattr(permission_set, "permissions_boundary", None)
    if boundary is None:
        raise ResourceNotFoundException("The permissions boundary was not found")
    return json.dumps({"PermissionsBoundary": boundary})


# S3 canonical user ids -------------------------------------------------------------------

#: The constants stock moto names every account's S3 owner by.
_LISTED_OWNER = "bcaf1ffd86f41161ca5fb16fd081034f"


def canonical_id(account_id):
    """A canonical user id of the account: 64 hex digits, one per account, as on AWS."""
    return hashlib.sha256(f"canonical-user:{account_id}".encode()).hexdigest()


def _own_canonical_id(method):
    """AWS: each account has its own canonical user id, the same in ListBuckets' owner and in
    its buckets' ACLs (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html).
    moto 5.2.5 answers one constant in ListBuckets and another in every ACL, for every
    account, so no ACL grant can be tied to an account and every grant looks like the
    owner's. The caller's own id replaces both constants in these answers."""
    from moto.s3.models import OWNER

    def answer(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        own = canonical_id(self.current_account)

        def fix(body):
            if isinstance(body, bytes):
                return body.replace(_LISTED_OWNER.encode(), own.encode()).replace(
                    OWNER.encode(), own.encode()
                )
            if isinstance(body, str):
                return body.replace(_LISTED_OWNER, own).replace(OWNER, own)
            return body

        if isinstance(result, tuple):
            return result[:-1] + (fix(result[-1]),)
        return fix(result)

    answer._tenantguard = True
    return answer


# S3 access points ----------------------------------------------------------------------

_request = threading.local()
_create_access_point = None
_list_access_points = None
_list_access_points_response = None


def create_access_point(self, account_id, name, bucket, *args, **kwargs):
    """AWS: an access point lives in its bucket's Region, and its ARN says so
    (arn:aws:s3:<bucket region>:<account>:accesspoint/<name>). moto 5.2.5 writes us-east-1 in
    every access point's ARN."""
    from moto.s3.models import s3_backends

    point = _create_access_point(self, account_id, name, bucket, *args, **kwargs)
    found = s3_backends[account_id]["aws"].buckets.get(bucket)
    point._region = found.region_name if found is not None else "us-east-1"
    point.arn = point.arn.replace(":s3:us-east-1:", f":s3:{point._region}:", 1)
    return point


def list_access_points(self, *args, **kwargs):
    """AWS: ListAccessPoints answers for the Region it is called in
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessPoints.html);
    moto 5.2.5 lists every access point of the account in every Region."""
    found, token = _list_access_points(self, *args, **kwargs)
    region = getattr(_request, "region", None)
    if region is not None:
        found = [p for p in found if getattr(p, "_region", "us-east-1") == region]
    return found, token


_s3control_serialized = None


def s3control_serialized(self, action_result):
    """AWS: S3 Control's XML answers are rooted at `<Operation>Result` (ListAccessPointsResult,
    GetAccessPointPolicyResult, ...); moto 5.2.5 roots them at `<Operation>Response`, which the
    AWS SDKs that check the root (the Rust SDK does) refuse."""
    status, headers, body = _s3control_serialized(self, action_result)
    if isinstance(body, bytes):
        body = body.decode()
    if isinstance(body, str):
        body = re.sub(r"<(/?)(\w+)Response([ >])", r"<\1\2Result\3", body, count=2)
    return status, headers, body


def list_access_points_response(self):
    _request.region = self.region
    try:
        return _list_access_points_response(self)
    finally:
        _request.region = None


def patch():
    TransitGatewayAttachmentBackend.create_transit_gateway_vpc_attachment = (
        create_transit_gateway_vpc_attachment
    )
    TransitGatewayAttachment.transit_gateway_owner_id = property(transit_gateway_owner_id)
    TransitGatewayRouteTableBackend.create_transit_gateway_route = create_transit_gateway_route

    from moto.s3.responses import S3Response

    for name in ("all_buckets", "get_bucket_acl"):
        method = getattr(S3Response, name)
        if not getattr(method, "_tenantguard", False):
            setattr(S3Response, name, _own_canonical_id(method))

    global _create_access_point, _list_access_points, _list_access_points_response
    from moto.s3control.models import S3ControlBackend
    from moto.s3control.responses import S3ControlResponse

    global _s3control_serialized
    if _s3control_serialized is None:
        _s3control_serialized = S3ControlResponse.serialized
    S3ControlResponse.serialized = s3control_serialized
    if _create_access_point is None:
        _create_access_point = S3ControlBackend.create_access_point
        _list_access_points = S3ControlBackend.list_access_points
        _list_access_points_response = S3ControlResponse.list_access_points
    S3ControlBackend.create_access_point = create_access_point
    S3ControlBackend.list_access_points = list_access_points
    S3ControlResponse.list_access_points = list_access_points_response

    global _create_account_assignment, _permission_set_to_json
    from moto.identitystore.models import IdentityStoreBackend
    from moto.ssoadmin.models import PermissionSet, SSOAdminBackend
    from moto.ssoadmin.responses import SSOAdminResponse

    SSOAdminBackend.list_instances = list_instances
    if _permission_set_to_json is None:
        _permission_set_to_json = PermissionSet.to_json
    PermissionSet.to_json = permission_set_to_json
    if _create_account_assignment is None:
        _create_account_assignment = SSOAdminBackend.create_account_assignment
    SSOAdminBackend.create_account_assignment = create_account_assignment
    IdentityStoreBackend._IdentityStoreBackend__get_identity_store = get_identity_store
    SSOAdminResponse.put_permissions_boundary_to_permission_set = (
        put_permissions_boundary_to_permission_set
    )
    SSOAdminResponse.get_permissions_boundary_for_permission_set = (
        get_permissions_boundary_for_permission_set
    )


if __name__ == "__main__":
    patch()
    from moto.server import main

    sys.exit(main(sys.argv[1:]))
