"""Sample grids of varscope-train: images in [-1, 1] tiled into one RGB PNG (PIL)."""
import os

import numpy as np


def write_grid(path, rows, pad=2):
    """rows: list of float tensors (n, 3, s, s) in [-1, 1], one grid row each; written atomically."""
    from PIL import Image
    s = rows[0].shape[-1]
    cols = max(r.shape[0] for r in rows)
    grid = np.full((len(rows) * (s + pad) + pad, cols * (s + pad) + pad, 3), 255, dtype=np.uint8)
    for i, r in enumerate(rows):
        u8 = ((r.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
        for j in range(r.shape[0]):
            y, x = pad + i * (s + pad), pad + j * (s + pad)
            grid[y:y + s, x:x + s] = u8[j]
    # Small grids are hard to see: scale up by a whole factor to about 512 px wide.
    zoom = max(1, int(round(512 / grid.shape[1])))
    img = Image.fromarray(grid).resize((grid.shape[1] * zoom, grid.shape[0] * zoom), Image.NEAREST)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    img.save(path + ".tmp.png")
    os.replace(path + ".tmp.png", path)


def class_rows(num_classes, per_row=8, max_rows=10):
    """Class index of every grid row: one row per class (the first max_rows), or four rows
    of the only class."""
    rows = list(range(min(num_classes, max_rows))) if num_classes > 1 else [0] * 4
    return rows, per_row
