#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*).

Run from the repository root: python3 fuzz/seeds.py. Small valid inputs
(to start from the accepted grammar) and invalid ones (each error path).
Inputs of defects found (by probing the CLI or by fuzzing) are written as
regress-<what>: each has a unit test in tests/ naming the defect.
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data, prefix="seed-"):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, prefix + name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- npy
def npy(hdr, payload, version=1, pad=True):
    h = hdr
    pre = 10 if version == 1 else 12
    if pad:
        while (pre + len(h) + 1) % 64:
            h += " "
        h += "\n"
    if version == 1:
        head = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h))
    else:
        head = b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h))
    return head + h.encode() + payload


def d(descr, shape, fortran="False"):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


put("npy", "i4-2x3", npy(d("<i4", "(2, 3)"), struct.pack("<6i", 1, -2, 3, -4, 5, 2**31 - 1)))
put("npy", "i1-4d", npy(d("|i1", "(1, 2, 2, 2)"), bytes([0, 1, 2, 255, 128, 127, 3, 4])))
put("npy", "u1-1d", npy(d("|u1", "(3,)"), bytes([0, 127, 255])))
put("npy", "i2", npy(d("<i2", "(2,)"), struct.pack("<2h", -32768, 32767)))
put("npy", "i8", npy(d("<i8", "(2,)"), struct.pack("<2q", -(2**63), 2**63 - 1)))
put("npy", "u8-big", npy(d("<u8", "(1,)"), struct.pack("<Q", 2**64 - 1)))
put("npy", "u2", npy(d("<u2", "(1, 1)"), struct.pack("<H", 65535)))
put("npy", "u4", npy(d("<u4", "(1,)"), struct.pack("<I", 2**32 - 1)))
put("npy", "b1", npy(d("|b1", "(4,)"), bytes([0, 1, 2, 0])))
put("npy", "scalar", npy(d("<i4", "()"), struct.pack("<i", 7)))
put("npy", "empty", npy(d("<i4", "(0, 3)"), b""))
put("npy", "v2", npy(d("<i4", "(1,)"), struct.pack("<i", 5), version=2))
put("npy", "v3", npy(d("<i4", "(1,)"), struct.pack("<i", 5), version=3))
put("npy", "dq", npy('{"descr": "<i4", "fortran_order": False, "shape": (1,)}', struct.pack("<i", 9)))
put("npy", "noterm", npy(d("<i4", "(1,)"), struct.pack("<i", 5), pad=False))
put("npy", "bad-magic", b"hello world, not numpy at all")
put("npy", "f4", npy(d("<f4", "(1,)"), b"\0\0\0\0"))
put("npy", "be", npy(d(">i4", "(1,)"), b"\0\0\0\1"))
put("npy", "fortran", npy(d("<i4", "(1,)", "True"), b"\0\0\0\1"))
put("npy", "fortran-int", npy(d("<i4", "(1,)", "1"), b"\0\0\0\1"), prefix="regress-")
put("npy", "descr-tail", npy(d("<i4xyz", "(1,)"), b"\0\0\0\1"), prefix="regress-")
put("npy", "truncated", npy(d("<i4", "(4,)"), b"\0" * 6))
put("npy", "trailing", npy(d("<i4", "(1,)"), b"\0" * 8))
put("npy", "overflow", npy(d("|i1", "(4611686018427387905, 4611686018427387905, 4611686018427387905, 4611686018427387905)"), b"\1"), prefix="regress-")
put("npy", "dup-key", npy("{'descr': '<i4', 'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", b"\0\0\0\0"), prefix="regress-")
put("npy", "one-no-comma", npy(d("<i4", "(1)"), b"\0\0\0\0"))
put("npy", "object", npy(d("|O", "(1,)"), b"\0" * 8))
put("npy", "version9", b"\x93NUMPY\x09\x00\x10\x00{}              ")
put("npy", "hdr-cut", b"\x93NUMPY\x01\x00\xff\x00{'descr'")

