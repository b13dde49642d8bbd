"""`docker stats`: one line per container from a sample of GET /containers/{id}/stats, computed as the
docker CLI does (cli/command/container/stats_helpers.go): CPU % from the sample's `cpu_stats` and
`precpu_stats`, memory without the inactive file cache, network and block I/O summed."""
from __future__ import annotations

from typing import NamedTuple

from explorer.core import units
from explorer.response.views.table import Table, cell

HEADERS = ["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"]


class Sample(NamedTuple):
    """What one stats object says, computed."""

    id: str
    name: str
    cpu: float  # percent of one CPU times the CPUs online, as docker counts it
    memory: float  # bytes, inactive file cache excluded
    limit: float
    net_rx: float
    net_tx: float
    block_read: float
    block_write: float
    pids: int


def sample(stats: dict) -> Sample:
    """The numbers docker prints, from one stats object (a missing part counts as zero)."""
    memory_stats = _dict(stats.get("memory_stats"))
    rx, tx = network(stats.get("networks"))
    read, write = block_io(_dict(stats.get("blkio_stats")).get("io_service_bytes_recursive"))
    return Sample(
        id=str(stats.get("id") or ""), name=str(stats.get("name") or ""),
        cpu=cpu_percent(_dict(stats.get("precpu_stats")), _dict(stats.get("cpu_stats"))),
        memory=memory_usage(memory_stats), limit=float(memory_stats.get("limit") or 0),
        net_rx=rx, net_tx=tx, block_read=read, block_write=write,
        pids=int(_dict(stats.get("pids_stats")).get("current") or 0))


def cpu_percent(previous: dict, current: dict) -> float:
    """(container's CPU delta / the system's) × online CPUs × 100, 0 when either delta is not positive."""
    cpu_delta = _num(_dict(current.get("cpu_usage")).get("total_usage")) - _num(
        _dict(previous.get("cpu_usage")).get("total_usage"))
    system_delta = _num(current.get("system_cpu_usage")) - _num(previous.get("system_cpu_usage"))
    online = _num(current.get("online_cpus")) or len(_dict(current.get("cpu_usage")).get("percpu_usage") or ())
    if system_delta > 0 and cpu_delta > 0:
        return cpu_delta / system_delta * online * 100.0
    return 0.0


def memory_usage(memory: dict) -> float:
    """Usage less the inactive file cache: cgroup v1's total_inactive_file, else v2's inactive_file."""
    usage = _num(memory.get("usage"))
    detail = _dict(memory.get("stats"))
    if "total_inactive_file" in detail and _num(detail["total_inactive_file"]) < usage:
        return usage - _num(detail["total_inactive_file"])
    inactive = _num(detail.get("inactive_file"))
    return usage - inactive if inactive < usage else usage


def network(networks) -> tuple:
    """(received, sent) bytes over every interface."""
    rx = tx = 0.0
    for iface in _dict(networks).values():
        rx += _num(_dict(iface).get("rx_bytes"))
        tx += _num(_dict(iface).get("tx_bytes"))
    return rx, tx


def block_io(entries) -> tuple:
    """(read, written) bytes: the io_service_bytes entries whose op starts with r or w."""
    read = write = 0.0
    for entry in entries if isinstance(entries, list) else ():
        op = str(_dict(entry).get("op") or "")[:1].lower()
        if op == "r":
            read += _num(entry.get("value"))
        elif op == "w":
            write += _num(entry.get("value"))
    return read, write


def row(s: Sample) -> list:
    """One line of the table, as docker formats it."""
    mem_percent = s.memory / s.limit * 100.0 if s.limit else 0.0
    name = s.name[1:] if len(s.name) > 1 else "--"
    return [cell(s.id[:12]), cell(name), units.percent(s.cpu),
            f"{units.binary_size(s.memory)} / {units.binary_size(s.limit)}", units.percent(mem_percent),
            f"{units.docker_size(s.net_rx)} / {units.docker_size(s.net_tx)}",
            f"{units.docker_size(s.block_read)} / {units.docker_size(s.block_write)}", str(s.pids)]


def waiting_row(container_id: str, name: str) -> list:
    """A container whose first sample has not come yet (docker shows "--")."""
    return [cell(container_id[:12]), cell(name.lstrip("/") or "--"), "--", "-- / --", "--", "--", "--", "--"]


def sample_table(value) -> list | None:
    """A one-sample answer (`stats stream==0`) as a one-line table."""
    if not isinstance(value, dict):
        return None
    return [Table("", HEADERS, [row(sample(value))])]


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _num(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
