"""Notebook 07-sweeps, run by the tutorial runner at the `fast` scale (the session's `reports`
fixture): Example 1's rank-2 success rate against width from a sweep of escape-solver runs, and the
first plateau's escape time against the init scale from a sweep of training runs, whose log-log
slopes must be the -(L-2) that the homogeneity of the localized loss predicts."""
from tutorial_reports import figures


def test_success_rate_of_the_rank2_escape_rises_with_width(reports):
    f = figures(reports, "07-sweeps")
    assert f["failed"] == 0
    rates = {p["width"]: p for p in f["successRate"]}
    for p in rates.values():
        # The Wilson interval holds its rate and stays in [0, 1].
        assert 0 <= p["lo"] <= p["rate"] <= p["hi"] <= 1, p
        assert p["rate"] == p["hits"] / p["trials"]
    # Below 4 hidden units no direction reaches speed 1/2 (a rank-2 first layer of this kind needs four).
    assert all(p["hits"] == 0 for w, p in rates.items() if w < 4), rates
    widest = rates[max(rates)]
    assert widest["hits"] > 0 and widest["lo"] > 0, widest
    assert widest["rate"] > rates[min(w for w in rates if w >= 4)]["rate"], rates
    # Every start that reached 1/2 has a rank-2 first layer.
    assert f["rank2Hits"] == f["hits"] > 0


def test_escape_time_scales_as_init_scale_to_the_minus_L_minus_2(reports):
    slopes = figures(reports, "07-sweeps")["slopes"]
    for name, predicted in (("L3", -1), ("L4", -2)):
        s = slopes[name]
        assert s["predicted"] == predicted
        # Within 0.15 of the prediction (the tutorial scale measures -0.97 and -1.99).
        assert abs(s["slope"] - predicted) < 0.15, slopes
