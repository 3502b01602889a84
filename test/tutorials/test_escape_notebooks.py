"""Claims of notebooks 02-first-escape and 03-low-rank-across-layers, checked from the key
figures each displays at the fast scale (same code paths, smaller sizes).
JSON has no NaN or Infinity: the notebooks' NaN (no s1/s2 for a 1-row layer) and Infinity
(s2 = 0 exactly) arrive as None."""
import math

from tutorial_reports import figures

SQRT2_MINUS_1 = 2 ** 0.5 - 1
SOLVER_TOL = 1e-3  # the solver's own tolerance for "the same speed" (spectrum.escape)


def _inf(x):
    return math.inf if x is None else x


def test_gd_escapes_after_a_plateau_along_the_optimal_direction(reports):
    f = figures(reports, "02-first-escape")
    # A plateau at C(0), then the escape, then the loss well below C(0): the loss leaves C(0) late, and
    # detectPhases finds exactly one escape, where the loss falls fastest, right after it.
    assert f["leftC0Step"] is not None and f["leftC0Step"] > 500, f["leftC0Step"]
    assert len(f["escapes"]) == 1 and 0 <= f["escapes"][0] - f["leftC0Step"] < 100, (f["leftC0Step"], f["escapes"])
    assert f["finalLoss"] < 0.5 * f["C0"]
    # GD's direction at the escape: nearly as fast as the optimum, never faster (up to the solver's tolerance),
    # and computing nearly the same function on the data.
    assert 0.85 * f["optimalSpeed"] < f["gdSpeed"] <= f["optimalSpeed"] + SOLVER_TOL, (f["gdSpeed"], f["optimalSpeed"])
    assert f["cosineOutputs"] > 0.95


def test_escape_speed_does_not_decrease_with_depth(reports):
    f = figures(reports, "02-first-escape")
    for name in ("teacherSweep", "circleSweep"):
        best = [r["best"] for r in f[name]]
        assert all(b >= a - SOLVER_TOL for a, b in zip(best, best[1:])), (name, best)
        assert best[0] > 0
    circle = {r["depth"]: r for r in f["circleSweep"]}
    # Example 1: depth 2 reaches only √2 − 1, depth 3 the rank-2 speed 1/2: a strict rise with depth.
    assert abs(circle[2]["best"] - SQRT2_MINUS_1) < 2e-3, circle[2]
    assert abs(circle[3]["best"] - 0.5) < 2e-3, circle[3]
    # At the deepest depth random starts stall where L0 is flat, continuation keeps the speed.
    for name in ("teacherSweep", "circleSweep"):
        deepest = f[name][-1]
        assert deepest["randomStarts"] < 0.01 * deepest["best"], (name, deepest)
        assert deepest["continuation"] >= f[name][0]["best"] - SOLVER_TOL, (name, deepest)


def test_optimal_escape_at_depth_is_rank_2_first_then_rank_1(reports):
    f = figures(reports, "03-low-rank-across-layers")
    assert f["depth"] >= 12
    assert abs(f["optimalSpeed"] - 0.5) < 2e-3
    assert all(abs(c["speed"] - 0.5) < 2e-3 for c in f["continuationSpeeds"]), f["continuationSpeeds"]
    energy = f["optimumEnergyOutsideS1"]
    # Example 1's rank-2 first layer: two equal singular values, half the energy outside s1.
    assert abs(energy[0] - 0.5) < 0.02, energy[0]
    assert max(energy[1:]) < 1e-5, energy


def test_first_escape_of_a_deep_network_low_rank_deep_layers(reports):
    f = figures(reports, "03-low-rank-across-layers")
    L = f["depth"]
    assert f["leftC0Step"] is not None and f["finalLoss"] < 0.95 * 0.5
    assert len(f["escapes"]) >= 1 and f["escapes"][0] >= f["leftC0Step"], (f["leftC0Step"], f["escapes"])
    # From a random small init of the same norm the loss does not move in as many steps.
    assert abs(f["randomInitLossDrop"]) < 1e-6
    act = [_inf(r) for r in f["activationRatio12"]]
    assert len(act) == L - 1
    # s1/s2 of the activations rises with l through the first deep layers (3..6), by orders of magnitude,
    # and stays far above the first layers' after that (float32 resolution caps it near 1e7).
    assert all(b > 10 * a for a, b in zip(act[2:5], act[3:6])), act
    assert min(act[5:]) > 1e5 and max(act[:2]) < 2, act
    # Weights: the rank-2 first layer against nearly rank-1 later ones.
    w = [_inf(r) for r in f["weightRatio12"][:-1]]
    assert w[0] < 1.1 and min(w[1:]) > 10, w
    # ReLU cut: half of the pre-activations cut in the rank-2 layers, almost nothing deeper.
    cut = f["reluCut"]
    assert min(cut[:2]) > 0.3 and max(cut[2:]) < 1e-3, cut
    # Theorem 3.1's bound: energy outside s1 of Z_lσ times √l stays bounded.
    assert all(e * math.sqrt(l + 1) < 1 for l, e in enumerate(f["activationEnergyOutsideS1"])), f["activationEnergyOutsideS1"]
