"""Shared helpers of the training scripts: seeding, thread limits, checkpoints, CSV logs."""
import csv
import os
import random
import time

import numpy as np
import torch


def setup(seed, threads=2):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def transformer_adamw(model, lr, weight_decay):
    """AdamW with weight decay on the weight matrices only (not positions, embeddings, norms
    or biases), betas (0.9, 0.95): the optimiser of every transformer the tools train."""
    def decays(name, p):
        return p.dim() > 1 and "pos_" not in name and "emb" not in name
    decay = [p for n, p in model.named_parameters() if decays(n, p)]
    other = [p for n, p in model.named_parameters() if not decays(n, p)]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": other, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.95))


def save_checkpoint(path, **state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)  # never leave a half-written checkpoint behind


def load_checkpoint(path):
    return torch.load(path, map_location="cpu") if os.path.exists(path) else None


class CsvLog:
    def __init__(self, path, fields):
        new = not os.path.exists(path)
        self.f = open(path, "a", newline="")
        self.w = csv.DictWriter(self.f, fieldnames=fields)
        if new:
            self.w.writeheader()

    def write(self, **row):
        self.w.writerow(row)
        self.f.flush()


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def elapsed(self):
        return time.time() - self.t0
