"""An LDM-layout KL autoencoder (MAR's "KL-16" layout, flowar.md §2) for small images.

Module names and tensor shapes follow the LDM / MAR state dict (`encoder.down.{l}.block.{i}`,
`decoder.mid.attn_1.q`, `quant_conv`, ...), so the exported file loads in VARScope's C++
core (core/flowar/kl_vae.h) with its config inferred from shapes. Default geometry:
32x32 RGB in [-1, 1], ch 32, ch_mult (1, 1, 2, 2) -> 4x4 latent, one ResnetBlock per encoder
level (decoder: two), double_z, z = embed_dim = 16, encoder attention at the last level and
in both mid blocks, 1x1 quant_conv / post_quant_conv.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def normalize(c):
    # §2: GroupNorm(32 groups, eps 1e-6, affine); c must be a multiple of 32.
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
    """LDM AttnBlock: one head over all positions, separate 1x1 q, k, v convs, scale C^-1/2."""

    def __init__(self, c):
        super().__init__()
        self.norm = normalize(c)
        self.q = nn.Conv2d(c, c, 1)          # (C, C, 1, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        B, C, H, W = x.shape
        h = self.norm(x)
        q, k, v = (m(h).reshape(B, C, H * W) for m in (self.q, self.k, self.v))
        p = torch.softmax(torch.einsum("bci,bcj->bij", q, k) * (C ** -0.5), dim=-1)
        return x + self.proj_out(torch.einsum("bij,bcj->bci", p, v).reshape(B, C, H, W))


class Downsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))  # pad right/bottom only (§2)


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)

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
    def __init__(self, ch, ch_mult, nres, z, attn_last):
        super().__init__()
        n = len(ch_mult)
        chans = [ch] + [ch * m for m in ch_mult]
        self.conv_in = nn.Conv2d(3, ch, 3, 1, 1)
        self.down = nn.ModuleList([
            Level(chans[l], chans[l + 1], nres, attn=attn_last and l == n - 1,
                  resample="down" if l < n - 1 else None) for l in range(n)])
        self.mid = Mid(chans[-1])
        self.norm_out = normalize(chans[-1])
        self.conv_out = nn.Conv2d(chans[-1], 2 * z, 3, 1, 1)  # double_z: mean and log-variance

    def forward(self, x):
        h = self.conv_in(x)
        for lv in self.down:
            h = lv(h)
        return self.conv_out(F.silu(self.norm_out(self.mid(h))))


class Decoder(nn.Module):
    """MAR's decoder: attention in the mid block only; up[l] runs from the last level to 0."""

    def __init__(self, ch, ch_mult, nres, z):
        super().__init__()
        n = len(ch_mult)
        widths = [ch * m for m in ch_mult]
        self.conv_in = nn.Conv2d(z, widths[-1], 3, 1, 1)
        self.mid = Mid(widths[-1])
        up = []
        for l in range(n):
            cin = widths[l + 1] if l < n - 1 else widths[-1]
            up.append(Level(cin, widths[l], nres + 1, attn=False, resample="up" if l > 0 else None))
        self.up = nn.ModuleList(up)  # state-dict index = level
        self.norm_out = normalize(widths[0])
        self.conv_out = nn.Conv2d(widths[0], 3, 3, 1, 1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for l in reversed(range(len(self.up))):
            h = self.up[l](h)
        return self.conv_out(F.silu(self.norm_out(h)))


class KLVAE(nn.Module):
    def __init__(self, ch=32, ch_mult=(1, 1, 2, 2), num_res_blocks=1, z=16, embed_dim=16, attn_last=True):
        super().__init__()
        self.config = dict(ch=ch, ch_mult=list(ch_mult), num_res_blocks=num_res_blocks, z=z,
                           embed_dim=embed_dim, attn_last=attn_last)
        self.embed_dim = embed_dim
        self.encoder = Encoder(ch, ch_mult, num_res_blocks, z, attn_last)
        self.decoder = Decoder(ch, ch_mult, num_res_blocks, z)
        self.quant_conv = nn.Conv2d(2 * z, 2 * embed_dim, 1)      # (2 embed, 2 z, 1, 1)
        self.post_quant_conv = nn.Conv2d(embed_dim, z, 1)         # (z, embed, 1, 1)

    def encode(self, x):
        """Posterior moments (mean, logvar), each (B, embed_dim, h, w); logvar clamped as LDM does."""
        mean, logvar = self.quant_conv(self.encoder(x)).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)

    def decode(self, latent):
        """latent (B, embed_dim, h, w), NOT multiplied by the scale factor -> image in [-1, 1] (raw)."""
        return self.decoder(self.post_quant_conv(latent))

    @staticmethod
    def sample(mean, logvar, generator=None):
        noise = torch.randn(mean.shape, generator=generator)
        return mean + torch.exp(0.5 * logvar) * noise

    def forward(self, x, generator=None):
        mean, logvar = self.encode(x)
        rec = self.decode(self.sample(mean, logvar, generator))
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar)  # per latent element
        return rec, kl.mean()


def load_kl_vae(path):
    """A train_kl_vae.py checkpoint -> (frozen eval-mode KLVAE, checkpoint dict)."""
    ck = torch.load(path, map_location="cpu")
    c = ck["config"]
    vae = KLVAE(ch=c["ch"], ch_mult=tuple(c["ch_mult"]), num_res_blocks=c["num_res_blocks"], z=c["z"],
                embed_dim=c["embed_dim"], attn_last=c["attn_last"])
    vae.load_state_dict(ck["model"])
    vae.eval()
    for p in vae.parameters():
        p.requires_grad_(False)
    return vae, ck
