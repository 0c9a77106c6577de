"""Dated, cited prices: cloud rental per GPU-hour, purchase prices, electricity. A snapshot, never live.

``data/prices.json`` holds every observation with its date and the page it came from; the GeForce
launch MSRPs come from the hardware catalog (``price_usd`` / ``price_source`` in ``gpus.json``,
NVIDIA newsroom). Nothing here is the learner's: a price becomes "your price" only when the
learner types it (:func:`rent_price` / :func:`purchase_price` with ``typed``). Where the snapshot
has no price for a GPU, the answer is "no price: enter one", and rankings by cost leave that GPU
out and say so.

Kinds of rental offer: ``"on-demand"`` (a list price, no commitment; the planner's default) and
``"capacity block"`` (AWS's reserve-ahead blocks of 1 to 14 days; shown for comparison, never a
default). All prices are USD; rent per GPU-hour, purchase per item (``gpus`` GPUs), electricity
per kWh.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from course_lib import _validate, hardware

OFFERS = ("on-demand", "capacity block")
SECTORS = ("residential", "commercial", "industrial")
DEFAULT_OFFER = "on-demand"
_MSRP = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2}), (?P<url>https?://\S+)")


@dataclass(frozen=True)
class RentObservation:
    """A rental list price per GPU-hour for catalog GPU ``gpu``, as of ``as_of``, with where it was read."""

    gpu: str
    usd_per_gpu_hour: float
    provider: str
    offer: str
    as_of: datetime.date
    source: str
    url: str
    note: str = ""

    def citation(self) -> str:
        """One line: who, what kind of price, when, and the page."""
        note = f"; {self.note}" if self.note else ""
        return f"{self.provider} {self.offer} price, as of {self.as_of.isoformat()} ({self.url}{note})"


@dataclass(frozen=True)
class PurchaseObservation:
    """A purchase price of one item holding ``gpus`` GPUs of catalog type ``gpu`` (a card: 1; a server: 8)."""

    gpu: str
    usd: float
    gpus: int
    item: str
    as_of: datetime.date
    source: str
    url: str
    note: str = ""

    @property
    def usd_per_gpu(self) -> float:
        """The price divided by the GPUs in the item (a server's share includes its CPUs, network, storage)."""
        return self.usd / self.gpus

    def citation(self) -> str:
        """One line: the item, when, and the page."""
        return f"{self.item}, as of {self.as_of.isoformat()} ({self.url})"


@dataclass(frozen=True)
class ElectricityObservation:
    """An average electricity price in USD per kWh: a US state and sector, over ``year``."""

    region: str
    sector: str
    usd_per_kwh: float
    year: int
    source: str
    url: str

    def citation(self) -> str:
        """One line: the average, its year and the page."""
        return f"{self.year} average, {self.sector}, {self.region} ({self.source}; {self.url})"


@dataclass(frozen=True)
class Price:
    """The price a calculation uses for one GPU, and where it came from.

    origin: "typed" (the learner typed ``usd``), "snapshot" (``observation`` from the dated data) or
    "missing" (no price: ``usd`` is None and the learner must enter one).
    """

    gpu: str
    usd: float | None
    origin: Literal["typed", "snapshot", "missing"]
    observation: RentObservation | PurchaseObservation | None = None

    def label(self, unit: str = "per GPU-hour") -> str:
        """Plain text for tables and labels, e.g. "USD 2.99 per GPU-hour (snapshot: Lambda on-demand, 2026-05-18)"."""
        if self.usd is None:
            return "no price in the snapshot: enter one"
        amount = (f"USD {self.usd:,.2f}" if self.usd < 100 else f"USD {self.usd:,.0f}") + (f" {unit}" if unit else "")
        if self.origin == "typed":
            return f"{amount} (your price)"
        obs = self.observation
        if obs is None:
            return amount
        if isinstance(obs, RentObservation):
            where = f"{obs.provider} {obs.offer}"
        else:
            where = obs.item.split(" (")[0].split(",")[0] + ("" if obs.gpus == 1 else f", 1/{obs.gpus} of it")
        return f"{amount} (snapshot: {where}, {obs.as_of.isoformat()})"


# --------------------------------------------------------------------------- loading


def _date(name: str, text: Any) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"prices.json: {name} must be an ISO date (YYYY-MM-DD), got {text!r}") from None


