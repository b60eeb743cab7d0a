"""dr-netplan: plan and check the replica-site network of a Hyper-V Replica design."""

__version__ = "0.1.0"
