"""varscope-train's VAR family: the multi-scale VQ-VAE, then the class-conditional VAR
transformer, on a user's images; a preview sampler and the export to official-layout files.

The modules and the losses are those of train_vae.py / train_var.py (the shipped
Fashion-MNIST model); only the data, the geometry per image side and the time budget differ:
  32 px: VQ-VAE ch_mult (1, 1, 2) -> 8x8 latent, patch_nums 1,2,3,4,5,6,8 (L = 155)
  64 px: VQ-VAE ch_mult (1, 1, 2) -> 16x16 latent, patch_nums 1,2,3,4,5,6,8,10,13,16 (L = 680,
         the official 256 px schedule, whose phi table the C++ core knows)
"""
import json
import math
import os

import torch
import torch.nn.functional as F

import common
from export import write_safetensors
from phase import Phase
from sample_grid import class_rows, write_grid
from train_var import load_vae, split_ids
from var_model import VAR
from vqvae_model import VQVAE

GEOMETRY = {
    32: dict(ch_mult=(1, 1, 2), patch_nums=(1, 2, 3, 4, 5, 6, 8), vae_batch=32, var_batch=32),
    64: dict(ch_mult=(1, 1, 2), patch_nums=(1, 2, 3, 4, 5, 6, 8, 10, 13, 16), vae_batch=16, var_batch=16),
}
VAE_LR, VAR_LR = 1e-3, 1e-3
VAR_DEPTH, VAR_WIDTH = 4, 128
PREVIEW_CFG = 3.0


def train_tokenizer(run, data, budget_s):
    """VQ-VAE: L1 + MSE + VQ loss (beta 0.25), codebook seeded from features, dead codes
    re-seeded every 100 steps (train_vae.py). Returns the checkpoint path."""
    geo = GEOMETRY[run.size]
    path = os.path.join(run.work, "tokenizer.pt")
    model = VQVAE(ch_mult=geo["ch_mult"], patch_nums=geo["patch_nums"])
    opt = torch.optim.Adam(model.parameters(), lr=VAE_LR, betas=(0.9, 0.95))
    phase = Phase("tokenizer", path, budget_s)
    gen = torch.Generator().manual_seed(run.seed)
    if phase.checkpoint:
        model.load_state_dict(phase.checkpoint["model"])
        opt.load_state_dict(phase.checkpoint["opt"])
        gen.set_state(phase.checkpoint["gen"])
    log = common.CsvLog(os.path.join(run.work, "tokenizer-loss.csv"),
                        ["step", "seconds", "l1", "mse", "vq", "codes_used"])
    q = model.quantize
    hits = torch.zeros(q.vocab)

    def save():
        phase.save(model=model.state_dict(), opt=opt.state_dict(), gen=gen.get_state(), config=model.config)

    try:
        while phase.running():
            x = data[torch.randint(0, data.shape[0], (geo["vae_batch"],), generator=gen)]
            if phase.step == 0:  # start the codebook on real feature vectors
                with torch.no_grad():
                    f = model.encode_f(x).permute(0, 2, 3, 1).reshape(-1, q.z)
                    q.embedding.weight.copy_(f[torch.randint(0, f.shape[0], (q.vocab,), generator=gen)])
            rec, vq, ids = model(x)
            l1, mse = (rec - x).abs().mean(), F.mse_loss(rec, x)
            opt.zero_grad(set_to_none=True)
            (l1 + mse + vq).backward()
            opt.step()
            for t in ids:
                hits += torch.bincount(t.flatten(), minlength=q.vocab).float()
            due = phase.tick(l1.item(), "codes %d" % int((hits > 0).sum()))
            if phase.step % 100 == 0:
                dead = (hits == 0).nonzero().flatten()
                if dead.numel():
                    with torch.no_grad():
                        f = model.encode_f(x).permute(0, 2, 3, 1).reshape(-1, q.z)
                        pick = torch.randint(0, f.shape[0], (dead.numel(),), generator=gen)
                        q.embedding.weight[dead] = f[pick] + 0.01 * torch.randn(dead.numel(), q.z, generator=gen)
                hits.zero_()
            if phase.step % 10 == 0:
                log.write(step=phase.step, seconds=round(phase.seconds(), 1), l1=round(l1.item(), 5),
                          mse=round(mse.item(), 5), vq=round(vq.item(), 5), codes_used=int((hits > 0).sum()))
            if due:
                save()
    finally:
        save()
    with torch.no_grad():
        model.eval()
        x = data[:64]
        rec = model.fhat_to_img(q.ids_to_fhat(q.encode_ids(model.encode_f(x)), q.patch_nums[-1]))
        write_grid(os.path.join(run.work, "reconstructions.png"), [x[:8], rec[:8], x[8:16], rec[8:16]])
        l1 = (rec - x).abs().mean().item()
    phase.finish("%d steps in %s s, reconstruction L1 %.4f (rows: image, reconstruction)" % (
        phase.step, round(phase.seconds()), l1))
    return path


