"""Where the time of one C6 step goes (Figure 1's setting: 784 -> 1000 x5 -> 10, depth 6, mini-batches of
100 from 10,000, MSE, adaptive step), op by op: the native engine's graph (src/train/engines/native.ts,
the same ops) run by TensorFlow 2.21 (the wheel the native backend is built from) with a full trace, and
PyTorch's eager step under torch.profiler. Reports; asserts nothing.

    python bench/profile_c6.py [--steps 60] [--only tf,torch]

TensorFlow is not in .venv (the native backend is built from its wheel, not from Python): for the tf
half, `python3 -m venv /tmp/tf && PIP_INDEX_URL=file:///opt/pypi/simple /tmp/tf/bin/pip install
tensorflow-cpu==2.21.0`; the torch half runs with .venv (bench/requirements.txt).
"""
import argparse, collections, os, sys, time
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument('--steps', type=int, default=60)
ap.add_argument('--only', default='tf,torch')
args = ap.parse_args()
N, B, DIMS = 10000, 100, [784, 1000, 1000, 1000, 1000, 1000, 10]
L = len(DIMS) - 1
rng = np.random.default_rng(0)
X = rng.standard_normal((N, DIMS[0]), dtype=np.float32)
Y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, N)]
W0 = [(rng.standard_normal((DIMS[l + 1], DIMS[l])) * 0.15 / np.sqrt(DIMS[l])).astype(np.float32) for l in range(L)]
FLOPS = 2 * B * sum(DIMS[l] * DIMS[l + 1] for l in range(L)) * 3 - 2 * B * DIMS[0] * DIMS[1]
batches = [rng.choice(N, B, replace=False).astype(np.int32) for _ in range(args.steps)]

def report(name, per_op, wall, steps):
    total = sum(per_op.values())
    print(f'\n{name}: {steps / wall:.1f} steps/s untraced ({FLOPS * steps / wall / 1e9:.0f} GFLOP/s); traced op time per step {total / steps / 1e3:.1f} ms')
    for op, us in sorted(per_op.items(), key=lambda kv: -kv[1])[:14]:
        print(f'  {op:<44} {us / steps / 1e3:7.2f} ms  {100 * us / total:5.1f} %')

if 'tf' in args.only:
    import tensorflow as tf
    tf1 = tf.compat.v1
    tf1.disable_eager_execution()
    g = tf1.Graph()
    with g.as_default():
        x = tf.constant(X); y = tf.constant(Y)  # the data stay in TensorFlow, as in the native engine
        W = [tf1.placeholder(tf.float32, w.shape) for w in W0]
        idx = tf1.placeholder(tf.int32, [B]); lr_scale = tf1.placeholder(tf.float32, []); lr_power = tf1.placeholder(tf.float32, [])
        xb = tf.gather(x, idx, axis=0); yb = tf.gather(y, idx, axis=0)
        sumsq = tf.add_n([tf.nn.l2_loss(w) for w in W])
        lr = lr_scale * tf.pow(sumsq * 2, lr_power)
        acts = [xb]; z = xb
        for l in range(L):
            z = tf.matmul(acts[l], W[l], transpose_b=True)
            if l < L - 1: acts.append(tf.nn.relu(z))
        r = z - yb; total = tf.nn.l2_loss(r); grad = r * (1 / B) * lr
        nxt = [None] * L
        for l in reversed(range(L)):
            dW = tf.matmul(grad, acts[l], transpose_a=True)
            if l > 0:
                h = tf.matmul(grad, W[l]); grad = tf1.raw_ops.ReluGrad(gradients=h, features=acts[l])
            nxt[l] = W[l] - dW
        out = [tf.stack([total, sumsq, lr])] + nxt
    with tf1.Session(graph=g) as s:
        # The weights are fed every step, as the native engine feeds its variables' handles (here a copy).
        w = [v.copy() for v in W0]
        feed = lambda k: {idx: batches[k], lr_scale: 1e-3, lr_power: -2.0, **dict(zip(W, w))}
        for k in range(5): r_ = s.run(out, feed(k)); w = r_[1:]
        t = time.perf_counter()
        for k in range(args.steps): r_ = s.run(out, feed(k)); w = r_[1:]
        wall = time.perf_counter() - t
        per_op = collections.Counter()
        opts = tf1.RunOptions(trace_level=tf1.RunOptions.FULL_TRACE)
        for k in range(args.steps):
            md = tf1.RunMetadata()
            r_ = s.run(out, feed(k), options=opts, run_metadata=md); w = r_[1:]
            for dev in md.step_stats.dev_stats:
                for n in dev.node_stats:
                    if n.node_name in ('_SOURCE', '_SINK') or '/' in dev.device and 'stream' in dev.device: continue
                    op = n.timeline_label.split('(')[0].split('=')[-1].strip() or n.node_name
                    per_op[op] += n.all_end_rel_micros
        report('TensorFlow 2.21 graph (the native engine\'s ops)', per_op, wall, args.steps)

if 'torch' in args.only:
    import torch
    from torch.profiler import profile, ProfilerActivity
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    Ws = [torch.from_numpy(w.copy()).requires_grad_() for w in W0]
    def step(k):
        i = torch.from_numpy(batches[k]).long()
        a = Xt[i]
        for l in range(L):
            a = a @ Ws[l].T
            if l < L - 1: a = torch.relu(a)
        loss = ((a - Yt[i]) ** 2).sum() / (2 * B)
        for w_ in Ws: w_.grad = None
        loss.backward()
        with torch.no_grad():
            sq = sum((w_ * w_).sum() for w_ in Ws)
            lr = 1e-3 * sq ** -2.0
            for w_ in Ws: w_ -= lr * w_.grad
        return loss.item()
    for k in range(5): step(k)
    t = time.perf_counter()
    for k in range(args.steps): step(k)
    wall = time.perf_counter() - t
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for k in range(args.steps): step(k)
    per_op = collections.Counter()
    for e in prof.key_averages():
        if e.key.startswith('aten::') and e.self_cpu_time_total > 0: per_op[e.key] += e.self_cpu_time_total
    report(f'PyTorch {torch.__version__} eager', per_op, wall, args.steps)
