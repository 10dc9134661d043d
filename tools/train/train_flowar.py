"""Train the class-conditional FlowAR (AR transformer + Block_v1 flownet) on Fashion-MNIST latents.

  python3 tools/train/train_flowar.py --vae /work/train-runs/klvae/ckpt.pt --out /work/train-runs/flowar --minutes 45
  python3 tools/train/train_flowar.py --smoke --vae <kl vae ckpt> --out /tmp/flowar-smoke

The frozen KL VAE encodes the first --images training images once (posterior mean and
log-variance cached in <out>/latents.pt). Every step draws a posterior sample times the
VAE's scale factor, as MAR/FlowAR train (flowar.md §2), and minimises the per-scale
rectified-flow loss with teacher forcing (§6), label dropout 0.1 to the null class (for
CFG). Each AR forward feeds --flow-mul independent (t, noise) draws to the flownet (MAR's
diffusion batch multiplier), which is cheap compared to the AR pass. AdamW (0.9, 0.95),
wd 0.02 on matrices, warm-up then a cosine decay over the budget, EMA of the weights
(exported). Resumes from <out>/ckpt.pt; writes <out>/loss.csv.
"""
import argparse
import copy
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import fmnist  # noqa: E402
from flowar_model import FlowAR  # noqa: E402
from kl_vae_model import load_kl_vae  # noqa: E402


@torch.no_grad()
def encode_dataset(vae, imgs_u8, batch=256):
    means, logvars = [], []
    for i in range(0, len(imgs_u8), batch):
        m, lv = vae.encode(fmnist.to_model_images(imgs_u8[i:i + batch]))
        means.append(m)
        logvars.append(lv)
    return torch.cat(means), torch.cat(logvars)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vae", required=True, help="train_kl_vae.py checkpoint (ckpt.pt)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=45.0)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--images", type=int, default=40000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--flow-mul", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--enc-depth", type=int, default=2)
    ap.add_argument("--dec-depth", type=int, default=2)
    ap.add_argument("--flow-width", type=int, default=128)
    ap.add_argument("--flow-depth", type=int, default=3)
    ap.add_argument("--scale-weight", default="side", choices=["tokens", "side", "uniform"],
                    help="per-scale loss weight: s²/n² (official), s/n, or 1")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; on shared, oversubscribed cores 2 threads measured 30x slower than 1")
    ap.add_argument("--save-every", type=float, default=120.0)
    ap.add_argument("--smoke", action="store_true", help="4 steps on 256 images")
    a = ap.parse_args()
    if a.smoke:
        a.steps, a.images, a.batch, a.minutes = 4, 256, 16, 5.0
    os.makedirs(a.out, exist_ok=True)
    common.setup(a.seed, threads=a.threads)

    vae, vae_ck = load_kl_vae(a.vae)
    scale_factor = vae_ck.get("scale_factor")
    if not scale_factor:
        sys.exit(a.vae + ": no scale_factor (a checkpoint saved mid-training?); let train_kl_vae.py finish first")
    lat_path = os.path.join(a.out, "latents.pt")
    if os.path.exists(lat_path) and not a.smoke:
        cache = torch.load(lat_path)
    else:
        imgs, labels_np = fmnist.load("train", limit=a.images)
        mean, logvar = encode_dataset(vae, imgs)
        cache = {"mean": mean, "logvar": logvar, "labels": torch.from_numpy(labels_np.copy())}
        torch.save(cache, lat_path)
    mean, std, labels = cache["mean"], torch.exp(0.5 * cache["logvar"]), cache["labels"]
    print("latents:", tuple(mean.shape), "scale_factor %.5f" % scale_factor, flush=True)

    side = mean.shape[-1]
    scales = tuple(2 ** i for i in range(side.bit_length()))  # 1, 2, 4, ..., latent side (§3)
    assert scales[-1] == side, "latent side %d is not a power of two" % side
    model = FlowAR(width=a.width, enc_depth=a.enc_depth, dec_depth=a.dec_depth, flow_width=a.flow_width,
                   flow_depth=a.flow_depth, num_classes=10, scales=scales,
                   tokens_dim=mean.shape[1])
    model.init_weights()
    ema = copy.deepcopy(model.state_dict())
    opt = common.transformer_adamw(model, a.lr, 0.02)
    ckpt_path = os.path.join(a.out, "ckpt.pt")
    gen = torch.Generator().manual_seed(a.seed)
    step, seconds = 0, 0.0
    ck = common.load_checkpoint(ckpt_path) if not a.smoke else None
    if ck:
        model.load_state_dict(ck["model"])
        ema = ck["ema"]
        opt.load_state_dict(ck["opt"])
        step, seconds = ck["step"], ck["seconds"]
        gen.set_state(ck["gen"])
        print("resumed at step", step, flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    print("FlowAR parameters: %d (AR %d, flownet %d)" % (
        n_params, n_params - sum(p.numel() for p in model.flownet.parameters()),
        sum(p.numel() for p in model.flownet.parameters())), flush=True)
    names = ["loss"] + ["loss_s%d" % s for s in model.scales]
    log = common.CsvLog(os.path.join(a.out, "loss.csv"), ["step", "seconds", "lr"] + names)
    timer = common.Timer()
    last_save = 0.0
    budget = a.minutes * 60
    model.train()

    def save():
        common.save_checkpoint(ckpt_path, model=model.state_dict(), ema=ema, opt=opt.state_dict(), step=step,
                               seconds=seconds + timer.elapsed(), gen=gen.get_state(), config=model.config,
                               vae_path=os.path.abspath(a.vae), scale_factor=scale_factor,
                               images=int(mean.shape[0]), flow_mul=a.flow_mul, scale_weight=a.scale_weight)

    while True:
        elapsed = seconds + timer.elapsed()
        if (a.steps and step >= a.steps) or elapsed > budget:
            break
        frac = min(1.0, elapsed / budget)
        lr = a.lr * min(1.0, (step + 1) / 100) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        pick = torch.randint(0, mean.shape[0], (a.batch,), generator=gen)
        noise = torch.randn(mean[pick].shape, generator=gen)
        latent = (mean[pick] + std[pick] * noise) * scale_factor
        loss, per = model.loss(labels[pick], latent, gen, flow_mul=a.flow_mul, scale_weight=a.scale_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        step += 1
        with torch.no_grad():  # EMA warms up (decay grows with the step) so early weights fade fast
            d = min(a.ema, (1 + step) / (10 + step))
            for k, v in model.named_parameters():  # buffers (mask, rope.freqs) stay exact
                ema[k].mul_(d).add_(v.detach(), alpha=1 - d)
        if step % 10 == 0 or a.smoke:
            log.write(step=step, seconds=round(seconds + timer.elapsed(), 1), lr=round(lr, 7),
                      loss=round(loss.item(), 5),
                      **{"loss_s%d" % s: round(p.item(), 5) for s, p in zip(model.scales, per)})
            if step % 50 == 0:
                print("step %d  %.0fs  loss %.4f  per-scale %s" % (
                    step, seconds + timer.elapsed(), loss.item(), " ".join("%.3f" % p.item() for p in per)),
                    flush=True)
        if timer.elapsed() - last_save > a.save_every:
            last_save = timer.elapsed()
            save()
    save()
    print("done: step %d, %.0f s" % (step, seconds + timer.elapsed()), flush=True)


if __name__ == "__main__":
    main()
