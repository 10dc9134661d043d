"""Train the class-conditional VAR transformer on Fashion-MNIST token pyramids (README.md).

  python3 tools/train/train_var.py --vae /work/train-runs/vae/ckpt.pt --out /work/train-runs/var --minutes 15
  python3 tools/train/train_var.py --smoke --vae <vae ckpt> --out /tmp/var-smoke

The frozen VQ-VAE encodes the first --images training images into id pyramids once
(cached in <out>/tokens.pt). Training is teacher forcing (var.md §3.6): cross-entropy
over all L tokens, label dropout 0.1 to the null class (for CFG), AdamW betas (0.9, 0.95)
with a short linear warm-up. Resumes from <out>/ckpt.pt; writes <out>/loss.csv.
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import fmnist  # noqa: E402
from var_model import VAR  # noqa: E402
from vqvae_model import VQVAE  # noqa: E402


def load_vae(path):
    ck = torch.load(path, map_location="cpu")
    cfg = ck["config"]
    vae = VQVAE(ch=cfg["ch"], ch_mult=tuple(cfg["ch_mult"]), num_res_blocks=cfg["num_res_blocks"], z=cfg["z"],
                vocab=cfg["vocab"], patch_nums=tuple(cfg["patch_nums"]), n_phi=cfg["n_phi"])
    vae.load_state_dict(ck["model"])
    vae.eval()
    for p in vae.parameters():
        p.requires_grad_(False)
    return vae


@torch.no_grad()
def encode_dataset(vae, imgs_u8, batch=256):
    out = []
    for i in range(0, len(imgs_u8), batch):
        x = fmnist.to_model_images(imgs_u8[i:i + batch])
        out.append(torch.cat(vae.quantize.encode_ids(vae.encode_f(x)), 1))
    return torch.cat(out, 0)  # (N, L) int64, scales concatenated


def split_ids(ids_NL, patch_nums):
    parts, b = [], 0
    for p in patch_nums:
        parts.append(ids_NL[:, b:b + p * p])
        b += p * p
    return parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vae", required=True, help="train_vae.py checkpoint (ckpt.pt)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=15.0)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--images", type=int, default=12000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save-every", type=float, default=120.0)
    ap.add_argument("--smoke", action="store_true", help="4 steps on 256 images")
    a = ap.parse_args()
    if a.smoke:
        a.steps, a.images, a.batch, a.minutes = 4, 256, 16, 5.0
    os.makedirs(a.out, exist_ok=True)
    common.setup(a.seed)

    vae = load_vae(a.vae)
    pn = tuple(vae.quantize.patch_nums)
    tok_path = os.path.join(a.out, "tokens.pt")
    if os.path.exists(tok_path) and not a.smoke:
        cache = torch.load(tok_path)
        ids, labels = cache["ids"], cache["labels"]
    else:
        imgs, labels_np = fmnist.load("train", limit=a.images)
        ids = encode_dataset(vae, imgs)
        labels = torch.from_numpy(labels_np.copy())
        torch.save({"ids": ids, "labels": labels}, tok_path)
    print("token pyramids:", tuple(ids.shape), flush=True)

    model = VAR(depth=a.depth, width=a.width, heads=a.width // 64, vocab=vae.quantize.vocab,
                cvae=vae.quantize.z, num_classes=10, patch_nums=pn)
    model.init_weights()
    opt = common.transformer_adamw(model, a.lr, 0.05)
    ckpt_path = os.path.join(a.out, "ckpt.pt")
    gen = torch.Generator().manual_seed(a.seed)
    step, seconds = 0, 0.0
    ck = common.load_checkpoint(ckpt_path) if not a.smoke else None
    if ck:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, seconds = ck["step"], ck["seconds"]
        gen.set_state(ck["gen"])
        print("resumed at step", step, flush=True)
    log = common.CsvLog(os.path.join(a.out, "loss.csv"), ["step", "seconds", "lr", "loss", "acc", "loss_last_scale"])
    n_side = pn[-1]
    last_begin = model.L - pn[-1] ** 2
    timer = common.Timer()
    last_save = 0.0
    model.train()

    def save():
        common.save_checkpoint(ckpt_path, model=model.state_dict(), opt=opt.state_dict(), step=step,
                               seconds=seconds + timer.elapsed(), gen=gen.get_state(), config=model.config,
                               vae_path=os.path.abspath(a.vae), images=int(ids.shape[0]))

    while True:
        if (a.steps and step >= a.steps) or seconds + timer.elapsed() > a.minutes * 60:
            break
        pick = torch.randint(0, ids.shape[0], (a.batch,), generator=gen)
        ids_b, lab_b = ids[pick], labels[pick]
        with torch.no_grad():
            var_in = vae.quantize.ids_to_var_input(split_ids(ids_b, pn), n_side)
        lr = a.lr * min(1.0, (step + 1) / 100)
        for g in opt.param_groups:
            g["lr"] = lr
        logits = model(lab_b, var_in, drop_generator=gen)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids_b.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        step += 1
        if step % 10 == 0 or a.smoke:
            with torch.no_grad():
                acc = (logits.argmax(-1) == ids_b).float().mean().item()
                last = F.cross_entropy(logits[:, last_begin:].reshape(-1, logits.shape[-1]),
                                       ids_b[:, last_begin:].reshape(-1)).item()
            log.write(step=step, seconds=round(seconds + timer.elapsed(), 1), lr=lr, loss=round(loss.item(), 5),
                      acc=round(acc, 5), loss_last_scale=round(last, 5))
            if step % 50 == 0:
                print("step %d  %.0fs  loss %.4f acc %.3f last-scale %.4f" % (
                    step, seconds + timer.elapsed(), loss.item(), acc, last), flush=True)
        if timer.elapsed() - last_save > a.save_every:
            last_save = timer.elapsed()
            save()
    save()
    print("done: step %d, %.0f s" % (step, seconds + timer.elapsed()), flush=True)


if __name__ == "__main__":
    main()
