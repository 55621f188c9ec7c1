"""Seeds N accounts into a running moto server for the collection benchmark.

Each account gets ROLES roles (own-account, management, service and vendor trusts, and on
every 50th account a planted cross-tenant trust), one VPC per region, and every 100th account
a live peering with its neighbour. Prints the organization id and writes tenantguard.toml.

usage: python seed.py ENDPOINT ACCOUNTS ROLES REGION[,REGION...] CONFIG_OUT [MAPPING]

MAPPING is how the configuration maps tenants: `tag` (default: every account tagged, read one
ListTagsForResource each) or `ou` (an OU per tenant under Tenants, mapped by path: no tag read).
"""

import json
import sys

import boto3

endpoint, accounts, roles, regions, config_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(","), sys.argv[5]
mapping = sys.argv[6] if len(sys.argv) > 6 else "tag"
kw = dict(endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")

orgs = boto3.client("organizations", **kw)
org = orgs.create_organization(FeatureSet="ALL")["Organization"]
root = orgs.list_roots()["Roots"][0]["Id"]
tenants_ou = orgs.create_organizational_unit(ParentId=root, Name="Tenants")["OrganizationalUnit"]["Id"]
ids = []
for i in range(accounts):
    status = orgs.create_account(AccountName=f"t{i}", Email=f"t{i}@example.com")["CreateAccountStatus"]
    account = status["AccountId"]
    if mapping == "ou":
        parent = orgs.create_organizational_unit(ParentId=tenants_ou, Name=f"t{i}")["OrganizationalUnit"]["Id"]
    else:
        parent = tenants_ou
        orgs.tag_resource(ResourceId=account, Tags=[{"Key": "tenant", "Value": f"t{i}"}])
    orgs.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    ids.append(account)


def session(account):
    sts = boto3.client("sts", **kw)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="seed")["Credentials"]
    return dict(endpoint_url=endpoint, aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])


def trust(principal, condition=None):
    s = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        s["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [s]})


vpcs = {}
for i, account in enumerate(ids):
    if roles == 0:
        continue
    creds = session(account)
    iam = boto3.client("iam", region_name="us-east-1", **creds)
    for r in range(roles):
        kind = r % 4
        if r == 0 and i % 50 == 7:
            doc = trust({"AWS": f"arn:aws:iam::{ids[(i + 1) % len(ids)]}:root"})
        elif kind == 0:
            doc = trust({"AWS": f"arn:aws:iam::{account}:root"})
        elif kind == 1:
            doc = trust({"AWS": "arn:aws:iam::123456789012:root"})
        elif kind == 2:
            doc = trust({"Service": "lambda.amazonaws.com"})
        else:
            doc = trust({"AWS": "999900000001"}, {"StringEquals": {"sts:ExternalId": f"t{i}"}})
        iam.create_role(RoleName=f"role-{r}", AssumeRolePolicyDocument=doc)
    for region in regions:
        ec2 = boto3.client("ec2", region_name=region, **creds)
        vpcs[(account, region)] = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    if i % 100 == 3 and i > 0:
        ec2 = boto3.client("ec2", region_name=regions[0], **creds)
        neighbour = ids[i - 1]
        ec2.create_vpc_peering_connection(VpcId=vpcs[(account, regions[0])], PeerOwnerId=neighbour, PeerVpcId=vpcs[(neighbour, regions[0])], PeerRegion=regions[0])

with open(config_out, "w") as f:
    if mapping == "ou":
        tenants = "[tenants.ous]\n" + "".join(f'"Tenants/t{i}" = "t{i}"\n' for i in range(accounts))
    else:
        tenants = 'tag_key = "tenant"\n'
    f.write(f'[organization]\nid = "{org["Id"]}"\n\n[tenants]\n{tenants}\n[collect]\nregions = {json.dumps(regions)}\n\n[[third_parties]]\nname = "vendor"\naccounts = ["999900000001"]\n')
print(org["Id"])
