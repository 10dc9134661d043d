#!/usr/bin/env python3
"""Regenerates tests/data/hostile_safetensors/: small malformed safetensors files that the
reader must refuse with a clean error, plus valid/ with files it must load. Also writes the
folder's README.md listing every file. Python standard library only.

    python3 tools/make_hostile_safetensors.py [OUT_DIR]
"""
import json
import os
import struct
import sys


def image(header, data=b"", length=None):
    """8-byte little-endian header length, header bytes, data buffer."""
    if isinstance(header, str):
        header = header.encode("utf-8")
    n = len(header) if length is None else length
    return struct.pack("<Q", n) + header + data


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def js(obj):
    return json.dumps(obj, separators=(",", ":"))


F32_1 = '{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'

# name -> (bytes, what it tests)
HOSTILE = {
    "empty": (b"", "0-byte file"),
    "short_length": (b"\x10\x00\x00\x00\x00", "5 bytes: the header length itself is cut"),
    "zero_header_length": (struct.pack("<Q", 0), "header length 0: no header at all"),
    "header_past_eof": (image("{}", length=1000), "header length 1000, file holds 2 header bytes"),
    "header_above_100mb": (image("{}", length=200_000_000), "header length 200 MB, above the limit"),
    "header_length_u64_max": (image("{}", length=2**64 - 1), "header length 2^64-1 (overflow bait)"),
    "header_length_off_by_one": (image("{}", length=3), "header length one past the file end"),
    "header_is_array": (image("[]"), "header is a JSON array, not an object"),
    "header_leading_space": (image(" {}"), "header does not start with '{'"),
    "header_only_brace": (image("{"), "header is a lone '{'"),
    "json_truncated": (image('{"t":{"dtype":"F32",'), "JSON cut mid-object"),
    "json_trailing_text": (image("{}x"), "text after the JSON object"),
    "json_two_objects": (image("{}{}"), "two JSON objects"),
    "json_nul_padding": (image(b"{}\x00\x00\x00\x00\x00\x00"), "header padded with NUL bytes, not spaces"),
    "json_trailing_comma": (image('{"__metadata__":{"a":"b",}}'), "trailing comma"),
    "json_single_quotes": (image("{'a':'b'}"), "single-quoted strings"),
    "json_invalid_utf8_name": (image(b'{"\xff\xfe":' + js(entry("U8", [0], 0, 0)).encode() + b"}"),
                               "tensor name is invalid UTF-8"),
    "json_lone_surrogate": (image('{"\\ud800":' + js(entry("U8", [0], 0, 0)) + "}"),
                            "tensor name with a lone \\ud800 escape"),
    "json_control_char_name": (image(b'{"a\nb":' + js(entry("U8", [0], 0, 0)).encode() + b"}"),
                               "raw newline inside a tensor name"),
    "json_deep_nesting": (image('{"__metadata__":' + "[" * 5000 + "]" * 5000 + "}"),
                          "5000 nested arrays (stack exhaustion bait)"),
    "json_bad_escape": (image('{"__metadata__":{"a":"\\q"}}'), "unknown escape \\q"),
    "json_leading_zero": (image('{"t":{"dtype":"U8","shape":[01],"data_offsets":[0,1]}}', b"\0"),
                          "number with a leading zero"),
    "dtype_unknown": (image(js({"t": entry("F8_E4M3", [1], 0, 1)}), b"\0"), "dtype F8_E4M3 (not supported)"),
    "dtype_lowercase": (image(js({"t": entry("f32", [1], 0, 4)}), b"\0" * 4), "dtype spelled f32"),
    "dtype_not_string": (image('{"t":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}', b"\0" * 4),
                         "dtype is a number"),
    "shape_offset_mismatch": (image(js({"t": entry("F32", [2], 0, 4)}), b"\0" * 4),
                              "F32 [2] needs 8 bytes, offsets span 4"),
    "offsets_past_buffer": (image(js({"t": entry("F32", [2], 0, 8)}), b"\0" * 4),
                            "tensor ends at 8, buffer holds 4"),
    "offsets_end_before_begin": (image(js({"t": entry("U8", [0], 4, 0)}), b"\0" * 4),
                                 "data_offsets [4, 0]"),
    "offsets_zero_size_past_buffer": (image(js({"t": entry("U8", [0], 8, 8)}), b""),
                                      "zero-sized tensor placed at 8 in an empty buffer"),
    "offsets_huge_zero_size": (image(js({"t": entry("U8", [0], 2**63, 2**63)})),
                               "zero-sized tensor at offset 2^63"),
    "offsets_overlap": (image(js({"a": entry("F32", [1], 0, 4), "b": entry("U8", [2], 2, 4)}), b"\0" * 4),
                        "b's range [2,4) overlaps a's [0,4)"),
    "offsets_same_range": (image(js({"a": entry("F32", [1], 0, 4), "b": entry("I32", [1], 0, 4)}), b"\0" * 4),
                           "two tensors share one byte range"),
    "offsets_gap": (image(js({"a": entry("U8", [2], 0, 2), "b": entry("U8", [2], 4, 6)}), b"\0" * 6),
                    "bytes [2,4) belong to no tensor"),
    "offsets_leading_gap": (image(js({"t": entry("F32", [1], 4, 8)}), b"\0" * 8),
                            "first tensor starts at 4, bytes [0,4) unaccounted"),
    "trailing_garbage": (image(F32_1, b"\0" * 4 + b"GARBAGE!"), "8 bytes after the last tensor"),
    "trailing_garbage_no_tensors": (image("{}", b"\0"), "empty header but a 1-byte data buffer"),
    "shape_product_overflow": (image(js({"t": entry("F32", [2**32, 2**32], 0, 0)})),
                               "shape [2^32, 2^32]: element count overflows int64"),
    "shape_bytes_overflow": (image(js({"t": entry("F64", [2**62], 0, 0)})),
                             "F64 [2^62]: byte size overflows uint64"),
    "shape_wraps_to_zero": (image(js({"t": entry("U8", [2**32, 2**32, 2**32], 0, 4)}), b"\0" * 4),
                            "shape whose product wraps modulo 2^64"),
    "shape_dim_above_int64": (image(js({"t": entry("U8", [2**63], 0, 0)})), "dimension 2^63"),
    "shape_dim_huge_literal": (image('{"t":{"dtype":"U8","shape":[123456789012345678901234567890],"data_offsets":[0,0]}}'),
                               "dimension with 30 digits"),
    "shape_negative_dim": (image(js({"t": entry("U8", [-1], 0, 1)}), b"\0"), "dimension -1"),
    "shape_float_dim": (image('{"t":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}', b"\0"), "dimension 1.0"),
    "shape_exponent_dim": (image('{"t":{"dtype":"U8","shape":[1e0],"data_offsets":[0,1]}}', b"\0"), "dimension 1e0"),
    "shape_not_array": (image('{"t":{"dtype":"U8","shape":1,"data_offsets":[0,1]}}', b"\0"), "shape is a number"),
    "shape_string_dim": (image('{"t":{"dtype":"U8","shape":["1"],"data_offsets":[0,1]}}', b"\0"), "dimension \"1\""),
    "offset_negative": (image('{"t":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}', b"\0"), "offset -1"),
    "offset_above_u64": (image('{"t":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551616,18446744073709551617]}}'),
                         "offset 2^64"),
    "offsets_three": (image('{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}', b"\0"), "three offsets"),
    "offsets_missing": (image('{"t":{"dtype":"U8","shape":[1]}}', b"\0"), "no data_offsets key"),
    "entry_not_object": (image('{"t":[1,2,3]}'), "tensor entry is an array"),
    "entry_unknown_key": (image('{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":0}}', b"\0"),
                          "tensor entry with an extra key"),
    "entry_duplicate_key": (image('{"t":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}', b"\0"),
                            "tensor entry with dtype twice"),
    "duplicate_tensor": (image('{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
                               '"t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', b"\0\0"),
                         "two tensors named t (ranges tile the buffer)"),
    "duplicate_metadata": (image('{"__metadata__":{},"__metadata__":{}}'), "__metadata__ twice"),
    "duplicate_metadata_key": (image('{"__metadata__":{"a":"1","a":"2"}}'), "metadata key twice"),
    "metadata_number_value": (image('{"__metadata__":{"epoch":3}}'), "metadata value is a number"),
    "metadata_null_value": (image('{"__metadata__":{"a":null}}'), "metadata value is null"),
    "metadata_nested_object": (image('{"__metadata__":{"a":{"b":"c"}}}'), "metadata value is an object"),
    "metadata_not_object": (image('{"__metadata__":"x"}'), "__metadata__ is a string"),
    # Issue 12: zero elements, so no data bounds the dims; attention looped over 2^40 heads.
    "empty_huge_heads": (image(js({"q": entry("F32", [2**40, 0, 8], 0, 0)})),
                         "F32 [2^40, 0, 8]: no elements, dims beyond the memory budget"),
    "empty_huge_head_dim": (image(js({"q": entry("F32", [1, 0, 2**40], 0, 0)})),
                            "F32 [1, 0, 2^40]: no elements, a head dim beyond the memory budget"),
    # Issue 12: other files given as safetensors are named by their magic bytes.
    "png_as_safetensors": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17, "a PNG image"),
    "zip_as_safetensors": (b"PK\x03\x04" + b"\x00" * 26, "a zip archive (a .pth checkpoint)"),
    "name_with_escapes": (image(js({"\x1b[2J\nq": entry("F32", [2], 0, 4)}), b"\0" * 4),
                          "tensor name holding an ANSI escape and a newline (and a size mismatch)"),
}


