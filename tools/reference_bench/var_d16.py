# Times this project's PyTorch VAR modules at official d16 shapes (random weights), one 256 px
# image with CFG 4, top-k 900, top-p 0.95, KV cache per block as the official sampler does.
import math, os, sys, time, torch
import torch.nn.functional as F
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from var_model import VAR, layer_norm
from vqvae_model import Decoder
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)
pn = (1, 2, 3, 4, 5, 6, 8, 10, 13, 16)
m = VAR(depth=16, width=1024, heads=16, vocab=4096, cvae=32, num_classes=1000, patch_nums=pn).eval()
m.init_weights()
dec = Decoder(160, (1, 1, 2, 2, 4), 2, 32).eval()
emb = torch.randn(4096, 32)
phi = torch.nn.Conv2d(32, 32, 3, 1, 1)
print("params", sum(p.numel() for p in m.parameters()))

def attn_cached(a, x, cache):
    B, n, C = x.shape
    bias = torch.cat([a.q_bias, a.zero_k_bias, a.v_bias])
    q, k, v = F.linear(x, a.mat_qkv.weight, bias).view(B, n, 3, a.H, a.hd).permute(2, 0, 3, 1, 4).unbind(0)
    s = a.scale_mul_1H11.clamp(max=math.log(100.0)).exp()
    q = F.normalize(q, dim=-1) * s
    k = F.normalize(k, dim=-1)
    if cache:
        k = torch.cat([cache[0], k], 2); v = torch.cat([cache[1], v], 2)
    cache[:] = [k, v]
    att = torch.softmax(q @ k.transpose(-1, -2), -1)
    return a.proj((att @ v).transpose(1, 2).reshape(B, n, C))

@torch.no_grad()
def sample(label, cfg=4.0, top_k=900, top_p=0.95):
    B = 1
    labels = torch.tensor([label, 1000])
    cond = m.class_emb(labels)
    caches = [[] for _ in m.blocks]
    lvl_pos = m.pos_1LC + m.lvl_embed(m.lvl_1L)
    x = (cond + m.pos_start[:, 0]).unsqueeze(1) + lvl_pos[:, :1]
    f_hat = torch.zeros(B, 32, 16, 16)
    start = 0
    for si, p in enumerate(pn):
        ratio = si / (len(pn) - 1)
        h = x
        for b, cache in zip(m.blocks, caches):
            g1, g2, s1, s2, b1, b2 = b.ada_lin(cond).unsqueeze(1).chunk(6, -1)
            h = h + attn_cached(b.attn, layer_norm(h) * (1 + s1) + b1, cache) * g1
            h = h + b.ffn(layer_norm(h) * (1 + s2) + b2) * g2
        logits = m.head(m.head_nm(h, cond)).float()
        t = cfg * ratio
        logits = (1 + t) * logits[:B] - t * logits[B:]
        v, idx = logits.topk(top_k, -1)
        probs = torch.softmax(v, -1)
        cs = probs.cumsum(-1)
        probs[cs - probs > top_p] = 0
        ids = idx.gather(-1, torch.multinomial(probs.view(-1, top_k), 1).view(B, p * p, 1)).squeeze(-1)
        hq = emb[ids].transpose(1, 2).reshape(B, 32, p, p)
        if si < len(pn) - 1:
            hq = F.interpolate(hq, size=(16, 16), mode="bicubic")
        f_hat = f_hat + phi(hq)
        start += p * p
        if si < len(pn) - 1:
            nxt = F.interpolate(f_hat, size=(pn[si + 1], pn[si + 1]), mode="area")
            x = m.word_embed(nxt.flatten(2).transpose(1, 2)).repeat(2, 1, 1) + lvl_pos[:, start:start + pn[si + 1] ** 2]
    return f_hat

for _ in range(2):
    t0 = time.time(); f = sample(207); t1 = time.time()
    img = dec(f).clamp(-1, 1); t2 = time.time()
    print("transformer+sampling %.2f s  decode %.2f s  total %.2f s" % (t1 - t0, t2 - t1, t2 - t0))
