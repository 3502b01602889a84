"""Claims of the MNIST notebooks, checked from the key figures each notebook
displays. The notebooks run once per session at the `fast` scale (same code, 300
images), through the session fixture `reports` (conftest.py).

05-mnist-figure-1 (Figure 1): the loss leaves C(0) = 0.5 at the first escape; after
it the deep layers (l >= 3) are dominated by one singular value, which they were not
before; after the second escape a second value separates.
06-depth-4-vs-6: at the same initialization and step, depth 6 sits far longer on the
plateau than depth 4 and then has a long rank-1 phase in its deep layers, which
depth 4 does not have (docs/paper.md, "The figures": depth 6 shows clearer plateaus and
low-rank phases); depth 4 never waits at C(0). Depth 4 runs at the edge of stability
(ETA0 = 1): its loss spikes, and whether the phase detector calls the stretch before a
spike a short plateau depends on the rounding (it does with TensorFlow's oneDNN kernels on
an AVX-512 CPU, not with TF_ENABLE_ONEDNN_OPTS=0 nor with the js64 engine), so the tests
check what holds under every rounding: no plateau of depth 4 at C(0).

Every claim here must hold under the three roundings docs/tutorials.md lists (native with
oneDNN, native without, js64); the margins quoted are the values measured under all three.
"""
from tutorial_reports import figures

# MSE on one-hot targets, C = |Y - Y*|^2 / (2N): at a near-zero output C = 1/2 exactly.
C0 = 0.5
DEEP_FROM = 3  # layers l >= 3 of the depth-6 network (Figure 1: clearest in layers 4-6)
ONE_DOMINANT = 2.0  # s1/s2 above this: one singular value clearly above the bulk
BULK = 1.5  # ratios of a random (bulk) spectrum stay below this at the sizes used (measured: <= 1.3)
ALONE = 1.3  # s2/s3 below this: the second value is still in the bulk


def deep(values):
    return values[DEEP_FROM - 1:]


def snapshot(f, label):
    found = [s for s in f["snapshots"] if s["label"] == label]
    assert found, f"no snapshot {label!r}; snapshots: {[s['label'] for s in f['snapshots']]}, plateaus: {f['plateaus']}"
    return found[0]


def test_mnist_loss_falls_at_the_first_escape(reports):
    f = figures(reports, "05-mnist-figure-1")
    assert abs(f["initialLoss"] - C0) < 1e-3, f["initialLoss"]
    first = f["plateaus"][0]
    # A real plateau at C(0) from step 0, at least a tenth of the run long, then an escape.
    assert first["start"] == 0 and abs(first["loss"] - C0) < 1e-3, first
    assert first["escapeStep"] == f["escapes"][0] and first["escapeStep"] > f["steps"] / 10, first
    # After it the loss is clearly lower: it fell at the escape.
    after = snapshot(f, "after 1st escape")
    assert after["step"] > first["escapeStep"] and after["loss"] < 0.95 * first["loss"], (first, after)
    assert f["finalLoss"] < after["loss"]


def test_mnist_deep_layers_have_one_dominant_singular_value_after_the_first_escape(reports):
    f = figures(reports, "05-mnist-figure-1")
    for label in ("init", "before 1st escape"):
        s = snapshot(f, label)
        assert max(deep(s["s1s2"])) < BULK, (label, s["step"], s["s1s2"])
    s = snapshot(f, "after 1st escape")
    assert s["step"] > f["plateaus"][0]["escapeStep"]
    assert min(deep(s["s1s2"])) > ONE_DOMINANT, (s["step"], s["s1s2"])
    # One, not two: the second value is still in the bulk.
    assert max(deep(s["s2s3"])) < ALONE, (s["step"], s["s2s3"])


def test_mnist_a_second_singular_value_separates_after_the_second_escape(reports):
    f = figures(reports, "05-mnist-figure-1")
    first, second = snapshot(f, "after 1st escape"), snapshot(f, "after 2nd escape")
    assert len(f["escapes"]) >= 2 and second["step"] > f["escapes"][1], (f["escapes"], second["step"])
    assert min(deep(second["s2s3"])) > BULK, (second["step"], second["s2s3"])
    for layer, (before, after) in enumerate(zip(deep(first["s2s3"]), deep(second["s2s3"])), DEEP_FROM):
        assert after > before, (layer, before, after)


def test_depth_6_plateaus_far_longer_than_depth_4_then_escapes(reports):
    f = figures(reports, "06-depth-4-vs-6")
    runs = {r["depth"]: r for r in f["runs"]}
    assert sorted(runs) == [4, 6]
    for r in runs.values():
        assert abs(r["initialLoss"] - C0) < 1e-3, r
        # Both leave C(0): the loss falls 5 % below it and ends lower still.
        assert r["leavesC0"] is not None, r
        assert r["finalLoss"] < 0.95 * r["initialLoss"], r
    # 5 % below C(0) at step 10 (depth 4) and 532 (depth 6) under all three roundings (fast scale).
    assert runs[6]["leavesC0"] > 5 * runs[4]["leavesC0"], (runs[4]["leavesC0"], runs[6]["leavesC0"])
    # Depth 6: a plateau at C(0) from step 0, left at the escape detectPhases finds, where the loss leaves C(0).
    p = runs[6]["plateaus"][0]
    assert p["start"] == 0 and abs(p["loss"] - C0) < 1e-3 and p["escapeStep"] == runs[6]["escapes"][0], p
    assert abs(p["escapeStep"] - runs[6]["leavesC0"]) < f["steps"] / 10, (p, runs[6]["leavesC0"])
    # Depth 4 never waits at C(0). Whatever the detector makes of its edge-of-stability spikes (a plateau
    # 0-31 at loss 0.44 with oneDNN on AVX-512, none otherwise), no plateau of it sits at C(0).
    at_c0 = [q for q in runs[4]["plateaus"] if q["loss"] > 0.95 * C0]
    assert at_c0 == [], runs[4]["plateaus"]


def test_depth_6_has_a_long_rank_1_phase_and_depth_4_does_not(reports):
    f = figures(reports, "06-depth-4-vs-6")
    runs = {r["depth"]: r for r in f["runs"]}
    assert runs[6]["rank1Steps"] >= 0.2 * f["steps"], runs[6]
    assert runs[4]["rank1Steps"] < runs[6]["rank1Steps"], (runs[4]["rank1Steps"], runs[6]["rank1Steps"])
    # Depth 4's deep layers never get as far from the bulk (measured: max 1.8 against 2.5, fast run).
    assert runs[6]["maxDeepS1S2"] > ONE_DOMINANT and runs[6]["maxDeepS1S2"] > runs[4]["maxDeepS1S2"], (runs[4]["maxDeepS1S2"], runs[6]["maxDeepS1S2"])