def valid_files():
    """Files the reader must load; their tensors hold 0, 1, 2, ... (BOOL: i % 2)."""
    files = {}
    dtypes = [("F64", "<d"), ("F32", "<f"), ("F16", "<e"), ("I64", "<q"), ("I32", "<i"), ("U8", "<B")]
    header, data = {"__metadata__": {"format": "pt", "source": "tools/make_hostile_safetensors.py"}}, b""
    for name, fmt in dtypes:
        payload = b"".join(struct.pack(fmt, i) for i in range(6))
        header["x_" + name] = entry(name, [2, 3], len(data), len(data) + len(payload))
        data += payload
    bf16 = b"".join(struct.pack("<f", float(i))[2:] for i in range(6))  # exact for small ints
    header["x_BF16"] = entry("BF16", [2, 3], len(data), len(data) + len(bf16))
    data += bf16
    boolean = bytes(i % 2 for i in range(6))
    header["x_BOOL"] = entry("BOOL", [2, 3], len(data), len(data) + 6)
    data += boolean
    text = js(header)
    text += " " * ((8 - (8 + len(text)) % 8) % 8)  # reference-style space padding
    files["all_dtypes"] = (image(text, data), "every dtype, values 0..5, shape [2,3], metadata")
    files["empty_header"] = (image("{}"), "no tensors, no metadata")
    files["metadata_only"] = (image('{"__metadata__":{"k":"v","\\u00e9":"\\ud83d\\ude00"}}  '),
                              "metadata only, unicode escapes, trailing spaces")
    files["zero_sized"] = (image(js({"a": entry("F32", [0, 4], 0, 0), "b": entry("U8", [3], 0, 3),
                                     "c": entry("I64", [2, 0], 3, 3)}), b"\0\1\2"),
                           "zero-sized tensors at the start and the end")
    files["unordered_unaligned"] = (image(js({"late": entry("U8", [2], 4, 6), "early": entry("F32", [1], 0, 4)}),
                                          struct.pack("<f", 0.0) + b"\1\2"),
                                    "header order differs from offset order; data not 8-aligned")
    files["scalar"] = (image(js({"s": entry("F32", [], 0, 4)}), struct.pack("<f", 0.0)), "rank-0 tensor")
    return files


