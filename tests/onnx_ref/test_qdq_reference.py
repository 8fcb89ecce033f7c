#!/usr/bin/python3
"""Unit tests of qdq_reference.py against hand-computed values and naive loops.

    /usr/bin/python3 -m unittest tests/onnx_ref/test_qdq_reference.py -v
    (or: /usr/bin/python3 tests/onnx_ref/test_qdq_reference.py)

Needs numpy and onnx only.  The graphs are built with onnx.helper.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qdq_reference as R  # noqa: E402


def make_model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, 'g', inputs, outputs,
                          initializer=[numpy_helper.from_array(v, k) for k, v in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)])
    return m


def vi(name, elem=TensorProto.FLOAT, shape=None):
    return helper.make_tensor_value_info(name, elem, shape)


def naive_conv(x, w, b, pads, strides, dil, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.zeros((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]))
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    oh = (xp.shape[2] - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (xp.shape[3] - dil[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((n, m, oh, ow))
    mg = m // group
    for ni in range(n):
        for mi in range(m):
            g = mi // mg
            for i in range(oh):
                for j in range(ow):
                    acc = b[mi] if b is not None else 0.0
                    for ci in range(cg):
                        for u in range(kh):
                            for v in range(kw):
                                acc += (xp[ni, g * cg + ci, i * strides[0] + u * dil[0],
                                           j * strides[1] + v * dil[1]] * w[mi, ci, u, v])
                    y[ni, mi, i, j] = acc
    return y


class QuantizeTests(unittest.TestCase):
    def test_round_half_to_even_and_saturation(self):
        x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.49, 1000.0, -1000.0], np.float32)
        u = R.quantize_linear(x, np.float32(1.0), np.uint8(0))
        self.assertEqual(u.dtype, np.uint8)
        self.assertEqual(u.tolist(), [0, 2, 2, 0, 0, 0, 3, 255, 0])
        s = R.quantize_linear(x, np.float32(1.0), np.int8(0))
        self.assertEqual(s.dtype, np.int8)
        self.assertEqual(s.tolist(), [0, 2, 2, 0, -2, -2, 3, 127, -128])
        # zero point added after rounding; default zero point: uint8 0
        self.assertEqual(R.quantize_linear(np.array([0.25]), np.float32(0.5), np.uint8(10)).tolist(), [10])
        self.assertEqual(R.quantize_linear(np.array([0.75]), np.float32(0.5)).tolist(), [2])
        self.assertEqual(R.quantize_linear(np.array([0.75]), np.float32(0.5)).dtype, np.uint8)

    def test_division_not_reciprocal(self):
        # 0.5 / float32(1/3) = 1.49999996 -> 1 (a reciprocal multiply would give 1.5 -> 2)
        s = np.float32(1.0 / 3.0)
        self.assertEqual(int(R.quantize_linear(np.float32(0.5), s, np.uint8(0))), 1)

    def test_per_axis(self):
        x = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
        sc = np.array([1.0, 2.0, 4.0], np.float32)
        zp = np.array([0, 1, -1], np.int8)
        q = R.quantize_linear(x, sc, zp, axis=0)
        want = np.clip(np.rint(x / sc[:, None]) + zp[:, None], -128, 127)
        np.testing.assert_array_equal(q, want)
        d = R.dequantize_linear(q, sc, zp, axis=0)
        np.testing.assert_allclose(d, (want - zp[:, None]) * sc[:, None])
        # axis 1 of a 4-D tensor, int32 input (bias style)
        b = np.array([[-7, 3]], np.int32).reshape(1, 2, 1, 1)
        np.testing.assert_allclose(R.dequantize_linear(b, np.array([0.5, 0.25]), np.zeros(2, np.int32), axis=1).ravel(),
                                   [-3.5, 0.75])


class OperatorTests(unittest.TestCase):
    def run_graph(self, nodes, inputs, outputs, feeds, inits=(), opset=13):
        m = make_model(nodes, inputs, outputs, inits, opset)
        ref = R.QDQReference(m)
        outs, quant = ref.run(feeds)
        return outs, quant

    def test_conv(self):
        rng = np.random.RandomState(0)
        for pads, strides, dil, group in [([1, 1, 1, 1], [1, 1], [1, 1], 1),
                                          ([2, 0, 1, 1], [2, 1], [1, 1], 1),
                                          ([0, 0, 0, 0], [1, 2], [2, 1], 1),
                                          ([1, 1, 1, 1], [1, 1], [1, 1], 2)]:
            x = rng.randn(2, 4, 7, 6).astype(np.float32)
            w = rng.randn(6, 4 // group, 3, 3).astype(np.float32)
            b = rng.randn(6).astype(np.float32)
            node = helper.make_node('Conv', ['x', 'w', 'b'], ['y'], pads=pads, strides=strides,
                                    dilations=dil, group=group, kernel_shape=[3, 3])
            outs, _ = self.run_graph([node], [vi('x')], [vi('y')], {'x': x},
                                     inits=[('w', w), ('b', b)])
            np.testing.assert_allclose(outs['y'], naive_conv(x.astype(np.float64), w.astype(np.float64),
                                                             b.astype(np.float64), pads, strides, dil, group),
                                       rtol=1e-12, atol=1e-12)

    def test_conv_same_upper(self):
        x = np.random.RandomState(1).randn(1, 1, 5, 5).astype(np.float32)
        w = np.ones((1, 1, 3, 3), np.float32)
        node = helper.make_node('Conv', ['x', 'w'], ['y'], auto_pad='SAME_UPPER', strides=[2, 2])
        outs, _ = self.run_graph([node], [vi('x')], [vi('y')], {'x': x}, inits=[('w', w)])
        # out 3x3; total pad 2 per axis -> 1 before, 1 after
        np.testing.assert_allclose(outs['y'], naive_conv(x, w, None, [1, 1, 1, 1], [2, 2], [1, 1], 1))

    def test_gemm_matmul(self):
        rng = np.random.RandomState(2)
        a = rng.randn(3, 4).astype(np.float32)
        b = rng.randn(5, 4).astype(np.float32)
        c = rng.randn(5).astype(np.float32)
        node = helper.make_node('Gemm', ['a', 'b', 'c'], ['y'], transB=1, alpha=0.5, beta=2.0)
        outs, _ = self.run_graph([node], [vi('a')], [vi('y')], {'a': a}, inits=[('b', b), ('c', c)])
        np.testing.assert_allclose(outs['y'], 0.5 * a.astype(np.float64) @ b.T.astype(np.float64) + 2 * c)
        node = helper.make_node('Gemm', ['a', 'b'], ['y'], transA=1)
        at = rng.randn(4, 3).astype(np.float32)
        bb = rng.randn(4, 2).astype(np.float32)
        outs, _ = self.run_graph([node], [vi('a')], [vi('y')], {'a': at}, inits=[('b', bb)])
        np.testing.assert_allclose(outs['y'], at.T.astype(np.float64) @ bb)
        node = helper.make_node('MatMul', ['a', 'b'], ['y'])
        outs, _ = self.run_graph([node], [vi('a')], [vi('y')], {'a': a}, inits=[('b', b.T.copy())])
        np.testing.assert_allclose(outs['y'], a.astype(np.float64) @ b.T)

    def test_pools(self):
        x = np.arange(2 * 5 * 5, dtype=np.float32).reshape(1, 2, 5, 5) * np.float32(0.5) - 7
        # MaxPool 2x2 stride 2, ceil_mode: 3x3 output, last window partial
        node = helper.make_node('MaxPool', ['x'], ['y'], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
        outs, _ = self.run_graph([node], [vi('x')], [vi('y')], {'x': x})
        self.assertEqual(outs['y'].shape, (1, 2, 3, 3))
        self.assertEqual(outs['y'][0, 0, 2, 2], x[0, 0, 4, 4])
        self.assertEqual(outs['y'][0, 0, 0, 0], x[0, 0, 1, 1])
        node = helper.make_node('MaxPool', ['x'], ['y'], kernel_shape=[2, 2], strides=[2, 2])
        outs, _ = self.run_graph([node], [vi('x')], [vi('y')], {'x': x})
        self.assertEqual(outs['y'].shape, (1, 2, 2, 2))
        # padded max pool: the padding never wins, even for negative inputs
        node = helper.make_node('MaxPool', ['x'], ['y'], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        outs, _ = self.run_graph([node], [vi('x')], [vi('y')], {'x': -np.abs(x) - 1})
        self.assertEqual(outs['y'][0, 0, 0, 0], max(-np.abs(x[0, 0, :2, :2]).ravel() - 1))
        # AveragePool with padding: count_include_pad 0 and 1
        for cip in (0, 1):
            node = helper.make_node('AveragePool', ['x'], ['y'], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                                    count_include_pad=cip)
            outs, _ = self.run_graph([node], [vi('x')], [vi('y')], {'x': x})
            corner = x[0, 0, :2, :2].astype(np.float64).sum() / (9 if cip else 4)
            self.assertAlmostEqual(outs['y'][0, 0, 0, 0], corner)
            self.assertAlmostEqual(outs['y'][0, 1, 2, 2], x[0, 1, 1:4, 1:4].astype(np.float64).mean())
        node = helper.make_node('GlobalAveragePool', ['x'], ['y'])
        outs, _ = self.run_graph([node], [vi('x')], [vi('y')], {'x': x})
        np.testing.assert_allclose(outs['y'].ravel(), x.astype(np.float64).mean(axis=(2, 3)).ravel())

    def test_clip_relu_add(self):
        x = np.array([[-2.0, -0.5, 0.3, 1.7, 5.0]], np.float32)
        nodes = [helper.make_node('Relu', ['x'], ['r']),
                 helper.make_node('Clip', ['r', '', 'hi'], ['c']),        # no min
                 helper.make_node('Clip', ['x', 'lo'], ['d']),            # no max
                 helper.make_node('Add', ['c', 'bias'], ['y'])]
        outs, _ = self.run_graph(nodes, [vi('x')], [vi('y'), vi('d')], {'x': x},
                                 inits=[('hi', np.array(1.5, np.float32)), ('lo', np.array(-1.0, np.float32)),
                                        ('bias', np.array([10.0], np.float32))])
        np.testing.assert_allclose(outs['y'], [[10.0, 10.0, 10.3, 11.5, 11.5]], rtol=1e-7)
        np.testing.assert_allclose(outs['d'], [[-1.0, -0.5, 0.3, 1.7, 5.0]], rtol=1e-7)

    def test_reshape_chain(self):
        # the Shape -> Gather -> Unsqueeze -> Concat -> Reshape idiom of x.view(x.size(0), -1)
        x = np.random.RandomState(3).randn(3, 2, 2, 2).astype(np.float32)
        nodes = [helper.make_node('Shape', ['x'], ['s']),
                 helper.make_node('Constant', [], ['i0'], value=numpy_helper.from_array(np.array(0, np.int64))),
                 helper.make_node('Gather', ['s', 'i0'], ['n'], axis=0),
                 helper.make_node('Constant', [], ['ax'], value=numpy_helper.from_array(np.array([0], np.int64))),
                 helper.make_node('Unsqueeze', ['n', 'ax'], ['n1']),
                 helper.make_node('Constant', [], ['m1'], value=numpy_helper.from_array(np.array([-1], np.int64))),
                 helper.make_node('Concat', ['n1', 'm1'], ['shape'], axis=0),
                 helper.make_node('Reshape', ['x', 'shape'], ['y']),
                 helper.make_node('Flatten', ['x'], ['f'], axis=2),
                 helper.make_node('Constant', [], ['z'], value=numpy_helper.from_array(np.array([0, 4, -1], np.int64))),
                 helper.make_node('Reshape', ['x', 'z'], ['r0'])]
        outs, _ = self.run_graph(nodes, [vi('x')], [vi('y'), vi('f'), vi('r0')], {'x': x})
        self.assertEqual(outs['y'].shape, (3, 8))
        self.assertEqual(outs['f'].shape, (6, 4))
        self.assertEqual(outs['r0'].shape, (3, 4, 2))
        np.testing.assert_array_equal(outs['y'], x.reshape(3, 8))

    def test_cast_constantofshape(self):
        nodes = [helper.make_node('Constant', [], ['shp'], value=numpy_helper.from_array(np.array([4], np.int64))),
                 helper.make_node('ConstantOfShape', ['shp'], ['z'],
                                  value=numpy_helper.from_array(np.array([0], np.int32))),
                 helper.make_node('Cast', ['z'], ['z8'], to=TensorProto.INT8),
                 helper.make_node('Cast', ['x'], ['xi'], to=TensorProto.INT32),
                 helper.make_node('Cast', ['xi'], ['xf'], to=TensorProto.FLOAT)]
        x = np.array([1.7, -1.7, 2.0], np.float32)
        outs, _ = self.run_graph(nodes, [vi('x')], [vi('z8', TensorProto.INT8), vi('xf')], {'x': x})
        self.assertEqual(outs['z8'].dtype, np.int8)
        self.assertEqual(outs['z8'].tolist(), [0, 0, 0, 0])
        self.assertEqual(outs['xf'].tolist(), [1.0, -1.0, 2.0])

    def test_qdq_chain_and_batching(self):
        """Clip -> Q -> DQ -> Conv with quantized weights; the batched run must equal
        a one-by-one run, and the weight QuantizeLinear is reported once."""
        rng = np.random.RandomState(4)
        x = rng.rand(7, 1, 5, 5).astype(np.float32)
        w = rng.randn(2, 1, 3, 3).astype(np.float32)
        s_in, s_w = np.float32(1.0 / 3), np.float32(0.4)
        nodes = [helper.make_node('Clip', ['x', 'lo', 'hi'], ['xc']),
                 helper.make_node('QuantizeLinear', ['xc', 'sa', 'za'], ['xq']),
                 helper.make_node('DequantizeLinear', ['xq', 'sa', 'za'], ['xd']),
                 helper.make_node('Clip', ['w', 'wlo', 'whi'], ['wc']),
                 helper.make_node('QuantizeLinear', ['wc', 'sw', 'zw'], ['wq']),
                 helper.make_node('DequantizeLinear', ['wq', 'sw', 'zw'], ['wd']),
                 helper.make_node('Conv', ['xd', 'wd'], ['y'], pads=[1, 1, 1, 1])]
        inits = [('lo', np.array(0, np.float32)), ('hi', np.array(1.0, np.float32)),
                 ('sa', np.array(s_in)), ('za', np.array(0, np.uint8)),
                 ('wlo', np.array(-s_w)), ('whi', np.array(s_w)),
                 ('sw', np.array(s_w)), ('zw', np.array(0, np.int8)), ('w', w)]
        m = make_model(nodes, [vi('x')], [vi('y')], inits)
        ref = R.QDQReference(m)
        out_all, q_all = ref.run(x, batch=3)
        out_one, q_one = ref.run(x, batch=1)
        np.testing.assert_array_equal(out_all['y'], out_one['y'])
        np.testing.assert_array_equal(q_all['xq'], q_one['xq'])
        self.assertEqual(q_all['xq'].shape, (7, 1, 5, 5))
        self.assertEqual(q_all['wq'].shape, (2, 1, 3, 3))
        self.assertTrue(set(np.unique(q_all['wq'])) <= {-1, 0, 1})
        xi = np.clip(np.rint(x.astype(np.float64) / s_in), 0, 3)
        wi = np.clip(np.rint(w.astype(np.float64) / s_w), -1, 1)
        want = naive_conv(xi, wi, None, [1, 1, 1, 1], [1, 1], [1, 1], 1) * (float(s_in) * float(s_w))
        np.testing.assert_allclose(out_all['y'], want, rtol=1e-12, atol=1e-12)
        info = {r['tensor']: r for r in ref.quant_info()}
        self.assertEqual(info['xq']['clip_int_range'], [0, 3])
        self.assertEqual(info['wq']['clip_int_range'], [-1, 1])
        self.assertFalse(info['wq']['depends_on_input'])

        # the command line: output.npy, one .npy per QuantizeLinear, index.json, accuracy
        with tempfile.TemporaryDirectory() as d:
            mp = os.path.join(d, 'm.onnx')
            onnx.save(m, mp)
            np.save(os.path.join(d, 'x.npy'), x)
            np.save(os.path.join(d, 'y.npy'), np.zeros(7, np.int64))
            out = subprocess.run([sys.executable, os.path.join(HERE, 'qdq_reference.py'), mp,
                                  os.path.join(d, 'x.npy'), os.path.join(d, 'out'),
                                  '--labels', os.path.join(d, 'y.npy'), '--batch', '2'],
                                 check=True, capture_output=True, text=True).stdout
            self.assertIn('accuracy:', out)
            with open(os.path.join(d, 'out', 'index.json')) as fh:
                idx = json.load(fh)
            self.assertEqual([r['tensor'] for r in idx['quantized']], ['xq', 'wq'])
            for name, f in idx['files'].items():
                a = np.load(os.path.join(d, 'out', f))
                self.assertEqual(a.dtype, np.int64)
                np.testing.assert_array_equal(a, q_all[name])
            np.testing.assert_array_equal(np.load(os.path.join(d, 'out', 'output.npy')), out_all['y'])


if __name__ == '__main__':
    unittest.main()
