"""Power and cooling: from a GPU's TDP to the node, the rack and the facility, and why racks go liquid.

* Node: the DGX H100's maximum system power (10.2 kW, DGX H100/H200 user guide) against its eight
  700 W GPU boards: the rest feeds CPUs, NVSwitches, network cards, drives and fans.
* Facility: IT power x PUE (power usage effectiveness, facility power / IT power), using
  :func:`course_lib.compute.energy_kwh`'s PUE handling: the kWh drawn in one hour is the average kW.
* Cooling: all that power becomes heat, which air or water carries away: flow = P / (rho c_p dT),
  with the density rho and specific heat c_p of air and water at 20 C (``datacenter.json``).
  Water carries about 3,500 times more heat per litre per degree than air.
* Energy per trained token: node power x PUE / the node's tokens per second
  (:func:`course_lib.storage.training_tokens_per_second`).
"""

from __future__ import annotations

from dataclasses import dataclass

from course_lib import _sourced, _validate, compute, server, storage, units

DATA_FILE = "datacenter.json"
FLUIDS = ("air", "water")
# Unit definitions (exact): 1 ft = 0.3048 m, so 1 cubic foot per minute = 0.3048**3 / 60 m3/s;
# the International Table BTU is 1055.05585262 J, so 1 BTU/h = 1055.05585262 / 3600 W.
M3_PER_S_PER_CFM = 0.3048**3 / 60
WATTS_PER_BTU_PER_HOUR = 1055.05585262 / 3600


@dataclass(frozen=True)
class NodePower:
    """Power of one node: its GPU boards (count x TDP) and the node's maximum, in watts."""

    node: str
    gpu_boards_w: float
    node_max_w: float

    @property
    def rest_w(self) -> float:
        """Everything but the GPU boards: CPUs, switches, network cards, drives, fans, power conversion."""
        return self.node_max_w - self.gpu_boards_w


def node_power(node: str = "DGX H100") -> NodePower:
    """GPU boards (gpus x catalog TDP) and the node's published maximum power."""
    parts = server.node(node, "node")
    system = server.node_system(node, "node")
    tdp = system.gpu_spec().tdp_w
    if tdp is None:
        raise ValueError(f"node: the catalog publishes no TDP for the GPU of a {node}")
    return NodePower(node, system.gpus_per_node * tdp, parts["max_power_kw"].value * 1e3)


def facility_power_w(it_power_w: float, pue: float = 1.0) -> float:
    """Watts the facility draws for ``it_power_w`` of IT load at ``pue`` (>= 1): IT power x PUE."""
    it_power_w = _validate.positive("it_power_w", it_power_w)
    return compute.energy_kwh(it_power_w, units.SECONDS_PER_HOUR, 1, pue) * 1e3


def rack_power_w(nodes_per_rack: int, node: str = "DGX H100") -> float:
    """IT power of a rack of ``nodes_per_rack`` nodes at their maximum, in watts."""
    nodes = _validate.positive_int("nodes_per_rack", nodes_per_rack, 10_000)
    return nodes * node_power(node).node_max_w


def fluid(name: str, param: str = "name") -> dict[str, _sourced.Sourced]:
    """Density (kg/m3) and specific heat (J/(kg K)) of "air" or "water" at 20 C, as Sourced values.

    An unknown name raises ValueError naming ``param``."""
    props: dict[str, _sourced.Sourced] = _sourced.load(DATA_FILE)["fluids"][_validate.choice(param, name, FLUIDS)]
    return props


def coolant_flow_m3_per_s(power_w: float, delta_t_k: float, coolant: str = "air") -> float:
    """Volume flow of ``coolant`` that removes ``power_w`` while warming by ``delta_t_k`` kelvin: P / (rho c_p dT)."""
    power_w = _validate.positive("power_w", power_w)
    delta_t = _validate.positive("delta_t_k", delta_t_k)
    props = fluid(coolant, "coolant")
    heat_per_m3 = props["density_kg_m3"].value * props["specific_heat_j_kg_k"].value * delta_t
    if heat_per_m3 == 0:  # a temperature rise so small it rounds to nothing
        raise ValueError(f"delta_t_k: {delta_t_k!r} K is too small to carry heat")
    flow = power_w / heat_per_m3
    return _validate.finite_result(flow, "power_w, delta_t_k")


def air_temperature_rise_k(power_w: float, airflow_cfm: float) -> float:
    """Kelvin by which ``airflow_cfm`` of air warms while carrying away ``power_w``: P / (rho c_p flow)."""
    power_w = _validate.positive("power_w", power_w)
    flow = _validate.positive("airflow_cfm", airflow_cfm) * M3_PER_S_PER_CFM
    props = fluid("air")
    heat_per_kelvin = props["density_kg_m3"].value * props["specific_heat_j_kg_k"].value * flow
    if heat_per_kelvin == 0:  # an airflow so small it rounds to nothing
        raise ValueError(f"airflow_cfm: {airflow_cfm!r} CFM carries no measurable heat")
    rise = power_w / heat_per_kelvin
    return _validate.finite_result(rise, "power_w, airflow_cfm")


def typical_rack_w() -> float:
    """The modal rack power operators report (Uptime Institute survey 2025: 'shifting toward 10 kW'), in watts."""
    return _sourced.load(DATA_FILE)["racks"]["typical_rack_kw"].value * 1e3


@dataclass(frozen=True)
class TokenEnergy:
    """Energy per trained token of one node, in joules, with the GPU boards only and with the whole node."""

    tokens_per_second: float
    gpu_boards_j: float
    whole_node_j: float


def energy_per_token(n_params: float, mfu: float, pue: float = 1.0, node: str = "DGX H100",
                     precision: str = "bf16") -> TokenEnergy:
    """Joules per trained token on one node at ``mfu``: power x PUE / (GPUs x tokens per second per GPU).

    Both powers are upper bounds (boards at TDP, node at its maximum).
    """
    system = server.node_system(node, "node")
    tokens = system.gpus_per_node * storage.training_tokens_per_second(n_params, system.gpu_spec(), mfu, precision)
    watts = node_power(node)
    return TokenEnergy(tokens, facility_power_w(watts.gpu_boards_w, pue) / tokens,
                       facility_power_w(watts.node_max_w, pue) / tokens)
