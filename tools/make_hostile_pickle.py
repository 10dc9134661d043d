#!/usr/bin/env python3
"""Writes the committed test corpora for VARScope's .pth / .ckpt reader (python3 stdlib only).

  tests/data/pth_crafted/    valid torch.save-like archives covering what the fixtures do not
                             (every storage dtype, views, Parameters, protocol 4, ZIP64)
  tests/data/hostile_pickle/ archives and raw pickles that must be refused with a clean
                             vs::Error; MANIFEST lists each file with a substring of its message

Pickles are written opcode by opcode (names as in CPython's Lib/pickletools.py) and zips by
our own writer, so that each corruption is exact. Nothing here imports or runs a pickle.
Usage: tools/make_hostile_pickle.py [repo_root]
"""
import os
import struct
import sys
import zlib

# ---- pickle opcodes --------------------------------------------------------------------


def s(text):  # BINUNICODE
    b = text.encode()
    return b'X' + struct.pack('<I', len(b)) + b


def short_s(text):  # SHORT_BINUNICODE
    b = text.encode()
    return b'\x8c' + bytes([len(b)]) + b


def i(n):  # BININT1 / BININT2 / BININT / LONG1
    if 0 <= n < 256:
        return b'K' + bytes([n])
    if 0 <= n < 65536:
        return b'M' + struct.pack('<H', n)
    if -2**31 <= n < 2**31:
        return b'J' + struct.pack('<i', n)
    raw = n.to_bytes(8, 'little', signed=True)
    return b'\x8a' + bytes([len(raw)]) + raw


def g(module, name):  # GLOBAL
    return b'c' + f'{module}\n{name}\n'.encode()


def tup(*items):  # MARK ... TUPLE
    return b'(' + b''.join(items) + b't'


FALSE, TRUE, NONE, STOP = b'\x89', b'\x88', b'N', b'.'
EMPTY_ODICT = g('collections', 'OrderedDict') + b')R'


def storage(storage_type, key, numel):  # persistent id, then BINPERSID
    return tup(s('storage'), g('torch', storage_type), s(key), s('cpu'), i(numel)) + b'Q'


def tensor(storage_type, key, numel, offset, shape, stride):
    return (g('torch._utils', '_rebuild_tensor_v2') +
            tup(storage(storage_type, key, numel), i(offset), tup(*map(i, shape)),
                tup(*map(i, stride)), FALSE, EMPTY_ODICT) + b'R')


def parameter(t):
    return g('torch._utils', '_rebuild_parameter') + tup(t, TRUE, EMPTY_ODICT) + b'R'


def odict(pairs):  # OrderedDict() then SETITEMS
    return EMPTY_ODICT + b'(' + b''.join(s(k) + v for k, v in pairs) + b'u'


def pickle2(body):
    return b'\x80\x02' + body + STOP


def f32(*values):
    return struct.pack('<%df' % len(values), *values)


# ---- zip writer (stored entries, torch-style 64-byte data alignment) ------------------


def zip_archive(entries, zip64=False, method=0):
    out, cd = bytearray(), bytearray()
    for name, data in entries:
        offset, nb = len(out), name.encode()
        crc = zlib.crc32(data)
        pad = (64 - (offset + 30 + len(nb) + 4) % 64) % 64
        local_extra = struct.pack('<HH', 0x4246, pad) + b'Z' * pad
        out += struct.pack('<IHHHHHIIIHH', 0x04034b50, 45 if zip64 else 20, 0, method, 0, 0,
                           crc, len(data), len(data), len(nb), len(local_extra))
        out += nb + local_extra + data
        if zip64 == 'offset_only':  # as miniz writes past 4 GB: only the field that overflows
            extra = struct.pack('<HHQ', 1, 8, offset)
            size32, offset32 = len(data), 0xFFFFFFFF
        elif zip64:
            extra = struct.pack('<HHQQQ', 1, 24, len(data), len(data), offset)
            size32 = offset32 = 0xFFFFFFFF
        else:
            extra, size32, offset32 = b'', len(data), offset
        cd += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45 if zip64 else 20, 0, method,
                          0, 0, crc, size32, size32, len(nb), len(extra), 0, 0, 0, 0, offset32)
        cd += nb + extra
    cd_offset, n = len(out), len(entries)
    out += cd
    if zip64:
        z64 = len(out)
        out += struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, n, n, len(cd), cd_offset)
        out += struct.pack('<IIQI', 0x07064b50, 0, z64, 1)
        out += struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, n, n, len(cd), cd_offset, 0)
    return bytes(out)