@torch.no_grad()
def encode_ids(vae, data, batch=128):
    out = []
    for i in range(0, data.shape[0], batch):
        out.append(torch.cat(vae.quantize.encode_ids(vae.encode_f(data[i:i + batch])), 1))
    return torch.cat(out, 0)  # (N, L) int64, scales concatenated


def prefix_logits(var, labels, var_input, n):
    """VAR's forward over the first n tokens only (the block-causal mask makes them
    independent of the rest): logits (B, n, V)."""
    cond = var.class_emb(labels)
    x = torch.cat([(cond + var.pos_start[:, 0]).unsqueeze(1), var.word_embed(var_input[:, :n - 1])], 1)
    x = x + var.pos_1LC[:, :n] + var.lvl_embed(var.lvl_1L[:, :n])
    mask = var.attn_bias_for_masking[:, :, :n, :n]
    for b in var.blocks:
        x = b(x, cond, mask)
    return var.head(var.head_nm(x, cond))


@torch.no_grad()
def sample(var, vae, labels, cfg=PREVIEW_CFG, generator=None):
    """VAR's sampler (var.md §4), recomputing the prefix up to the scale being drawn at
    every scale (no KV cache; later scales are not needed yet). CFG ratio ramps with the
    scale as in the official code; no top-k (the vocabulary is small)."""
    was_training = var.training
    var.eval()
    pn, B = var.patch_nums, labels.shape[0]
    ids = [torch.zeros(B, p * p, dtype=torch.long) for p in pn]
    both = torch.cat([labels, torch.full_like(labels, var.num_classes)])
    begin = 0
    for k, p in enumerate(pn):
        vin = vae.quantize.ids_to_var_input(ids, pn[-1])
        logits = prefix_logits(var, both, vin.repeat(2, 1, 1), begin + p * p)[:, begin:]
        t = cfg * k / max(1, len(pn) - 1)
        guided = (1 + t) * logits[:B] - t * logits[B:]
        ids[k] = torch.multinomial(guided.softmax(-1).reshape(-1, guided.shape[-1]), 1,
                                   generator=generator).view(B, p * p)
        begin += p * p
    var.train(was_training)
    return vae.fhat_to_img(vae.quantize.ids_to_fhat(ids, pn[-1]))


def write_samples(path, var, vae, num_classes, seed=1):
    rows, per_row = class_rows(num_classes)
    g = torch.Generator().manual_seed(seed)
    write_grid(path, [sample(var, vae, torch.full((per_row,), c), generator=g) for c in rows])


