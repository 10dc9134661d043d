"""A VAR transformer (var.md §3) written for training small class-conditional models.

State-dict names and shapes follow the official VAR layout (§5.1, shared_aln off,
attn_l2_norm on) so the exported file loads in VARScope's C++ core unchanged.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def layer_norm(x):
    # `ln_wo_grad`: LayerNorm(C, eps 1e-6, no affine), biased variance (§3.3).
    return F.layer_norm(x, x.shape[-1:], eps=1e-6)


class SelfAttention(nn.Module):
    """§3.4 with attn_l2_norm: cosine attention with a clamped per-head temperature."""

    def __init__(self, C, H):
        super().__init__()
        self.C, self.H, self.hd = C, H, C // H
        self.mat_qkv = nn.Linear(C, 3 * C, bias=False)      # (3C, C), rows [q; k; v]
        self.q_bias = nn.Parameter(torch.zeros(C))          # (C)
        self.v_bias = nn.Parameter(torch.zeros(C))          # (C)
        self.register_buffer("zero_k_bias", torch.zeros(C))  # (C), K never has a bias
        self.scale_mul_1H11 = nn.Parameter(torch.full((1, H, 1, 1), math.log(4.0)))  # (1, H, 1, 1)
        self.proj = nn.Linear(C, C)                         # (C, C) + (C)

    def forward(self, x, mask):
        B, L, C = x.shape
        bias = torch.cat([self.q_bias, self.zero_k_bias, self.v_bias])
        qkv = F.linear(x, self.mat_qkv.weight, bias).view(B, L, 3, self.H, self.hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)                             # each (B, H, L, hd)
        s = self.scale_mul_1H11.clamp(max=math.log(100.0)).exp()
        q = F.normalize(q, dim=-1, eps=1e-12) * s
        k = F.normalize(k, dim=-1, eps=1e-12)
        att = torch.softmax(q @ k.transpose(-1, -2) + mask, dim=-1)   # softmax scale 1
        out = (att @ v).transpose(1, 2).reshape(B, L, C)
        return self.proj(out)


class FFN(nn.Module):
    def __init__(self, C, hidden):
        super().__init__()
        self.fc1 = nn.Linear(C, hidden)   # (4C, C)
        self.fc2 = nn.Linear(hidden, C)   # (C, 4C)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class AdaLNSelfAttn(nn.Module):
    def __init__(self, C, H, D):
        super().__init__()
        self.attn = SelfAttention(C, H)
        self.ffn = FFN(C, 4 * C)
        self.ada_lin = nn.Sequential(nn.SiLU(), nn.Linear(D, 6 * C))  # `ada_lin.1`: (6C, D)

    def forward(self, x, cond, mask):
        # §3.3 chunk order: gamma1, gamma2, scale1, scale2, shift1, shift2.
        g1, g2, s1, s2, b1, b2 = self.ada_lin(cond).unsqueeze(1).chunk(6, dim=-1)
        x = x + self.attn(layer_norm(x) * (1 + s1) + b1, mask) * g1
        x = x + self.ffn(layer_norm(x) * (1 + s2) + b2) * g2
        return x


class AdaLNBeforeHead(nn.Module):
    def __init__(self, C, D):
        super().__init__()
        self.ada_lin = nn.Sequential(nn.SiLU(), nn.Linear(D, 2 * C))  # (2C, D): scale, shift

    def forward(self, x, cond):
        scale, shift = self.ada_lin(cond).unsqueeze(1).chunk(2, dim=-1)
        return layer_norm(x) * (1 + scale) + shift


class VAR(nn.Module):
    def __init__(self, depth=4, width=128, heads=2, vocab=512, cvae=32, num_classes=10,
                 patch_nums=(1, 2, 3, 4, 5, 6, 8), cond_drop_rate=0.1):
        super().__init__()
        C = width
        self.config = dict(depth=depth, width=width, heads=heads, vocab=vocab, cvae=cvae,
                           num_classes=num_classes, patch_nums=list(patch_nums))
        self.num_classes, self.cond_drop_rate, self.patch_nums = num_classes, cond_drop_rate, tuple(patch_nums)
        L = sum(p * p for p in patch_nums)
        K = len(patch_nums)
        self.L = L
        self.word_embed = nn.Linear(cvae, C)                 # (C, Cvae)
        self.class_emb = nn.Embedding(num_classes + 1, C)    # (classes + 1, C); last row = null class
        self.pos_start = nn.Parameter(torch.zeros(1, 1, C))  # (1, 1, C)
        self.pos_1LC = nn.Parameter(torch.zeros(1, L, C))    # (1, L, C)
        self.lvl_embed = nn.Embedding(K, C)                  # (K, C)
        lvl = torch.cat([torch.full((p * p,), i, dtype=torch.long) for i, p in enumerate(patch_nums)])
        self.register_buffer("lvl_1L", lvl.view(1, L))       # (1, L) int64
        allowed = lvl.view(L, 1) >= lvl.view(1, L)           # §3.2 block-causal over scales
        mask = torch.zeros(L, L).masked_fill(~allowed, float("-inf"))
        self.register_buffer("attn_bias_for_masking", mask.view(1, 1, L, L))  # (1, 1, L, L)
        self.blocks = nn.ModuleList([AdaLNSelfAttn(C, heads, C) for _ in range(depth)])
        self.head_nm = AdaLNBeforeHead(C, C)
        self.head = nn.Linear(C, vocab)                      # (V, C)

    def init_weights(self, init_adaln=0.5, init_adaln_gamma=1e-3, init_head=0.02):
        """§3.7 (init_std = sqrt(1/(3C)))."""
        C = self.pos_1LC.shape[-1]
        std = math.sqrt(1 / C / 3)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.trunc_normal_(m.weight, std=std)
                if getattr(m, "bias", None) is not None:
                    nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.pos_start, std=std)
        nn.init.trunc_normal_(self.pos_1LC, std=std)
        with torch.no_grad():
            self.head.weight.mul_(init_head)
            self.head_nm.ada_lin[1].weight.mul_(init_adaln)
            depth = len(self.blocks)
            for b in self.blocks:
                b.attn.proj.weight.div_(math.sqrt(2 * depth))
                b.ffn.fc2.weight.div_(math.sqrt(2 * depth))
                b.ada_lin[1].weight[2 * C:].mul_(init_adaln)
                b.ada_lin[1].weight[:2 * C].mul_(init_adaln_gamma)

    def forward(self, labels, var_input, drop_generator=None):
        """Teacher-forced logits (B, L, V) for labels (B) and var_input (B, L-1, Cvae)."""
        B = labels.shape[0]
        if self.training and self.cond_drop_rate > 0:
            drop = torch.rand(B, generator=drop_generator) < self.cond_drop_rate
            labels = torch.where(drop, torch.full_like(labels, self.num_classes), labels)
        cond = self.class_emb(labels)                        # (B, C)
        first = (cond + self.pos_start[:, 0]).unsqueeze(1)   # (B, 1, C)
        x = torch.cat([first, self.word_embed(var_input)], 1)
        x = x + self.pos_1LC + self.lvl_embed(self.lvl_1L)
        for b in self.blocks:
            x = b(x, cond, self.attn_bias_for_masking)
        return self.head(self.head_nm(x, cond)).float()