def torch_zip(stem, pkl, storages, extra_records=(), **kw):
    entries = [(f'{stem}/data.pkl', pkl)]
    entries += [(f'{stem}/{name}', data) for name, data in extra_records]
    entries += [(f'{stem}/data/{key}', data) for key, data in storages.items()]
    entries.append((f'{stem}/version', b'3\n'))
    return zip_archive(entries, **kw)


# ---- valid crafted archives -------------------------------------------------------------


def dtypes_and_views():
    t = tensor
    pairs = [
        ('f64', t('DoubleStorage', 'f64', 4, 0, [2, 2], [2, 1])),
        ('f16', t('HalfStorage', 'f16', 3, 0, [3], [1])),
        ('bf16', t('BFloat16Storage', 'bf16', 2, 0, [2], [1])),
        ('i32', t('IntStorage', 'i32', 3, 0, [3], [1])),
        ('i16', t('ShortStorage', 'i16', 2, 0, [2], [1])),
        ('i8', t('CharStorage', 'i8', 2, 0, [2], [1])),
        ('u8', t('ByteStorage', 'u8', 4, 0, [4], [1])),
        ('flag', t('BoolStorage', 'flag', 3, 0, [3], [1])),
        ('i64', t('LongStorage', 'i64', 2, 0, [2], [1])),
        ('base', t('FloatStorage', 'base', 12, 0, [3, 4], [4, 1])),
        ('transposed', t('FloatStorage', 'base', 12, 0, [4, 3], [1, 4])),
        ('tail', t('FloatStorage', 'base', 12, 8, [4], [1])),
        ('broadcast', t('FloatStorage', 'base', 12, 4, [2, 3], [0, 1])),
        ('param', parameter(t('FloatStorage', 'param', 2, 0, [2], [1]))),
        ('scalar', t('FloatStorage', 'scalar', 1, 0, [], [])),
        ('empty', t('FloatStorage', 'empty', 0, 0, [0, 3], [3, 1])),
    ]
    storages = {
        'f64': struct.pack('<4d', 1.5, -2.25, 3.0, float(struct.unpack('<f', struct.pack('<f', 1e-3))[0])),
        'f16': struct.pack('<3e', 1.0, -0.5, 65504.0),
        'bf16': struct.pack('<2H', 0x3FC0, 0xC000),
        'i32': struct.pack('<3i', -7, 0, 123456),
        'i16': struct.pack('<2h', -300, 300),
        'i8': struct.pack('<2b', -128, 127),
        'u8': bytes([0, 1, 200, 255]),
        'flag': bytes([1, 0, 1]),
        'i64': struct.pack('<2q', -2**40, 5),
        'base': f32(*range(12)),
        'param': f32(0.25, -0.75),
        'scalar': f32(7.0),
        'empty': b'',
    }
    return torch_zip('dtypes_and_views', pickle2(odict(pairs)), storages)


def protocol4_state_dict():
    # {"epoch": 3, "state_dict": {"layer.weight": T, "layer.bias": T}} with protocol-4 opcodes.
    def stack_global(module, name):
        return short_s(module) + b'\x94' + short_s(name) + b'\x94' + b'\x93' + b'\x94' + b'0'  # memoized, then POP
    rebuild = stack_global('torch._utils', '_rebuild_tensor_v2')  # memo 0, 1, 2 (2: the global)
    float_storage = stack_global('torch', 'FloatStorage')          # memo 3, 4, 5 (5: the global)

    def t(key, numel, shape, stride):
        pid = b'(' + short_s('storage') + b'h\x05' + short_s(key) + short_s('cpu') + i(numel) + b't'
        return (b'h\x02' + b'(' + pid + b'Q' + i(0) + tup(*map(i, shape)) + tup(*map(i, stride)) +
                FALSE + b'}' + b't' + b'R')
    inner = b'}' + b'(' + short_s('layer.weight') + t('0', 4, [2, 2], [2, 1]) + \
        short_s('layer.bias') + t('1', 2, [2], [1]) + b'u'
    body = (rebuild + float_storage + b'}' + b'\x94' + b'(' + short_s('epoch') + i(3) +
            short_s('state_dict') + inner + b'u')
    framed = body + STOP
    pkl = b'\x80\x04' + b'\x95' + struct.pack('<Q', len(framed)) + framed
    return torch_zip('protocol4', pkl, {'0': f32(1, 2, 3, 4), '1': f32(-1, -2)},
                     extra_records=[('byteorder', b'little')])


def zip64(mode=True):
    pkl = pickle2(odict([('w', tensor('FloatStorage', '0', 6, 0, [2, 3], [3, 1]))]))
    return torch_zip('zip64', pkl, {'0': f32(1, 2, 3, 4, 5, 6)}, zip64=mode)