# ---------------------------------------------------------------- asm
example = open(os.path.join(ROOT, "tests", "isa", "example.s")).read()
put("asm", "example.s", example)
put("asm", "setup-raw.s", "setup a=s8 w=s8 out=raw bias=1\nblock-end last\n")
put("asm", "setup-requant.s", "setup a=u2 w=s4 out=4 relu=1 shift=3 bias=0\ncompute red=2\nblock-end\n")
put("asm", "loops.s", "loop t3 7\nloop e5 2 last=t1\nloop grp 4\nloop wbuf.d3 9 last=t7\nloop ibuf.d0 65536\n")
put("asm", "mem.s", "ld-mem wbuf block 65536\nld-mem bias t2 1\nst-mem obuf t7 12\n")
put("asm", "addr.s", "gen-addr-hi obuf plane 0xffff\ngen-addr-lo ibuf base 0\nrd-buf wbuf grp 3\nwr-buf bias d2 07\nrd-buf obuf e4 1\n")
put("asm", "comments.s", "# only a comment\n\n   \t\nsetup a=s1 w=u16 out=16 # tail\n")
put("asm", "bad-mnemonic.s", "frobnicate t0\n")
put("asm", "bad-dup-key.s", "setup a=s8 a=u4 w=s8 out=8\n", prefix="regress-")
put("asm", "bad-range.s", "loop t0 65537\n")
put("asm", "bad-stream.s", "ld-mem obuf t0 4\n")
put("asm", "bad-long.s", "setup a=" + "x" * 300 + " w=s8 out=8\n", prefix="regress-")
put("asm", "bad-ctrl.s", "loop t0 3\x00\x01\r\n")

# ---------------------------------------------------------------- disasm
OPS = {"setup": 0, "ld-mem": 1, "st-mem": 2, "rd-buf": 3, "wr-buf": 4, "gen-addr-hi": 5, "gen-addr-lo": 6,
       "loop": 7, "block-end": 8, "compute": 9}


def word(op, spec, loop, imm):
    return struct.pack("<I", (op << 28) | (spec << 21) | (loop << 16) | imm)


put("disasm", "block.bin", word(0, 0x5a, 0, 0x8800 | (4 << 6)) + word(7, 0, 0, 1) + word(9, 3, 0, 0) + word(8, 1, 0, 0))
put("disasm", "mem.bin", word(1, 2, 31, 65535) + word(2, 1, 3, 0) + word(6, 0, 16, 12) + word(5, 3, 15, 7))
put("disasm", "loops.bin", word(7, 0x40 | (3 << 3) | 2, 17, 4) + word(7, 0, 14, 2) + word(7, 0, 8, 0))
put("disasm", "bufs.bin", word(3, 0, 9, 1) + word(4, 2, 19, 3) + word(3, 1, 14, 0))
put("disasm", "illegal-op.bin", word(12, 0, 0, 0))
put("disasm", "reserved.bin", word(0, 1, 0, 0) + word(9, 7, 0, 0))
put("disasm", "odd-size.bin", b"\x01\x02\x03")
put("disasm", "empty.bin", b"")
put("disasm", "all-ones.bin", b"\xff" * 16)

# ---------------------------------------------------------------- network
for n in ("lenet5", "svhn", "resnet18"):
    put("network", n + ".json", open(os.path.join(ROOT, "networks", n + ".json")).read())
IN = '"input": {"channels": 1, "height": 8, "width": 8}'
put("network", "branches.json", '{%s, "layers": [{"name": "a", "type": "conv", "out_channels": 4, "kernel": 3, "act_bits": 2, "wgt_bits": 2},'
    '{"name": "b", "type": "conv", "input": "input", "out_channels": 2, "kernel": 1, "act_bits": 2, "wgt_bits": 2},'
    '{"name": "c", "type": "concat", "inputs": ["a", "b"]}, {"name": "d", "type": "add", "inputs": ["c", "c"]},'
    '{"name": "p", "type": "maxpool", "kernel": 2, "padding": "same"},'
    '{"name": "f", "type": "fc", "out_features": 10, "act_bits": 16, "wgt_bits": 1, "act_signed": true, "relu": false}]}' % IN)
put("network", "explicit-pad.json", '{%s, "batch": 3, "layers": [{"name": "c", "type": "conv", "out_channels": 8, "kernel": 3, "stride": 2, "padding": 1, "act_bits": 8, "wgt_bits": 8}]}' % IN)
put("network", "bad-trailing.json", '{%s, "layers": [{"name": "f", "type": "fc", "out_features": 2, "act_bits": 2, "wgt_bits": 2}]} xx' % IN, prefix="regress-")
put("network", "bad-dup.json", '{%s, "layers": [{"name": "f", "name": "g", "type": "fc", "out_features": 2, "act_bits": 2, "wgt_bits": 2}]}' % IN, prefix="regress-")
put("network", "bad-big.json", '{"input": {"channels": 1, "height": 65537, "width": 65536}, "layers": [{"name": "f", "type": "fc", "out_features": 2, "act_bits": 2, "wgt_bits": 2}]}', prefix="regress-")
put("network", "bad-flatten.json", '{"input": {"channels": 16777216, "height": 65536, "width": 65536}, "layers": [{"name": "f", "type": "fc", "out_features": 2, "act_bits": 2, "wgt_bits": 2}]}', prefix="regress-")
put("network", "bad-type.json", '{%s, "name": 5, "layers": [{"name": 7, "type": "fc"}]}' % IN, prefix="regress-")
put("network", "bad-u64.json", '{%s, "batch": 18446744073709551615, "layers": []}' % IN, prefix="regress-")
put("network", "bad-float.json", '{%s, "batch": 1.5, "layers": [{"name": "f", "type": "fc", "out_features": 2e3, "act_bits": 2, "wgt_bits": 2}]}' % IN)
put("network", "bad-json.json", '{"input": ')

