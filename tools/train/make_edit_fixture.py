"""Writes the zero-shot editing parity fixture (tests/data/fmnist_edit_parity/expected.safetensors).

  /usr/bin/python3 tools/train/make_edit_fixture.py [--out-dir tests/data/fmnist_edit_parity]

A reference run of VAR's official edit rule (the zero-shot edit demo: replace_embedding
after every scale's draw) with the project's PyTorch modules on the shipped
assets/models/fmnist-var*.safetensors: a Fashion-MNIST test image is encoded to its id
pyramid; a box in-painting mask at the last scale keeps everything outside the box; at
each scale the mask is resized bilinearly (align_corners=False) and thresholded > 0.5
(scales of <= 3 tokens keep everything), and the kept positions' embeddings are replaced
by the image's own before f_hat and the next scale's input are computed.

The transformer runs teacher-forced over the whole sequence at each scale (the
block-causal mask makes that equal to the KV-cached loop). The fixture holds, per scale k:
sampled_s<k> (the ids drawn, before replacement), guided_s<k> (the CFG mix of the logits
before top-k/top-p), keep_s<k> (the mask at that scale); and image_ids (1, L), labels,
keep_mask (the last-scale mask), fhat and img (decoded, [-1, 1]). A C++ test injects the
drawn ids and must reproduce the logits, masks, f_hat and image.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
from export import write_safetensors  # noqa: E402
from var_model import VAR  # noqa: E402
from vqvae_model import VQVAE  # noqa: E402

NP_TYPES = {"F32": np.float32, "I64": np.int64, "F16": np.float16}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        arr = np.frombuffer(data[8 + n + b:8 + n + end], dtype=NP_TYPES[e["dtype"]]).reshape(e["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, meta


def load_models(models_dir):
    vae_sd, vae_meta = read_safetensors(os.path.join(models_dir, "fmnist-var-vae.safetensors"))
    var_sd, var_meta = read_safetensors(os.path.join(models_dir, "fmnist-var.safetensors"))
    vc = json.loads(vae_meta["config"])
    vae = VQVAE(ch=vc["ch"], ch_mult=tuple(vc["ch_mult"]), num_res_blocks=vc["num_res_blocks"], z=vc["z"],
                vocab=vc["vocab"], patch_nums=tuple(vc["patch_nums"]), n_phi=vc["n_phi"])
    vae.load_state_dict(vae_sd)
    c = json.loads(var_meta["config"])
    var = VAR(depth=c["depth"], width=c["width"], heads=c["heads"], vocab=c["vocab"], cvae=c["cvae"],
              num_classes=c["num_classes"], patch_nums=tuple(c["patch_nums"]), cond_drop_rate=0.0)
    var.load_state_dict(var_sd)
    return vae.eval(), var.eval()


def box_keep_mask(side, y0, x0, y1, x1, inpainting=True):
    """The demo's get_edit_mask: 1 keeps the image's token, 0 generates."""
    m = torch.zeros(side, side)
    m[round(y0 * side):round(y1 * side), round(x0 * side):round(x1 * side)] = 1
    return 1 - m if inpainting else m


def keep_at(mask, pn):
    keep = F.interpolate(mask[None, None], size=(pn, pn), mode="bilinear", align_corners=False).gt(0.5).int()
    if pn * pn <= 3:
        keep.fill_(1)
    return keep  # (1, 1, pn, pn)


def sample_top_k_top_p(logits, top_k, top_p, rng):
    """The reference's sample_with_top_k_top_p_ (one sample per row)."""
    B, l, V = logits.shape
    logits = logits.clone()
    if top_k > 0:
        k = min(top_k, V)
        drop = logits < logits.topk(k, largest=True, sorted=False, dim=-1)[0].amin(dim=-1, keepdim=True)
        logits.masked_fill_(drop, -torch.inf)
    if top_p > 0:
        sorted_logits, sorted_idx = logits.sort(dim=-1, descending=False)
        remove = sorted_logits.softmax(dim=-1).cumsum_(dim=-1) <= (1 - top_p)
        remove[..., -1:] = False
        logits.masked_fill_(remove.scatter(sorted_idx.ndim - 1, sorted_idx, remove), -torch.inf)
    return torch.multinomial(logits.softmax(dim=-1).view(-1, V), 1, True, generator=rng).view(B, l)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="assets/models")
    ap.add_argument("--out-dir", default="tests/data/fmnist_edit_parity")
    ap.add_argument("--image-index", type=int, default=0)
    ap.add_argument("--cfg", type=float, default=3.0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    vae, var = load_models(a.models)
    pn = list(vae.quantize.patch_nums)
    K, last, Cvae = len(pn), pn[-1], vae.quantize.z
    imgs, labels = fmnist.load("test", limit=a.image_index + 1)
    x = fmnist.to_model_images(imgs[a.image_index:a.image_index + 1])
    box = (0.25, 0.25, 0.75, 0.75)
    mask = box_keep_mask(last, *box)
    lab = torch.tensor([var.num_classes, 7])  # in-painting (null class) and class-conditional editing
    B = lab.shape[0]
    lab2 = torch.cat([lab, torch.full_like(lab, var.num_classes)])
    rng = torch.Generator().manual_seed(1)
    out = {}
    with torch.no_grad():
        image_ids = vae.quantize.encode_ids(vae.encode_f(x))  # per scale (1, pn²)
        emb = vae.quantize.embedding
        f_hat = torch.zeros(B, Cvae, last, last)
        inputs = []
        begin = 0
        L1 = sum(p * p for p in pn) - 1
        for si, p in enumerate(pn):
            n = p * p
            vin = torch.cat(inputs, 1) if inputs else torch.zeros(B, 0, Cvae)
            vin = torch.cat([vin, torch.zeros(B, L1 - vin.shape[1], Cvae)], 1)
            logits = var(lab2, torch.cat([vin, vin]))[:, begin:begin + n]
            t = a.cfg * si / (K - 1)
            guided = (1 + t) * logits[:B] - t * logits[B:]
            ids = sample_top_k_top_p(guided, 900, 0.95, rng)
            h = emb(ids).transpose(1, 2).reshape(B, Cvae, p, p)
            gt = emb(image_ids[si].expand(B, n)).transpose(1, 2).reshape(B, Cvae, p, p)
            keep = keep_at(mask, p)
            h = gt * keep + h * (1 - keep)
            h_full = F.interpolate(h, size=(last, last), mode="bicubic", align_corners=False) if si < K - 1 else h
            f_hat = f_hat + vae.quantize.phi(h_full, si)
            if si < K - 1:
                inputs.append(F.adaptive_avg_pool2d(f_hat, pn[si + 1]).flatten(2).transpose(1, 2))
            out["sampled_s%d" % si] = ids.contiguous()
            out["guided_s%d" % si] = guided.contiguous()
            out["keep_s%d" % si] = keep.reshape(n).long().contiguous()
            begin += n
        img = vae.fhat_to_img(f_hat)
    out.update({"image_ids": torch.cat(image_ids, 1).contiguous(), "labels": lab, "keep_mask": mask.contiguous(),
                "fhat": f_hat.contiguous(), "img": img.contiguous()})
    os.makedirs(a.out_dir, exist_ok=True)
    path = os.path.join(a.out_dir, "expected.safetensors")
    write_safetensors(path, out, {"note": "VAR zero-shot edit reference (tools/train/make_edit_fixture.py)",
                                  "cfg": str(a.cfg), "top_k": "900", "top_p": "0.95",
                                  "box": ",".join(str(v) for v in box), "patch_nums": ",".join(map(str, pn)),
                                  "image": "Fashion-MNIST test image %d (class %d)" % (a.image_index,
                                                                                      int(labels[a.image_index]))})
    kept = sum(int(out["keep_s%d" % k].sum()) for k in range(K))
    print("wrote %s: %d scales, %d kept tokens of %d" % (path, K, kept, sum(p * p for p in pn)))


if __name__ == "__main__":
    main()
