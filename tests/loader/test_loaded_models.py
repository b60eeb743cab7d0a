"""Designs that load: defaults, source locations, frozen models, NIC modes, MAC normalisation."""

from __future__ import annotations

import ipaddress

import pytest
from loader_helpers import VALID, load_problems, rel
from pydantic import ValidationError

from netplan.loader import load_design
from netplan.model import Design, Nic
from netplan.model.types import Base, IpMode, MacMode
from netplan.source import Location

# --- valid designs --------------------------------------------------------------------------


MINIMAL = rel(VALID / "minimal.yaml")
FULL = rel(VALID / "full.yaml")


def test_minimal_design_loads_with_defaults():
    design = load_design(MINIMAL)
    assert isinstance(design, Design)
    assert design.name == "minimal"
    assert design.version == 1
    assert list(design.sites) == ["hq"]
    assert design.sites["hq"].name == "hq"
    assert design.primary_sites == ("hq",)
    assert design.vms == {}
    assert design.location == Location(MINIMAL, 1, 1)


def test_full_design_loads():
    design = load_design(FULL)
    assert design.name == "Two-site test design"
    assert design.domain == "corp.example"
    assert sorted(design.sites) == ["dr", "hq"]
    assert design.segments["hq-srv"].ipv4 == ipaddress.IPv4Network("10.0.0.0/24")
    assert design.links["vpn1"].sites == ("hq", "dr")
    assert design.vms["web01"].nics[0].failover.gateway == ipaddress.IPv4Address("10.1.0.1")
    assert design.accepted_risks[0].expires.isoformat() == "2030-01-31"


def _walk(obj, path=()):
    if isinstance(obj, Base):
        yield path, obj
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), (*path, name))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _walk(value, (*path, key))
    elif isinstance(obj, tuple):
        for i, value in enumerate(obj):
            yield from _walk(value, (*path, i))


def test_every_loaded_object_knows_its_location():
    design = load_design(FULL)
    objects = list(_walk(design))
    assert len(objects) > 20
    for path, obj in objects:
        assert obj.location is not None, path
        assert obj.location.file == FULL
        assert obj.location == design.locate(path), path


def test_locations_of_a_vm_and_a_nic():
    design = load_design(FULL)
    assert design.vms["web01"].location == Location(FULL, 49, 3)
    assert design.vms["web01"].nics[0].location == Location(FULL, 55, 9)
    assert design.vms["web01"].nics[0].failover.location == Location(FULL, 61, 9)
    assert design.sites["dr"].location == Location(FULL, 7, 3)
    assert str(design.hosts["hv02"].location) == f"{FULL}:37:3"
    reservation = design.dhcp_servers["dhcp01"].scopes[0].reservations[0]
    assert reservation.location == Location(FULL, 78, 13)
    assert design.accepted_risks[0].location == Location(FULL, 81, 5)


def test_design_locate_field_path():
    design = load_design(FULL)
    assert design.locate(("vms", "web01", "nics", 0, "address")) == Location(FULL, 57, 9)
    assert design.locate(("vms", "web01", "nics", 0, "mac")) == Location(FULL, 59, 9)
    # a defaulted field resolves to its object's position
    assert design.locate(("vms", "db01", "nics", 0, "address")) == Location(FULL, 68, 9)


def test_design_built_in_code_has_no_location():
    design = Design.model_validate({"sites": {"hq": {"role": "primary"}}})
    assert design.location is None
    assert design.sites["hq"].location is None
    assert design.locate(("sites",)) is None


def test_models_are_frozen():
    design = load_design(FULL)
    nic = design.vms["web01"].nics[0]
    with pytest.raises(ValidationError, match="frozen"):
        nic.address = None
    with pytest.raises(ValidationError, match="frozen"):
        design.vms["web01"].host = "hv02"
    with pytest.raises(ValidationError, match="frozen"):
        design.name = "other"
    with pytest.raises(ValidationError, match="frozen"):
        design.replication["kerb"].port = 8080


def test_nic_ip_defaults():
    design = load_design(FULL)
    assert design.vms["web01"].nics[0].ip == IpMode.static
    assert design.vms["web01"].nics[0].is_static_ip
    assert design.vms["db01"].nics[0].ip == IpMode.dhcp
    assert not design.vms["db01"].nics[0].is_static_ip