def train_transformer(run, data, labels, vae_path, budget_s, on_samples):
    """Teacher forcing with cross-entropy over all L tokens, label dropout 0.1 to the null
    class, AdamW (0.9, 0.95) wd 0.05, warm-up then cosine decay to lr / 10 over the budget,
    grad clip 2 (train_var.py). Every `run.sample_every` seconds a sample grid."""
    geo = GEOMETRY[run.size]
    vae = load_vae(vae_path)
    pn = tuple(vae.quantize.patch_nums)
    tok_path = os.path.join(run.work, "tokens.pt")
    if os.path.exists(tok_path):
        ids = torch.load(tok_path)
    else:
        print("encoding %d images into token pyramids ..." % data.shape[0], flush=True)
        ids = encode_ids(vae, data)
        torch.save(ids, tok_path)
    model = VAR(depth=VAR_DEPTH, width=VAR_WIDTH, heads=VAR_WIDTH // 64, vocab=vae.quantize.vocab,
                cvae=vae.quantize.z, num_classes=run.num_classes, patch_nums=pn)
    model.init_weights()
    opt = common.transformer_adamw(model, VAR_LR, 0.05)
    path = os.path.join(run.work, "transformer.pt")
    phase = Phase("transformer", path, budget_s)
    gen = torch.Generator().manual_seed(run.seed + 1)
    if phase.checkpoint:
        model.load_state_dict(phase.checkpoint["model"])
        opt.load_state_dict(phase.checkpoint["opt"])
        gen.set_state(phase.checkpoint["gen"])
    log = common.CsvLog(os.path.join(run.work, "transformer-loss.csv"), ["step", "seconds", "lr", "loss", "acc"])
    last_sample = phase.timer.elapsed()

    def save():
        phase.save(model=model.state_dict(), opt=opt.state_dict(), gen=gen.get_state(), config=model.config,
                   images=int(ids.shape[0]))

    model.train()
    try:
        while phase.running():
            lr = VAR_LR * min(1.0, (phase.step + 1) / 100) * (0.55 + 0.45 * math.cos(math.pi * phase.fraction()))
            for grp in opt.param_groups:
                grp["lr"] = lr
            pick = torch.randint(0, ids.shape[0], (geo["var_batch"],), generator=gen)
            ids_b = ids[pick]
            with torch.no_grad():
                var_in = vae.quantize.ids_to_var_input(split_ids(ids_b, pn), pn[-1])
            logits = model(labels[pick], var_in, drop_generator=gen)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids_b.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            opt.step()
            acc = (logits.argmax(-1) == ids_b).float().mean().item()
            due = phase.tick(loss.item(), "token acc %.2f" % acc)
            if phase.step % 10 == 0:
                log.write(step=phase.step, seconds=round(phase.seconds(), 1), lr=round(lr, 7),
                          loss=round(loss.item(), 5), acc=round(acc, 4))
            if due:
                save()
            if phase.timer.elapsed() - last_sample > run.sample_every:
                last_sample = phase.timer.elapsed()
                on_samples(phase.step, lambda p: write_samples(p, model, vae, run.num_classes))
    finally:
        save()
    phase.finish("%d steps in %s s, cross-entropy %.4f" % (phase.step, round(phase.seconds()), phase.bar.smoothed
                                                            or float("nan")))
    on_samples(phase.step, lambda p: write_samples(p, model, vae, run.num_classes))
    return path


def export(run, vae_path, var_path, model_path, vae_out_path):
    """Official VAR layouts (var.md §5) with the metadata core/var reads: `patch_nums`, a
    `config` JSON, `class_names` (a JSON list), provenance."""
    vae = load_vae(vae_path)
    vae_ck, var_ck = torch.load(vae_path, map_location="cpu"), torch.load(var_path, map_location="cpu")
    c = var_ck["config"]
    var = VAR(depth=c["depth"], width=c["width"], heads=c["heads"], vocab=c["vocab"], cvae=c["cvae"],
              num_classes=c["num_classes"], patch_nums=tuple(c["patch_nums"]), cond_drop_rate=0.0)
    var.load_state_dict(var_ck["model"])
    pn_text = ",".join(str(p) for p in vae.quantize.patch_nums)
    shared = {"dataset": run.dataset_text(), "class_names": json.dumps(run.class_names, ensure_ascii=False), "patch_nums": pn_text,
              "trainer": "varscope-train (tools/train/varscope_train.py)", "seed": run.seed}
    vae_meta = dict(shared, config=json.dumps(dict(vae.config, image_side=run.size, beta=0.25, quant_resi=0.5)),
                    steps=vae_ck["step"], train_seconds=round(vae_ck["seconds"]))
    var_meta = dict(shared, config=json.dumps(dict(var.config, attn_l2_norm=True, shared_aln=False,
                                                   null_class=var.num_classes, image_side=run.size)),
                    steps=var_ck["step"], train_seconds=round(var_ck["seconds"]), train_images=var_ck.get("images", 0))
    write_safetensors(vae_out_path, vae.state_dict(), vae_meta)
    write_safetensors(model_path, var.state_dict(), var_meta)
