"""FlowAR (flowar.md §3-7) written for training small class-conditional models.

The AR transformer and the Block_v1 flownet (FlowAR-S style) keep the official module
tree, so `state_dict()` has exactly the official keys and shapes (§8.3) and the exported
file loads in VARScope's C++ core (core/flowar/flowar_model.h) unchanged. The only
geometry change is the latent side: scales (1, 2, ..., n) for the KL VAE's n x n latent
(n = 4 for the shipped 32 px model), so the "full side" used by RoPE (§4) and by the
next-scale resampling (§3) is n instead of the official hard-coded 16 (VARScope's core
uses the last scale's side, which is 16 for the official models).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def rms_norm(x, weight=None, eps=1e-6):
    # §4: x / sqrt(mean(x²) + eps), in float32; the in-block norms have no weight.
    y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return y if weight is None else y * weight


class RMSNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))  # (C)

    def forward(self, x):
        return rms_norm(x, self.weight)


class Rope(nn.Module):
    """§4 VisionRotaryEmbeddingFast: f_j = 10000^(-2j/D), D = hd/2; rows rotate the first
    D dims, columns the last D; pairs (2m, 2m+1) interleaved; a scale of side s sits on the
    grid p = i·grid/s."""

    def __init__(self, head_dim):
        super().__init__()
        half = head_dim // 2
        self.register_buffer("freqs", 1.0 / (10000 ** (torch.arange(0, half, 2).float() / half)))  # (hd/4)

    def angles(self, side, grid):
        """(s², hd) rotation angles of one scale, tokens row-major."""
        coord = torch.arange(side).float() / side * grid
        f = self.freqs.repeat_interleave(2)                          # (hd/2): f0 f0 f1 f1 ...
        ah = (coord[:, None] * f[None]).unsqueeze(1).expand(side, side, -1)   # (s, s, hd/2) by row
        aw = (coord[:, None] * f[None]).unsqueeze(0).expand(side, side, -1)   # by column
        return torch.cat([ah, aw], -1).reshape(side * side, -1)

    @staticmethod
    def apply(x, cos, sin):
        """x (..., N, hd); cos/sin (N, hd)."""
        x2 = torch.stack([-x[..., 1::2], x[..., 0::2]], -1).reshape(x.shape)  # (-x1, x0) pairs
        return x * cos + x2 * sin


def rope_tables(rope, sides, grid):
    """cos, sin (L, hd) for the concatenated scales `sides` (each s² tokens)."""
    a = torch.cat([rope.angles(s, grid) for s in sides], 0)
    return a.cos(), a.sin()


class Attention(nn.Module):
    def __init__(self, C, H, qkv_bias):
        super().__init__()
        self.H, self.hd = H, C // H
        self.qkv = nn.Linear(C, 3 * C, bias=qkv_bias)  # (3C, C), rows [q; k; v], head-major
        self.proj = nn.Linear(C, C)                     # (C, C) + (C)
        self.rope = Rope(self.hd)

    def forward(self, x, cos, sin, mask):
        B, N, C = x.shape
        q, k, v = self.qkv(x).view(B, N, 3, self.H, self.hd).permute(2, 0, 3, 1, 4).unbind(0)
        q, k = Rope.apply(q, cos, sin), Rope.apply(k, cos, sin)
        att = torch.softmax((q @ k.transpose(-1, -2)) * self.hd ** -0.5 + mask, dim=-1)
        return self.proj((att @ v).transpose(1, 2).reshape(B, N, C))


class SwiGLU(nn.Module):
    """timm SwiGLU with an exact-GELU gate (§4): fc2(GELU(fc1_g(x)) * fc1_x(x))."""

    def __init__(self, C, hidden):
        super().__init__()
        self.fc1_g = nn.Linear(C, hidden)
        self.fc1_x = nn.Linear(C, hidden)
        self.fc2 = nn.Linear(hidden, C)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1_g(x)) * self.fc1_x(x))


class ArBlock(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.attn = Attention(C, H, qkv_bias=True)
        self.mlp = SwiGLU(C, int(C * 4 * 2 / 3))
        self.ada_lin = nn.Sequential(nn.SiLU(), nn.Linear(C, 6 * C))  # `ada_lin.1`: (6C, C)

    def forward(self, x, cond, cos, sin, mask):
        # §4 order: gamma1, gamma2, scale1, scale2, shift1, shift2 (one per sample).
        g1, g2, s1, s2, b1, b2 = self.ada_lin(cond).unsqueeze(1).chunk(6, dim=-1)
        x = x + g1 * self.attn(rms_norm(x) * (1 + s1) + b1, cos, sin, mask)
        return x + g2 * self.mlp(rms_norm(x) * (1 + s2) + b2)


class FlowBlockV1(nn.Module):
    """§5 Block_v1: per-token AdaLN from a bare Linear on SiLU(t + c)."""

    def __init__(self, D, H):
        super().__init__()
        self.attn = Attention(D, H, qkv_bias=False)
        self.mlp = SwiGLU(D, int(D * 8 / 3))
        self.ada_lin = nn.Linear(D, 6 * D)  # (6D, D)

    def forward(self, x, silu_ct, cos, sin, mask):
        g1, g2, s1, s2, b1, b2 = self.ada_lin(silu_ct).chunk(6, dim=-1)
        x = x + g1 * self.attn(rms_norm(x) * (1 + s1) + b1, cos, sin, mask)
        return x + g2 * self.mlp(rms_norm(x) * (1 + s2) + b2)


class TimeEmbed(nn.Module):
    def __init__(self, D):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(256, D), nn.SiLU(), nn.Linear(D, D))

    def forward(self, t_int):
        """t_int: integer times (any shape, float tensor of whole numbers) -> (..., D)."""
        freqs = torch.exp(-math.log(10000.0) * torch.arange(128, dtype=torch.float32) / 128)
        arg = t_int.float()[..., None] * freqs
        return self.mlp(torch.cat([torch.cos(arg), torch.sin(arg)], -1))  # cos first (§5)


class FinalLayer(nn.Module):
    def __init__(self, D, out):
        super().__init__()
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(D, 2 * D))  # shift, scale
        self.linear = nn.Linear(D, out)

    def forward(self, x, ct):
        shift, scale = self.adaLN_modulation(ct).chunk(2, dim=-1)
        return self.linear(rms_norm(x) * (1 + scale) + shift)


class Flownet(nn.Module):
    """SimpleTransformerAdaLN with Block_v1 (§5)."""

    def __init__(self, C, D, depth, tokens_dim=16):
        super().__init__()
        self.time_embed = TimeEmbed(D)
        self.cond_embed = nn.Linear(C, D)
        self.input_proj = nn.Linear(tokens_dim, D)
        self.res_blocks = nn.ModuleList([FlowBlockV1(D, D // 64) for _ in range(depth)])
        self.final_layer = FinalLayer(D, tokens_dim)

    def forward(self, x_t, t_int, z, cos, sin, mask):
        """x_t (B, N, 16), t_int (B, N) integer times per token, z (B, N, C) -> velocity (B, N, 16)."""
        ct = self.cond_embed(z) + self.time_embed(t_int)
        silu_ct = F.silu(ct)
        x = self.input_proj(x_t)
        for b in self.res_blocks:
            x = b(x, silu_ct, cos, sin, mask)
        return self.final_layer(x, ct)


def time_integer(t):
    """§5: float time -> int(t * 1000) computed in float32 and truncated."""
    return (t.float() * 1000.0).long().float()


def block_mask(sides, causal):
    """(L, L) additive 0 / -inf: block-causal over scales (§4) or block-diagonal (flownet)."""
    seg = torch.cat([torch.full((s * s,), i) for i, s in enumerate(sides)])
    ok = seg[None, :] <= seg[:, None] if causal else seg[None, :] == seg[:, None]
    return torch.zeros(ok.shape).masked_fill(~ok, float("-inf"))


def next_scale_input(tokens_map, full_side, side):
    """§3: area(bicubic(sample -> full side) -> side); maps (B, c, s, s)."""
    full = F.interpolate(tokens_map, size=(full_side, full_side), mode="bicubic", align_corners=False)
    return F.interpolate(full, size=(side, side), mode="area")


def to_rows(m):
    return m.flatten(2).transpose(1, 2)  # (B, c, s, s) -> (B, s², c) row-major


def to_map(rows, side):
    return rows.transpose(1, 2).reshape(rows.shape[0], rows.shape[2], side, side)


class FlowAR(nn.Module):
    def __init__(self, width=128, enc_depth=2, dec_depth=2, flow_width=128, flow_depth=2, num_classes=10,
                 scales=(1, 2, 4, 8), tokens_dim=16, label_drop=0.1):
        super().__init__()
        C = width
        self.config = dict(width=width, heads=width // 64, enc_depth=enc_depth, dec_depth=dec_depth,
                           flow_width=flow_width, flow_heads=flow_width // 64, flow_depth=flow_depth,
                           num_classes=num_classes, scales=list(scales), tokens_dim=tokens_dim, flow_block="v1")
        self.scales, self.num_classes, self.label_drop = list(scales), num_classes, label_drop
        self.full_side, self.L = scales[-1], sum(s * s for s in scales)
        self.class_emb = nn.Embedding(num_classes + 1, C)   # (classes + 1, C); last row = null
        self.z_proj = nn.Linear(tokens_dim, C)
        self.z_proj_ln = RMSNorm(C)
        self.encoder_pos_embed_learned = nn.Parameter(torch.zeros(1, self.L, C))
        self.encoder_blocks = nn.ModuleList([ArBlock(C, C // 64) for _ in range(enc_depth)])
        self.encoder_norm = RMSNorm(C)
        self.decoder_embed = nn.Linear(C, C)
        self.decoder_pos_embed_learned = nn.Parameter(torch.zeros(1, self.L, C))
        self.decoder_blocks = nn.ModuleList([ArBlock(C, C // 64) for _ in range(dec_depth)])
        self.decoder_norm = RMSNorm(C)
        self.diffusion_pos_embed_learned = nn.Parameter(torch.zeros(1, self.L, C))
        self.register_buffer("mask", block_mask(self.scales, causal=True)[None, None])  # (1, 1, L, L)
        self.flownet = Flownet(C, flow_width, flow_depth, tokens_dim)

    def init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias) if m.bias is not None else None
        for p in (self.class_emb.weight, self.encoder_pos_embed_learned, self.decoder_pos_embed_learned,
                  self.diffusion_pos_embed_learned):
            nn.init.normal_(p, std=0.02)
        # adaLN-Zero (DiT): every residual branch and the output start at zero.
        for b in list(self.encoder_blocks) + list(self.decoder_blocks):
            nn.init.zeros_(b.ada_lin[1].weight)
            nn.init.zeros_(b.ada_lin[1].bias)
        for b in self.flownet.res_blocks:
            nn.init.zeros_(b.ada_lin.weight)
            nn.init.zeros_(b.ada_lin.bias)
        nn.init.zeros_(self.flownet.final_layer.adaLN_modulation[1].weight)
        nn.init.zeros_(self.flownet.final_layer.adaLN_modulation[1].bias)
        nn.init.zeros_(self.flownet.final_layer.linear.weight)
        nn.init.normal_(self.flownet.time_embed.mlp[0].weight, std=0.02)
        nn.init.normal_(self.flownet.time_embed.mlp[2].weight, std=0.02)

    # ---- AR transformer (§4) ----
    def ar_forward(self, labels, x_in, sides):
        """labels (B) (null = num_classes); x_in (B, Σ s², C): class embedding then z_proj
        tokens, for the first len(sides) scales -> z (B, Σ s², C)."""
        n = x_in.shape[1]
        cond = self.class_emb(labels)
        cos, sin = rope_tables(self.encoder_blocks[0].attn.rope, sides, self.full_side)
        mask = self.mask[:, :, :n, :n]
        x = self.z_proj_ln(x_in + self.encoder_pos_embed_learned[:, :n])
        for b in self.encoder_blocks:
            x = b(x, cond, cos, sin, mask)
        x = self.decoder_embed(self.encoder_norm(x)) + self.decoder_pos_embed_learned[:, :n]
        for b in self.decoder_blocks:
            x = b(x, cond, cos, sin, mask)
        return self.decoder_norm(x) + self.diffusion_pos_embed_learned[:, :n]

    def teacher_inputs(self, latent):
        """latent (B, 16, n, n) -> (ground truth per scale as rows, AR input rows for scales ≥ 1)."""
        gts = [to_rows(F.interpolate(latent, size=(s, s), mode="area")) for s in self.scales]
        ins = [to_rows(next_scale_input(to_map(gts[k - 1], self.scales[k - 1]), self.full_side, self.scales[k]))
               for k in range(1, len(self.scales))]
        return gts, ins

    def ar_teacher(self, labels, latent):
        gts, ins = self.teacher_inputs(latent)
        x_in = torch.cat([self.class_emb(labels).unsqueeze(1), self.z_proj(torch.cat(ins, 1))], 1)
        return self.ar_forward(labels, x_in, self.scales), gts

    def flow_velocity(self, x_t, t_int, z, sides):
        """Flownet over concatenated scales (attention within each scale only)."""
        cos, sin = rope_tables(self.flownet.res_blocks[0].attn.rope, sides, self.full_side)
        return self.flownet(x_t, t_int, z, cos, sin, block_mask(sides, causal=False))

    def loss(self, labels, latent, generator, flow_mul=1, scale_weight="side"):
        """§6: per-scale rectified-flow MSE with one t per sample and scale. Returns (total, per-scale)."""
        B = labels.shape[0]
        drop = torch.rand(B, generator=generator) < self.label_drop
        labels = torch.where(drop, torch.full_like(labels, self.num_classes), labels)
        z, gts = self.ar_teacher(labels, latent)
        x0 = torch.cat(gts, 1).repeat(flow_mul, 1, 1)             # (mB, L, 16)
        z = z.repeat(flow_mul, 1, 1)
        t = torch.rand(flow_mul * B, len(self.scales), generator=generator)
        t_tok = torch.cat([t[:, k:k + 1].expand(-1, s * s) for k, s in enumerate(self.scales)], 1)  # (mB, L)
        eps = torch.randn(x0.shape, generator=generator)
        tt = t_tok[..., None]
        x_t = (1 - tt) * x0 + tt * eps
        v = self.flow_velocity(x_t, time_integer(t_tok), z, self.scales)
        err = (v - (eps - x0)).pow(2).mean(-1)                   # (mB, L)
        per, b = [], 0
        for s in self.scales:
            per.append(err[:, b:b + s * s].mean())
            b += s * s
        n = self.full_side
        w = {"tokens": [s * s / (n * n) for s in self.scales], "side": [s / n for s in self.scales],
             "uniform": [1.0] * len(self.scales)}[scale_weight]
        return sum(wk * pk for wk, pk in zip(w, per)), per

    # ---- sampler (§7), full recompute instead of a KV cache (equivalent) ----
    @torch.no_grad()
    def sample(self, labels, num_steps=25, cfg=4.3, guidance=0.9, noises=None, generator=None):
        """labels (B) long. noises: optional list of (B, s², 16) per scale. Returns per-scale
        samples (float32 rows) and per-scale conditional AR outputs."""
        B, K = labels.shape[0], len(self.scales)
        use_cfg = cfg > 1.0
        ar_labels = torch.cat([labels, torch.full_like(labels, self.num_classes)]) if use_cfg else labels
        grid = time_grid(num_steps)
        rows = [self.class_emb(ar_labels).unsqueeze(1)]
        samples, conds = [], []
        for k, s in enumerate(self.scales):
            if k > 0:
                nxt = to_rows(next_scale_input(to_map(samples[-1], self.scales[k - 1]), self.full_side, s))
                rows.append(self.z_proj(nxt).repeat(2 if use_cfg else 1, 1, 1))
            z_all = self.ar_forward(ar_labels, torch.cat(rows, 1), self.scales[:k + 1])
            z = z_all[:, -s * s:]
            w = 1.0 + (cfg - 1.0) * k / (K - 1)
            guided = use_cfg and w > 1.0
            noise = noises[k] if noises is not None else torch.randn(B, s * s, 16, generator=generator)
            state = noise.double().clone()
            for i in range(len(grid) - 1):
                t_cur, t_next = grid[i], grid[i + 1]
                x = state.float()
                t_int = time_integer(torch.tensor(t_cur, dtype=torch.float64)).expand(B, s * s)
                v = self.flow_velocity(x, t_int, z[:B], [s])
                if guided and 0.0 <= t_cur <= guidance:
                    vu = self.flow_velocity(x, t_int, z[B:], [s])
                    v = vu + w * (v - vu)
                state = state + (t_next - t_cur) * v.double()
            samples.append(state.float())
            conds.append(z[:B])
        return samples, conds


def time_grid(num_steps):
    """§7.4 in float64: 50 -> linspace(1, 0, 51); else linspace(1, .3, n//2) + linspace(.25, 0, n//2 + 1)."""
    if num_steps == 50:
        return torch.linspace(1, 0, 51, dtype=torch.float64).tolist()
    return (torch.linspace(1, 0.3, num_steps // 2, dtype=torch.float64).tolist() +
            torch.linspace(0.25, 0, num_steps // 2 + 1, dtype=torch.float64).tolist())


def load_flowar(path):
    ck = torch.load(path, map_location="cpu")
    c = ck["config"]
    m = FlowAR(width=c["width"], enc_depth=c["enc_depth"], dec_depth=c["dec_depth"], flow_width=c["flow_width"],
               flow_depth=c["flow_depth"], num_classes=c["num_classes"], scales=tuple(c["scales"]),
               tokens_dim=c["tokens_dim"], label_drop=0.0)
    m.load_state_dict(ck.get("ema") or ck["model"])
    m.eval()
    return m, ck
