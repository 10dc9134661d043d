"""Fashion-MNIST loader shared by the training tools (reads the IDX files directly).

Images become 3x32x32 float tensors in [-1, 1]: the 28x28 grey image is padded by 2
pixels of background on every side and replicated to three channels, because the VAR
VQ-VAE layout (var.md §2) expects RGB input and a side divisible by its down factor.
"""
import gzip
import os

import numpy as np
import torch

DATA_DIR = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
IMAGE_SIDE = 32


def _open(path):
    if os.path.exists(path):
        return open(path, "rb")
    if os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rb")
    raise FileNotFoundError(path + "[.gz]: Fashion-MNIST IDX file not found (set FMNIST_DIR)")


def read_idx(path):
    """IDX format: 2 zero bytes, a type byte (0x08 = uint8), a rank byte, big-endian
    uint32 dims, then the raw data."""
    with _open(path) as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(path + ": not an unsigned-byte IDX file")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if arr.size != int(np.prod(dims)):
        raise ValueError(path + ": expected %d values, found %d" % (int(np.prod(dims)), arr.size))
    return arr.reshape(dims)


def load(split="train", limit=None):
    """Returns (images uint8 (N, 28, 28), labels int64 (N,))."""
    prefix = "train" if split == "train" else "t10k"
    imgs = read_idx(os.path.join(DATA_DIR, prefix + "-images-idx3-ubyte"))
    labels = read_idx(os.path.join(DATA_DIR, prefix + "-labels-idx1-ubyte")).astype(np.int64)
    if limit:
        imgs, labels = imgs[:limit], labels[:limit]
    return imgs, labels


def to_model_images(imgs_u8):
    """uint8 (N, 28, 28) -> float32 (N, 3, 32, 32) in [-1, 1], background -1."""
    x = torch.from_numpy(np.array(imgs_u8, copy=True)).float().div_(127.5).sub_(1.0)
    x = torch.nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)
    return x.unsqueeze(1).expand(-1, 3, -1, -1).contiguous()


def to_uint8_grey(img01):
    """(N, 3, 32, 32) in [0, 1] -> (N, 28, 28) uint8 (channel mean, padding cropped)."""
    g = img01.mean(dim=1)[:, 2:30, 2:30]
    return (g.clamp(0, 1) * 255).to(torch.uint8).numpy()