def _gpu(name: str) -> str:
    return hardware.get_gpu(name).name


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return json.loads(resources.files("course_lib").joinpath("data/prices.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _rent() -> tuple[RentObservation, ...]:
    rows = []
    for row in _data()["rent"]:
        rows.append(RentObservation(
            gpu=_gpu(row["gpu"]), provider=row["provider"], source=row["source"], url=row["url"],
            usd_per_gpu_hour=_validate.positive("prices.json: usd_per_gpu_hour", row["usd_per_gpu_hour"]),
            offer=_validate.choice("prices.json: offer", row["offer"], OFFERS), as_of=_date("as_of", row["as_of"]),
            note=row.get("note", "")))
    return tuple(rows)


def _msrps() -> list[PurchaseObservation]:
    """GeForce launch MSRPs from the hardware catalog (its one home), parsed from ``price_source``."""
    rows = []
    for gpu in hardware.list_gpus():
        if gpu.price_usd is None:
            continue
        match = _MSRP.search(gpu.price_source or "")
        if match is None or gpu.price_source is None:
            raise ValueError(f"gpus.json: price_source of {gpu.name!r} needs 'YYYY-MM-DD, URL'")
        rows.append(PurchaseObservation(
            gpu=gpu.name, usd=float(gpu.price_usd), gpus=1, item=f"{gpu.name} card, launch MSRP",
            as_of=_date("price_source date", match["date"]), source=gpu.price_source, url=match["url"]))
    return rows


@lru_cache(maxsize=1)
def _purchase() -> tuple[PurchaseObservation, ...]:
    rows = _msrps()
    for row in _data()["purchase"]:
        rows.append(PurchaseObservation(
            gpu=_gpu(row["gpu"]), usd=_validate.positive("prices.json: usd", row["usd"]),
            gpus=_validate.positive_int("prices.json: gpus", row["gpus"]), item=row["item"],
            as_of=_date("as_of", row["as_of"]), source=row["source"], url=row["url"], note=row.get("note", "")))
    return tuple(rows)


@lru_cache(maxsize=1)
def _electricity() -> tuple[ElectricityObservation, ...]:
    data = _data()["electricity"]
    return tuple(ElectricityObservation(region=region, sector=_validate.choice("prices.json: sector", sector, SECTORS),
                                        usd_per_kwh=_validate.positive("prices.json: cents_per_kwh", cents) / 100,
                                        year=data["year"], source=data["source"], url=data["url"])
                 for region, sectors in data["cents_per_kwh"].items() for sector, cents in sectors.items())


def snapshot_note() -> str:
    """The sentence that labels every price from the data as a dated snapshot."""
    return _data()["snapshot"]


# --------------------------------------------------------------------------- queries


def rent_observations(gpu: hardware.GPULike | None = None, offer: str | None = None) -> tuple[RentObservation, ...]:
    """Rental observations, cheapest first; only ``gpu``'s (a name or GPU) and only ``offer`` ones if given."""
    name = None if gpu is None else hardware.get_gpu(gpu).name
    offer = None if offer is None else _validate.choice("offer", offer, OFFERS)
    rows = [r for r in _rent() if (name is None or r.gpu == name) and (offer is None or r.offer == offer)]
    return tuple(sorted(rows, key=lambda r: r.usd_per_gpu_hour))


def purchase_observations(gpu: hardware.GPULike | None = None) -> tuple[PurchaseObservation, ...]:
    """Purchase observations (cards and servers), only ``gpu``'s if given, in data order."""
    name = None if gpu is None else hardware.get_gpu(gpu).name
    return tuple(p for p in _purchase() if name is None or p.gpu == name)


def electricity_observations() -> tuple[ElectricityObservation, ...]:
    """Electricity averages by region and sector (USD per kWh)."""
    return _electricity()


def electricity(region: str, sector: str) -> ElectricityObservation:
    """The electricity average of ``region`` (a US state in the data) and ``sector``."""
    regions = sorted({e.region for e in _electricity()})
    region = _validate.choice("region", region, regions)
    sector = _validate.choice("sector", sector, SECTORS)
    return next(e for e in _electricity() if e.region == region and e.sector == sector)


def reference_rent(gpu: hardware.GPULike) -> RentObservation | None:
    """The cheapest on-demand observation for ``gpu`` (the planner's default price), or None if there is none."""
    rows = rent_observations(hardware.get_gpu(gpu), DEFAULT_OFFER)
    return rows[0] if rows else None


def reference_purchase(gpu: hardware.GPULike) -> PurchaseObservation | None:
    """The snapshot's purchase observation for ``gpu``: a card (1 GPU) if there is one, else a server, else None.

    Per GPU, use ``usd_per_gpu`` (a server's share includes its CPUs, network and storage).
    """
    rows = purchase_observations(hardware.get_gpu(gpu))
    return min(rows, key=lambda p: p.gpus) if rows else None


def _typed(name: str, value: Any) -> float | None:
    return None if value is None else _validate.non_negative(name, value)


def rent_price(gpu: hardware.GPULike, typed: float | None = None) -> Price:
    """The rent a calculation uses for ``gpu``: ``typed`` if given, else :func:`reference_rent`, else missing."""
    device = hardware.get_gpu(gpu)
    usd = _typed(f"typed (USD per GPU-hour for {device.name})", typed)
    if usd is not None:
        return Price(device.name, usd, "typed")
    observation = reference_rent(device)
    if observation is None:
        return Price(device.name, None, "missing")
    return Price(device.name, observation.usd_per_gpu_hour, "snapshot", observation)


def rent_prices(gpus: Iterable[hardware.GPULike],
                typed: Mapping[str, float | None] | None = None) -> dict[str, Price]:
    """:func:`rent_price` of each GPU in ``gpus``; ``typed`` maps GPU names to prices the learner typed."""
    if isinstance(gpus, (str, hardware.GPU)) or not isinstance(gpus, Iterable):
        raise ValueError(f"gpus must be a list of GPU names, got {_validate.describe(gpus)}")
    if typed is not None and not isinstance(typed, Mapping):
        raise ValueError(f"typed must map GPU names to prices, got {_validate.describe(typed)}")
    typed = {} if typed is None else {hardware.get_gpu(name, "typed").name: value for name, value in typed.items()}
    names = [hardware.get_gpu(g, "gpus").name for g in gpus]
    return {name: rent_price(name, typed.get(name)) for name in names}


def purchase_price(gpu: hardware.GPULike, typed: float | None = None) -> Price:
    """The purchase price per ``gpu``: ``typed`` if given, else :func:`reference_purchase` per GPU, else missing."""
    device = hardware.get_gpu(gpu)
    usd = _typed(f"typed (USD per GPU for {device.name})", typed)
    if usd is not None:
        return Price(device.name, usd, "typed")
    observation = reference_purchase(device)
    if observation is None:
        return Price(device.name, None, "missing")
    return Price(device.name, observation.usd_per_gpu, "snapshot", observation)


def priced(prices: Mapping[str, Price]) -> dict[str, float]:
    """GPU name -> USD for the prices that exist (the map the planner takes); missing ones are left out."""
    if not isinstance(prices, Mapping) or not all(isinstance(p, Price) for p in prices.values()):
        raise ValueError(f"prices must map GPU names to Price (from rent_prices), got {_validate.describe(prices)}")
    return {name: price.usd for name, price in prices.items() if price.usd is not None}
