"""ctest driver for varscope-train (tools/varscope-train).

  varscope_train_test.py refusals WORKDIR
  varscope_train_test.py train WORKDIR --family var|flowar --cli BUILD/app/varscope-cli
  varscope_train_test.py size64 WORKDIR --cli BUILD/app/varscope-cli

`refusals`: each unusable folder or request stops at once with one line on stderr that
names the problem, and a non-zero exit, before any training. `train`: a generated folder
of two classes of shapes (24 images each, mixed sizes) trains a tiny model for a fraction
of a minute, the run resumes when the command is repeated, and varscope-cli generates a
non-constant image from the exported files. `size64`: a VAR at 64 px (the 10-scale
schedule 1..16 in the metadata) with --labels none (one class) trains a few steps and
varscope-cli generates a 64x64 image from it.
"""
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(HERE, "..", "..", "tools", "varscope-train")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(args, env=None, timeout=240):
    p = subprocess.run([TRAIN] + args, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout, p.stderr


def shapes_folder(folder, per_class=24, seed=0):
    """Circles and squares of random colour and place on a dark background; some images are
    40x48 or 36x36 instead of 32x32, so varscope-train must resize them. Returns how many."""
    from PIL import Image, ImageDraw
    rng = random.Random(seed)
    resized = 0
    for cls in ("circle", "square"):
        os.makedirs(os.path.join(folder, cls), exist_ok=True)
        for i in range(per_class):
            w, h = [(32, 32), (32, 32), (40, 48), (36, 36)][i % 4] if i % 3 == 0 else (32, 32)
            resized += (w, h) != (32, 32)
            img = Image.new("RGB", (w, h), (rng.randint(0, 40),) * 3)
            d = ImageDraw.Draw(img)
            r = rng.randint(6, 11)
            cx, cy = rng.randint(r + 1, w - r - 2), rng.randint(r + 1, h - r - 2)
            colour = tuple(rng.randint(120, 255) for _ in range(3))
            (d.ellipse if cls == "circle" else d.rectangle)((cx - r, cy - r, cx + r, cy + r), fill=colour)
            img.save(os.path.join(folder, cls, "%03d.png" % i))
    return resized


def expect_refusal(name, args, *needles, env=None):
    rc, out, err = run(args, env=env, timeout=60)
    lines = [ln for ln in err.strip().splitlines() if ln]
    if rc == 0:
        fail("%s: exit 0, expected a refusal; stdout: %s" % (name, out[-400:]))
    if len(lines) != 1 or not lines[0].startswith("varscope-train: "):
        fail("%s: expected one 'varscope-train: ...' line on stderr, got: %r" % (name, err[-600:]))
    for n in needles:
        if n not in lines[0]:
            fail("%s: %r does not mention %r" % (name, lines[0], n))
    if re.search(r"^tokenizer ", out, re.M):
        fail("%s: training started before the refusal" % name)
    print("ok  %-26s %s" % (name, lines[0]))


def refusals(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = os.path.join(work, "out", "m")
    empty = os.path.join(work, "empty")
    os.makedirs(os.path.join(empty, "sub"))
    expect_refusal("empty folder", ["--images", empty, "--out", out], "no images")
    expect_refusal("missing folder", ["--images", os.path.join(work, "nope"), "--out", out], "not a folder")

    good = os.path.join(work, "good")
    shapes_folder(good, per_class=10)
    bad = os.path.join(work, "unreadable")
    shutil.copytree(good, bad)
    with open(os.path.join(bad, "square", "broken.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\nthis is not a png")
    expect_refusal("unreadable image", ["--images", bad, "--out", out], "broken.png", "cannot read")

    few = os.path.join(work, "few")
    shutil.copytree(good, few)
    for name in sorted(os.listdir(os.path.join(few, "square")))[3:]:
        os.remove(os.path.join(few, "square", name))
    expect_refusal("too few per class", ["--images", few, "--labels", "from-subfolders", "--out", out],
                   "too few images per class", "square has 3")

    tiny = os.path.join(work, "tiny")
    shutil.copytree(good, tiny)
    from PIL import Image
    Image.new("RGB", (5, 7)).save(os.path.join(tiny, "circle", "speck.png"))
    expect_refusal("image too small", ["--images", tiny, "--size", "64", "--out", out], "speck.png", "5x7")

    flat = os.path.join(work, "flat")
    os.makedirs(flat)
    for i in range(3):
        Image.new("RGB", (32, 32)).save(os.path.join(flat, "%d.png" % i))
    expect_refusal("no class subfolders", ["--images", flat, "--labels", "from-subfolders", "--out", out],
                   "--labels none")
    expect_refusal("too few images", ["--images", flat, "--labels", "none", "--out", out], "only 3 images")
    expect_refusal("impossible size", ["--images", good, "--size", "48", "--out", out], "--size 48")
    expect_refusal("no minutes", ["--images", good, "--minutes", "0", "--out", out], "--minutes")
    expect_refusal("bad name", ["--images", good, "--out", "my-vae"], "-vae")
    taken = os.path.join(work, "taken.safetensors")
    open(taken, "w").close()
    expect_refusal("foreign model file", ["--images", good, "--out", taken], "taken.safetensors", "exists")


def safetensors_metadata(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)).get("__metadata__", {})


def check_png(path, side):
    from PIL import Image
    import numpy as np
    if not os.path.exists(path):
        fail(path + " was not written")
    img = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)
    if img.shape[:2] != (side, side):
        fail("%s is %s, expected %dx%d" % (path, img.shape, side, side))
    if img.std() < 1.0:
        fail("%s is (nearly) constant: std %.3f" % (path, img.std()))
    print("ok  generated %s: %dx%d, pixel std %.1f" % (path, side, side, img.std()))


def train(work, family, cli):
    shutil.rmtree(work, ignore_errors=True)
    images = os.path.join(work, "shapes")
    resized = shapes_folder(images)
    data_home = os.path.join(work, "data-home")
    env = {"XDG_DATA_HOME": data_home}
    name = "shapes-" + family
    # Sample grids cost as much as training here: only the closing one (--sample-every 5).
    args = ["--images", images, "--family", family, "--out", name, "--threads", "1", "--sample-every", "5"]
    rc, out, err = run(args + ["--minutes", "0.3"], env=env)
    print(out[-1500:])
    if rc != 0:
        fail("training exited %d: %s" % (rc, err[-1500:]))
    if "%d of 48 images were not 32x32" % resized not in out:
        fail("the message that %d images were resized is missing" % resized)
    model = os.path.join(data_home, "varscope", "models", name + ".safetensors")
    vae = os.path.join(data_home, "varscope", "models", name + "-vae.safetensors")
    run_dir = os.path.join(data_home, "varscope", "models", name + ".train")
    for p in (model, vae, os.path.join(run_dir, "samples.png"), os.path.join(run_dir, "transformer.pt")):
        if not os.path.exists(p):
            fail(p + " was not written")
    meta = safetensors_metadata(model)
    names = json.loads(meta["class_names"]) if family == "var" else meta["class_names"].split(",")
    if names != ["circle", "square"]:
        fail("class_names metadata %r" % meta.get("class_names"))
    steps_before = int(meta["steps"])

    rc, out, err = run(args + ["--minutes", "0.5"], env=env)
    print(out[-800:])
    if rc != 0 or "(resuming)" not in out:
        fail("the rerun did not resume (exit %d): %s %s" % (rc, out[-800:], err[-800:]))
    if re.search(r"^tokenizer: \d+ steps", out, re.M):
        fail("the rerun trained the tokenizer again")
    steps_after = int(safetensors_metadata(model)["steps"])
    if steps_after <= steps_before:
        fail("the resumed run did not train on: %d steps before, %d after" % (steps_before, steps_after))
    print("ok  resumed: %d -> %d transformer steps" % (steps_before, steps_after))

    png = os.path.join(work, "generated.png")
    gen = subprocess.run([cli, "generate", "--model", model, "--class", "1", "--seed", "3", "--out", png],
                         capture_output=True, text=True, timeout=120)
    if gen.returncode != 0:
        fail("varscope-cli generate exited %d: %s" % (gen.returncode, (gen.stderr or gen.stdout)[-800:]))
    check_png(png, 32)


def size64(work, cli):
    shutil.rmtree(work, ignore_errors=True)
    images = os.path.join(work, "shapes")
    shapes_folder(images, per_class=8)
    model = os.path.join(work, "models", "one.safetensors")
    rc, out, err = run(["--images", images, "--labels", "none", "--size", "64", "--minutes", "0.1", "--out", model,
                        "--threads", "1"])
    print(out[-800:])
    if rc != 0:
        fail("training exited %d: %s" % (rc, err[-1500:]))
    if "1 classes: all (16)" not in out:
        fail("--labels none did not make one class of 16 images")
    meta = safetensors_metadata(model)
    if meta.get("patch_nums") != "1,2,3,4,5,6,8,10,13,16" or json.loads(meta["class_names"]) != ["all"]:
        fail("metadata patch_nums %r, class_names %r" % (meta.get("patch_nums"), meta.get("class_names")))
    png = os.path.join(work, "generated.png")
    gen = subprocess.run([cli, "generate", "--model", model, "--class", "0", "--seed", "1", "--out", png],
                         capture_output=True, text=True, timeout=120)
    if gen.returncode != 0:
        fail("varscope-cli generate exited %d: %s" % (gen.returncode, (gen.stderr or gen.stdout)[-800:]))
    check_png(png, 64)


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    mode, work = sys.argv[1], os.path.abspath(sys.argv[2])
    if mode == "refusals":
        refusals(work)
    elif mode == "train":
        family = sys.argv[sys.argv.index("--family") + 1]
        cli = sys.argv[sys.argv.index("--cli") + 1]
        train(work, family, cli)
    elif mode == "size64":
        size64(work, sys.argv[sys.argv.index("--cli") + 1])
    else:
        fail("unknown mode " + mode)
    print("PASS")


if __name__ == "__main__":
    main()
