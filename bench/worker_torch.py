"""PyTorch CPU side of `npm run bench` (bench/run.mjs): the same step as the
saddlelab workers (bias-free ReLU MLP, Z_l = W_l relu(Z_{l-1}), MSE
C = ||Y - Y*||^2 / (2m), plain gradient descent on the full batch or, with
`batch` in the config, on mini-batches of that size drawn as epochs of a
random permutation; loss read back every step, as a training loop that
records the loss does). Eager PyTorch, as a user writes it. JSON lines on
stdin/stdout. `device` in the set-up ("cuda" for scripts/gpu-check.mjs) puts the
data and weights there, float32 with TF32 off, so it compares with WebGPU's float32.
"""
import json
import math
import sys
import time

import torch


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def reset_peak():
    # Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so each config gets its own peak.
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class Net:
    def __init__(self, cfg, lr, device="cpu"):
        g = torch.Generator().manual_seed(0)
        dims = [cfg["dIn"]] + [cfg["width"]] * (cfg["depth"] - 1) + [cfg["dOut"]]
        self.x = torch.randn(cfg["n"], cfg["dIn"], generator=g)
        self.y = torch.randn(cfg["n"], cfg["dOut"], generator=g)
        self.x, self.y = self.x.to(device), self.y.to(device)
        self.ws = [
            (torch.randn(dims[i + 1], dims[i], generator=g) / math.sqrt(dims[i])).to(device).requires_grad_()
            for i in range(len(dims) - 1)
        ]
        self.device = device
        self.lr = lr
        self.n = cfg["n"]
        self.batch = cfg.get("batch")
        self.order = None
        self.cursor = 0

    def next_batch(self):
        if self.order is None or self.cursor + self.batch > self.n:
            self.order = torch.randperm(self.n, device=self.device)
            self.cursor = 0
        idx = self.order[self.cursor:self.cursor + self.batch]
        self.cursor += self.batch
        return self.x[idx], self.y[idx]

    def step(self):
        x, y = self.next_batch() if self.batch else (self.x, self.y)
        z = x @ self.ws[0].T
        for w in self.ws[1:]:
            z = torch.relu(z) @ w.T
        loss = (z - y).square().sum() / (2 * x.shape[0])
        loss.backward()
        with torch.no_grad():
            for w in self.ws:
                w -= self.lr * w.grad
                w.grad = None
        return loss.item()


def main():
    net = None
    for line in sys.stdin:
        msg = json.loads(line)
        op = msg["op"]
        if op == "setup":
            reset_peak()
            device = msg.get("device", "cpu")
            if device == "cuda":
                torch.backends.cuda.matmul.allow_tf32 = False
                torch.backends.cudnn.allow_tf32 = False
            net = Net(msg["config"], msg["lr"], device)
            where = torch.cuda.get_device_name(0) if device == "cuda" else f"{torch.get_num_threads()} threads"
            out = {"ok": True, "backend": f"torch {torch.__version__} ({device}: {where})"}
        elif op == "run":
            steps = 0
            t0 = time.perf_counter()
            c0 = time.process_time()
            while True:
                loss = net.step()
                steps += 1
                dt = time.perf_counter() - t0
                if steps >= msg["minSteps"] and dt >= msg["minSeconds"]:
                    break
            out = {"ok": True, "steps": steps, "seconds": dt, "cpuSeconds": time.process_time() - c0, "loss": loss}
        elif op == "peak":
            out = {"ok": True, "peakRssKb": peak_rss_kb()}
        elif op == "quit":
            break
        else:
            out = {"ok": False, "error": f"unknown op {op}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
