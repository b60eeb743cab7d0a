"""Measure how dr-netplan's cost grows with the design: load, graph, classify and N-1 analysis.

Generates a separate-networks design of N VMs (two NICs each, DHCP reservations for half of
them) spread over segments of /22, writes it as YAML to a temporary folder and times each stage.
Cost should grow near-linearly: compare the per-VM column between sizes.

    .venv/bin/python scripts/benchmark.py            # 1000, 5000, 20000 VMs
    .venv/bin/python scripts/benchmark.py 2000 8000
"""

from __future__ import annotations

import ipaddress
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from netplan.classify import classify
from netplan.engine import analyze
from netplan.graph import build_graph
from netplan.loader import load_design
from netplan.scenario import plan

PER_SEGMENT = 900  # VMs per /22 segment


def make_design(n_vms: int) -> dict[str, Any]:
    n_segs = max(1, -(-n_vms // PER_SEGMENT))
    sites = {"hq": {"role": "primary"}, "dr": {"role": "replica"}}
    segments: dict[str, Any] = {}
    routers: dict[str, Any] = {"hq-r": {"site": "hq", "interfaces": []},
                               "dr-r": {"site": "dr", "interfaces": []}}
    dhcp: dict[str, Any] = {"hq-dhcp": {"site": "hq", "address": "10.0.0.5", "scopes": []},
                            "dr-dhcp": {"site": "dr", "address": "10.128.0.5", "scopes": []}}
    segments["hq-infra"] = {"sites": ["hq"], "ipv4": "10.0.0.0/24"}
    segments["dr-infra"] = {"sites": ["dr"], "ipv4": "10.128.0.0/24"}
    routers["hq-r"]["interfaces"].append({"segment": "hq-infra", "address": "10.0.0.1"})
    routers["dr-r"]["interfaces"].append({"segment": "dr-infra", "address": "10.128.0.1"})
    nets = {}
    for s in range(n_segs):
        hq = ipaddress.ip_network(f"10.{4 + (s * 4) // 256}.{(s * 4) % 256}.0/22")
        dr = ipaddress.ip_network(f"10.{132 + (s * 4) // 256}.{(s * 4) % 256}.0/22")
        nets[s] = (hq, dr)
        segments[f"hq-s{s}"] = {"sites": ["hq"], "ipv4": str(hq), "failover_segment": f"dr-s{s}"}
        segments[f"dr-s{s}"] = {"sites": ["dr"], "ipv4": str(dr)}
        for site, net in (("hq", hq), ("dr", dr)):
            gw = str(net.network_address + 1)
            routers[f"{site}-r"]["interfaces"].append(
                {"segment": f"{site}-s{s}", "address": gw,
                 "dhcp_relay": ["10.0.0.5" if site == "hq" else "10.128.0.5"]})
            dhcp[f"{site}-dhcp"]["scopes"].append({
                "subnet": str(net), "range": [str(net.network_address + 950),
                                              str(net.network_address + 1000)],
                "router": [gw], "dns": ["10.0.0.10", "10.128.0.10"], "reservations": []})
    vms: dict[str, Any] = {}
    for i in range(n_vms):
        s, k = divmod(i, PER_SEGMENT)
        hq, dr = nets[s]
        mac = f"00-15-5D-{(i >> 16) & 255:02X}-{(i >> 8) & 255:02X}-{i & 255:02X}"
        nic0: dict[str, Any] = {"segment": f"hq-s{s}"}
        if i % 2:
            nic0.update(mac=mac, mac_mode="static", ip="dhcp")
            for site, net in (("hq", hq), ("dr", dr)):
                dhcp[f"{site}-dhcp"]["scopes"][s]["reservations"].append(
                    {"client_id": mac, "address": str(net.network_address + 10 + k)})
        else:
            nic0.update(address=f"{hq.network_address + 10 + k}/22",
                        gateway=str(hq.network_address + 1), dns=["10.0.0.10"],
                        failover={"address": f"{dr.network_address + 10 + k}/22",
                                  "gateway": str(dr.network_address + 1),
                                  "dns": ["10.128.0.10"]},
                        failback={"address": f"{hq.network_address + 10 + k}/22",
                                  "gateway": str(hq.network_address + 1),
                                  "dns": ["10.0.0.10"]})
        vms[f"vm{i:05d}"] = {"host": "hv-hq", "replica_host": "hv-dr", "nics": [nic0],
                             "disks": [{"size_gb": 60, "daily_change_gb": 2}]}
    return {
        "sites": sites, "segments": segments, "routers": routers, "dhcp_servers": dhcp,
        "links": {"vpn": {"type": "vpn", "sites": ["hq", "dr"], "encrypted": True}},
        "hosts": {"hv-hq": {"site": "hq", "address": "10.0.0.21"},
                  "hv-dr": {"site": "dr", "address": "10.128.0.21"}},
        "dns_servers": {"hq-dns": {"site": "hq", "address": "10.0.0.10"},
                        "dr-dns": {"site": "dr", "address": "10.128.0.10"}},
        "vms": vms,
    }


def timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main(sizes: list[int]) -> None:
    print(f"{'VMs':>7} {'load s':>8} {'graph s':>8} {'classify s':>10} {'analyze s':>10} "
          f"{'total s':>8} {'ms/VM':>7} {'findings':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"bench-{n}.yaml"
            path.write_text(yaml.safe_dump(make_design(n), sort_keys=False))
            t_load, design = timed(lambda p=path: load_design(str(p)))
            t_graph, _ = timed(lambda d=design: build_graph(d))
            t_cls, _ = timed(lambda d=design: classify(d))
            t_an, report = timed(lambda d=design: analyze(d, plan(d, all_sites=True)))
            total = t_load + t_graph + t_cls + t_an
            print(f"{n:>7} {t_load:>8.2f} {t_graph:>8.2f} {t_cls:>10.2f} {t_an:>10.2f} "
                  f"{total:>8.2f} {1000 * total / n:>7.2f} {len(report.findings):>9}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
