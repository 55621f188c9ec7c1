"""Tests of the launcher's patches, in process (moto's mock, the same models the server
runs): each asserts the AWS behaviour the patch restores."""

import unittest

import boto3
from moto import mock_aws

import launcher

launcher.patch()

REGION = "eu-west-1"


def client_in(account, service="ec2"):
    """A client acting in `account`: moto ties assumed-role credentials to their account."""
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="test",
    )["Credentials"]
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


class CrossAccountTransitGatewayAttachment(unittest.TestCase):
    @mock_aws
    def test_another_accounts_vpc_attaches_to_a_shared_gateway(self):
        network, tenant = client_in("111111111111"), client_in("222222222222")
        tgw = network.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        vpc = tenant.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        attachment = tenant.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[]
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        for viewer in (network, tenant):
            seen = {
                a["TransitGatewayAttachmentId"]: a
                for a in viewer.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
            }
            self.assertIn(attachment, seen, "visible to both accounts")
            self.assertEqual(seen[attachment]["TransitGatewayOwnerId"], "111111111111")
            self.assertEqual(seen[attachment]["ResourceOwnerId"], "222222222222")
        table = network.describe_transit_gateways()["TransitGateways"][0]["Options"][
            "AssociationDefaultRouteTableId"
        ]
        associations = network.get_transit_gateway_route_table_associations(
            TransitGatewayRouteTableId=table
        )["Associations"]
        propagations = network.get_transit_gateway_route_table_propagations(
            TransitGatewayRouteTableId=table
        )["TransitGatewayRouteTablePropagations"]
        self.assertEqual([a["TransitGatewayAttachmentId"] for a in associations], [attachment])
        self.assertEqual(
            [p["TransitGatewayAttachmentId"] for p in propagations],
            [attachment],
            "the default propagation option is honoured",
        )

    @mock_aws
    def test_defaults_turned_off_leave_an_attachment_on_no_table(self):
        network, tenant = client_in("111111111111"), client_in("222222222222")
        tgw = network.create_transit_gateway(
            Options={
                "DefaultRouteTableAssociation": "disable",
                "DefaultRouteTablePropagation": "disable",
            }
        )["TransitGateway"]
        table = tgw["Options"]["AssociationDefaultRouteTableId"]
        vpc = tenant.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
        tenant.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[]
        )
        self.assertEqual(
            network.get_transit_gateway_route_table_associations(
                TransitGatewayRouteTableId=table
            )["Associations"],
            [],
        )
        self.assertEqual(
            network.get_transit_gateway_route_table_propagations(
                TransitGatewayRouteTableId=table
            )["TransitGatewayRouteTablePropagations"],
            [],
        )

    @mock_aws
    def test_an_unknown_gateway_is_still_an_error(self):
        tenant = client_in("222222222222")
        vpc = tenant.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
        with self.assertRaises(Exception) as raised:
            tenant.create_transit_gateway_vpc_attachment(
                TransitGatewayId="tgw-0000000000000000", VpcId=vpc, SubnetIds=[]
            )
        self.assertIn("InvalidTransitGatewayID", str(raised.exception))


class StaticRouteTargets(unittest.TestCase):
    @mock_aws
    def test_a_static_route_names_its_attachment(self):
        ec2 = client_in("111111111111")
        tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        attachment = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[]
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        table = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)[
            "TransitGatewayRouteTable"
        ]["TransitGatewayRouteTableId"]
        ec2.create_transit_gateway_route(
            TransitGatewayRouteTableId=table,
            DestinationCidrBlock="10.9.0.0/16",
            TransitGatewayAttachmentId=attachment,
        )
        ec2.create_transit_gateway_route(
            TransitGatewayRouteTableId=table, DestinationCidrBlock="10.8.0.0/16", Blackhole=True
        )
        routes = {
            r["DestinationCidrBlock"]: r
            for r in ec2.search_transit_gateway_routes(
                TransitGatewayRouteTableId=table,
                Filters=[{"Name": "state", "Values": ["active", "blackhole"]}],
            )["Routes"]
        }
        self.assertEqual(
            [a["TransitGatewayAttachmentId"] for a in routes["10.9.0.0/16"]["TransitGatewayAttachments"]],
            [attachment],
        )
        self.assertEqual(routes["10.8.0.0/16"]["State"], "blackhole")


