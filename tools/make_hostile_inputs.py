#!/usr/bin/env python3
"""Writes the hostile-input corpus that runs through the real CLI, and its manifest.

Files that cannot be committed (named pipes, symbolic links, copies of the shipped models
with a NaN planted in them) or are cheaper to describe than to store are generated into
OUT_DIR (images/ and json/ hold only regular files and seed the fuzz targets, special/
the pipes and links) together with OUT_DIR/cases.tsv, one case a line, tab-separated:

    name  exit  needle  must_not_exist  arguments

`exit` is the exit code expected from varscope-cli (2 for a refusal, 0 for the controls
that prove a command line works), `needle` a text the one-line error must contain (the
hostile file's path, so the user knows which input was wrong), `must_not_exist` a path the
command must not create ("-" when none) and `arguments` the shell-quoted command line.
tests/cli/test_cli_hostile_corpus.cpp runs every line under an address-space limit and a
timeout. To grow the corpus, add a case here; nothing else changes.

    python3 tools/make_hostile_inputs.py OUT_DIR ASSETS_DIR

Python standard library only. The committed corpora (tools/make_hostile_safetensors.py,
tools/make_hostile_pickle.py) are not repeated here.
"""
import json
import os
import shlex
import struct
import sys
import zlib

import make_hostile_pickle as pk

# ---- images ---------------------------------------------------------------------------


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, rows=None, ihdr_tail=b"\x08\x02\x00\x00\x00", idat=None, iend=True):
    """An 8-bit RGB PNG; `rows` (bytes per row without the filter byte) default to grey."""
    if idat is None:
        raw = b"".join(b"\x00" + (rows[y] if rows else b"\x80" * (3 * width)) for y in range(height))
        idat = zlib.compress(raw)
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">II", width, height) + ihdr_tail)
    out += png_chunk(b"IDAT", idat)
    return out + (png_chunk(b"IEND", b"") if iend else b"")


JPEG_SCAN = b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00" + b"\x12\x34" * 8


def jpeg(sof_marker, width, height, body=b"", eoi=True, scan=True):
    """SOI, a start-of-frame declaring width x height (3 components), `body`, a scan header
    with a few bytes of data but no Huffman tables, EOI: nothing may decode it into pixels."""
    sof = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    out = b"\xff\xd8" + b"\xff" + bytes([sof_marker]) + struct.pack(">H", len(sof) + 2) + sof + body
    return out + (JPEG_SCAN if scan else b"") + (b"\xff\xd9" if eoi else b"")


def bmp(width, height):
    header = struct.pack("<2sIHHI", b"BM", 154, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 100, 2835, 2835, 0, 0)
    return header + info + b"\x00" * 100


