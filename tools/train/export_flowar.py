"""Export the trained KL VAE and FlowAR to VARScope's shipped safetensors files, and the parity fixture.

  python3 tools/train/export_flowar.py --vae /work/train-runs/klvae/ckpt.pt --flowar /work/train-runs/flowar/ckpt.pt \
      --out-dir assets/models --parity-dir tests/data/fmnist_flowar_parity [--png samples.png]

Writes fmnist-flowar-vae.safetensors (MAR/LDM-layout KL VAE, metadata "scale_factor") and
fmnist-flowar.safetensors (AR transformer + Block_v1 flownet, EMA weights, with the `mask`
and `rope.freqs` buffers as in the official state dict): float32, official key names
(flowar.md §2, §8.3), `__metadata__` with kind, scales, config JSON, class names and
provenance (steps, seed, seconds, held-out metrics).

The parity fixture (expected.safetensors) holds inputs and the PyTorch training modules'
outputs for the shipped weights: encoder posterior mean of two test images, a VAE decode of
given tokens, the teacher-forced AR output per scale, one flownet velocity per scale, and a
full CFG sampler run with injected per-scale noise (samples per scale and decoded image).
"""
import argparse
import json
import os
import sys
import zlib
import struct

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
from export import last_csv_row, write_safetensors  # noqa: E402
from flowar_model import load_flowar, time_integer, to_map  # noqa: E402
from kl_vae_model import load_kl_vae  # noqa: E402

# Sampler settings of the parity run and of --png (few steps keep the C++ test fast).
PARITY_STEPS, PARITY_CFG, PARITY_GUIDANCE = 10, 3.0, 0.9


