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
