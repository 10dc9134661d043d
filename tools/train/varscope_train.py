"""varscope-train: train a VAR or FlowAR model on your own folder of images, on the CPU.

  varscope-train --images DIR [--labels auto|from-subfolders|none] [--family var|flowar]
                 [--size 32|64] [--minutes M] --out NAME|PATH

Trains the tokenizer (VQ-VAE for var, KL VAE for flowar), then the transformer, within
--minutes of training time (the tokenizer gets --tokenizer-share of it), with a progress
bar, checkpoints every minute (rerunning the same command resumes; a larger --minutes
trains on) and a sample grid every --sample-every minutes. At the end it exports
NAME.safetensors and NAME-vae.safetensors in the official layouts, which
`varscope-cli generate` and the explorer open directly. --out NAME writes to the per-user
models folder the explorer lists ($XDG_DATA_HOME/varscope/models, by default
~/.local/share/varscope/models); --out a/b/NAME or a/b/NAME.safetensors writes there.
The run folder (checkpoints, loss logs, sample grids) is NAME.train/ beside the model.
Needs Debian's python3-torch, python3-numpy and python3-pil (tools/install-deps.sh
--with-training). See tools/train/README.md.
"""
import argparse
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

def _missing_packages():
    """Debian packages whose modules this Python cannot import (one clear line, not a traceback)."""
    missing = []
    for module, package in (("numpy", "python3-numpy"), ("PIL", "python3-pil"), ("torch", "python3-torch")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    return missing


if __name__ == "__main__" and _missing_packages():
    sys.stderr.write("varscope-train: needs %s; install them with tools/install-deps.sh --with-training\n"
                     % ", ".join(_missing_packages()))
    sys.exit(1)

import image_folder  # noqa: E402
from image_folder import FolderError  # noqa: E402

SIZES = (32, 64)
TOKENIZER_SHARE = {"var": 0.4, "flowar": 0.3}  # FlowAR's small-latent KL VAE learns fast


class Refusal(Exception):
    """A one-line reason why varscope-train will not start."""


def user_models_dir():
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "varscope", "models")


def output_paths(out):
    """--out NAME or a path -> (model path, tokenizer path, run folder)."""
    if "/" in out or out.endswith(".safetensors"):
        folder, name = os.path.split(os.path.abspath(out))
        if name.endswith(".safetensors"):
            name = name[:-len(".safetensors")]
    else:
        folder, name = user_models_dir(), out
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", name) or name.endswith("-vae"):
        raise Refusal("--out %s: a model name is letters, digits, '.', '_', '-' or '+', not ending in -vae" % out)
    base = os.path.join(folder, name)
    return base + ".safetensors", base + "-vae.safetensors", base + ".train"


