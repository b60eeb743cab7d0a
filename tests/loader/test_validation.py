"""Loading designs: one fixture per validation error, with the exact lines a person reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from loader_helpers import INVALID, load_problems, rel

from netplan.errors import DesignError
from netplan.loader import load_design
from netplan.model.types import WindowsServer

# (fixture, expected lines without the "file:" prefix)
CASES = [
    pytest.param(
        "unknown_key.yaml",
        ["4:5: sites.hq.rol: unknown key 'rol'; did you mean 'role'?"],
        id="unknown_key",
    ),
    pytest.param(
        "unknown_key_top.yaml",
        ["2:1: segmnts: unknown key 'segmnts'; did you mean 'segments'?"],
        id="unknown_key_top",
    ),
    pytest.param(
        "unknown_key_listing.yaml",
        [
            "4:5: sites.hq.colour: unknown key 'colour' "
            "(expected one of: description, public_addresses, role)"
        ],
        id="unknown_key_listing",
    ),
    pytest.param(
        "missing_required.yaml",
        ["3:3: hosts.hv01.site: missing required key 'site'"],
        id="missing_required",
    ),
    pytest.param(
        "missing_sites.yaml",
        ["2:1: sites: missing required key 'sites'"],
        id="missing_sites",
    ),
    pytest.param(
        "bad_enum.yaml",
        ["3:5: sites.hq.role: Input should be 'primary', 'replica' or 'extended' (got 'primry')"],
        id="bad_enum",
    ),
    pytest.param(
        "host_bits.yaml",
        [
            "5:5: segments.srv.ipv4: '10.0.0.1/24' has host bits set; the network is 10.0.0.0/24 "
            "(or write an interface address where a host is meant)"
        ],
        id="host_bits",
    ),
    pytest.param(
        "bad_ip.yaml",
        [
            "5:5: hosts.hv01.address: '10.0.0.300' is not a valid IPv4 address; "
            "expected e.g. 192.0.2.10"
        ],
        id="bad_ip",
    ),
    pytest.param(
        "ipv6_in_ipv4_field.yaml",
        [
            "5:5: hosts.hv01.address: '2001:db8::5' is IPv6; expected an IPv4 address, "
            "e.g. 192.0.2.10"
        ],
        id="ipv6_in_ipv4_field",
    ),
    pytest.param(
        "bad_mac.yaml",
        [
            "9:9: vms.web01.nics[0].mac: '00-15-5D-0A-0B' is not a MAC address; expected 12 hex "
            "digits such as 00155D0A0B01, 00-15-5D-0A-0B-01 or 00:15:5d:0a:0b:01"
        ],
        id="bad_mac",
    ),
    pytest.param(
        "unknown_site.yaml",
        ["4:5: hosts.hv01.site: unknown site 'hqq'; did you mean 'hq'?"],
        id="unknown_site",
    ),
    pytest.param(
        "unknown_segment.yaml",
        ["8:9: vms.web01.nics[0].segment: unknown segment 'server'; did you mean 'servers'?"],
        id="unknown_segment",
    ),
    pytest.param(
        "unknown_host.yaml",
        ["5:5: vms.web01.host: unknown host or cluster 'hv02'; did you mean 'hv01'?"],
        id="unknown_host",
    ),
    pytest.param(
        "unknown_dhcp_partner.yaml",
        [
            "7:7: dhcp_servers.dhcp01.failover.partner: unknown DHCP server 'dhcp2'; "
            "did you mean 'dhcp02'?"
        ],
        id="unknown_dhcp_partner",
    ),
    pytest.param(
        "dhcp_partner_suggests_itself.yaml",
        ["7:7: dhcp_servers.dhcp01.failover.partner: unknown DHCP server 'dhcp03'"],
        id="dhcp_partner_suggests_itself",
    ),
    pytest.param(
        "address_outside_segment.yaml",
        ["9:9: vms.web01.nics[0].address: 10.0.1.20 is outside segment 'srv' (10.0.0.0/24)"],
        id="address_outside_segment",
    ),
    pytest.param(
        "gateway_router_outside_segment.yaml",
        [
            "8:9: routers.rtr01.interfaces[0].address: 10.0.1.1 is outside segment 'srv' "
            "(10.0.0.0/24)"
        ],
        id="gateway_router_outside_segment",
    ),
    pytest.param(
        "reservation_outside_scope.yaml",
        [
            "10:13: dhcp_servers.dhcp01.scopes[0].reservations[0].address: reservation 10.0.5.20 "
            "is outside the scope's subnet 10.0.0.0/24"
        ],
        id="reservation_outside_scope",
    ),
    pytest.param(
        "duplicate_client_id.yaml",
        [
            "11:13: dhcp_servers.dhcp01.scopes[0].reservations[1].client_id: client ID "
            "00-15-5D-0A-0B-01 is already reserved in this scope (reservations[0])"
        ],
        id="duplicate_client_id",
    ),
    pytest.param(
        "duplicate_key.yaml",
        [
            "4:3: sites.hq: duplicate key 'hq' (first at line 2); "
            "a key may appear only once in a mapping"
        ],
        id="duplicate_key",
    ),
    pytest.param(
        "no_primary_site.yaml",
        ["1:1: sites: no site has role 'primary'; one site must be where the VMs run today"],
        id="no_primary_site",
    ),
    pytest.param(
        "segment_not_in_vm_site.yaml",
        [
            "10:9: vms.web01.nics[0].segment: segment 'dr-srv' does not reach site 'hq' where "
            "the VM runs (it spans dr)"
        ],
        id="segment_not_in_vm_site",
    ),
    pytest.param(
        "static_ip_without_address.yaml",
        [
            "8:9: vms.web01.nics[0]: ip is static but no address is given; "
            "add address: or set ip: dhcp"
        ],
        id="static_ip_without_address",
    ),
    pytest.param(
        "static_mac_without_mac.yaml",
        ["8:9: vms.web01.nics[0]: mac_mode is static but no mac is given"],
        id="static_mac_without_mac",
    ),
    pytest.param(
        "bad_frequency.yaml",
        [
            "7:5: replication.hv01-to-hv02.frequency_seconds: 60 is not a Hyper-V replication "
            "frequency; expected 30, 300 or 900"
        ],
        id="bad_frequency",
    ),
    pytest.param(
        "host_and_cluster_same_name.yaml",
        ["5:3: clusters.hv01: 'hv01' is both a host and a cluster; names must be unique"],
        id="host_and_cluster_same_name",
    ),
    pytest.param(
        "depends_on_unknown_vm.yaml",
        ["7:18: vms.web01.depends_on[0]: unknown VM 'db1'; did you mean 'db01'?"],
        id="depends_on_unknown_vm",
    ),
    pytest.param(
        "accepted_risk_blank_reason.yaml",
        ["5:5: accepted_risks[0].reason: reason must say why the risk is accepted; it is empty"],
        id="accepted_risk_blank_reason",
    ),
    pytest.param(
        "accepted_risk_empty_reason.yaml",
        ["5:5: accepted_risks[0].reason: reason must say why the risk is accepted; it is empty"],
        id="accepted_risk_empty_reason",
    ),
    pytest.param(
        "invalid_name.yaml",
        [
            "3:3: segments.-srv: name must start with a letter or digit and use only letters, "
            "digits, '.', '_' and '-'"
        ],
        id="invalid_name",
    ),
    pytest.param(
        "record_name_typo.yaml",
        [
            "3:5: dns_records[0].name: missing required key 'name'",
            "3:5: dns_records[0].nme: unknown key 'nme'; did you mean 'name'?",
        ],
        id="record_name_typo",
    ),
    pytest.param(
        "name_differs_from_key.yaml",
        [
            "7:5: segments.srv.name: name 'servers' differs from its key 'srv'; the key is the "
            "name (remove name:)"
        ],
        id="name_differs_from_key",
    ),
    pytest.param(
        "several_errors.yaml",
        [
            "6:5: segments.srv.vlan: Input should be less than or equal to 4094 (got 5000)",
            "7:5: segments.srv.ipv4: '10.0.0.0/33' is not a valid IPv4 network; "
            "expected e.g. 192.0.2.0/24",
            "9:3: hosts.hv01.site: missing required key 'site'",
            "10:5: hosts.hv01.sitee: unknown key 'sitee'; did you mean 'site'?",
            "12:23: vms.web01.generation: Input should be less than or equal to 2 (got 3)",
        ],
        id="several_errors",
    ),
    pytest.param(
        "several_reference_errors.yaml",
        [
            "8:10: hosts.hv02.site: unknown site 'dc' (known: dr, hq)",
            "12:5: vms.web01.replica_host: unknown host or cluster 'hv03'; did you mean 'hv02'?",
            "15:9: vms.web01.nics[0].address: 10.9.0.20 is outside segment 'srv' (10.0.0.0/24)",
        ],
        id="several_reference_errors",
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES)
def test_invalid_fixture(fixture, expected):
    file = rel(INVALID / fixture)
    assert load_problems(file) == [f"{file}:{line}" for line in expected]


def test_every_invalid_fixture_is_in_the_table():
    tabled = {p.values[0] for p in CASES}
    extra = {"windows_version_number.yaml", "mac_all_digits.yaml", "range_one_address.yaml"}
    assert {f.name for f in INVALID.glob("*.yaml")} == tabled | extra


def test_problems_are_sorted_by_position():
    with pytest.raises(DesignError) as exc:
        load_design(rel(INVALID / "several_errors.yaml"))
    locations = [p.location for p in exc.value.problems]
    assert locations == sorted(locations)
    assert len(locations) == 5


def test_windows_version_written_as_a_number():
    design = load_design(rel(INVALID / "windows_version_number.yaml"))
    assert design.hosts["hv01"].os == WindowsServer.ws2019


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", WindowsServer.ws2019),
        ("'2019'", WindowsServer.ws2019),
        ("ws2019", WindowsServer.ws2019),
        ("WS2022", WindowsServer.ws2022),
        ("2012r2", WindowsServer.ws2012r2),
        ("Windows Server 2016", WindowsServer.ws2016),
    ],
)
def test_windows_version_spellings(tmp_path, text, expected):
    f = tmp_path / "os.yaml"
    f.write_text(f"sites: {{hq: {{role: primary}}}}\nhosts:\n  hv01: {{site: hq, os: {text}}}\n")
    assert load_design(str(f)).hosts["hv01"].os == expected


def test_all_digit_mac_says_to_quote_it():
    file = rel(INVALID / "mac_all_digits.yaml")
    assert load_problems(file) == [
        f"{file}:5:16: hosts.hv01.mac_pool.min: got the number 1500000000: a MAC of only digits "
        "must be quoted, e.g. '001500000000'"
    ]


def test_mac_read_as_a_float_says_to_quote_it(tmp_path):
    f = tmp_path / "mac.yaml"
    f.write_text(
        "sites: {hq: {role: primary}}\n"
        "hosts: {hv01: {site: hq, mac_pool: {min: 00155E123456, max: 00-15-5E-FF-FF-FF}}}\n"
    )
    (line,) = load_problems(str(f))
    assert line.startswith(f"{f}:2:37: hosts.hv01.mac_pool.min: ")
    assert "quote" in line


def test_too_short_pair_is_not_called_a_missing_key():
    file = rel(INVALID / "range_one_address.yaml")
    assert load_problems(file) == [
        f"{file}:8:9: dhcp_servers.dhcp01.scopes[0].range[1]: missing list item [1]; "
        "the list is too short"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5000", "Input should be less than or equal to 4094 (got 5000)"),
        ("-1", "Input should be greater than or equal to 0 (got -1)"),
        ("1.5", "Input should be a valid integer, got a number with a fractional part (got 1.5)"),
        (
            "ten",
            "Input should be a valid integer, unable to parse string as an integer (got 'ten')",
        ),
        ("[10]", "Input should be a valid integer (got a list)"),
        ("{a: 1}", "Input should be a valid integer (got a mapping)"),
    ],
)
def test_type_and_range_errors_end_with_the_value(tmp_path, value, expected):
    f = tmp_path / "vlan.yaml"
    f.write_text(
        f"sites: {{hq: {{role: primary}}}}\nsegments:\n  srv:\n    sites: [hq]\n    vlan: {value}\n"
    )
    assert load_problems(str(f)) == [f"{f}:5:5: segments.srv.vlan: {expected}"]


def test_address_written_as_a_number_shows_the_value(tmp_path):
    f = tmp_path / "addr.yaml"
    f.write_text("sites: {hq: {role: primary}}\nhosts:\n  hv01: {site: hq, address: 10.0}\n")
    (line,) = load_problems(str(f))
    assert line.startswith(f"{f}:3:20: hosts.hv01.address: ")
    assert line.endswith("(got 10.0)")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "segments:\n  lan: {sites: hq, ipv4: 10.0.0.0/24}\n",
            "4:9: segments.lan.sites: Input should be a list (got 'hq'); write a list, e.g. [hq]",
        ),
        (
            "dhcp_servers:\n  d1:\n    site: hq\n    address: 10.0.0.5\n    scopes:\n"
            "      - {subnet: 10.0.0.0/24, range: 10.0.0.100-10.0.0.199}\n",
            "8:31: dhcp_servers.d1.scopes[0].range: Input should be a list "
            "(got '10.0.0.100-10.0.0.199'); write a list of two addresses: "
            "[10.0.0.100, 10.0.0.199]",
        ),
        (
            "accepted_risks:\n  - {rule: x, subject: 2, reason: r}\n",
            "4:15: accepted_risks[0].subject: Input should be a valid string (got 2); "
            "quote it to make it text: '2'",
        ),
        (
            "accepted_risks:\n  - {rule: x, subject: y, reason: r, expires: 30.6.2027}\n",
            "4:38: accepted_risks[0].expires: Input should be a valid date or datetime, input is "
            "too short (got '30.6.2027'); write the date as YYYY-MM-DD, e.g. 2027-06-30",
        ),
        (
            "segments:\n  lan: {sites: [hq], ipv4: 10.0.0.0/24}\nhosts:\n  hv1: {site: hq}\n"
            "vms:\n  web01:\n    host: hv1\n    nics: [{segment: lan, address: 10.0.0.7}]\n",
            "10:27: vms.web01.nics[0].address: 10.0.0.7 has no prefix length (read as /32); "
            "write it as 10.0.0.7/24, like segment 'lan' (10.0.0.0/24)",
        ),
    ],
    ids=["list-for-sites", "range-as-text", "subject-number", "date-format", "no-prefix"],
)
def test_messages_say_what_to_write(tmp_path: Path, body: str, expected: str) -> None:
    f = tmp_path / "d.yaml"
    f.write_text("sites:\n  hq: {role: primary}\n" + body)
    assert load_problems(str(f)) == [f"{f}:{expected}"]


def test_a_list_where_a_mapping_belongs_says_mapping(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text("sites: [hq]\n")
    assert load_problems(str(f)) == [
        f"{f}:1:1: sites: Input should be a mapping (key: value lines, or {{key: value}}) "
        "(got a list)"
    ]