def write_png_grey(path, img_u8):
    """Minimal PNG writer (8-bit greyscale), so no imaging package is needed."""
    h, w = img_u8.shape
    raw = b"".join(b"\x00" + bytes(img_u8[r].tolist()) for r in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@torch.no_grad()
def held_out_flow_loss(model, vae, scale_factor, imgs, labels, seed=123):
    """Teacher-forced flow loss (official token weighting, no label dropout) on test latents."""
    g = torch.Generator().manual_seed(seed)
    mean, logvar = vae.encode(fmnist.to_model_images(imgs))
    latent = vae.sample(mean, logvar, g) * scale_factor
    total, per = model.loss(torch.from_numpy(labels.copy()), latent, g, flow_mul=1, scale_weight="tokens")
    return total.item(), [p.item() for p in per]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vae", required=True)
    ap.add_argument("--flowar", required=True)
    ap.add_argument("--out-dir", default="assets/models")
    ap.add_argument("--parity-dir", default="")
    ap.add_argument("--png", default="", help="also write a grid of samples (rows = classes) to this PNG")
    a = ap.parse_args()
    torch.set_num_threads(1)
    vae, vae_ck = load_kl_vae(a.vae)
    model, fl_ck = load_flowar(a.flowar)
    sf = float(vae_ck["scale_factor"])
    scales_text = ",".join(str(s) for s in model.scales)

    imgs, labels = fmnist.load("test", limit=512)
    with torch.no_grad():
        x = fmnist.to_model_images(imgs)
        mean, _ = vae.encode(x)
        rec_l1 = (vae.decode(mean) - x).abs().mean().item()
    flow_loss, flow_per = held_out_flow_loss(model, vae, sf, imgs, labels)
    common = {"dataset": "Fashion-MNIST (28x28 padded to 32x32, grey replicated to RGB, [-1,1])",
              "class_names": ",".join(fmnist.CLASS_NAMES), "scales": scales_text, "seed": 0,
              "trainer": "tools/train (VARScope)"}
    vae_meta = dict(common, kind="kl_vae", scale_factor="%.6f" % sf,
                    config=json.dumps(dict(vae_ck["config"], image_side=32, kl_weight=vae_ck.get("kl_weight"),
                                           double_z=True, encoder_attn_levels=[len(vae_ck["config"]["ch_mult"]) - 1]
                                           if vae_ck["config"]["attn_last"] else [])),
                    steps=vae_ck["step"], train_seconds=round(vae_ck["seconds"]), test_recon_l1=round(rec_l1, 5),
                    last_train_row=json.dumps(last_csv_row(os.path.join(os.path.dirname(a.vae), "loss.csv"),
                                                           vae_ck["step"])))
    fl_cfg = dict(model.config, null_class=model.num_classes, image_side=32, latent_side=model.full_side,
                  weights="ema", flow_mul=fl_ck.get("flow_mul"), scale_weight=fl_ck.get("scale_weight"),
                  vae_scale_factor=sf)
    fl_meta = dict(common, kind="flowar", config=json.dumps(fl_cfg), steps=fl_ck["step"],
                   train_seconds=round(fl_ck["seconds"]), train_images=fl_ck.get("images", 0),
                   test_flow_loss=round(flow_loss, 5),
                   test_flow_loss_per_scale=",".join("%.5f" % p for p in flow_per),
                   last_train_row=json.dumps(last_csv_row(os.path.join(os.path.dirname(a.flowar), "loss.csv"),
                                                          fl_ck["step"])))
    os.makedirs(a.out_dir, exist_ok=True)
    write_safetensors(os.path.join(a.out_dir, "fmnist-flowar-vae.safetensors"), vae.state_dict(), vae_meta)
    write_safetensors(os.path.join(a.out_dir, "fmnist-flowar.safetensors"), model.state_dict(), fl_meta)
    print("test recon L1 %.4f, test flow loss %.4f (per scale %s), scale_factor %.5f" % (
        rec_l1, flow_loss, " ".join("%.4f" % p for p in flow_per), sf))

    if a.parity_dir:
        write_parity(a.parity_dir, vae, model, sf, x[:2], labels[:2], scales_text)
    if a.png:
        write_samples_png(a.png, vae, model, sf)


@torch.no_grad()
def write_parity(out_dir, vae, model, sf, x2, labels2, scales_text):
    os.makedirs(out_dir, exist_ok=True)
    g = torch.Generator().manual_seed(7)
    mean, _ = vae.encode(x2)
    tokens = mean * sf                                       # (2, 16, n, n) FlowAR tokens
    img = vae.decode(tokens / sf)
    lab = torch.tensor([int(labels2[0]), model.num_classes])  # one class row, one null-class row
    z, gts = model.ar_teacher(lab, tokens)
    _, ins = model.teacher_inputs(tokens)
    t = {"input_img": x2.contiguous(), "posterior_mean": mean, "tokens": tokens, "decoded": img,
         "labels": lab, "ar_z": z}
    for k, s in enumerate(model.scales):
        t["gt_%d" % k] = gts[k].contiguous()
        if k > 0:
            t["ar_input_%d" % k] = ins[k - 1].contiguous()
        # One flownet velocity per scale: x_t from noise at a fixed time, condition z of the scale.
        b = sum(q * q for q in model.scales[:k])
        z_k = z[:, b:b + s * s].contiguous()
        tt = torch.tensor(0.4375 + 0.1 * k)
        x_t = (1 - tt) * gts[k] + tt * torch.randn(gts[k].shape, generator=g)
        t_int = time_integer(tt).expand(2, s * s)
        t["flow_x_%d" % k] = x_t.contiguous()
        t["flow_t_%d" % k] = time_integer(tt).long().reshape(1)
        t["flow_v_%d" % k] = model.flow_velocity(x_t, t_int, z_k, [s]).contiguous()
    # Full sampler run with injected noise and CFG.
    slab = torch.tensor([int(labels2[0]), 7])
    noises = [torch.randn(2, s * s, 16, generator=g) for s in model.scales]
    samples, conds = model.sample(slab, num_steps=PARITY_STEPS, cfg=PARITY_CFG, guidance=PARITY_GUIDANCE,
                                  noises=noises)
    t["sample_labels"] = slab
    for k in range(len(model.scales)):
        t["sample_noise_%d" % k] = noises[k]
        t["sample_%d" % k] = samples[k]
        t["sample_cond_%d" % k] = conds[k].contiguous()
    t["sample_image"] = vae.decode(to_map(samples[-1], model.full_side) / sf)
    meta = {"note": "PyTorch outputs of tools/train modules for assets/models/fmnist-flowar*.safetensors",
            "scales": scales_text, "num_steps": PARITY_STEPS, "cfg": PARITY_CFG, "guidance": PARITY_GUIDANCE,
            "flow_note": "flow_t_k is the integer time; flow_v_k = flownet(flow_x_k, flow_t_k, ar_z of scale k)"}
    write_safetensors(os.path.join(out_dir, "expected.safetensors"), t, meta)
    print("parity fixture written to", out_dir)


@torch.no_grad()
def write_samples_png(path, vae, model, sf, per_class=8, num_steps=25, cfg=3.0):
    g = torch.Generator().manual_seed(1)
    rows = []
    for c in range(model.num_classes):
        samples, _ = model.sample(torch.full((per_class,), c), num_steps=num_steps, cfg=cfg, generator=g)
        img = vae.decode(to_map(samples[-1], model.full_side) / sf)
        rows.append(torch.cat(list(((img.mean(1) + 1) / 2).clamp(0, 1)), 1))   # (32, 32 * per_class)
    grid = (torch.cat(rows, 0) * 255).round().to(torch.uint8).numpy()
    write_png_grey(path, grid)
    print("samples written to", path)


if __name__ == "__main__":
    main()