if __name__ == "__main__":
    unittest.main()


#: A Region that is not Identity Center's home.
ELSEWHERE = "ap-southeast-2"


class IdentityCenter(unittest.TestCase):
    """The organization's instance, its identity store and provisioning, as AWS has them."""

    def setUp(self):
        self.mock = mock_aws()
        self.mock.start()
        org = boto3.client("organizations", region_name="us-east-1")
        org.create_organization(FeatureSet="ALL")
        self.member = org.create_account(AccountName="tenant", Email="t@example.com")[
            "CreateAccountStatus"
        ]["AccountId"]
        self.management = boto3.client("sts", region_name=REGION).get_caller_identity()[
            "Account"
        ]

    def tearDown(self):
        self.mock.stop()

    def admin(self, region=launcher.SSO_HOME_REGION):
        return boto3.client("sso-admin", region_name=region)

    def test_the_instance_is_listed_only_in_the_home_region_of_the_management_account(self):
        self.assertEqual(len(self.admin().list_instances()["Instances"]), 1)
        self.assertEqual(self.admin(ELSEWHERE).list_instances()["Instances"], [])
        self.assertEqual(
            client_in(self.member, "sso-admin").list_instances()["Instances"],
            [],
            "a member account holds no organization instance",
        )

    def test_the_identity_store_answers_only_in_its_home_region(self):
        store = self.admin().list_instances()["Instances"][0]["IdentityStoreId"]
        home = boto3.client("identitystore", region_name=launcher.SSO_HOME_REGION)
        self.assertEqual(home.list_groups(IdentityStoreId=store)["Groups"], [])
        elsewhere = boto3.client("identitystore", region_name=ELSEWHERE)
        with self.assertRaises(elsewhere.exceptions.ResourceNotFoundException):
            elsewhere.list_groups(IdentityStoreId=store)

    def test_an_assignment_provisions_the_reserved_role_into_the_target_account(self):
        admin = self.admin()
        instance = admin.list_instances()["Instances"][0]["InstanceArn"]
        ps = admin.create_permission_set(Name="Operator", InstanceArn=instance)[
            "PermissionSet"
        ]["PermissionSetArn"]
        inline = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}'
        admin.put_inline_policy_to_permission_set(
            InstanceArn=instance, PermissionSetArn=ps, InlinePolicy=inline
        )
        admin.create_account_assignment(
            InstanceArn=instance,
            TargetId=self.member,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps,
            PrincipalType="GROUP",
            PrincipalId="g-1",
        )
        iam = client_in(self.member, "iam")
        roles = iam.list_roles(PathPrefix="/aws-reserved/")["Roles"]
        self.assertEqual(len(roles), 1)
        role = roles[0]
        self.assertRegex(role["RoleName"], r"^AWSReservedSSO_Operator_[0-9a-f]{16}$")
        self.assertEqual(role["Path"], launcher._reserved_path(launcher.SSO_HOME_REGION))
        policy = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="AwsSSOInlinePolicy")
        self.assertEqual(policy["PolicyDocument"]["Statement"][0]["Action"], "sts:AssumeRole")
        self.assertEqual(
            boto3.client("iam").list_roles(PathPrefix="/aws-reserved/")["Roles"],
            [],
            "provisioned into the target, not the caller",
        )
        with self.assertRaises(admin.exceptions.ResourceNotFoundException):
            admin.create_account_assignment(
                InstanceArn=instance,
                TargetId=self.member,
                TargetType="AWS_ACCOUNT",
                PermissionSetArn=ps + "0",
                PrincipalType="GROUP",
                PrincipalId="g-1",
            )

    def test_a_permissions_boundary_is_kept_and_none_is_not_found(self):
        admin = self.admin()
        instance = admin.list_instances()["Instances"][0]["InstanceArn"]
        ps = admin.create_permission_set(Name="Bounded", InstanceArn=instance)[
            "PermissionSet"
        ]["PermissionSetArn"]
        with self.assertRaises(admin.exceptions.ResourceNotFoundException):
            admin.get_permissions_boundary_for_permission_set(
                InstanceArn=instance, PermissionSetArn=ps
            )
        boundary = {"ManagedPolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
        admin.put_permissions_boundary_to_permission_set(
            InstanceArn=instance, PermissionSetArn=ps, PermissionsBoundary=boundary
        )
        self.assertEqual(
            admin.get_permissions_boundary_for_permission_set(
                InstanceArn=instance, PermissionSetArn=ps
            )["PermissionsBoundary"],
            boundary,
        )

    def test_a_session_duration_is_an_iso_8601_string(self):
        admin = self.admin()
        instance = admin.list_instances()["Instances"][0]["InstanceArn"]
        made = admin.create_permission_set(Name="Short", InstanceArn=instance)["PermissionSet"]
        self.assertEqual(made["SessionDuration"], "PT1H")
        described = admin.describe_permission_set(
            InstanceArn=instance, PermissionSetArn=made["PermissionSetArn"]
        )["PermissionSet"]
        self.assertEqual(described["SessionDuration"], "PT1H")


class CanonicalUserIds(unittest.TestCase):
    """Each account's own canonical user id, in ListBuckets and in ACLs."""

    @mock_aws
    def test_each_account_has_its_own_canonical_id_and_acls_use_it(self):
        org = boto3.client("organizations", region_name="us-east-1")
        org.create_organization(FeatureSet="ALL")
        member = org.create_account(AccountName="b", Email="b@example.com")[
            "CreateAccountStatus"
        ]["AccountId"]
        a, b = boto3.client("s3", region_name="us-east-1"), client_in(member, "s3")
        a.create_bucket(Bucket="a-bucket")
        b.create_bucket(
            Bucket="b-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        id_a = a.list_buckets()["Owner"]["ID"]
        id_b = b.list_buckets()["Owner"]["ID"]
        self.assertNotEqual(id_a, id_b)
        self.assertEqual(len(id_a), 64)
        self.assertEqual(a.get_bucket_acl(Bucket="a-bucket")["Owner"]["ID"], id_a)
        a.put_bucket_acl(
            Bucket="a-bucket",
            GrantFullControl=f"id={id_a}",
            GrantRead=f"id={id_b}",
        )
        grants = a.get_bucket_acl(Bucket="a-bucket")["Grants"]
        ids = {g["Grantee"].get("ID"): g["Permission"] for g in grants}
        self.assertEqual(ids[id_b], "READ")
        self.assertEqual(ids[id_a], "FULL_CONTROL")


class AccessPoints(unittest.TestCase):
    @mock_aws
    def test_an_access_point_is_in_its_buckets_region_and_listed_there_only(self):
        account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket="regional", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        here = boto3.client("s3control", region_name=REGION)
        arn = here.create_access_point(AccountId=account, Name="ap1", Bucket="regional")[
            "AccessPointArn"
        ]
        self.assertIn(f":s3:{REGION}:{account}:accesspoint/ap1", arn)
        listed = here.list_access_points(AccountId=account)["AccessPointList"]
        self.assertEqual([p["Name"] for p in listed], ["ap1"])
        elsewhere = boto3.client("s3control", region_name="us-east-1")
        self.assertEqual(elsewhere.list_access_points(AccountId=account)["AccessPointList"], [])


class S3ControlAnswers(unittest.TestCase):
    def test_answers_are_rooted_at_the_operation_result(self):
        body = '<?xml version="1.0"?>\n<ListAccessPointsResponse xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><AccessPointList></AccessPointList></ListAccessPointsResponse>'
        original = launcher._s3control_serialized
        launcher._s3control_serialized = lambda self, result: (200, {}, body.encode())
        try:
            _, _, fixed = launcher.s3control_serialized(None, None)
        finally:
            launcher._s3control_serialized = original
        self.assertIn("<ListAccessPointsResult xmlns=", fixed)
        self.assertTrue(fixed.endswith("</ListAccessPointsResult>"))
        self.assertIn("<AccessPointList>", fixed, "inner elements are left alone")