IMAGES = {  # name -> (bytes, what it tests)
    "ppm_20000x20000.ppm": (b"P6\n20000 20000\n255\n" + b"\x00" * 100, "PPM declaring 1.2 GB of pixels in 119 bytes"),
    "bmp_20000x20000.bmp": (bmp(20000, 20000), "154-byte BMP declaring 20000 x 20000"),
    "gif_65535.gif": (b"GIF89a\xff\xff\xff\xff\x00\x00\x00;", "GIF declaring 65535 x 65535"),
    "webp.webp": (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8, "WebP header"),
    "unknown_bytes.png": (b"\x00\x01\x02\x03" * 16, "no known magic, named .png"),
    "empty.png": (b"", "0-byte file"),
    "png_signature_only.png": (b"\x89PNG\r\n\x1a\n", "PNG signature and nothing else"),
    "png_65535x65535.png": (png(65535, 65535, idat=zlib.compress(b"")), "PNG header declaring 65535 x 65535"),
    "png_4097x4096.png": (png(4097, 4096, idat=zlib.compress(b"")), "one column over the 4096 x 4096 budget"),
    "png_zero_width.png": (png(0, 16, idat=zlib.compress(b"")), "IHDR width 0"),
    "png_truncated.png": (png(64, 64)[:-40], "a valid PNG cut before its end"),
    "png_idat_garbage.png": (png(16, 16, idat=b"\x12\x34" * 40), "IDAT that is not a zlib stream"),
    "png_idat_short.png": (png(16, 16, idat=zlib.compress(b"\x00" * 10)), "IDAT holds 10 of 784 bytes"),
    "png_bad_bit_depth.png": (png(16, 16, ihdr_tail=b"\x07\x02\x00\x00\x00"), "bit depth 7"),
    "png_bad_color_type.png": (png(16, 16, ihdr_tail=b"\x08\x05\x00\x00\x00"), "colour type 5"),
    "png_interlace_9.png": (png(16, 16, ihdr_tail=b"\x08\x02\x00\x00\x09"), "interlace method 9"),
    "png_chunk_past_end.png": (png(16, 16)[:33] + struct.pack(">I", 0x68000014) + png(16, 16)[37:],
                               "IDAT declares 1.7 GB in a 100-byte file (stb allocated it)"),
    "png_zlib_bomb.png": (png(16, 16, idat=zlib.compress(b"\x00" * (64 << 20), 9)),
                          "16 x 16 pixels whose data inflates to 64 MB"),
    "jpeg_dht_4080_codes.jpg": (jpeg(0xC0, 64, 64, b"\xff\xc4" + struct.pack(">H", 2 + 17 + 4080) + b"\x00" +
                                     b"\xff" * 16 + b"\x00" * 4080),
                                "a Huffman table of 4080 codes (stb wrote past its arrays)"),
    "jpeg_soi_eoi.jpg": (b"\xff\xd8\xff\xd9", "SOI then EOI: no frame"),
    "jpeg_truncated.jpg": (jpeg(0xC0, 64, 64, eoi=False), "baseline JPEG cut after its frame header"),
    "jpeg_65500x65500.jpg": (jpeg(0xC0, 65500, 65500), "baseline frame declaring 65500 x 65500"),
    "jpeg_progressive_65500.jpg": (jpeg(0xC2, 65500, 65500), "progressive frame declaring 65500 x 65500"),
    "jpeg_progressive_4096_tiny.jpg": (jpeg(0xC2, 4096, 4096),
                                       "progressive 4096 x 4096 (within budget) in 60 bytes (stb gave a blank image)"),
    "jpeg_zero_height.jpg": (jpeg(0xC0, 64, 0), "height 0 (a DNL marker would follow)"),
    "jpeg_no_scan.jpg": (jpeg(0xC0, 64, 64, scan=False), "frame header, no scan (stb gave a blank image)"),
    "jpeg_arithmetic.jpg": (jpeg(0xC9, 64, 64), "arithmetic-coded frame"),
}

# ---- safetensors ----------------------------------------------------------------------


