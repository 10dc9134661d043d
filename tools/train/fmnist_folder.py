"""Write Fashion-MNIST images (Debian dataset-fashion-mnist) as a folder of PNG files, one
subfolder per class: the kind of folder varscope-train takes.

  /usr/bin/python3 tools/train/fmnist_folder.py --out ~/Pictures/fashion --classes 5,7,9 --per-class 500

Images are the 28x28 originals (grey), so varscope-train resizes them (and says so).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder to create (its class subfolders are written)")
    ap.add_argument("--classes", default="5,7,9",
                    help="Fashion-MNIST class numbers 0-9 (default: sandal, sneaker, ankle boot)")
    ap.add_argument("--per-class", type=int, default=500)
    a = ap.parse_args()
    from PIL import Image
    imgs, labels = fmnist.load("train")
    for c in (int(x) for x in a.classes.split(",")):
        name = fmnist.CLASS_NAMES[c].replace("/", "-").replace(" ", "-").lower()
        folder = os.path.join(a.out, name)
        os.makedirs(folder, exist_ok=True)
        picked = (labels == c).nonzero()[0][:a.per_class]
        for i, k in enumerate(picked):
            Image.fromarray(imgs[k]).save(os.path.join(folder, "%05d.png" % i))
        print("%s: %d images" % (folder, len(picked)))


if __name__ == "__main__":
    main()
