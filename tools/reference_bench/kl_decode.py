# Times this project's PyTorch KL VAE decoder at MAR kl16 shapes (ch 128, ch_mult 1,1,2,2,4,
# two res blocks per level), 16x16x16 latent -> 256 px, 2 threads.
import os, sys, time, torch
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from kl_vae_model import KLVAE
torch.set_num_threads(2)
v = KLVAE(ch=128, ch_mult=(1, 1, 2, 2, 4), num_res_blocks=2, z=16, embed_dim=16).eval()
z = torch.randn(1, 16, 16, 16)
with torch.no_grad():
    for _ in range(3):
        t0 = time.time(); img = v.decode(z); print("decode %.2f s" % (time.time() - t0), tuple(img.shape))
