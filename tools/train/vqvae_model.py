"""A VAR-layout multi-scale VQ-VAE written for training on Fashion-MNIST.

Module names and tensor shapes follow the official VQVAE state dict (var.md §2, §5.2) so
the exported file loads in VARScope's C++ core (core/var/vqvae.h) with no special case.
Geometry (default): 32x32 RGB in [-1, 1], ch 32, ch_mult (1, 1, 2) -> 8x8 latent,
Cvae 32, V 512, one ResnetBlock per encoder level (decoder: two), self-attention at the
lowest level and in the mid blocks, four phi convs (share_quant_resi = 4).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def normalize(c):
    # §2.1: GroupNorm(32 groups, eps 1e-6, affine); c must be a multiple of 32.
    return nn.GroupNorm(32, c, eps=1e-6, affine=True)


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = normalize(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)    # (cout, cin, 3, 3)
        self.norm2 = normalize(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)   # (cout, cout, 3, 3)
        self.nin_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None  # (cout, cin, 1, 1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.nin_shortcut is None else self.nin_shortcut(x)) + h


class AttnBlock(nn.Module):
    """§2.1: one head over all positions; qkv output channels ordered [q; k; v]."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.norm = normalize(c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)       # (3C, C, 1, 1)
        self.proj_out = nn.Conv2d(c, c, 1)      # (C, C, 1, 1)

    def forward(self, x):
        B, C, H, W = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(B, 3, C, H * W).unbind(1)
        p = torch.softmax(torch.einsum("bci,bcj->bij", q, k) * (C ** -0.5), dim=-1)
        h = torch.einsum("bij,bcj->bci", p, v).reshape(B, C, H, W)
        return x + self.proj_out(h)


class Downsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)    # (c, c, 3, 3)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))  # pad right/bottom only (§2.1)


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)    # (c, c, 3, 3)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class Level(nn.Module):
    """One `down.{l}` / `up.{l}` entry: block list, optional attn list, optional resampler."""

    def __init__(self, cin, cout, nblocks, attn, resample=None):
        super().__init__()
        self.block = nn.ModuleList([ResnetBlock(cin if i == 0 else cout, cout) for i in range(nblocks)])
        self.attn = nn.ModuleList([AttnBlock(cout) for _ in range(nblocks)] if attn else [])
        if resample == "down":
            self.downsample = Downsample(cout)
        elif resample == "up":
            self.upsample = Upsample(cout)

    def forward(self, x):
        for i, b in enumerate(self.block):
            x = b(x)
            if len(self.attn):
                x = self.attn[i](x)
        if hasattr(self, "downsample"):
            x = self.downsample(x)
        if hasattr(self, "upsample"):
            x = self.upsample(x)
        return x


