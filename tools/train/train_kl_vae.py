"""Train the LDM-layout KL autoencoder (FlowAR's tokenizer) on Fashion-MNIST (README.md).

  python3 tools/train/train_kl_vae.py --out /work/train-runs/klvae --minutes 11
  python3 tools/train/train_kl_vae.py --smoke --out /tmp/klvae-smoke     # a few steps, for ctest

Loss: L1 + MSE reconstruction of a posterior sample plus --kl times the mean KL per latent
element (flowar.md §2: MAR trains FlowAR on posterior samples, so the decoder must accept
them). At the end the scale factor 1 / std(posterior samples) over training images is
stored in the checkpoint; it plays the role of MAR's 0.2325. Resumes from <out>/ckpt.pt;
writes <out>/loss.csv.
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import fmnist  # noqa: E402
from kl_vae_model import KLVAE  # noqa: E402


@torch.no_grad()
def latent_scale_factor(vae, data, generator, count=4096, batch=256):
    """1 / std of posterior-sampled latents over `count` images (all channels pooled)."""
    was_training = vae.training
    vae.eval()
    s1, s2, n = 0.0, 0.0, 0
    for i in range(0, min(count, data.shape[0]), batch):
        mean, logvar = vae.encode(data[i:i + batch])
        z = vae.sample(mean, logvar, generator).double()
        s1, s2, n = s1 + z.sum().item(), s2 + z.pow(2).sum().item(), n + z.numel()
    vae.train(was_training)
    var = s2 / n - (s1 / n) ** 2
    return 1.0 / max(var, 1e-12) ** 0.5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=11.0, help="wall-clock budget")
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (0 = no limit)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--kl", type=float, default=1e-3, help="weight of the mean KL per latent element")
    ap.add_argument("--ch", type=int, default=32)
    ap.add_argument("--ch-mult", default="1,1,2,2", help="per-level width multipliers; side / 2^(levels-1) = latent side")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; on shared, oversubscribed cores 2 threads measured 30x slower than 1")
    ap.add_argument("--save-every", type=float, default=120.0, help="seconds between checkpoints")
    ap.add_argument("--smoke", action="store_true", help="4 steps on 256 images")
    a = ap.parse_args()
    if a.smoke:
        a.steps, a.limit, a.batch, a.minutes = 4, 256, 16, 5.0
    os.makedirs(a.out, exist_ok=True)
    common.setup(a.seed, threads=a.threads)

    imgs, _ = fmnist.load("train", limit=a.limit or None)
    data = fmnist.to_model_images(imgs)
    model = KLVAE(ch=a.ch, ch_mult=tuple(int(m) for m in a.ch_mult.split(",")))
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
        print("resumed at step", step, flush=True)
    log = common.CsvLog(os.path.join(a.out, "loss.csv"), ["step", "seconds", "lr", "l1", "mse", "kl"])
    timer = common.Timer()
    last_save = 0.0

    def save(scale_factor=None):
        common.save_checkpoint(ckpt_path, model=model.state_dict(), opt=opt.state_dict(), step=step,
                               seconds=seconds + timer.elapsed(), gen=gen.get_state(), config=model.config,
                               kl_weight=a.kl, scale_factor=scale_factor)

    budget = a.minutes * 60
    while True:
        elapsed = seconds + timer.elapsed()
        if (a.steps and step >= a.steps) or elapsed > budget:
            break
        # Short warm-up, then a cosine decay over the wall-clock budget to lr / 10.
        frac = min(1.0, elapsed / budget)
        lr = a.lr * min(1.0, (step + 1) / 50) * (0.55 + 0.45 * torch.cos(torch.tensor(frac * 3.14159265)).item())
        for g in opt.param_groups:
            g["lr"] = lr
        x = data[torch.randint(0, data.shape[0], (a.batch,), generator=gen)]
        rec, kl = model(x, gen)
        l1 = (rec - x).abs().mean()
        mse = F.mse_loss(rec, x)
        loss = l1 + mse + a.kl * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 10 == 0 or a.smoke:
            log.write(step=step, seconds=round(seconds + timer.elapsed(), 1), lr=round(lr, 6),
                      l1=round(l1.item(), 5), mse=round(mse.item(), 5), kl=round(kl.item(), 5))
        if step % 100 == 0:
            print("step %d  %.0fs  l1 %.4f mse %.4f kl %.4f" % (
                step, seconds + timer.elapsed(), l1.item(), mse.item(), kl.item()), flush=True)
        if timer.elapsed() - last_save > a.save_every:
            last_save = timer.elapsed()
            save()
    sf = latent_scale_factor(model, data, torch.Generator().manual_seed(a.seed + 1))
    save(scale_factor=sf)
    print("done: step %d, %.0f s, scale_factor %.5f" % (step, seconds + timer.elapsed(), sf), flush=True)


if __name__ == "__main__":
    main()
