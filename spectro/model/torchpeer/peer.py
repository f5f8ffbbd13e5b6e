#!/usr/bin/python3
"""The default SpectroGen-Go model (infrared -> Raman) written again in PyTorch,
for a speed comparison on the same machine: same layers and sizes, same line
rendering (K pseudo-Voigt lines plus anchored lines on 1024 points), same loss
(MSE + 0.5*(1 - Pearson) + 0.1*peak-table term + KL with warm-up), Adam, batch
32. Random inputs of the right shapes: speed, not quality, is measured.

    OMP_NUM_THREADS=2 /usr/bin/python3 spectro/model/torchpeer/peer.py [--threads 2] [--steps 60]

Prints one JSON object: training ms/step and generation spectra/s (batch 64,
the decoder's output from the latent mean; no peak fitting). Not part of CI:
it needs Debian's python3-torch. `make torch-compare` runs it beside Go's
benchmark of the same step.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

N, IN_PEAKS, K, HIDDEN, HIDDEN2, LATENT, BATCH = 1024, 16, 24, 256, 128, 32, 32


def render(c, w, h, eta, n=N):
    """Sum of pseudo-Voigt lines (unit height at the centre) on u in [0, 1]: [B, n]."""
    u = torch.linspace(0, 1, n).view(1, 1, n)
    d = 2 * (u - c.unsqueeze(-1)) / w.unsqueeze(-1)
    d2 = d * d
    lorentz = 1 / (1 + d2)
    gauss = torch.exp(-math.log(2) * d2)
    e = eta.unsqueeze(-1)
    return (h.unsqueeze(-1) * (e * lorentz + (1 - e) * gauss)).sum(1)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc_spectrum = nn.Linear(N, HIDDEN)
        self.enc_peaks = nn.Linear(IN_PEAKS * 5, HIDDEN, bias=False)
        self.enc_norm = nn.LayerNorm(HIDDEN)
        self.enc_hidden2 = nn.Linear(HIDDEN, HIDDEN2)
        self.mu = nn.Linear(HIDDEN2, LATENT)
        self.logvar = nn.Linear(HIDDEN2, LATENT)
        self.dec_hidden1 = nn.Linear(LATENT, HIDDEN2)
        self.dec_hidden2 = nn.Linear(HIDDEN2, HIDDEN)
        self.centers = nn.Linear(HIDDEN, K)
        self.widths = nn.Linear(HIDDEN, K)
        self.heights = nn.Linear(HIDDEN, K)
        self.eta = nn.Linear(HIDDEN, K)
        self.anchor_shift = nn.Linear(HIDDEN, IN_PEAKS)
        self.anchor_heights = nn.Linear(HIDDEN, IN_PEAKS)
        self.anchor_widths = nn.Linear(HIDDEN, IN_PEAKS)
        self.anchor_eta = nn.Linear(HIDDEN, IN_PEAKS)
        self.residual = nn.Linear(HIDDEN, N)
        self.template_gate = nn.Linear(HIDDEN, 1)
        self.register_buffer("template", torch.rand(N))
        p = (torch.arange(K) + 0.5) / K
        self.register_buffer("spread", torch.log(p / (1 - p)))
        self.lo, self.hi = math.log(1 / (N - 1)), math.log(0.15)

    def width(self, layer, h):
        return torch.exp(self.lo + (self.hi - self.lo) * torch.sigmoid(layer(h)))

    def forward(self, src, peaks, anchors, mask, sample=True):
        h = self.enc_spectrum(src) + self.enc_peaks(peaks)
        h = F.dropout(F.silu(self.enc_norm(h)), 0.1, self.training)
        h = F.silu(self.enc_hidden2(h))
        mu, logvar = self.mu(h), self.logvar(h).clamp(-8, 4)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu) if sample else mu
        h = F.silu(self.dec_hidden1(z))
        h = F.silu(self.dec_hidden2(h))
        c = torch.sigmoid(self.centers(h) + self.spread)
        y = render(c, self.width(self.widths, h), torch.sigmoid(self.heights(h) - 2), torch.sigmoid(self.eta(h)))
        ac = anchors + 0.01 * torch.tanh(self.anchor_shift(h))
        y = y + render(ac, self.width(self.anchor_widths, h), torch.sigmoid(self.anchor_heights(h) - 1) * mask,
                       torch.sigmoid(self.anchor_eta(h)))
        y = y + 0.1 * torch.tanh(self.residual(h))
        y = y + torch.sigmoid(self.template_gate(h) - 1) * self.template
        kl = -0.5 * (1 + logvar - mu * mu - logvar.exp()).sum(1)
        return y, torch.cat([c, ac], -1), kl


def pearson(a, b):
    ac, bc = a - a.mean(1, keepdim=True), b - b.mean(1, keepdim=True)
    return (ac * bc).sum(1) / torch.sqrt((ac * ac).sum(1) * (bc * bc).sum(1) + 1e-8)


def loss_fn(y, centers, kl, tgt, tgt_centers, tgt_weights, step):
    rec = ((y - tgt) ** 2).mean(1) + 0.5 * (1 - pearson(y, tgt))
    d2 = (tgt_centers.unsqueeze(-1) - centers.unsqueeze(1)) ** 2
    chamfer = (d2.min(-1).values * tgt_weights).sum(1) / (tgt_weights.sum(1) + 1e-6)
    return (rec + 0.1 * chamfer).mean() + 1e-3 * min(step / 400, 1) * kl.mean()


def batch(b):
    return (torch.rand(b, N), torch.rand(b, IN_PEAKS * 5), torch.rand(b, IN_PEAKS), (torch.rand(b, IN_PEAKS) > 0.3).float(),
            torch.rand(b, N), torch.rand(b, 16), torch.rand(b, 16))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=60)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    m = Model()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    data = [batch(BATCH) for _ in range(8)]
    m.train()
    for step in range(10 + args.steps):
        if step == 10:
            t0 = time.perf_counter()
        src, peaks, anchors, mask, tgt, tc, tw = data[step % len(data)]
        y, centers, kl = m(src, peaks, anchors, mask)
        loss = loss_fn(y, centers, kl, tgt, tc, tw, step)
        opt.zero_grad()
        loss.backward()
        opt.step()
    train_ms = (time.perf_counter() - t0) * 1000 / args.steps
    m.eval()
    src, peaks, anchors, mask, _, _, _ = batch(64)
    with torch.no_grad():
        m(src, peaks, anchors, mask, sample=False)
        t0, reps = time.perf_counter(), 20
        for _ in range(reps):
            m(src, peaks, anchors, mask, sample=False)
        gen = 64 * reps / (time.perf_counter() - t0)
    params = sum(p.numel() for p in m.parameters())
    print(json.dumps({"engine": f"PyTorch {torch.__version__} CPU", "threads": args.threads, "parameters": params,
                      "train_ms_per_step": round(train_ms, 2), "generate_spectra_per_s": round(gen, 1)}))


if __name__ == "__main__":
    main()