# ---- hostile corpus ----------------------------------------------------------------------

W = tensor('FloatStorage', '0', 4, 0, [2, 2], [2, 1])  # a sound tensor to embed
W_DATA = {'0': f32(1, 2, 3, 4)}


def hostile_zip(pkl, storages=None, **kw):
    return torch_zip('archive', pkl, W_DATA if storages is None else storages, **kw)


def call(module, name, *args):
    return g(module, name) + tup(*args) + b'R'


def raw_pickles():
    """(name, pickle bytes, message substring): each is refused by the pickle VM itself."""
    deep = b'\x80\x02' + b'(' * 70000 + STOP
    return [
        ('os_system', pickle2(call('os', 'system', s('echo pwned'))), "global 'os.system' is not allowed"),
        ('posix_system', pickle2(call('posix', 'system', s('id'))), "global 'posix.system' is not allowed"),
        ('builtins_eval', pickle2(call('builtins', 'eval', s('1+1'))), "global 'builtins.eval' is not allowed"),
        ('builtin_eval_py2', pickle2(call('__builtin__', 'eval', s('1'))), "global '__builtin__.eval' is not allowed"),
        ('builtins_exec', pickle2(call('builtins', 'exec', s('import os'))), "global 'builtins.exec' is not allowed"),
        ('subprocess_popen', pickle2(call('subprocess', 'Popen', tup(s('ls')))), "global 'subprocess.Popen' is not allowed"),
        ('stack_global_os_system', b'\x80\x04' + short_s('os') + short_s('system') + b'\x93' +
         tup(s('id')) + b'R' + STOP, "global 'os.system' is not allowed"),
        ('inst_os_system', b'\x80\x02(' + s('id') + b'ios\nsystem\n' + STOP, 'opcode 0x69 is not supported'),
        ('obj_opcode', b'\x80\x02(' + EMPTY_ODICT + b'o' + STOP, 'opcode 0x6f is not supported'),
        ('newobj_opcode', b'\x80\x02' + g('collections', 'OrderedDict') + b')\x81' + STOP, 'opcode 0x81 is not supported'),
        ('call_storage_type', pickle2(call('torch', 'FloatStorage', i(3))), "global 'torch.FloatStorage' cannot be called"),
        ('odict_with_args', pickle2(call('collections', 'OrderedDict', b']')), 'OrderedDict with constructor arguments'),
        ('build_on_global', pickle2(g('collections', 'OrderedDict') + b'}' + b'b'), 'BUILD on global'),
        ('truncated', pickle2(odict([('w', W)]))[:150], 'truncated pickle'),
        ('no_stop', b'\x80\x02' + b'}', 'no STOP opcode'),
        ('bad_memo_index', b'\x80\x02' + b'}q\x00' + b'h\x07' + STOP, 'memo index 7 was never stored'),
        ('bad_long_memo_index', b'\x80\x02' + b'j\xff\xff\xff\xff' + STOP, 'memo index 4294967295 was never stored'),
        ('stack_underflow', b'\x80\x02' + b'R' + STOP, 'stack underflow'),
        ('pop_below_mark', b'\x80\x02' + b'}' + b'(' + b's' + STOP, 'stack underflow'),
        ('setitems_without_mark', b'\x80\x02' + b'}' + b'u' + STOP, 'no MARK on the stack'),
        ('huge_binunicode', b'\x80\x02' + b'X' + struct.pack('<I', 0xFFFFFFF0) + b'abc' + STOP, 'truncated pickle: needs 4294967280 bytes'),
        ('huge_binunicode8', b'\x80\x04' + b'\x8d' + struct.pack('<Q', 2**63) + b'a' + STOP, 'truncated pickle: needs'),
        ('huge_frame', b'\x80\x04' + b'\x95' + struct.pack('<Q', 2**40) + b'}' + STOP, 'FRAME of 1099511627776 bytes'),
        ('deep_marks', deep, 'MARKs nested deeper than 65536'),
        ('unterminated_global', b'\x80\x02' + b'cos' + b'x' * 300, 'GLOBAL name not terminated'),
        ('protocol_6', b'\x80\x06' + b'}' + STOP, 'pickle protocol 6 is not supported'),
        ('long1_too_wide', b'\x80\x02' + b'\x8a\x09' + b'\x01' * 9 + STOP, 'integer of 9 bytes does not fit int64'),
        ('setitem_on_list', b'\x80\x02' + b']' + s('k') + s('v') + b's' + STOP, 'SETITEM on list'),
        ('stop_with_extra_values', b'\x80\x02' + b'}}' + STOP, 'STOP with 2 values on the stack'),
        ('persid_not_tuple', b'\x80\x02' + s('storage') + b'Q' + STOP, 'persistent id: expected tuple, found str'),
        ('persid_wrong_tag', b'\x80\x02' + tup(s('module'), g('torch', 'FloatStorage'), s('0'), s('cpu'), i(4)) + b'Q' + STOP,
         "persistent id tag 'module' is not 'storage'"),
        ('persid_key_with_slash', b'\x80\x02' + storage('FloatStorage', '../../etc/passwd', 4) + STOP, 'is not a plain record name'),
        ('storage_two_dtypes', b'\x80\x02' + storage('FloatStorage', '0', 4) + storage('LongStorage', '0', 4) + b'\x86' + STOP,
         "storage '0' is referenced as F32[4] and as I64[4]"),
        ('negative_dim', pickle2(odict([('w', tensor('FloatStorage', '0', 4, 0, [2, -2], [2, 1]))])), 'tensor size has a negative entry -2'),
        ('negative_offset', pickle2(odict([('w', tensor('FloatStorage', '0', 4, -1, [2], [1]))])), 'negative storage offset'),
        ('rank_mismatch', pickle2(odict([('w', tensor('FloatStorage', '0', 4, 0, [2, 2], [1]))])), 'tensor size has 2 dims but stride has 1'),
        ('rebuild_wrong_arity', pickle2(g('torch._utils', '_rebuild_tensor_v2') + tup(i(1)) + b'R'), '_rebuild_tensor_v2 takes 6 or 7 arguments'),
        ('parameter_of_int', pickle2(g('torch._utils', '_rebuild_parameter') + tup(i(1), TRUE, EMPTY_ODICT) + b'R'),
         'parameter data: expected tensor, found int'),
    ]


