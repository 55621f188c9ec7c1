"""Starts moto's standalone server with patches that restore AWS behaviour moto 5.2.5 lacks.

Each patch is small, names the AWS behaviour it restores, and is tested by
`tests/moto/test_launcher.py` (run by the test suite before the live tests). The product is
never bent to fit the emulator: where moto departs from AWS, moto is corrected here.

usage: python launcher.py [moto_server arguments...]
"""

import sys

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


def patch():
    TransitGatewayAttachmentBackend.create_transit_gateway_vpc_attachment = (
        create_transit_gateway_vpc_attachment
    )
    TransitGatewayAttachment.transit_gateway_owner_id = property(transit_gateway_owner_id)
    TransitGatewayRouteTableBackend.create_transit_gateway_route = create_transit_gateway_route


if __name__ == "__main__":
    patch()
    from moto.server import main

    sys.exit(main(sys.argv[1:]))
