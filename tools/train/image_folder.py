"""A user's folder of pictures as a training set for varscope-train.

Labels: "from-subfolders" makes every immediate subfolder a class (images anywhere below
it belong to it; loose images in the top folder are left out, with a message); "none" puts
every image below the folder in one class. Images are decoded with PIL (Debian
python3-pil), made RGB (transparency over black), and brought to side x side: the
shorter side is resized to `side` (bicubic) and the longer one centre-cropped. Anything
that cannot be used is refused with a one-line FolderError naming the problem.
"""
import hashlib
import os

import numpy as np

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
MIN_PER_CLASS = 8       # fewer images than this cannot teach a class anything
MIN_SIDE_FRACTION = 4   # an image whose shorter side is below side / 4 would be mostly interpolation


class FolderError(Exception):
    """A one-line refusal: the folder or one of its images cannot be used."""


def is_image_name(name):
    return name.lower().endswith(EXTENSIONS) and not name.startswith(".")


def images_below(folder):
    """Image files anywhere below `folder`, sorted, hidden folders skipped."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in sorted(files) if is_image_name(f)]
    return found


def clean_class_name(name):
    """Class names travel as a list in the safetensors metadata, which the C++ reader
    splits on commas and strips of brackets and quotes (a backslash would come back
    doubled from the JSON list)."""
    cleaned = "".join(" " if c in ',[]"\\' else c for c in name).strip()
    return cleaned or "class"


def list_images(folder, labels):
    """Returns (paths, class index per path, class names, note lines). Raises FolderError."""
    if not os.path.isdir(folder):
        raise FolderError("%s: not a folder" % folder)
    notes = []
    if labels == "none":
        paths = images_below(folder)
        if not paths:
            raise FolderError("%s: no images (looked for %s files, subfolders included)" % (
                folder, "/".join(e[1:] for e in EXTENSIONS[:3])))
        if len(paths) < MIN_PER_CLASS:
            raise FolderError("%s: only %d images; need at least %d" % (folder, len(paths), MIN_PER_CLASS))
        return paths, [0] * len(paths), ["all"], notes
    subs = sorted(d for d in os.listdir(folder) if not d.startswith(".") and os.path.isdir(os.path.join(folder, d)))
    loose = [f for f in os.listdir(folder) if is_image_name(f) and os.path.isfile(os.path.join(folder, f))]
    classes, paths, label_of = [], [], []
    for sub in subs:
        found = images_below(os.path.join(folder, sub))
        if found:
            classes.append(sub)
            paths += found
            label_of += [len(classes) - 1] * len(found)
    if not classes:
        if loose:
            raise FolderError("%s: %d images but no class subfolders; put each class in its own subfolder "
                              "or use --labels none" % (folder, len(loose)))
        raise FolderError("%s: no images (looked for %s files in its subfolders)" % (
            folder, "/".join(e[1:] for e in EXTENSIONS[:3])))
    counts = np.bincount(label_of, minlength=len(classes))
    few = [(classes[c], int(counts[c])) for c in range(len(classes)) if counts[c] < MIN_PER_CLASS]
    if few:
        raise FolderError("%s: too few images per class (need %d): %s" % (
            folder, MIN_PER_CLASS, ", ".join("%s has %d" % f for f in few)))
    if len(classes) == 1:
        notes.append("one subfolder, so one class (%s)" % classes[0])
    if loose:
        notes.append("%d images in the top folder are in no class subfolder and were left out" % len(loose))
    names = [clean_class_name(c) for c in classes]
    return paths, label_of, names, notes


def fingerprint(paths, labels):
    """Names, sizes and modification times: a resumed run must see the same pictures."""
    h = hashlib.sha1()
    for p, c in zip(paths, labels):
        st = os.stat(p)
        h.update(("%s|%d|%d|%d\n" % (p, st.st_size, int(st.st_mtime), c)).encode())
    return h.hexdigest()


def load_square_rgb(path, side):
    """One image as uint8 (side, side, 3), and whether it had to be resized or cropped."""
    from PIL import Image  # Debian python3-pil; imported here so --help works without it
    try:
        with Image.open(path) as im:
            im.load()
            if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
                rgba = im.convert("RGBA")
                im = Image.new("RGB", rgba.size)
                im.paste(rgba, mask=rgba.split()[3])
            else:
                im = im.convert("RGB")
    except Exception as e:  # PIL raises many kinds (UnidentifiedImageError, OSError, SyntaxError...)
        why = (str(e).splitlines() or [type(e).__name__])[0].replace("'%s'" % path, "").replace(path, "").strip()
        if type(e).__name__ == "UnidentifiedImageError":
            why = "not in an image format PIL can decode"
        raise FolderError("%s: cannot read this image (%s)" % (path, why or type(e).__name__))
    w, h = im.size
    if min(w, h) * MIN_SIDE_FRACTION < side:
        raise FolderError("%s: %dx%d is too small for --size %d (the shorter side needs at least %d pixels)" % (
            path, w, h, side, (side + MIN_SIDE_FRACTION - 1) // MIN_SIDE_FRACTION))
    changed = (w, h) != (side, side)
    if changed:
        scale = side / min(w, h)
        nw, nh = max(side, round(w * scale)), max(side, round(h * scale))
        im = im.resize((nw, nh), Image.BICUBIC)
        left, top = (nw - side) // 2, (nh - side) // 2
        im = im.crop((left, top, left + side, top + side))
    return np.asarray(im, dtype=np.uint8), changed


def load_images(paths, side, progress=None):
    """uint8 (N, 3, side, side) and how many images were resized or cropped."""
    out = np.empty((len(paths), 3, side, side), dtype=np.uint8)
    resized = 0
    for i, p in enumerate(paths):
        img, changed = load_square_rgb(p, side)
        out[i] = img.transpose(2, 0, 1)
        resized += int(changed)
        if progress:
            progress(i + 1, len(paths))
    return out, resized


class ModelImages:
    """The images as the models see them, float32 in [-1, 1], converted per batch from the
    uint8 array (a float copy of 20,000 64 px images would take 1 GB)."""

    def __init__(self, u8):
        import torch
        self.u8 = torch.from_numpy(np.ascontiguousarray(u8))
        self.shape = self.u8.shape

    def __getitem__(self, index):
        return self.u8[index].float().div_(127.5).sub_(1.0)