class Run:
    """What one training run is: the data, the family and size, where it writes."""

    def __init__(self, a, work, class_names, images_count, resized):
        self.images, self.family, self.size, self.seed = os.path.abspath(a.images), a.family, a.size, a.seed
        self.sample_every, self.work = a.sample_every * 60.0, work
        self.class_names, self.num_classes = class_names, len(class_names)
        self.images_count, self.resized = images_count, resized

    def dataset_text(self):
        return "%d user images from %s (%d classes; resized/cropped to %dx%d RGB, [-1,1])" % (
            self.images_count, self.images, self.num_classes, self.size, self.size)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="varscope-train", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    ap.add_argument("--images", required=True, help="folder of PNG/JPEG/... images")
    ap.add_argument("--labels", default="auto", choices=["auto", "from-subfolders", "none"],
                    help="from-subfolders: one class per subfolder; none: one class; "
                         "auto (default): from-subfolders when there are subfolders with images")
    ap.add_argument("--family", default="var", choices=["var", "flowar"])
    ap.add_argument("--size", type=int, default=32, help="image side the model makes: 32 or 64 (default 32)")
    ap.add_argument("--minutes", type=float, default=30.0, help="training time, both stages (default 30)")
    ap.add_argument("--out", required=True, help="model name (in the user models folder) or a path")
    ap.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1),
                    help="torch threads (default: 2, or 1 on one core)")
    ap.add_argument("--sample-every", type=float, default=3.0, help="minutes between sample grids (default 3)")
    ap.add_argument("--tokenizer-share", type=float, default=0.0,
                    help="share of --minutes for the tokenizer (default 0.4 for var, 0.3 for flowar)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    if a.size not in SIZES:
        raise Refusal("--size %d: choose 32 or 64 (the tokenizers' down-sampling needs one of these sides)" % a.size)
    if not (0 < a.minutes <= 100000):
        raise Refusal("--minutes %g: give a positive number of minutes" % a.minutes)
    if a.threads < 1 or a.sample_every <= 0 or not (0 <= a.tokenizer_share < 1):
        raise Refusal("--threads must be >= 1, --sample-every > 0 and --tokenizer-share in [0, 1)")
    if a.labels == "auto":
        has_sub = os.path.isdir(a.images) and any(
            os.path.isdir(os.path.join(a.images, d)) and image_folder.images_below(os.path.join(a.images, d))
            for d in os.listdir(a.images) if not d.startswith("."))
        a.labels = "from-subfolders" if has_sub else "none"
    a.tokenizer_share = a.tokenizer_share or TOKENIZER_SHARE[a.family]
    return a


def check_resume(work, model_path, settings):
    """A run folder remembers what it was started with; a different request must not mix in."""
    path = os.path.join(work, "run.json")
    if not os.path.exists(path):
        if os.path.exists(model_path):
            raise Refusal("%s exists and was not made by a run in %s; choose another --out or delete it" % (
                model_path, work))
        return False
    old = json.load(open(path))
    for key in ("family", "size", "labels", "images"):
        if old.get(key) != settings[key]:
            raise Refusal("%s was started with --%s %s, not %s; use another --out or delete that folder" % (
                work, key, old.get(key), settings[key]))
    if old.get("fingerprint") != settings["fingerprint"]:
        raise Refusal("the images in %s changed since %s was started; use another --out or delete that folder" % (
            settings["images"], work))
    return True


def load_data(a, work, paths, label_of, resumed):
    """uint8 images (decoded once, cached in the run folder) and how many were resized.
    Decoding comes before the run folder exists, so a refused image leaves nothing behind."""
    import numpy as np
    cache = os.path.join(work, "images.npz")
    if resumed and os.path.exists(cache):
        z = np.load(cache)
        return z["images"], z["labels"], int(z["resized"])

    def tell(done, total):
        if done == total or done % 500 == 0:
            print("  decoded %d / %d images" % (done, total), flush=True)
    images, resized = image_folder.load_images(paths, a.size, tell if len(paths) >= 1000 else None)
    labels = np.asarray(label_of, dtype=np.int64)
    os.makedirs(work, exist_ok=True)
    np.savez(cache + ".tmp.npz", images=images, labels=labels, resized=resized)
    os.replace(cache + ".tmp.npz", cache)
    return images, labels, resized


def main(argv=None):
    a = parse_args(argv)
    model_path, vae_out_path, work = output_paths(a.out)
    paths, label_of, class_names, notes = image_folder.list_images(a.images, a.labels)
    settings = {"family": a.family, "size": a.size, "labels": a.labels, "images": os.path.abspath(a.images),
                "fingerprint": image_folder.fingerprint(paths, label_of), "class_names": class_names}
    resumed = check_resume(work, model_path, settings)
    print("varscope-train: reading %d images from %s" % (len(paths), a.images), flush=True)
    images_u8, labels_np, resized = load_data(a, work, paths, label_of, resumed)
    with open(os.path.join(work, "run.json"), "w") as f:
        json.dump(settings, f, indent=1)

    import torch
    import common
    common.setup(a.seed, threads=a.threads)
    data = image_folder.ModelImages(images_u8)
    labels = torch.from_numpy(labels_np)
    run = Run(a, work, class_names, len(paths), resized)
    for n in notes:
        print("  note: " + n)
    if resized:
        print("  note: %d of %d images were not %dx%d: resized (shorter side) and centre-cropped" % (
            resized, len(paths), a.size, a.size))
    counts = torch.bincount(labels, minlength=run.num_classes).tolist()
    print("  %d classes: %s" % (run.num_classes, ", ".join("%s (%d)" % (n, c) for n, c in zip(class_names, counts))))
    family = __import__("user_" + a.family)
    total = a.minutes * 60.0
    print("  %s, %dx%d, %g minutes (tokenizer %d%%), torch threads %d; run folder %s%s" % (
        a.family.upper() if a.family == "var" else "FlowAR", a.size, a.size, a.minutes, round(100 * a.tokenizer_share),
        a.threads, work, " (resuming)" if resumed else ""), flush=True)

    sample_dir = os.path.join(work, "samples")

    def on_samples(step, write):
        os.makedirs(sample_dir, exist_ok=True)
        path = os.path.join(sample_dir, "step-%06d.png" % step)
        write(path)
        shutil.copyfile(path, os.path.join(work, "samples.png"))
        print("\n  samples at step %d: %s" % (step, path), flush=True)

    tok_path = os.path.join(work, "tokenizer.pt")
    tf_path = os.path.join(work, "transformer.pt")
    try:
        if not os.path.exists(tf_path):
            family.train_tokenizer(run, data, a.tokenizer_share * total)
        tok_seconds = torch.load(tok_path, map_location="cpu")["seconds"]
        family.train_transformer(run, data, labels, tok_path, total - tok_seconds, on_samples)
    except KeyboardInterrupt:
        print("\nvarscope-train: interrupted; checkpoints are in %s: run the same command again to go on" % work)
        return 130
    family.export(run, tok_path, tf_path, model_path, vae_out_path)
    print("\nmodel:     %s\ntokenizer: %s\nsamples:   %s\nlosses:    %s" % (
        model_path, vae_out_path, os.path.join(work, "samples.png"), os.path.join(work, "transformer-loss.csv")))
    in_user_folder = os.path.dirname(model_path) == user_models_dir()
    # In the user's folder the model opens by its name (core/io/model_ref.cpp looks there last).
    ref = os.path.basename(model_path)[:-len(".safetensors")] if in_user_folder else model_path
    where = "listed in the explorer's model list, and known by name" if in_user_folder else "open it by path"
    print("open it (%s):\n  varscope --model %s\n"
          "  varscope-cli generate --model %s --class 0 --seed 1 --out sample.png" % (where, ref, ref))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (Refusal, FolderError) as e:
        print("varscope-train: %s" % e, file=sys.stderr)
        sys.exit(1)
