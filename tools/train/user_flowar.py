"""varscope-train's FlowAR family: the KL VAE, then FlowAR (AR transformer + Block_v1
flownet), on a user's images; preview samples and the export to official-layout files.

The modules and the losses are those of train_kl_vae.py / train_flowar.py (the shipped
Fashion-MNIST model); the geometry per image side:
  32 px: KL VAE ch_mult (1, 1, 2, 2) -> 4x4 latent, scales 1,2,4 (L = 21)
  64 px: KL VAE ch_mult (1, 1, 2, 2) -> 8x8 latent, scales 1,2,4,8 (L = 85)
"""
import copy
import json
import math
import os

import torch
import torch.nn.functional as F

import common
from export import write_safetensors
from flowar_model import FlowAR, load_flowar, to_map
from kl_vae_model import KLVAE, load_kl_vae
from phase import Phase
from sample_grid import class_rows, write_grid
from train_kl_vae import latent_scale_factor

GEOMETRY = {
    32: dict(ch_mult=(1, 1, 2, 2), vae_batch=32, flowar_batch=64),
    64: dict(ch_mult=(1, 1, 2, 2), vae_batch=16, flowar_batch=32),
}
VAE_LR, VAE_KL, FLOWAR_LR, EMA = 2e-3, 1e-3, 1e-3, 0.999
FLOW_MUL = 2
PREVIEW_STEPS, PREVIEW_CFG = 10, 3.0


def train_tokenizer(run, data, budget_s):
    """KL VAE: L1 + MSE on a posterior sample + 1e-3 x mean KL, warm-up and cosine decay
    to lr / 10 (train_kl_vae.py); at the end the scale factor 1 / std(latents)."""
    geo = GEOMETRY[run.size]
    path = os.path.join(run.work, "tokenizer.pt")
    model = KLVAE(ch_mult=geo["ch_mult"])
    opt = torch.optim.Adam(model.parameters(), lr=VAE_LR, betas=(0.9, 0.95))
    phase = Phase("tokenizer", path, budget_s)
    gen = torch.Generator().manual_seed(run.seed)
    if phase.checkpoint:
        model.load_state_dict(phase.checkpoint["model"])
        opt.load_state_dict(phase.checkpoint["opt"])
        gen.set_state(phase.checkpoint["gen"])
    log = common.CsvLog(os.path.join(run.work, "tokenizer-loss.csv"), ["step", "seconds", "lr", "l1", "mse", "kl"])

    def save(scale_factor=None):
        phase.save(model=model.state_dict(), opt=opt.state_dict(), gen=gen.get_state(), config=model.config,
                   kl_weight=VAE_KL, scale_factor=scale_factor)

    try:
        while phase.running():
            lr = VAE_LR * min(1.0, (phase.step + 1) / 50) * (0.55 + 0.45 * math.cos(math.pi * phase.fraction()))
            for g in opt.param_groups:
                g["lr"] = lr
            x = data[torch.randint(0, data.shape[0], (geo["vae_batch"],), generator=gen)]
            rec, kl = model(x, gen)
            l1, mse = (rec - x).abs().mean(), F.mse_loss(rec, x)
            opt.zero_grad(set_to_none=True)
            (l1 + mse + VAE_KL * kl).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if phase.tick(l1.item(), "kl %.2f" % kl.item()):
                save()
            if phase.step % 10 == 0:
                log.write(step=phase.step, seconds=round(phase.seconds(), 1), lr=round(lr, 6), l1=round(l1.item(), 5),
                          mse=round(mse.item(), 5), kl=round(kl.item(), 5))
    except KeyboardInterrupt:
        save()
        raise
    model.eval()
    sf = latent_scale_factor(model, data, torch.Generator().manual_seed(run.seed + 1))
    save(scale_factor=sf)
    with torch.no_grad():
        x = data[:64]
        rec = model.decode(model.encode(x)[0]).clamp(-1, 1)
        write_grid(os.path.join(run.work, "reconstructions.png"), [x[:8], rec[:8], x[8:16], rec[8:16]])
        l1 = (rec - x).abs().mean().item()
    phase.finish("%d steps in %s s, reconstruction L1 %.4f, scale factor %.4f (rows: image, reconstruction)" % (
        phase.step, round(phase.seconds()), l1, sf))
    return path


@torch.no_grad()
def encode_latents(vae, data, batch=128):
    means, logvars = [], []
    for i in range(0, data.shape[0], batch):
        m, lv = vae.encode(data[i:i + batch])
        means.append(m)
        logvars.append(lv)
    return torch.cat(means), torch.cat(logvars)


@torch.no_grad()
def write_samples(path, model, vae, scale_factor, num_classes, seed=1):
    rows, per_row = class_rows(num_classes)
    g = torch.Generator().manual_seed(seed)
    images = []
    for c in rows:
        samples, _ = model.sample(torch.full((per_row,), c), num_steps=PREVIEW_STEPS, cfg=PREVIEW_CFG, generator=g)
        images.append(vae.decode(to_map(samples[-1], model.full_side) / scale_factor).clamp(-1, 1))
    write_grid(path, images)