def test_nic_explicit_ip_mode_wins():
    nic = Nic.model_validate({"segment": "srv", "ip": "dhcp"})
    assert nic.ip == IpMode.dhcp
    nic = Nic.model_validate({"segment": "srv", "ip": "static", "address_v6": "2001:db8::5/64"})
    assert nic.ip == IpMode.static


def test_nic_dhcp_with_an_address_is_a_contradiction():
    with pytest.raises(ValidationError, match="ip is dhcp but an address is given"):
        Nic.model_validate({"segment": "srv", "ip": "dhcp", "address": "10.0.0.5/24"})


def test_nic_ipv6_address_alone_means_static():
    nic = Nic.model_validate({"segment": "srv", "address_v6": "2001:db8::5/64"})
    assert nic.ip == IpMode.static
    assert nic.is_static_ip


def test_nic_ipv6_address_alone_loads_as_static(tmp_path):
    f = tmp_path / "v6.yaml"
    f.write_text(
        "sites: {hq: {role: primary}}\n"
        "segments: {srv: {sites: [hq], ipv6: '2001:db8::/64'}}\n"
        "hosts: {hv01: {site: hq}}\n"
        "vms:\n"
        "  web01:\n"
        "    host: hv01\n"
        "    nics:\n"
        "      - {segment: srv, address_v6: '2001:db8::5/64'}\n"
    )
    nic = load_design(str(f)).vms["web01"].nics[0]
    assert nic.ip == IpMode.static
    assert str(nic.address_v6) == "2001:db8::5/64"


def test_nic_mac_mode():
    design = load_design(FULL)
    assert design.vms["web01"].nics[0].mac_mode == MacMode.static
    assert design.vms["db01"].nics[0].mac_mode == MacMode.dynamic


def test_replication_port_defaults():
    design = load_design(FULL)
    assert design.replication["kerb"].port == 80
    assert design.replication["cert"].port == 443
    assert design.replication["cert"].frequency_seconds == 30


def test_replication_explicit_port_is_kept(tmp_path):
    f = tmp_path / "port.yaml"
    f.write_text(
        "sites: {hq: {role: primary}, dr: {role: replica}}\n"
        "hosts: {a: {site: hq}, b: {site: dr}}\n"
        "replication:\n"
        "  r: {source: a, target: b, authentication: certificate, port: 8443}\n"
    )
    assert load_design(str(f)).replication["r"].port == 8443


# --- MAC normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "mac",
    [
        "00155D0A0B01",
        "00155d0a0b01",
        "00-15-5D-0A-0B-01",
        "00:15:5d:0a:0b:01",
        "00:15:5D:0A:0B:01",
        "0015.5d0a.0b01",
        '"00:15:5d:0a:0b:01"',
        "' 00-15-5d-0a-0b-01 '",
    ],
)
def test_mac_formats_normalise(tmp_path, mac):
    f = tmp_path / "mac.yaml"
    f.write_text(
        "sites: {hq: {role: primary}}\n"
        "segments: {srv: {sites: [hq]}}\n"
        "hosts: {hv01: {site: hq}}\n"
        "vms:\n"
        "  web01:\n"
        "    host: hv01\n"
        "    nics:\n"
        f"      - {{segment: srv, mac: {mac}}}\n"
    )
    design = load_design(str(f))
    assert design.vms["web01"].nics[0].mac == "00-15-5D-0A-0B-01"


@pytest.mark.parametrize(
    "mac",
    ["00-15:5D-0A-0B-01", "00155D0A0B0", "00155D0A0B011", "00155D0A0B0G", "0015.5d0a0b01"],
)
def test_bad_mac_formats_are_rejected(tmp_path, mac):
    f = tmp_path / "mac.yaml"
    f.write_text(
        "sites: {hq: {role: primary}}\n"
        f"hosts: {{hv01: {{site: hq, mac_pool: {{min: {mac}, max: 00-15-5D-0A-0B-FF}}}}}}\n"
    )
    assert load_problems(str(f)) == [
        f"{f}:2:37: hosts.hv01.mac_pool.min: {mac!r} is not a MAC address; expected 12 hex "
        "digits such as 00155D0A0B01, 00-15-5D-0A-0B-01 or 00:15:5d:0a:0b:01"
    ]