# ---------------------------------------------------------------- config
for n in ("bf2x2", "bf16x32", "bf16x256"):
    put("config", n + ".json", open(os.path.join(ROOT, "configs", n + ".json")).read())
put("config", "set-lines", "rows=8\ncols=16\ndram_latency=0\nfreq_mhz=10000\nrsp_depth=4096\n")
put("config", "set-bad", "rows\n=3\ncolz=4\nrows=abc\nrows=-1\nrows=99999999999999999999999\nrows=4\x0a5\n", prefix="regress-")
CFG = '"rows": %s, "cols": 2, "wbuf_kb": 1, "ibuf_kb": 1, "obuf_kb": 1, "dram_bits": %s, "rsp_depth": 64, "dram_latency": 4, "freq_mhz": 500'
put("config", "bad-rows-u64.json", "{" + CFG % ("4294967298", "64") + "}", prefix="regress-")
put("config", "bad-dram.json", "{" + CFG % ("2", "4294967360") + "}", prefix="regress-")
put("config", "bad-trailing.json", "{" + CFG % ("2", "64") + "} trailing", prefix="regress-")
put("config", "bad-name-type.json", '{"name": 5, ' + CFG % ("2", "64") + "}", prefix="regress-")
put("config", "bad-dup.json", '{"rows": 4, ' + CFG % ("2", "64") + "}", prefix="regress-")
put("config", "bad-missing.json", '{"rows": 2}')
put("config", "bad-float.json", "{" + CFG % ("2.0", "64") + "}")
put("config", "bad-pow2.json", "{" + CFG % ("12", "64") + "}")

# ---------------------------------------------------------------- onnx
# Models: the test fixtures (both PyTorch export forms, small) and examples
# under the fuzzer's 64 KiB max_len; the larger digits models are replayed
# whole by the corpus test (the fuzzer reads their first 64 KiB). Invalid:
# empty, not a protobuf, truncated, and same-length byte edits of a valid
# model (an unsupported operator, opset 11).
def model(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


FQ = model("tests/frontend/data/fq_small.onnx")
for n in ("fq_small", "qat_small", "qat_prepared"):
    put("onnx", n + ".onnx", model("tests/frontend/data/%s.onnx" % n))
put("onnx", "digits_eager.onnx", model("examples/digits/digits_eager.onnx"))
put("onnx", "digits_residual.onnx", model("examples/digits/digits_residual.onnx"))
put("onnx", "digits_int2.onnx", model("examples/digits/digits_int2.onnx"))
put("onnx", "bad-empty", b"")
put("onnx", "bad-text", "this is not an ONNX model\n")
put("onnx", "bad-truncated.onnx", FQ[: len(FQ) // 2])
put("onnx", "bad-truncated-end.onnx", FQ[:-3])
assert b"\x22\x04Relu" in FQ  # NodeProto.op_type (field 4)
put("onnx", "bad-unsupported-op.onnx", FQ.replace(b"\x22\x04Relu", b"\x22\x04Tanh", 1))
assert FQ.endswith(b"B\x02\x10\x0d")  # ModelProto.opset_import (field 8): version 13
put("onnx", "bad-opset-old.onnx", FQ[:-1] + b"\x0b")


def pb_field(tag, payload):  # a length-delimited protobuf field
    n, v = len(payload), b""
    while True:
        v += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
        n >>= 7
        if not n:
            break
    return bytes([tag]) + v + payload


# A node with a 1500-byte name (non-printable bytes too) and an unsupported
# operator, appended as a second ModelProto.graph (protobuf merges it into
# the first): the error message echoing the name once exceeded 600
# characters.
LONG = pb_field(0x1A, (b"n\x01" * 750)) + pb_field(0x22, b"Tanh")  # NodeProto name, op_type
put("onnx", "long-name.onnx", FQ + pb_field(0x3A, pb_field(0x0A, LONG)), prefix="regress-")