def train_transformer(run, data, labels, vae_path, budget_s, on_samples):
    """Per-scale rectified-flow loss with teacher forcing on posterior samples x scale
    factor, `FLOW_MUL` (t, noise) draws per AR pass, label dropout 0.1, AdamW (0.9, 0.95)
    wd 0.02, warm-up and cosine decay, grad clip 2, EMA of the weights (train_flowar.py)."""
    geo = GEOMETRY[run.size]
    vae, vae_ck = load_kl_vae(vae_path)
    scale_factor = float(vae_ck["scale_factor"])
    lat_path = os.path.join(run.work, "latents.pt")
    if os.path.exists(lat_path):
        mean, logvar = torch.load(lat_path)
    else:
        print("encoding %d images into latents ..." % data.shape[0], flush=True)
        mean, logvar = encode_latents(vae, data)
        torch.save((mean, logvar), lat_path)
    std = torch.exp(0.5 * logvar)
    side = mean.shape[-1]
    scales = tuple(2 ** i for i in range(side.bit_length()))  # 1, 2, 4, ..., latent side
    model = FlowAR(width=128, enc_depth=2, dec_depth=2, flow_width=128, flow_depth=3, num_classes=run.num_classes,
                   scales=scales, tokens_dim=mean.shape[1])
    model.init_weights()
    ema = copy.deepcopy(model.state_dict())
    opt = common.transformer_adamw(model, FLOWAR_LR, 0.02)
    path = os.path.join(run.work, "transformer.pt")
    phase = Phase("transformer", path, budget_s)
    gen = torch.Generator().manual_seed(run.seed + 1)
    if phase.checkpoint:
        model.load_state_dict(phase.checkpoint["model"])
        ema = phase.checkpoint["ema"]
        opt.load_state_dict(phase.checkpoint["opt"])
        gen.set_state(phase.checkpoint["gen"])
    log = common.CsvLog(os.path.join(run.work, "transformer-loss.csv"),
                        ["step", "seconds", "lr", "loss"] + ["loss_s%d" % s for s in scales])
    last_sample = phase.timer.elapsed()

    def save():
        phase.save(model=model.state_dict(), ema=ema, opt=opt.state_dict(), gen=gen.get_state(),
                   config=model.config, scale_factor=scale_factor, images=int(mean.shape[0]), flow_mul=FLOW_MUL,
                   scale_weight="side")

    def ema_model():
        m = copy.deepcopy(model)
        m.load_state_dict(ema)
        return m.eval()

    model.train()
    try:
        while phase.running():
            warm = min(1.0, (phase.step + 1) / 100)
            lr = FLOWAR_LR * warm * (0.05 + 0.475 * (1 + math.cos(math.pi * phase.fraction())))
            for g in opt.param_groups:
                g["lr"] = lr
            pick = torch.randint(0, mean.shape[0], (geo["flowar_batch"],), generator=gen)
            latent = (mean[pick] + std[pick] * torch.randn(mean[pick].shape, generator=gen)) * scale_factor
            loss, per = model.loss(labels[pick], latent, gen, flow_mul=FLOW_MUL, scale_weight="side")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            opt.step()
            with torch.no_grad():  # EMA warms up so early weights fade fast (train_flowar.py)
                d = min(EMA, (1 + phase.step) / (10 + phase.step))
                for k, v in model.named_parameters():
                    ema[k].mul_(d).add_(v.detach(), alpha=1 - d)
            due = phase.tick(loss.item())
            if phase.step % 10 == 0:
                log.write(step=phase.step, seconds=round(phase.seconds(), 1), lr=round(lr, 7),
                          loss=round(loss.item(), 5),
                          **{"loss_s%d" % s: round(p.item(), 5) for s, p in zip(scales, per)})
            if due:
                save()
            if phase.timer.elapsed() - last_sample > run.sample_every:
                last_sample = phase.timer.elapsed()
                on_samples(phase.step, lambda p: write_samples(p, ema_model(), vae, scale_factor, run.num_classes))
    finally:
        save()
    phase.finish("%d steps in %s s, flow loss %.4f" % (phase.step, round(phase.seconds()),
                                                        phase.bar.smoothed or float("nan")))
    on_samples(phase.step, lambda p: write_samples(p, ema_model(), vae, scale_factor, run.num_classes))
    return path


def export(run, vae_path, flowar_path, model_path, vae_out_path):
    """MAR/LDM KL VAE layout (metadata kind kl_vae, scale_factor) and the FlowAR layout
    with EMA weights (metadata kind flowar, scales, config, comma-separated class_names),
    as core/flowar reads them (export_flowar.py)."""
    vae, vae_ck = load_kl_vae(vae_path)
    model, fl_ck = load_flowar(flowar_path)
    sf = float(vae_ck["scale_factor"])
    shared = {"dataset": run.dataset_text(), "class_names": ",".join(run.class_names),
              "scales": ",".join(str(s) for s in model.scales), "seed": run.seed,
              "trainer": "varscope-train (tools/train/varscope_train.py)"}
    levels = len(vae_ck["config"]["ch_mult"])
    vae_meta = dict(shared, kind="kl_vae", scale_factor="%.6f" % sf,
                    config=json.dumps(dict(vae_ck["config"], image_side=run.size, kl_weight=VAE_KL, double_z=True,
                                           encoder_attn_levels=[levels - 1] if vae_ck["config"]["attn_last"] else [])),
                    steps=vae_ck["step"], train_seconds=round(vae_ck["seconds"]))
    fl_cfg = dict(model.config, null_class=model.num_classes, image_side=run.size, latent_side=model.full_side,
                  weights="ema", flow_mul=fl_ck.get("flow_mul"), scale_weight=fl_ck.get("scale_weight"),
                  vae_scale_factor=sf)
    fl_meta = dict(shared, kind="flowar", config=json.dumps(fl_cfg), steps=fl_ck["step"],
                   train_seconds=round(fl_ck["seconds"]), train_images=fl_ck.get("images", 0))
    write_safetensors(vae_out_path, vae.state_dict(), vae_meta)
    write_safetensors(model_path, model.state_dict(), fl_meta)
