"""Train the VAR-layout multi-scale VQ-VAE on Fashion-MNIST (see README.md).

  python3 tools/train/train_vae.py --out /work/train-runs/vae --minutes 12
  python3 tools/train/train_vae.py --smoke --out /tmp/vae-smoke     # a few steps, for ctest

Loss: L1 + MSE reconstruction plus the VQ loss of var.md §2.5 (beta 0.25, mean over
scales, straight-through f_hat). Dead codes are re-seeded from current encoder features
every 100 steps so a short run still uses most of the codebook. Resumes from
<out>/ckpt.pt; writes <out>/loss.csv.
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import fmnist  # noqa: E402
from vqvae_model import VQVAE  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=12.0, help="wall-clock budget")
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (0 = no limit)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save-every", type=float, default=120.0, help="seconds between checkpoints")
    ap.add_argument("--smoke", action="store_true", help="4 steps on 256 images")
    a = ap.parse_args()
    if a.smoke:
        a.steps, a.limit, a.batch, a.minutes = 4, 256, 16, 5.0
    os.makedirs(a.out, exist_ok=True)
    common.setup(a.seed)

    imgs, _ = fmnist.load("train", limit=a.limit or None)
    data = fmnist.to_model_images(imgs)
    model = VQVAE()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.95))
    ckpt_path = os.path.join(a.out, "ckpt.pt")
    step, seconds = 0, 0.0
    gen = torch.Generator().manual_seed(a.seed)
    ck = common.load_checkpoint(ckpt_path)
    if ck:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, seconds = ck["step"], ck["seconds"]
        gen.set_state(ck["gen"])
        torch.set_rng_state(ck["torch_rng"])
        print("resumed at step", step, flush=True)
    log = common.CsvLog(os.path.join(a.out, "loss.csv"),
                        ["step", "seconds", "l1", "mse", "vq", "codes_used", "restarted"])
    q = model.quantize
    hits = torch.zeros(q.vocab)
    timer = common.Timer()
    last_save = 0.0
    seeded = step > 0
    while True:
        elapsed = seconds + timer.elapsed()
        if (a.steps and step >= a.steps) or elapsed > a.minutes * 60:
            break
        idx = torch.randint(0, data.shape[0], (a.batch,), generator=gen)
        x = data[idx]
        if not seeded:  # start the codebook on real feature vectors (first step only)
            with torch.no_grad():
                f = model.encode_f(x).permute(0, 2, 3, 1).reshape(-1, q.z)
                q.embedding.weight.copy_(f[torch.randint(0, f.shape[0], (q.vocab,), generator=gen)])
            seeded = True
        rec, vq, ids = model(x)
        l1 = (rec - x).abs().mean()
        mse = F.mse_loss(rec, x)
        loss = l1 + mse + vq
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        for t in ids:
            hits += torch.bincount(t.flatten(), minlength=q.vocab).float()
        restarted = 0
        if step % 100 == 0:
            dead = (hits == 0).nonzero().flatten()
            restarted = int(dead.numel())
            if restarted:
                with torch.no_grad():
                    f = model.encode_f(x).permute(0, 2, 3, 1).reshape(-1, q.z)
                    pick = torch.randint(0, f.shape[0], (restarted,), generator=gen)
                    q.embedding.weight[dead] = f[pick] + 0.01 * torch.randn(restarted, q.z, generator=gen)
        if step % 10 == 0 or a.smoke or restarted:
            log.write(step=step, seconds=round(seconds + timer.elapsed(), 1), l1=round(l1.item(), 5),
                      mse=round(mse.item(), 5), vq=round(vq.item(), 5), codes_used=int((hits > 0).sum()),
                      restarted=restarted)
        if step % 100 == 0:
            print("step %d  %.0fs  l1 %.4f mse %.4f vq %.4f codes %d restarted %d" % (
                step, seconds + timer.elapsed(), l1.item(), mse.item(), vq.item(), int((hits > 0).sum()),
                restarted), flush=True)
            hits.zero_()
        if timer.elapsed() - last_save > a.save_every:
            last_save = timer.elapsed()
            common.save_checkpoint(ckpt_path, model=model.state_dict(), opt=opt.state_dict(), step=step,
                                   seconds=seconds + timer.elapsed(), gen=gen.get_state(),
                                   torch_rng=torch.get_rng_state(), config=model.config)
    common.save_checkpoint(ckpt_path, model=model.state_dict(), opt=opt.state_dict(), step=step,
                           seconds=seconds + timer.elapsed(), gen=gen.get_state(),
                           torch_rng=torch.get_rng_state(), config=model.config)
    print("done: step %d, %.0f s" % (step, seconds + timer.elapsed()), flush=True)


if __name__ == "__main__":
    main()
