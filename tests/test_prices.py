"""course_lib.prices: the dated price snapshot. Expected values are read off the cited pages (quoted below).

- Cliff Center note (2026-05-18): "MI300X rents for $1.50/GPU-hr at TensorWave ... $1.85 at Vultr. H100 SXM
  rents for $2.99 at Lambda and $3.49 at RunPod."
- TechBytes cheat sheet (verified 2026-05-07): Lambda "1x H100 PCIe at $2.86/hr and 1x H100 SXM at $3.78/hr",
  "$1.48/hr for A100 40GB"; Modal L40S $1.9512/hr, "T4 $0.5904/hr, L4 $0.7992/hr".
- AWS Capacity Blocks page (rates due to change 2025-01-01): p5.48xlarge $4.916, p4d.24xlarge $1.844,
  8 x H200 $5.408 per accelerator-hour.
- AnandTech (2020-05-14): DGX A100 "$199,000"; NVIDIA newsroom MSRPs: RTX 3090 $1,499 (2020-09-01),
  RTX 4090 $1,599 (2022-09-20), RTX 5090 $1,999 (2025-01-06).
- EIA Electric Power Annual 2023: Texas residential 14.46, commercial 8.82 cents/kWh; California residential 29.51.
"""

import datetime

import pytest

from course_lib import hardware, prices


def test_every_observation_is_dated_and_cited():
    rows = [*prices.rent_observations(), *prices.purchase_observations()]
    assert len(prices.rent_observations()) == 14 and len(prices.purchase_observations()) == 4
    for row in rows:
        assert isinstance(row.as_of, datetime.date) and row.as_of.year >= 2020
        assert row.url.startswith("https://") and row.source
        assert hardware.get_gpu(row.gpu).name == row.gpu  # a catalog row
    assert all(e.url.startswith("https://www.eia.gov/") and e.year == 2023 for e in prices.electricity_observations())
    assert "snapshot" in prices.snapshot_note() and "not live" in prices.snapshot_note()


def test_rent_observations_from_the_pages():
    h100 = prices.rent_observations("H100 SXM")
    assert [(r.provider, r.offer, r.usd_per_gpu_hour) for r in h100] == [
        ("Lambda", "on-demand", 2.99), ("RunPod", "on-demand", 3.49), ("Lambda", "on-demand", 3.78),
        ("AWS", "capacity block", 4.916)]  # cheapest first
    assert [r.usd_per_gpu_hour for r in prices.rent_observations("MI300X")] == [1.5, 1.85]
    assert {r.gpu: r.usd_per_gpu_hour for r in prices.rent_observations(offer="capacity block")} == {
        "H100 SXM": 4.916, "H200 SXM": 5.408, "A100 SXM 40GB": 1.844}
    assert prices.rent_observations("T4")[0].as_of == datetime.date(2026, 5, 7)


def test_reference_rent_is_the_cheapest_on_demand_price_never_a_reservation():
    assert prices.reference_rent("H100").usd_per_gpu_hour == 2.99 and prices.reference_rent("H100").provider == "Lambda"
    assert prices.reference_rent("A100 SXM 40GB").provider == "Lambda"  # 1.48 on-demand; AWS's 1.844 is a block
    assert prices.reference_rent("H200 SXM") is None  # only a capacity-block price: no on-demand reference
    for name in ("V100 SXM2 32GB", "A800 SXM 80GB", "H800 SXM", "TPU v5e", "Jetson AGX Orin 64GB", "RTX 4090"):
        assert prices.reference_rent(name) is None


def test_prices_are_yours_only_when_typed():
    snap = prices.rent_price("H100 SXM")
    assert (snap.usd, snap.origin) == (2.99, "snapshot")
    assert snap.label() == "USD 2.99 per GPU-hour (snapshot: Lambda on-demand, 2026-05-18)"
    assert "your price" not in snap.label()
    typed = prices.rent_price("H100 SXM", typed=4)
    assert (typed.usd, typed.origin, typed.observation) == (4.0, "typed", None)
    assert typed.label() == "USD 4.00 per GPU-hour (your price)"
    missing = prices.rent_price("V100")
    assert (missing.usd, missing.origin) == (None, "missing")
    assert missing.label() == "no price in the snapshot: enter one"
    table = prices.rent_prices(["H100", "V100", "B200"], typed={"b200": 5.0})
    assert {name: (p.usd, p.origin) for name, p in table.items()} == {
        "H100 SXM": (2.99, "snapshot"), "V100 SXM2 32GB": (None, "missing"), "B200": (5.0, "typed")}
    assert prices.priced(table) == {"H100 SXM": 2.99, "B200": 5.0}


def test_purchase_prices():
    msrp = {p.gpu: (p.usd, p.as_of.isoformat()) for p in prices.purchase_observations() if p.gpus == 1}
    assert msrp == {"RTX 3090": (1499.0, "2020-09-01"), "RTX 4090": (1599.0, "2022-09-20"),
                    "RTX 5090": (1999.0, "2025-01-06")}
    dgx = prices.purchase_observations("A100 SXM 40GB")[0]
    assert (dgx.usd, dgx.gpus, dgx.usd_per_gpu) == (199_000, 8, 24_875)  # 199,000 / 8
    assert prices.reference_purchase("A100 SXM 40GB") is dgx  # no card price: the server's
    share = prices.purchase_price("A100 SXM 40GB")
    assert share.usd == 24_875 and share.label("per GPU") == (
        "USD 24,875 per GPU (snapshot: NVIDIA DGX A100 server, 1/8 of it, 2020-05-14)")
    assert prices.purchase_price("RTX 4090").label("") == "USD 1,599 (snapshot: RTX 4090 card, 2022-09-20)"
    assert prices.purchase_price("H100 SXM").origin == "missing"
    assert prices.purchase_price("H100 SXM", typed=30_000).label("") == "USD 30,000 (your price)"


def test_electricity():
    texas = prices.electricity("texas", "Residential")
    assert texas.usd_per_kwh == pytest.approx(0.1446) and texas.year == 2023
    assert prices.electricity("Texas", "commercial").usd_per_kwh == pytest.approx(0.0882)
    assert prices.electricity("California", "residential").usd_per_kwh == pytest.approx(0.2951)
    assert len(prices.electricity_observations()) == 9


@pytest.mark.parametrize("call, name", [
    (lambda: prices.rent_price("H100", typed=-1), "typed (USD per GPU-hour for H100 SXM)"),
    (lambda: prices.rent_price("H100", typed=float("nan")), "typed (USD per GPU-hour for H100 SXM)"),
    (lambda: prices.rent_price("H100", typed=True), "typed (USD per GPU-hour for H100 SXM)"),
    (lambda: prices.purchase_price("RTX 4090", typed=-5), "typed (USD per GPU for RTX 4090)"),
    (lambda: prices.rent_prices("H100"), "gpus"),
    (lambda: prices.rent_prices(["H100"], {"H1000": 2.0}), "typed"),
    (lambda: prices.priced({"H100": 2.0}), "prices"),
    (lambda: prices.rent_observations("H1000"), "gpu name"),
    (lambda: prices.rent_observations(offer="spot"), "offer"),
    (lambda: prices.electricity("Texsa", "residential"), "region"),
    (lambda: prices.electricity("Texas", "home"), "sector"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value).startswith(name)
