"""Export trained checkpoints to VARScope's shipped safetensors files, and the parity fixture.

  python3 tools/train/export.py --vae /work/train-runs/vae/ckpt.pt --var /work/train-runs/var/ckpt.pt \
      --out-dir assets/models --parity-dir tests/data/fmnist_parity

Writes fmnist-var-vae.safetensors (VQ-VAE) and fmnist-var.safetensors (transformer): plain
state dicts with the official key names (var.md §5), float32 (lvl_1L int64), and a
`__metadata__` that core/var/var_config.cpp reads (`patch_nums` "1,2,...", `config` JSON)
plus provenance (dataset, class names, steps, seed, metrics).

The parity fixture (expected.safetensors) holds, for the shipped weights: a fixed id
pyramid (two test images encoded by the VQ-VAE), labels, the teacher-forcing input, the
teacher-forced logits, f_hat after the last scale and the decoded image in [-1, 1], all
computed by the PyTorch training modules, so a C++ test can prove it computes the same.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
from train_var import load_vae, split_ids  # noqa: E402
from var_model import VAR  # noqa: E402

DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float16: "F16"}


def write_safetensors(path, tensors, metadata):
    """The safetensors format: u64 little-endian header length, JSON header, raw data."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(path + ".tmp", path)


def load_var(path):
    ck = torch.load(path, map_location="cpu")
    c = ck["config"]
    var = VAR(depth=c["depth"], width=c["width"], heads=c["heads"], vocab=c["vocab"], cvae=c["cvae"],
              num_classes=c["num_classes"], patch_nums=tuple(c["patch_nums"]), cond_drop_rate=0.0)
    var.load_state_dict(ck["model"])
    var.eval()
    return var, ck


def last_csv_row(path, step):
    """The last loss.csv row at or before the checkpoint's step (a run may have gone on)."""
    if not os.path.exists(path):
        return {}
    lines = open(path).read().strip().splitlines()
    rows = [dict(zip(lines[0].split(","), line.split(","))) for line in lines[1:]]
    rows = [r for r in rows if r.get("step", "").isdigit() and int(r["step"]) <= step]
    return rows[-1] if rows else {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vae", required=True)
    ap.add_argument("--var", required=True)
    ap.add_argument("--out-dir", default="assets/models")
    ap.add_argument("--parity-dir", default="")
    a = ap.parse_args()
    torch.set_num_threads(2)
    vae = load_vae(a.vae)
    vae_ck = torch.load(a.vae, map_location="cpu")
    var, var_ck = load_var(a.var)
    pn = list(vae.quantize.patch_nums)
    pn_text = ",".join(str(p) for p in pn)

    # Held-out metrics: reconstruction of 512 test images through the full id pyramid.
    imgs, labels = fmnist.load("test", limit=512)
    with torch.no_grad():
        x = fmnist.to_model_images(imgs)
        ids = vae.quantize.encode_ids(vae.encode_f(x))
        rec = vae.fhat_to_img(vae.quantize.ids_to_fhat(ids, pn[-1]))
        rec_l1 = (rec - x).abs().mean().item()
        var_in = vae.quantize.ids_to_var_input(ids, pn[-1])
        logits = var(torch.from_numpy(labels.copy()), var_in)
        ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                               torch.cat(ids, 1).reshape(-1)).item()
    common_meta = {"dataset": "Fashion-MNIST (28x28 padded to 32x32, grey replicated to RGB, [-1,1])",
                   "class_names": json.dumps(fmnist.CLASS_NAMES), "patch_nums": pn_text,
                   "trainer": "tools/train (VARScope)"}
    vae_meta = dict(common_meta, config=json.dumps(dict(vae.config, image_side=32, beta=0.25, quant_resi=0.5)),
                    steps=vae_ck["step"], seed=0, train_seconds=round(vae_ck["seconds"]),
                    test_recon_l1=round(rec_l1, 5),
                    last_train_row=json.dumps(last_csv_row(os.path.join(os.path.dirname(a.vae), "loss.csv"),
                                                           vae_ck["step"])))
    var_cfg = dict(var.config, attn_l2_norm=True, shared_aln=False, null_class=var.num_classes, image_side=32)
    var_meta = dict(common_meta, config=json.dumps(var_cfg), steps=var_ck["step"], seed=0,
                    train_seconds=round(var_ck["seconds"]), train_images=var_ck.get("images", 0),
                    test_teacher_ce=round(ce, 5),
                    last_train_row=json.dumps(last_csv_row(os.path.join(os.path.dirname(a.var), "loss.csv"),
                                                           var_ck["step"])))
    os.makedirs(a.out_dir, exist_ok=True)
    write_safetensors(os.path.join(a.out_dir, "fmnist-var-vae.safetensors"), vae.state_dict(), vae_meta)
    write_safetensors(os.path.join(a.out_dir, "fmnist-var.safetensors"), var.state_dict(), var_meta)
    print("test recon L1 %.4f, teacher-forced CE %.4f" % (rec_l1, ce))

    if a.parity_dir:
        os.makedirs(a.parity_dir, exist_ok=True)
        sel = [0, 1]
        ids2 = [t[sel] for t in ids]
        lab = torch.tensor([int(labels[0]), var.num_classes])  # one class row, one null-class row
        with torch.no_grad():
            vin = vae.quantize.ids_to_var_input(ids2, pn[-1])
            lg = var(lab, vin)
            fhat = vae.quantize.ids_to_fhat(ids2, pn[-1])
            img = vae.fhat_to_img(fhat)
            enc_f = vae.encode_f(x[sel])
        write_safetensors(os.path.join(a.parity_dir, "expected.safetensors"), {
            "ids_all": torch.cat(ids2, 1), "labels": lab, "input_img": x[sel].contiguous(), "enc_f": enc_f,
            "var_input": vin, "logits": lg, "fhat": fhat, "img": img},
            {"note": "PyTorch outputs of tools/train modules for assets/models/fmnist-var*.safetensors",
             "patch_nums": pn_text})
        print("parity fixture written to", a.parity_dir)


if __name__ == "__main__":
    main()
