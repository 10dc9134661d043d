"""Train the independent Fashion-MNIST classifier that `varscope-cli eval` uses (see README.md).

  python3 tools/train/train_classifier.py --out /work/train-runs/classifier --epochs 3 --minutes 10
  python3 tools/train/train_classifier.py --out /work/train-runs/classifier --export \
      --out-dir assets/models --parity-dir tests/data/fmnist_classifier_parity
  python3 tools/train/train_classifier.py --smoke --out /tmp/classifier-smoke   # a few steps, for ctest

Cross-entropy, Adam, cosine learning-rate decay over --epochs (the schedule is fixed by the
epoch count, so a run cut short by --minutes and resumed follows the same curve). Trains on
the training split only; the test split is used once, for the accuracy the export records.
Resumes from <out>/ckpt.pt; writes <out>/loss.csv.
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import fmnist  # noqa: E402
from classifier_model import FmnistClassifier  # noqa: E402

ASSET_NAME = "fmnist-classifier.safetensors"
INPUT_GEOMETRY = ("3x32x32 RGB in [-1,1] (Fashion-MNIST 28x28 padded by 2); "
                  "the network averages channels and crops to 28x28")


def evaluate(model, imgs, labels, batch=500):
    """Accuracy over uint8 images (N, 28, 28) with labels (N,); leaves the model's mode as it was."""
    was_training = model.training
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, imgs.shape[0], batch):
            logits, _ = model(fmnist.to_model_images(imgs[i:i + batch]))
            correct += int((logits.argmax(1) == torch.from_numpy(labels[i:i + batch])).sum())
    model.train(was_training)
    return correct / imgs.shape[0]


def train(a):
    common.setup(a.seed)
    imgs, labels = fmnist.load("train", limit=a.limit or None)
    data = fmnist.to_model_images(imgs)
    targets = torch.from_numpy(labels)
    model = FmnistClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps_per_epoch = max(1, data.shape[0] // a.batch)
    total_steps = a.steps or a.epochs * steps_per_epoch
    ckpt_path = os.path.join(a.out, "ckpt.pt")
    step, seconds = 0, 0.0
    gen = torch.Generator().manual_seed(a.seed)
    order = torch.randperm(data.shape[0], generator=gen)
    ck = common.load_checkpoint(ckpt_path)
    if ck:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, seconds, order = ck["step"], ck["seconds"], ck["order"]
        gen.set_state(ck["gen"])
        torch.set_rng_state(ck["torch_rng"])
        print("resumed at step", step, flush=True)
    log = common.CsvLog(os.path.join(a.out, "loss.csv"), ["step", "seconds", "lr", "loss", "batch_acc"])
    timer = common.Timer()
    last_save = 0.0

    def save():
        common.save_checkpoint(ckpt_path, model=model.state_dict(), opt=opt.state_dict(), step=step,
                               seconds=seconds + timer.elapsed(), gen=gen.get_state(), order=order,
                               torch_rng=torch.get_rng_state(), config=model.config, seed=a.seed)

    while step < total_steps and seconds + timer.elapsed() < a.minutes * 60:
        k = step % steps_per_epoch
        if k == 0 and step > 0:
            order = torch.randperm(data.shape[0], generator=gen)  # a fresh shuffle per epoch
        idx = order[k * a.batch:(k + 1) * a.batch]
        lr = a.lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))
        for g in opt.param_groups:
            g["lr"] = lr
        logits, _ = model(data[idx])
        loss = F.cross_entropy(logits, targets[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 20 == 0 or a.smoke:
            acc = (logits.argmax(1) == targets[idx]).float().mean().item()
            log.write(step=step, seconds=round(seconds + timer.elapsed(), 1), lr="%.3g" % lr,
                      loss=round(loss.item(), 5), batch_acc=round(acc, 4))
        if step % 100 == 0:
            print("step %d/%d  %.0fs  loss %.4f" % (step, total_steps, seconds + timer.elapsed(), loss.item()),
                  flush=True)
        if timer.elapsed() - last_save > a.save_every:
            last_save = timer.elapsed()
            save()
    save()
    print("done: step %d/%d, %.0f s" % (step, total_steps, seconds + timer.elapsed()), flush=True)


def export(a):
    from export import write_safetensors  # the same writer as the VAR assets
    torch.set_num_threads(2)
    ck = torch.load(os.path.join(a.out, "ckpt.pt"), map_location="cpu")
    model = FmnistClassifier()
    model.load_state_dict(ck["model"])
    model.eval()
    test_imgs, test_labels = fmnist.load("test", limit=a.limit or None)
    acc = evaluate(model, test_imgs, test_labels)
    meta = {"kind": "classifier", "class_names": json.dumps(fmnist.CLASS_NAMES),
            "input_geometry": INPUT_GEOMETRY, "image_side": fmnist.IMAGE_SIDE, "channels": 3,
            "input_range": "[-1,1]", "feature_dim": model.config["feature_dim"],
            "feature_layer": "relu(fc1)", "test_accuracy": round(acc, 5), "test_images": test_imgs.shape[0],
            "steps": ck["step"], "seed": ck.get("seed", 0), "train_seconds": round(ck["seconds"]),
            "dataset": "Fashion-MNIST train split", "trainer": "tools/train/train_classifier.py (VARScope)"}
    os.makedirs(a.out_dir, exist_ok=True)
    write_safetensors(os.path.join(a.out_dir, ASSET_NAME), model.state_dict(), meta)
    print("test accuracy %.4f (%d images), exported to %s" % (acc, test_imgs.shape[0],
                                                               os.path.join(a.out_dir, ASSET_NAME)))
    if a.parity_dir:
        # Inputs in [0, 1] as the C++ classifier takes them: four test images and one of noise
        # (a generator's failure looks like that, and it exercises every channel independently).
        x = fmnist.to_model_images(test_imgs[:4])
        noise = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
        x = torch.cat([x, noise])
        with torch.no_grad():
            logits, feats = model(x)
        os.makedirs(a.parity_dir, exist_ok=True)
        write_safetensors(os.path.join(a.parity_dir, "expected.safetensors"), {
            "images01": ((x + 1) / 2).contiguous(), "logits": logits, "probs": logits.softmax(1),
            "features": feats}, {"note": "PyTorch outputs of tools/train/classifier_model.py for "
                                 "assets/models/" + ASSET_NAME})
        print("parity fixture written to", a.parity_dir)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=10.0, help="wall-clock budget")
    ap.add_argument("--epochs", type=int, default=3, help="length of the learning-rate schedule")
    ap.add_argument("--steps", type=int, default=0, help="schedule length in steps (overrides --epochs)")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N images of each split")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save-every", type=float, default=60.0, help="seconds between checkpoints")
    ap.add_argument("--smoke", action="store_true", help="4 steps on 256 images, then export")
    ap.add_argument("--export", action="store_true", help="export <out>/ckpt.pt instead of training")
    ap.add_argument("--out-dir", default="assets/models")
    ap.add_argument("--parity-dir", default="")
    a = ap.parse_args()
    if a.smoke:
        a.steps, a.limit, a.batch, a.minutes = 4, 256, 32, 5.0
    os.makedirs(a.out, exist_ok=True)
    if a.export:
        export(a)
        return
    train(a)
    if a.smoke:  # the smoke run also proves the exporter, into the run folder
        a.out_dir = a.parity_dir = a.out
        export(a)


if __name__ == "__main__":
    main()