def write_folder(out_dir):
    valid_dir = os.path.join(out_dir, "valid")
    os.makedirs(valid_dir, exist_ok=True)
    for folder in (out_dir, valid_dir):  # drop files of earlier generations
        for name in os.listdir(folder):
            if name.endswith(".safetensors"):
                os.remove(os.path.join(folder, name))
    lines = [
        "# Hostile safetensors corpus",
        "",
        "Generated by `python3 tools/make_hostile_safetensors.py`; do not edit by hand.",
        "Every `*.safetensors` file in this folder must be refused by `vs::io::SafetensorsFile`",
        "with a one-line `vs::Error` naming the file (tests/io/test_hostile_safetensors.cpp);",
        "the files in `valid/` must load. Both folders seed the libFuzzer target",
        "tests/fuzz/fuzz_safetensors.cpp.",
        "",
        "| file | what is wrong |",
        "|---|---|",
    ]
    for name, (data, what) in sorted(HOSTILE.items()):
        with open(os.path.join(out_dir, name + ".safetensors"), "wb") as f:
            f.write(data)
        lines.append(f"| `{name}.safetensors` | {what} |")
    lines += ["", "## valid/", "", "| file | what it holds |", "|---|---|"]
    for name, (data, what) in sorted(valid_files().items()):
        with open(os.path.join(valid_dir, name + ".safetensors"), "wb") as f:
            f.write(data)
        lines.append(f"| `{name}.safetensors` | {what} |")
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    write_folder(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "data", "hostile_safetensors"))