class Mid(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block_1 = ResnetBlock(c, c)
        self.attn_1 = AttnBlock(c)
        self.block_2 = ResnetBlock(c, c)

    def forward(self, x):
        return self.block_2(self.attn_1(self.block_1(x)))


class Encoder(nn.Module):
    def __init__(self, ch, ch_mult, nres, z):
        super().__init__()
        n = len(ch_mult)
        self.conv_in = nn.Conv2d(3, ch, 3, 1, 1)
        chans = [ch] + [ch * m for m in ch_mult]
        self.down = nn.ModuleList([
            Level(chans[l], chans[l + 1], nres, attn=(l == n - 1), resample="down" if l < n - 1 else None)
            for l in range(n)])
        self.mid = Mid(chans[-1])
        self.norm_out = normalize(chans[-1])
        self.conv_out = nn.Conv2d(chans[-1], z, 3, 1, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for lvl in self.down:
            h = lvl(h)
        return self.conv_out(F.silu(self.norm_out(self.mid(h))))


class Decoder(nn.Module):
    def __init__(self, ch, ch_mult, nres, z):
        super().__init__()
        n = len(ch_mult)
        top = ch * ch_mult[-1]
        self.conv_in = nn.Conv2d(z, top, 3, 1, 1)
        self.mid = Mid(top)
        ups = [None] * n
        cin = top
        for l in reversed(range(n)):
            cout = ch * ch_mult[l]
            ups[l] = Level(cin, cout, nres + 1, attn=(l == n - 1), resample="up" if l > 0 else None)
            cin = cout
        self.up = nn.ModuleList(ups)  # index = level number; executed in reverse (§2.3)
        self.norm_out = normalize(ch * ch_mult[0])
        self.conv_out = nn.Conv2d(ch * ch_mult[0], 3, 3, 1, 1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for l in reversed(range(len(self.up))):
            h = self.up[l](h)
        return self.conv_out(F.silu(self.norm_out(h)))


def phi_table(num_scales, num_convs):
    """§2.5: index of the tick nearest to si/(K-1). Ticks as the reference builds them."""
    if num_convs == 4:
        ticks = np.linspace(1 / 3 / 4, 1 - 1 / 3 / 4, 4)
    else:
        ticks = np.linspace(1 / 2 / num_convs, 1 - 1 / 2 / num_convs, num_convs)
    return [int(np.argmin(np.abs(ticks - si / (num_scales - 1)))) for si in range(num_scales)]


class QuantResi(nn.Module):
    def __init__(self, z, n):
        super().__init__()
        self.qresi_ls = nn.ModuleList([nn.Conv2d(z, z, 3, 1, 1) for _ in range(n)])  # each (z, z, 3, 3)


class Quantizer(nn.Module):
    """VectorQuantizer2 (§2.5): multi-scale residual quantization, phi with ratio 0.5."""

    def __init__(self, vocab, z, patch_nums, n_phi=4, beta=0.25, resi_ratio=0.5):
        super().__init__()
        self.vocab, self.z, self.patch_nums = vocab, z, tuple(patch_nums)
        self.beta, self.resi_ratio = beta, resi_ratio
        self.embedding = nn.Embedding(vocab, z)   # (V, Cvae)
        self.quant_resi = QuantResi(z, n_phi)
        self.register_buffer("ema_vocab_hit_SV", torch.zeros(len(patch_nums), vocab))  # (K, V), unused
        self.table = phi_table(len(patch_nums), n_phi)
        if len(patch_nums) == 7 and n_phi == 4:
            # si = 3 is a tie that the reference breaks to 2 (fixture var/d2_l2 config.json).
            self.table = [0, 0, 1, 2, 2, 3, 3]

    def phi(self, h, si):
        return (1 - self.resi_ratio) * h + self.resi_ratio * self.quant_resi.qresi_ls[self.table[si]](h)

    def nearest(self, z_NC):
        e = self.embedding.weight
        d = (z_NC.square().sum(1, keepdim=True) + e.square().sum(1)[None]) - 2 * z_NC @ e.t()
        return d.argmin(1)

    def up(self, h, n):
        return F.interpolate(h, size=(n, n), mode="bicubic", align_corners=False)

    def forward(self, f):
        """Training pass: returns (straight-through f_hat, vq loss, ids per scale)."""
        B, C, n, _ = f.shape
        f_nograd = f.detach()
        f_rest = f_nograd.clone()
        f_hat = torch.zeros_like(f_nograd)
        loss = 0.0
        ids = []
        K = len(self.patch_nums)
        for si, pn in enumerate(self.patch_nums):
            last = si == K - 1
            z = f_rest if last else F.adaptive_avg_pool2d(f_rest, pn)
            idx = self.nearest(z.permute(0, 2, 3, 1).reshape(-1, C))
            ids.append(idx.view(B, pn * pn))
            h = self.embedding(idx).view(B, pn, pn, C).permute(0, 3, 1, 2)
            if not last:
                h = self.up(h, n)
            h = self.phi(h, si)
            f_hat = f_hat + h
            f_rest = f_rest - h.detach()
            loss = loss + self.beta * F.mse_loss(f_hat.detach(), f) + F.mse_loss(f_hat, f_nograd)
        loss = loss / K
        f_hat_st = (f_hat.detach() - f_nograd) + f
        return f_hat_st, loss, ids, f_hat

    @torch.no_grad()
    def encode_ids(self, f):
        return self.forward(f)[2]

    def ids_to_fhat(self, ids, n):
        """embed_to_fhat (all_to_max_scale): sum of Phi(bicubic_up(embed(ids_k)))."""
        B = ids[0].shape[0]
        f_hat = None
        K = len(self.patch_nums)
        for si, pn in enumerate(self.patch_nums):
            h = self.embedding(ids[si]).view(B, pn, pn, self.z).permute(0, 3, 1, 2)
            if si != K - 1:
                h = self.up(h, n)
            h = self.phi(h, si)
            f_hat = h if f_hat is None else f_hat + h
        return f_hat

    def ids_to_var_input(self, ids, n):
        """idxBl_to_var_input: area(f_hat, pn_{k+1}) after each of scales 0..K-2."""
        B = ids[0].shape[0]
        f_hat = torch.zeros(B, self.z, n, n)
        out = []
        K = len(self.patch_nums)
        for si in range(K - 1):
            pn = self.patch_nums[si]
            h = self.embedding(ids[si]).view(B, pn, pn, self.z).permute(0, 3, 1, 2)
            f_hat = f_hat + self.phi(self.up(h, n), si)
            nxt = F.adaptive_avg_pool2d(f_hat, self.patch_nums[si + 1])
            out.append(nxt.flatten(2).transpose(1, 2))
        return torch.cat(out, 1)


class VQVAE(nn.Module):
    def __init__(self, ch=32, ch_mult=(1, 1, 2), num_res_blocks=1, z=32, vocab=512,
                 patch_nums=(1, 2, 3, 4, 5, 6, 8), n_phi=4):
        super().__init__()
        self.config = dict(ch=ch, ch_mult=list(ch_mult), num_res_blocks=num_res_blocks, z=z,
                           vocab=vocab, patch_nums=list(patch_nums), n_phi=n_phi)
        self.encoder = Encoder(ch, ch_mult, num_res_blocks, z)
        self.decoder = Decoder(ch, ch_mult, num_res_blocks, z)
        self.quantize = Quantizer(vocab, z, patch_nums, n_phi)
        self.quant_conv = nn.Conv2d(z, z, 3, 1, 1)       # (z, z, 3, 3)
        self.post_quant_conv = nn.Conv2d(z, z, 3, 1, 1)  # (z, z, 3, 3)

    def encode_f(self, img):
        return self.quant_conv(self.encoder(img))

    def fhat_to_img(self, f_hat):
        return self.decoder(self.post_quant_conv(f_hat)).clamp(-1, 1)

    def forward(self, img):
        f = self.encode_f(img)
        f_hat_st, vq_loss, ids, _ = self.quantize(f)
        rec = self.decoder(self.post_quant_conv(f_hat_st))
        return rec, vq_loss, ids