def safetensors(tensors, data=b""):
    """tensors: name -> (dtype, shape, begin, end)."""
    header = {n: {"dtype": d, "shape": s, "data_offsets": [b, e]} for n, (d, s, b, e) in tensors.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


def qkv(shape):
    """q, k, v all of `shape`, F32, no bytes: only an empty shape is consistent."""
    return safetensors({n: ("F32", shape, 0, 0) for n in "qkv"})


SAFETENSORS = {
    "qkv_2p40_heads_empty.safetensors": (qkv([2**40, 0, 8]), "[2^40, 0, 8]: no elements, 2^40 heads"),
    "qkv_2p40_head_dim_empty.safetensors": (qkv([1, 0, 2**40]), "[1, 0, 2^40]: a scratch row of 2^40 floats"),
    "qkv_2p40_tokens_empty.safetensors": (qkv([0, 2**40, 8]), "[0, 2^40, 8]: 2^40 tokens in no head"),
    "qkv_2p62_rank5_empty.safetensors": (qkv([2**62, 0, 1, 1, 1]), "rank 5, first dim 2^62"),
    "qkv_zero_everything.safetensors": (qkv([0, 0, 0]), "[0, 0, 0]"),
    "tokens_2p40_labels.safetensors": (
        safetensors({"labels": ("I64", [2**40, 0], 0, 0), "ids": ("I64", [2**40, 0], 0, 0)}),
        "labels and ids of 2^40 empty rows"),
    "tokens_huge_dims.safetensors": (
        safetensors({"labels": ("I64", [2**31], 0, 0), "ids": ("I64", [2**31, 2**31], 0, 0)}),
        "labels [2^31] and ids [2^31, 2^31] over an empty buffer"),
    "model_zero_element.safetensors": (
        safetensors({"word_embed.weight": ("F32", [2**40, 0], 0, 0)}), "a model of one empty 2^40-row tensor"),
}


def plant(source, target, value, name_part):
    """Copies a safetensors file with the first F32 entry of the first tensor whose name
    contains `name_part` set to `value`; returns that tensor's name."""
    with open(source, "rb") as f:
        data = bytearray(f.read())
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    name = next(k for k, v in header.items() if k != "__metadata__" and name_part in k and v["dtype"] == "F32")
    start = 8 + n + header[name]["data_offsets"][0]
    data[start:start + 4] = struct.pack("<f", value)
    with open(target, "wb") as f:
        f.write(data)
    return name


# ---- pickles: the size-bound cases (the code-execution corpus is committed) -------------


def pth(pkl):
    return pk.torch_zip("archive", pkl, {})


PICKLES = {
    # 8 MB of EMPTY_TUPLE + POP: 2^22 + 16 objects that each live for one opcode; within the
    # memory budget for the pickle's size, then refused by the object bound.
    "pickle_tuple_flood.pth": (pth(b"\x80\x02" + b")0" * (2**22 + 16) + b"}."), "2^22 + 16 empty tuples, each dropped"),
    # One list memoized, then 2^20 references to it pushed at once: refused by the stack bound.
    "pickle_dup_flood.pth": (pth(b"\x80\x02]q\x00(" + b"h\x00" * (2**20) + b"e0}."),
                             "2^20 references to one list on the stack"),
    "pickle_os_system.ckpt": (b"\x80\x04cos\nsystem\n(S'true'\ntR.", "a bare protocol-4 pickle calling os.system"),
}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, assets = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    cases = []

    def case(name, arguments, needle, exit_code=2, must_not_exist="-"):
        cases.append((name, str(exit_code), needle, must_not_exist, " ".join(shlex.quote(a) for a in arguments)))

    def write(name, data, folder=""):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        path = os.path.join(out, folder, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    var = ["--model", "fmnist-var"]
    var_vae = os.path.join(assets, "fmnist-var-vae.safetensors")
    flowar_vae = os.path.join(assets, "fmnist-flowar-vae.safetensors")
    st_out = os.path.join(out, "written.safetensors")
    png_out = os.path.join(out, "written.png")
    sample = ["--class", "1", "--seed", "1"]

    # Which command reads an input as what: (label, arguments around the path, output).
    readers = [
        ("image", lambda p: ["encode", *var, "--image", p, "--out", st_out], st_out),
        ("qkv", lambda p: ["attention", "--qkv", p, "--out", st_out], st_out),
        ("tokens", lambda p: ["replay", *var, "--tokens", p, "--out", st_out], st_out),
        ("prefix", lambda p: ["generate", *var, *sample, "--prefix", p, "--keep-scales", "1", "--out", png_out], png_out),
        ("var", lambda p: ["generate", "--var", p, "--vae", var_vae, *sample, "--out", png_out], png_out),
        ("vae", lambda p: ["generate", "--var", os.path.join(assets, "fmnist-var.safetensors"), "--vae", p, *sample,
                           "--out", png_out], png_out),
        ("flowar", lambda p: ["generate", "--flowar", p, "--vae", flowar_vae, *sample, "--out", png_out], png_out),
        ("model", lambda p: ["generate", "--model", p, *sample, "--out", png_out], png_out),
    ]
    reader = {label: (args, o) for label, args, o in readers}

    def read_as(label, name, path, needle=None):
        args, o = reader[label]
        case(name + "_as_" + label, args(path), needle or path, must_not_exist=o)

    # Controls: the same command lines succeed on sound inputs, so a refusal below is the
    # input's doing, not a broken command line.
    control_png = write("control.png", png(16, 16), "images")
    case("control_image", ["encode", *var, "--image", control_png, "--out", os.path.join(out, "control_tokens.safetensors")],
         "", exit_code=0)
    control_qkv = write("control_qkv.safetensors",
                        safetensors({n: ("F32", [1, 2, 2], 16 * i, 16 * (i + 1)) for i, n in enumerate("qkv")},
                                    struct.pack("<12f", *([0.25] * 12))))
    case("control_qkv", ["attention", "--qkv", control_qkv, "--out", os.path.join(out, "control_o.safetensors")], "",
         exit_code=0)

    for name, (data, _) in IMAGES.items():
        read_as("image", name, write(name, data, "images"))
    for name, (data, _) in SAFETENSORS.items():
        path = write(name, data)
        # The header alone seeds the JSON fuzz target.
        write(name.replace(".safetensors", ".json"), data[8:], "json")
        for label in ("qkv", "tokens", "prefix") if name.startswith(("qkv", "tokens")) else ("var", "vae", "flowar"):
            read_as(label, name, path)
    for name, (data, _) in PICKLES.items():
        read_as("var", name, write(name, data))

    # Non-finite weights, named by the tensor they sit in.
    nan_var = os.path.join(out, "nan_var.safetensors")
    read_as("var", "nan_weight", nan_var,
            plant(os.path.join(assets, "fmnist-var.safetensors"), nan_var, float("nan"), "word_embed"))
    inf_var = os.path.join(out, "inf_var.safetensors")
    read_as("var", "inf_weight", inf_var, plant(os.path.join(assets, "fmnist-var.safetensors"), inf_var,
                                                float("inf"), "head"))
    minus_inf_var = os.path.join(out, "minus_inf_var.safetensors")
    read_as("var", "minus_inf_weight", minus_inf_var, plant(os.path.join(assets, "fmnist-var.safetensors"),
                                                            minus_inf_var, float("-inf"), "blocks"))
    nan_vae = os.path.join(out, "nan_codebook.safetensors")
    read_as("vae", "nan_codebook", nan_vae, plant(var_vae, nan_vae, float("nan"), "embedding"))
    nan_flowar = os.path.join(out, "nan_flowar.safetensors")
    read_as("flowar", "nan_flowar", nan_flowar,
            plant(os.path.join(assets, "fmnist-flowar.safetensors"), nan_flowar, float("nan"), "class_emb"))
    nan_kl = os.path.join(out, "nan_kl_vae.safetensors")
    args = ["generate", "--flowar", os.path.join(assets, "fmnist-flowar.safetensors"), "--vae", nan_kl, *sample,
            "--out", png_out]
    case("nan_kl_vae", args, plant(flowar_vae, nan_kl, float("nan"), "decoder"), must_not_exist=png_out)
    nan_qkv = os.path.join(out, "nan_qkv.safetensors")
    with open(control_qkv, "rb") as f:
        data = bytearray(f.read())
    data[-4:] = struct.pack("<f", float("nan"))
    write("nan_qkv.safetensors", bytes(data))
    read_as("qkv", "nan_v", nan_qkv)

    # Special files as every input: a named pipe (opening it blocks forever), a directory,
    # a device that streams without end, a symbolic link to a pipe. In a folder of their
    # own, so that the other folders can seed fuzzers (which would block reading a pipe).
    special = os.path.join(out, "special")
    os.makedirs(special, exist_ok=True)
    pipe = os.path.join(special, "pipe.safetensors")
    if not os.path.exists(pipe):
        os.mkfifo(pipe)
    folder = os.path.join(special, "folder.safetensors")
    os.makedirs(folder, exist_ok=True)
    link = os.path.join(special, "link_to_pipe.png")
    if not os.path.lexists(link):
        os.symlink(pipe, link)
    for label, _, _ in readers:
        read_as(label, "pipe", pipe)
        read_as(label, "folder", folder)
        read_as(label, "dev_zero", "/dev/zero")
    read_as("image", "link_to_pipe", link)
    read_as("image", "missing", os.path.join(out, "missing.png"))

    # Outputs that cannot be written: each refused before the work, nothing left behind.
    scales = os.path.join(out, "scales_left_behind")
    outputs = [
        ("generate", ["generate", *var, *sample, "--scales-dir", scales, "--out"], scales),
        ("encode", ["encode", *var, "--image", control_png, "--out"], "-"),
        ("attention", ["attention", "--qkv", control_qkv, "--out"], "-"),
        ("bench_attention", ["bench", "attention", "--sides", "4", "--repeats", "1", "--json"], "-"),
        ("eval", ["eval", "--model", "fmnist-var", "--samples-per-class", "1", "--json"], "-"),
        ("bench_generate", ["bench", "generate", "--depth", "2", "--random-weights", "--json"], "-"),
    ]
    dangling = os.path.join(special, "dangling_link")
    if not os.path.lexists(dangling):
        os.symlink(os.path.join(out, "nowhere"), dangling)
    for name, args, left in outputs:
        case(name + "_out_dev_full", args + ["/dev/full"], "/dev/full", must_not_exist=left)
        case(name + "_out_folder", args + [folder], folder, must_not_exist=left)
        case(name + "_out_missing_folder", args + [os.path.join(out, "missing", "o")], os.path.join(out, "missing"),
             must_not_exist=left)
        case(name + "_out_dangling_link", args + [dangling], dangling, must_not_exist=os.path.join(out, "nowhere"))
    for flag in ("--out-dir", "--scales-dir"):
        tail = ["--out-dir", os.path.join(out, "d")] if flag == "--scales-dir" else []
        case("generate_" + flag[2:] + "_is_a_file", ["generate", *var, *sample, "--count", "2", flag, control_png, *tail],
             control_png)
    case("inspect_out_dir_dev_full", ["inspect", *var, *sample, "--out-dir", "/dev/full"], "/dev/full")

    with open(os.path.join(out, "cases.tsv"), "w") as f:
        for c in cases:
            f.write("\t".join(c) + "\n")
    print(f"{len(cases)} cases in {out}/cases.tsv")


if __name__ == "__main__":
    main()
