"""Graph shape, failover views and classification of every example design."""

from __future__ import annotations

from pathlib import Path

import pytest

from netplan.classify import Approach, classify, overlapping_groups
from netplan.graph import EdgeKind, NodeKind, build_graph, live_view, nodes_of
from netplan.loader import load_design

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests/rules/cases/gateway-unreachable"


def test_graph_nodes_and_edges_are_typed() -> None:
    g = build_graph(load_design(str(CASE / "trigger.yaml")))
    assert nodes_of(g, NodeKind.site) == ["site:site1", "site:site2"]
    assert nodes_of(g, NodeKind.nic) == ["nic:app01/0", "nic:off01/0", "nic:web01/0"]
    assert nodes_of(g, NodeKind.gateway) == ["gateway:r1/0"]
    assert g.edges["segment:lan", "site:site1"]["kind"] == EdgeKind.spans
    assert g.edges["nic:web01/0", "vm:web01"]["kind"] == EdgeKind.nic_of
    assert g.edges["vm:web01", "host:hv2"]["kind"] == EdgeKind.replicates_to
    assert g.edges["link:dci", "site:site2"]["kind"] == EdgeKind.link_end
    for _, data in g.nodes(data=True):
        assert set(data) == {"kind", "name", "sites", "obj"}
        assert isinstance(data["kind"], NodeKind)
    for _, _, data in g.edges(data=True):
        assert isinstance(data["kind"], EdgeKind)


def test_live_view_hides_a_site_without_copying() -> None:
    g = build_graph(load_design(str(CASE / "trigger.yaml")))
    before = g.number_of_nodes()
    view = live_view(g, {"site1"})
    assert "site:site1" not in view
    assert "router:r1" not in view and "gateway:r1/0" not in view
    assert "segment:lan" in view  # stretched: still present in site2
    assert "link:dci" not in view  # one end is dead
    assert "site:site2" in view and "host:hv2" in view
    assert g.number_of_nodes() == before  # the base graph is untouched
    assert view.number_of_nodes() < before


def test_overlapping_groups_sweep() -> None:
    import ipaddress as ip

    items = [
        (ip.ip_network("10.0.0.0/16"), "a"),
        (ip.ip_network("10.0.5.0/24"), "b"),
        (ip.ip_network("10.1.0.0/24"), "c"),
        (ip.ip_network("10.0.200.0/24"), "d"),
        (ip.ip_network("2001:db8::/64"), "e"),
        (ip.ip_network("2001:db8::/48"), "f"),
        (ip.ip_network("10.1.0.0/24"), "g"),
    ]
    assert overlapping_groups(items) == [["a", "b", "d"], ["c", "g"], ["e", "f"]]


@pytest.mark.parametrize(
    ("design", "approach"),
    [
        ("separate.yaml", Approach.separate),
        ("stretched.yaml", Approach.stretched),
        ("mirrored.yaml", Approach.mirrored),
        ("hybrid.yaml", Approach.hybrid),
    ],
)
def test_examples_classify(design: str, approach: Approach) -> None:
    result = classify(load_design(str(ROOT / "designs" / design)))
    assert result.approach == approach
    assert all(n.evidence for n in result.networks)


def test_hybrid_mixes_all_three() -> None:
    result = classify(load_design(str(ROOT / "designs/hybrid.yaml")))
    kinds = {n.approach for n in result.networks if n.carries_vms}
    assert kinds == {Approach.separate, Approach.stretched, Approach.mirrored}


def test_stretched_evidence_names_the_sites() -> None:
    result = classify(load_design(str(CASE / "trigger.yaml")))
    (net,) = result.networks
    assert net.approach == Approach.stretched
    assert net.sites == ("site1", "site2")
    assert net.evidence == (
        "segment 'lan' (192.168.20.0/24, VLAN 20) is one L2 domain in sites site1, site2: "
        "the same addresses work in every site",
    )