def hostile_archives():
    """(name, file bytes, message substring): refused by load_checkpoint."""
    good = hostile_zip(pickle2(odict([('w', W)])))
    out = []
    for name, pkl, msg in raw_pickles():
        out.append((name + '.pth', hostile_zip(pkl), msg))
    out += [
        ('storage_record_missing.pth', hostile_zip(pickle2(odict([('w', tensor('FloatStorage', '7', 4, 0, [2, 2], [2, 1]))]))),
         "storage record 'archive/data/7' is missing"),
        ('shape_exceeds_storage.pth', hostile_zip(pickle2(odict([('w', tensor('FloatStorage', '0', 4, 0, [10, 10], [10, 1]))]))),
         'needs storage element 99'),
        ('offset_exceeds_storage.pth', hostile_zip(pickle2(odict([('w', tensor('FloatStorage', '0', 4, 3, [2], [1]))]))),
         'needs storage element 4'),
        ('stride_exceeds_storage.pth', hostile_zip(pickle2(odict([('w', tensor('FloatStorage', '0', 4, 0, [2, 2], [1, 3]))]))),
         'needs storage element 4'),
        ('broadcast_bomb.pth', hostile_zip(pickle2(odict([('w', tensor('FloatStorage', '0', 4, 0, [2**20, 2**20], [0, 0]))]))),
         'such broadcast views are refused'),
        ('shape_overflow.pth', hostile_zip(pickle2(odict([('w', tensor('FloatStorage', '0', 4, 0, [2**62, 8], [8, 1]))]))),
         'overflows'),
        ('storage_numel_vs_record.pth', hostile_zip(pickle2(odict([('w', tensor('FloatStorage', '0', 5, 0, [2, 2], [2, 1]))]))),
         "holds 16 bytes, expected 5 x 4 (F32)"),
        ('huge_storage_numel.pth', hostile_zip(pickle2(odict([('w', tensor('DoubleStorage', '0', 2**62, 0, [2], [1]))]))),
         'holds 16 bytes, expected 4611686018427387904 x 8'),
        ('not_a_tensor.pth', hostile_zip(pickle2(odict([('w', W), ('step', i(5))]))), "state-dict entry 'step' is not a tensor"),
        ('no_state_dict.pth', hostile_zip(pickle2(b'}(' + s('epoch') + i(3) + s('args') + NONE + b'u')),
         "no state dict found: top-level keys are ['epoch', 'args']"),
        ('deep_tuples.pth', hostile_zip(pickle2(i(1) + b'\x85' * 100000)), 'the pickle holds no dict of tensors'),
        ('root_is_list.pth', hostile_zip(pickle2(b']' + b'(' + b']' * 1000 + b'e')), 'the pickle holds no dict of tensors'),
        ('big_endian.pth', torch_zip('archive', pickle2(odict([('w', W)])), W_DATA, extra_records=[('byteorder', b'big')]),
         "storages are 'big'-endian"),
        ('torchscript.pth', torch_zip('archive', pickle2(odict([('w', W)])), W_DATA, extra_records=[('constants.pkl', b'')]),
         'TorchScript archive'),
        ('no_data_pkl.pth', zip_archive([('archive/version', b'3\n')]), "no '<stem>/data.pkl' record"),
        ('two_data_pkl.pth', zip_archive([('a/data.pkl', b''), ('b/data.pkl', b'')]), '2 data.pkl records'),
        ('compressed_entry.pth', compressed(good), 'is compressed (method 8)'),
        ('truncated_file.pth', good[:len(good) * 3 // 5], 'end-of-central-directory record not found'),
        ('truncated_central_directory.pth', truncate_central_directory(good), 'lies outside the file'),
        ('local_offset_out_of_range.pth', patch_central(good, 42, struct.pack('<I', 0x7FFFFFF0)), 'local header at offset 2147483632'),
        ('entry_size_out_of_range.pth', patch_central(good, 20, struct.pack('<II', 0x10000000, 0x10000000)), 'runs past the data area'),
        ('name_length_out_of_range.pth', patch_central(good, 28, struct.pack('<H', 0xFFFF)), 'runs past its end'),
        ('entry_count_too_large.pth', patch_end(good, 8, struct.pack('<HH', 0xFFFE, 0xFFFE)), 'central directory claims 65534 entries'),
        ('zip64_locator_out_of_range.pth', zip64_bad_locator(), 'ZIP64 end-of-central-directory record at offset'),
        ('zip64_without_locator.pth', patch_end(good, 16, struct.pack('<I', 0xFFFFFFFF)), 'ZIP64 end-of-central-directory locator missing'),
        ('duplicate_entry.pth', zip_archive([('archive/data.pkl', b''), ('archive/data.pkl', b'')]), "duplicate entry 'archive/data.pkl'"),
        ('legacy_format.pth', b'\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.' + b'\x80\x02K\xe9.',
         'legacy torch.save format (pre-1.6) is not supported'),
        ('empty_file.pth', b'', 'file is empty'),
    ]
    return out


def compressed(archive):
    """The same archive with every entry's method set to 8 (deflate) in both headers."""
    data = bytearray(archive)
    for sig, field in ((b'PK\x03\x04', 8), (b'PK\x01\x02', 10)):
        pos = data.find(sig)
        while pos >= 0:
            data[pos + field:pos + field + 2] = struct.pack('<H', 8)
            pos = data.find(sig, pos + 4)
    return bytes(data)


def end_offset(archive):
    return archive.rfind(b'PK\x05\x06')


def patch_end(archive, field, value):
    pos = end_offset(archive)
    return archive[:pos + field] + value + archive[pos + field + len(value):]


def patch_central(archive, field, value):
    """Patches `field` of the FIRST central-directory entry."""
    pos = archive.find(b'PK\x01\x02')
    return archive[:pos + field] + value + archive[pos + field + len(value):]


def truncate_central_directory(archive):
    """Drops the second half of the central directory but keeps the end record."""
    cd = archive.find(b'PK\x01\x02')
    end = end_offset(archive)
    return archive[:cd + (end - cd) // 2] + archive[end:]


def zip64_bad_locator():
    archive = bytearray(zip64())
    locator = archive.rfind(b'PK\x06\x07')
    archive[locator + 8:locator + 16] = struct.pack('<Q', 2**40)
    return bytes(archive)


def write(folder, name, data):
    os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    crafted = os.path.join(root, 'tests', 'data', 'pth_crafted')
    hostile = os.path.join(root, 'tests', 'data', 'hostile_pickle')
    write(crafted, 'dtypes_and_views.pth', dtypes_and_views())
    write(crafted, 'protocol4_state_dict.ckpt', protocol4_state_dict())
    write(crafted, 'zip64.pth', zip64())
    write(crafted, 'zip64_offset_only.pth', zip64('offset_only'))
    manifest = []
    for name, pkl, msg in raw_pickles():
        write(hostile, f'raw/{name}.pkl', pkl)
        manifest.append(f'raw/{name}.pkl\t{msg}')
    for name, data, msg in hostile_archives():
        write(hostile, name, data)
        manifest.append(f'{name}\t{msg}')
    with open(os.path.join(hostile, 'MANIFEST'), 'w') as f:
        f.write('# file<TAB>substring of the vs::Error it must raise (written by tools/make_hostile_pickle.py)\n')
        f.write('\n'.join(manifest) + '\n')


if __name__ == '__main__':
    main()
