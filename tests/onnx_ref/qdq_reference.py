#!/usr/bin/python3
"""An independent float64 numpy evaluator of ONNX graphs with QDQ semantics.

It reads the model with the `onnx` package only (no onnxruntime, no torch)
and evaluates the operators as the ONNX specification (opset 13) defines
them, in float64 for every float tensor:

  QuantizeLinear     y = saturate(round_half_to_even(x / y_scale) + y_zero_point)
                     per tensor (scalar scale) or per axis (1-D scale, `axis`,
                     default 1); the output type is the zero point's type
                     (uint8 when the zero point is absent); saturation to the
                     range of that type
  DequantizeLinear   y = (x - x_zero_point) * x_scale, per tensor or per axis
  Conv               2-D, pads/strides/dilations/group/auto_pad, optional bias
  Gemm               transA, transB, alpha, beta, optional C (broadcast)
  MatMul, Relu, Clip (min/max as optional inputs, opset >= 11; attributes
  before), MaxPool, AveragePool (count_include_pad, ceil_mode),
  GlobalAveragePool, GlobalMaxPool, Add, Sub, Mul, Div (numpy broadcasting =
  ONNX multidirectional broadcasting), Concat, Flatten, Reshape, Identity,
  Constant, Cast, ConstantOfShape, Shape, Gather, Unsqueeze, Squeeze,
  Transpose, Dropout (inference: identity)

Integer tensors keep their ONNX integer type (uint8, int8, int32, int64);
float tensors of any precision are computed as float64.

The graph is evaluated in batches along the first axis of the input (every
node that depends on the input must treat samples independently, as the
CNNs here do); nodes that depend only on initializers and Constants are
evaluated once.

CLI:
    qdq_reference.py MODEL.onnx X.npy OUTDIR [--labels Y.npy] [--compare PRED.npy]
                     [--limit N] [--batch B] [--no-dump]

writes OUTDIR/output.npy (the graph's first output, float64), for every
QuantizeLinear output tensor its integer values as OUTDIR/<sanitized
name>.npy (int64), and OUTDIR/index.json mapping tensor name -> file, in
graph order.  --labels prints the top-1 accuracy, --compare the agreement of
the top-1 predictions with a file of int64 predictions.

API:
    from qdq_reference import QDQReference
    ref = QDQReference('model.onnx')
    out, quantized = ref.run(x)            # out: {name: float64 array}
                                           # quantized: {tensor: int64 array}
"""
import argparse
import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# ONNX TensorProto element types -> numpy (floats are computed as float64)
_ONNX_INT_TYPES = {
    2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
    9: np.bool_, 12: np.uint32, 13: np.uint64,
}
_ONNX_FLOAT_TYPES = {1, 10, 11, 16}   # float, float16, double, bfloat16


def _is_float(a):
    return np.issubdtype(np.asarray(a).dtype, np.floating)


def _f64(a):
    return np.asarray(a, dtype=np.float64)


def _attrs(node):
    out = {}
    for a in node.attribute:
        out[a.name] = onnx.helper.get_attribute_value(a)
    return out


def _as_numpy_tensor(t):
    a = numpy_helper.to_array(t)
    if _is_float(a):
        return _f64(a)
    return np.array(a)


# --------------------------------------------------------------------------
# quantization

def _axis_shape(rank, axis, n):
    axis = axis + rank if axis < 0 else axis
    shape = [1] * rank
    shape[axis] = n
    return shape


def quantize_linear(x, scale, zero_point=None, axis=1):
    """ONNX QuantizeLinear (opset 13): round half to even, saturate."""
    x = _f64(x)
    scale = _f64(scale)
    if zero_point is None:
        zero_point = np.array(0, dtype=np.uint8)
    zero_point = np.asarray(zero_point)
    out_type = zero_point.dtype
    if scale.ndim == 1:             # per axis (a 1-element 1-D scale is per axis too)
        shape = _axis_shape(x.ndim, axis, scale.size)
        scale = scale.reshape(shape)
        zero_point = zero_point.reshape(shape)
    elif scale.ndim != 0:
        raise ValueError('QuantizeLinear: scale must be a scalar or 1-D, got %s' % (scale.shape,))
    info = np.iinfo(out_type)
    y = np.rint(x / scale) + zero_point.astype(np.float64)     # np.rint: half to even
    y = np.clip(y, info.min, info.max)
    return y.astype(out_type)


def dequantize_linear(x, scale, zero_point=None, axis=1):
    """ONNX DequantizeLinear (opset 13): (x - zero_point) * scale."""
    x = np.asarray(x)
    scale = _f64(scale)
    zp = np.zeros((), dtype=np.float64) if zero_point is None else _f64(zero_point)
    if scale.ndim == 1:
        shape = _axis_shape(x.ndim, axis, scale.size)
        scale = scale.reshape(shape)
        if zp.ndim == 1:
            zp = zp.reshape(shape)
    elif scale.ndim != 0:
        raise ValueError('DequantizeLinear: scale must be a scalar or 1-D')
    return (x.astype(np.float64) - zp) * scale


# --------------------------------------------------------------------------
# convolution and pooling

def _auto_pads(auto_pad, in_sp, kernel, strides, dilations):
    pads_b, pads_e = [], []
    for i, n in enumerate(in_sp):
        if auto_pad == 'VALID':
            pads_b.append(0)
            pads_e.append(0)
            continue
        out = -(-n // strides[i])
        ek = dilations[i] * (kernel[i] - 1) + 1
        total = max(0, (out - 1) * strides[i] + ek - n)
        small, big = total // 2, total - total // 2
        if auto_pad == 'SAME_UPPER':
            pads_b.append(small)
            pads_e.append(big)
        else:
            pads_b.append(big)
            pads_e.append(small)
    return pads_b + pads_e


def _decode_auto_pad(a):
    v = a.get('auto_pad', b'NOTSET')
    return v.decode() if isinstance(v, bytes) else v


def _windows(x, kernel, strides, dilations, pads, fill, ceil_mode=False):
    """Pad x (N,C,*spatial) and return a view (N,C,*out,*kernel) of its windows,
    plus a mask of the same window shape marking real (non-padded) input
    elements and a mask marking elements inside input+explicit pads."""
    nsp = len(kernel)
    in_sp = x.shape[2:]
    pb, pe = list(pads[:nsp]), list(pads[nsp:])
    out_sp = []
    extra = []
    for i in range(nsp):
        ek = dilations[i] * (kernel[i] - 1) + 1
        span = in_sp[i] + pb[i] + pe[i] - ek
        if ceil_mode:
            o = -(-span // strides[i]) + 1
            # the last window must start inside the input or the left padding
            if (o - 1) * strides[i] >= in_sp[i] + pb[i]:
                o -= 1
        else:
            o = span // strides[i] + 1
        out_sp.append(o)
        need = (o - 1) * strides[i] + ek
        extra.append(max(0, need - (in_sp[i] + pb[i] + pe[i])))
    pad_width = [(0, 0), (0, 0)] + [(pb[i], pe[i] + extra[i]) for i in range(nsp)]
    xp = np.pad(x, pad_width, mode='constant', constant_values=fill)
    real = np.zeros(xp.shape[2:], dtype=bool)
    real[tuple(slice(pb[i], pb[i] + in_sp[i]) for i in range(nsp))] = True
    inpad = np.zeros(xp.shape[2:], dtype=bool)
    inpad[tuple(slice(0, pb[i] + in_sp[i] + pe[i]) for i in range(nsp))] = True

    def win(a, lead):
        ek = [dilations[i] * (kernel[i] - 1) + 1 for i in range(nsp)]
        v = np.lib.stride_tricks.sliding_window_view(a, ek, axis=tuple(range(lead, lead + nsp)))
        sl = [slice(None)] * lead
        sl += [slice(None, (out_sp[i] - 1) * strides[i] + 1, strides[i]) for i in range(nsp)]
        sl += [slice(None, None, dilations[i]) for i in range(nsp)]
        return v[tuple(sl)]
    return win(xp, 2), win(real, 0), win(inpad, 0), out_sp


def conv(x, w, b=None, attrs=None):
    a = attrs or {}
    x = _f64(x)
    w = _f64(w)
    nsp = x.ndim - 2
    kernel = list(a.get('kernel_shape', w.shape[2:]))
    strides = list(a.get('strides', [1] * nsp))
    dilations = list(a.get('dilations', [1] * nsp))
    group = int(a.get('group', 1))
    auto_pad = _decode_auto_pad(a)
    if auto_pad in ('SAME_UPPER', 'SAME_LOWER', 'VALID'):
        pads = _auto_pads(auto_pad, x.shape[2:], kernel, strides, dilations)
    else:
        pads = list(a.get('pads', [0] * (2 * nsp)))
    cols, _, _, out_sp = _windows(x, kernel, strides, dilations, pads, 0.0)
    # cols: N, C, *out, *kernel
    n, c = x.shape[:2]
    m = w.shape[0]
    cg, mg = c // group, m // group
    assert w.shape[1] == cg, 'Conv: weight channels %d != input channels / group %d' % (w.shape[1], cg)
    outs = []
    kaxes = list(range(2 + nsp, 2 + 2 * nsp))
    for g in range(group):
        cg_cols = cols[:, g * cg:(g + 1) * cg]
        wg = w[g * mg:(g + 1) * mg]
        # contract over C and the kernel axes -> N, *out, Mg
        y = np.tensordot(cg_cols, wg, axes=([1] + kaxes, [1] + list(range(2, 2 + nsp))))
        outs.append(np.moveaxis(y, -1, 1))
    y = np.concatenate(outs, axis=1) if group > 1 else outs[0]
    if b is not None:
        y = y + _f64(b).reshape([1, m] + [1] * nsp)
    return y


def _pool(x, a, kind):
    nsp = x.ndim - 2
    kernel = list(a['kernel_shape'])
    strides = list(a.get('strides', [1] * nsp))
    dilations = list(a.get('dilations', [1] * nsp))
    ceil_mode = bool(a.get('ceil_mode', 0))
    auto_pad = _decode_auto_pad(a)
    if auto_pad in ('SAME_UPPER', 'SAME_LOWER', 'VALID'):
        pads = _auto_pads(auto_pad, x.shape[2:], kernel, strides, dilations)
    else:
        pads = list(a.get('pads', [0] * (2 * nsp)))
    axes = tuple(range(2 + nsp, 2 + 2 * nsp))
    if kind == 'max':
        xf = _f64(x) if _is_float(x) else x
        fill = -np.inf if _is_float(x) else np.iinfo(x.dtype).min
        win, _, _, _ = _windows(xf, kernel, strides, dilations, pads, fill, ceil_mode)
        return win.max(axis=axes)
    xf = _f64(x)
    win, real, inpad, _ = _windows(xf, kernel, strides, dilations, pads, 0.0, ceil_mode)
    s = win.sum(axis=axes)
    cnt_mask = inpad if int(a.get('count_include_pad', 0)) else real
    cnt = cnt_mask.sum(axis=tuple(range(nsp, 2 * nsp)))
    return s / cnt


# --------------------------------------------------------------------------
# the evaluator

def _sanitize(name):
    s = re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_.')
    return s or 'tensor'


class QDQReference:
    def __init__(self, model):
        if isinstance(model, (str, os.PathLike)):
            model = onnx.load(str(model))
        self.model = model
        self.graph = model.graph
        self.opset = 13
        for o in model.opset_import:
            if o.domain in ('', 'ai.onnx'):
                self.opset = o.version
        self.initializers = {t.name: _as_numpy_tensor(t) for t in self.graph.initializer}
        self.inputs = [i.name for i in self.graph.input if i.name not in self.initializers]
        self.outputs = [o.name for o in self.graph.output]
        # which node outputs depend on a graph input
        dyn = set(self.inputs)
        self.dynamic = []
        for node in self.graph.node:
            d = any(i in dyn for i in node.input if i)
            self.dynamic.append(d)
            if d:
                dyn.update(o for o in node.output if o)
        self.quant_nodes = [n for n in self.graph.node if n.op_type == 'QuantizeLinear']
        self._const = None

    # -- one node -------------------------------------------------------
    def _run_node(self, node, env):
        ins = [env[i] if i else None for i in node.input]
        a = _attrs(node)
        op = node.op_type
        if op == 'QuantizeLinear':
            return [quantize_linear(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a.get('axis', 1))]
        if op == 'DequantizeLinear':
            return [dequantize_linear(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a.get('axis', 1))]
        if op == 'Conv':
            return [conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)]
        if op == 'Gemm':
            A, B = _f64(ins[0]), _f64(ins[1])
            if a.get('transA', 0):
                A = A.T
            if a.get('transB', 0):
                B = B.T
            y = float(a.get('alpha', 1.0)) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + float(a.get('beta', 1.0)) * _f64(ins[2])
            return [y]
        if op == 'MatMul':
            return [np.matmul(_f64(ins[0]), _f64(ins[1]))]
        if op == 'Relu':
            x = ins[0]
            return [np.maximum(x, np.zeros((), dtype=x.dtype))]
        if op == 'Clip':
            x = ins[0]
            if self.opset < 11 or 'min' in a or 'max' in a:
                lo, hi = a.get('min', None), a.get('max', None)
            else:
                lo = ins[1] if len(ins) > 1 else None
                hi = ins[2] if len(ins) > 2 else None
            y = x
            if lo is not None:
                y = np.maximum(y, np.asarray(lo).astype(y.dtype) if not _is_float(y) else _f64(lo))
            if hi is not None:
                y = np.minimum(y, np.asarray(hi).astype(y.dtype) if not _is_float(y) else _f64(hi))
            return [y]
        if op == 'MaxPool':
            if len(node.output) > 1 and node.output[1]:
                raise NotImplementedError('MaxPool with an Indices output')
            return [_pool(ins[0], a, 'max')]
        if op == 'AveragePool':
            return [_pool(ins[0], a, 'avg')]
        if op == 'GlobalAveragePool':
            x = _f64(ins[0])
            return [x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)]
        if op == 'GlobalMaxPool':
            x = ins[0]
            return [x.max(axis=tuple(range(2, x.ndim)), keepdims=True)]
        if op in ('Add', 'Sub', 'Mul', 'Div'):
            x, y = ins
            if _is_float(x) or _is_float(y):
                x, y = _f64(x), _f64(y)
            if op == 'Add':
                return [x + y]
            if op == 'Sub':
                return [x - y]
            if op == 'Mul':
                return [x * y]
            if _is_float(x):
                return [x / y]
            return [(np.trunc(x.astype(np.float64) / y)).astype(x.dtype)]
        if op == 'Concat':
            return [np.concatenate(ins, axis=a['axis'])]
        if op == 'Flatten':
            x = ins[0]
            ax = a.get('axis', 1)
            ax = ax + x.ndim if ax < 0 else ax
            return [x.reshape(int(np.prod(x.shape[:ax], dtype=np.int64)), -1)]
        if op == 'Reshape':
            x, shape = ins[0], [int(v) for v in ins[1]]
            if not a.get('allowzero', 0):
                shape = [x.shape[i] if v == 0 else v for i, v in enumerate(shape)]
            return [x.reshape(shape)]
        if op in ('Identity', 'Dropout'):
            outs = [ins[0]]
            if op == 'Dropout' and len(node.output) > 1:
                outs.append(np.ones(ins[0].shape, dtype=bool))
            return outs
        if op == 'Constant':
            if 'value' in a:
                return [_as_numpy_tensor(a['value'])]
            if 'value_float' in a:
                return [_f64(a['value_float'])]
            if 'value_floats' in a:
                return [_f64(a['value_floats'])]
            if 'value_int' in a:
                return [np.array(a['value_int'], dtype=np.int64)]
            if 'value_ints' in a:
                return [np.array(a['value_ints'], dtype=np.int64)]
            raise NotImplementedError('Constant without value/value_float(s)/value_int(s)')
        if op == 'Cast':
            to = a['to']
            x = ins[0]
            if to in _ONNX_FLOAT_TYPES:
                return [_f64(x)]
            if to not in _ONNX_INT_TYPES:
                raise NotImplementedError('Cast to ONNX type %d' % to)
            t = _ONNX_INT_TYPES[to]
            if _is_float(x):
                x = np.trunc(x)      # float -> int: toward zero (out of range: undefined in ONNX)
            return [np.asarray(x).astype(t)]
        if op == 'ConstantOfShape':
            shape = [int(v) for v in ins[0]]
            v = _as_numpy_tensor(a['value']) if 'value' in a else np.zeros(1, dtype=np.float64)
            return [np.full(shape, v.reshape(-1)[0], dtype=v.dtype)]
        if op == 'Shape':
            s = np.array(ins[0].shape, dtype=np.int64)
            start, end = a.get('start', 0), a.get('end', None)
            return [s[start:end]]
        if op == 'Gather':
            x, idx = ins
            ax = a.get('axis', 0)
            idx = np.asarray(idx).astype(np.int64)
            idx = np.where(idx < 0, idx + x.shape[ax], idx)
            return [np.take(x, idx, axis=ax)]
        if op in ('Unsqueeze', 'Squeeze'):
            x = ins[0]
            if self.opset >= 13:
                axes = [int(v) for v in ins[1]] if len(ins) > 1 and ins[1] is not None else None
            else:
                axes = a.get('axes', None)
            if op == 'Unsqueeze':
                r = x.ndim + len(axes)
                axes = sorted(ax + r if ax < 0 else ax for ax in axes)
                y = x
                for ax in axes:
                    y = np.expand_dims(y, ax)
                return [y]
            if axes is None:
                return [np.squeeze(x)]
            return [np.squeeze(x, axis=tuple(ax + x.ndim if ax < 0 else ax for ax in axes))]
        if op == 'Transpose':
            return [np.transpose(ins[0], a.get('perm', None))]
        raise NotImplementedError('operator %s (node %s) is not supported' % (op, node.name))

    def _evaluate(self, env, which):
        for node, dyn in zip(self.graph.node, self.dynamic):
            if dyn != which:
                continue
            for i in node.input:
                if i and i not in env:
                    raise KeyError('node %s (%s): input %s is not available (graph not in '
                                   'topological order?)' % (node.name, node.op_type, i))
            outs = self._run_node(node, env)
            for name, val in zip(node.output, outs):
                if name:
                    env[name] = val
        return env

    def constants(self):
        """Every tensor computable from initializers and Constants alone."""
        if self._const is None:
            self._const = self._evaluate(dict(self.initializers), False)
        return self._const

    # -- whole graph ----------------------------------------------------
    def run(self, x, batch=128, record_quantized=True):
        """x: an array for the (single) graph input, or {input name: array}.
        Returns ({output name: array}, {QuantizeLinear output name: int64 array})
        with the batch results concatenated along axis 0."""
        feeds = x if isinstance(x, dict) else {self.inputs[0]: x}
        for k in feeds:
            if k not in self.inputs:
                raise KeyError('%s is not a graph input (inputs: %s)' % (k, self.inputs))
        n = len(next(iter(feeds.values())))
        const = self.constants()
        qnames = [q.output[0] for q in self.quant_nodes] if record_quantized else []
        outs = {o: [] for o in self.outputs}
        quant = {q: [] for q in qnames}
        for s in range(0, n, batch):
            env = dict(const)
            for k, v in feeds.items():
                v = np.asarray(v[s:s + batch])
                env[k] = _f64(v) if _is_float(v) else v
            self._evaluate(env, True)
            for o in self.outputs:
                outs[o].append(env[o])
            for q in qnames:
                if q not in const:
                    quant[q].append(env[q].astype(np.int64))
        result = {o: (np.concatenate(v) if len(v) > 1 else v[0]) for o, v in outs.items()}
        qres = {}
        for q in qnames:
            if q in const:
                qres[q] = const[q].astype(np.int64)      # weights: independent of the input
            else:
                qres[q] = np.concatenate(quant[q]) if len(quant[q]) > 1 else quant[q][0]
        return result, qres

    def quant_info(self):
        """Per QuantizeLinear (graph order): scale, zero point, type, axis, and
        the integer range a preceding Clip with constant bounds admits."""
        const = self.constants()
        producers = {o: n for n in self.graph.node for o in n.output}
        rows = []
        for node in self.quant_nodes:
            a = _attrs(node)
            scale = const.get(node.input[1])
            zp = const.get(node.input[2]) if len(node.input) > 2 and node.input[2] else np.array(0, np.uint8)
            row = {'tensor': node.output[0], 'node': node.name, 'input': node.input[0],
                   'depends_on_input': node.output[0] not in const,
                   'type': str(np.asarray(zp).dtype) if zp is not None else None,
                   'axis': int(a.get('axis', 1)) if scale is not None and np.ndim(scale) == 1 else None,
                   'scale': None if scale is None else np.asarray(scale, dtype=np.float64).tolist(),
                   'zero_point': None if zp is None else np.asarray(zp).astype(np.int64).tolist()}
            prod = producers.get(node.input[0])
            if prod is not None and prod.op_type == 'Clip' and scale is not None and np.ndim(scale) == 0:
                lo = const.get(prod.input[1]) if len(prod.input) > 1 and prod.input[1] else None
                hi = const.get(prod.input[2]) if len(prod.input) > 2 and prod.input[2] else None
                row['clip'] = [None if lo is None else float(lo), None if hi is None else float(hi)]
                # the integers the Clip admits: QuantizeLinear of its bounds
                row['clip_int_range'] = [
                    None if lo is None else int(quantize_linear(lo, scale, zp)),
                    None if hi is None else int(quantize_linear(hi, scale, zp))]
            rows.append(row)
        return rows


def run_model(model, x, batch=128):
    """Convenience: (first output float64, {QuantizeLinear output: int64})."""
    ref = QDQReference(model)
    outs, quant = ref.run(x, batch=batch)
    return outs[ref.outputs[0]], quant


def write_outdir(ref, outs, quant, outdir):
    os.makedirs(outdir, exist_ok=True)
    np.save(os.path.join(outdir, 'output.npy'), outs[ref.outputs[0]])
    used = {'output', 'index', 'pred'}
    files = {}
    order = []
    info = {r['tensor']: r for r in ref.quant_info()}
    for node in ref.quant_nodes:
        name = node.output[0]
        if name not in quant:
            continue
        base = _sanitize(name)
        f, k = base, 1
        while f.lower() in used:
            k += 1
            f = '%s_%d' % (base, k)
        used.add(f.lower())
        f += '.npy'
        np.save(os.path.join(outdir, f), quant[name])
        files[name] = f
        r = dict(info[name])
        r['file'] = f
        r['shape'] = list(quant[name].shape)
        r['min'] = int(quant[name].min()) if quant[name].size else None
        r['max'] = int(quant[name].max()) if quant[name].size else None
        order.append(r)
    index = {'output': {'tensor': ref.outputs[0], 'file': 'output.npy', 'dtype': 'float64',
                        'shape': list(outs[ref.outputs[0]].shape)},
             'files': files, 'quantized': order}
    with open(os.path.join(outdir, 'index.json'), 'w') as fh:
        json.dump(index, fh, indent=1)
        fh.write('\n')
    return index


def main(argv=None):
    ap = argparse.ArgumentParser(description='float64 numpy reference of an ONNX QDQ graph')
    ap.add_argument('model')
    ap.add_argument('x', help='input .npy (all samples along axis 0)')
    ap.add_argument('outdir')
    ap.add_argument('--labels', help='int labels .npy: print the top-1 accuracy')
    ap.add_argument('--compare', help='int predictions .npy: print the top-1 agreement')
    ap.add_argument('--limit', type=int, help='evaluate only the first N samples')
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--no-dump', action='store_true',
                    help='write output.npy and index.json only, not the quantized tensors')
    args = ap.parse_args(argv)
    x = np.load(args.x)
    if args.limit:
        x = x[:args.limit]
    ref = QDQReference(args.model)
    outs, quant = ref.run(x, batch=args.batch, record_quantized=not args.no_dump)
    write_outdir(ref, outs, quant, args.outdir)
    out = outs[ref.outputs[0]]
    pred = out.reshape(len(out), -1).argmax(axis=1)
    np.save(os.path.join(args.outdir, 'pred.npy'), pred.astype(np.int64))
    print('%s: %d samples, output %s, %d QuantizeLinear tensors -> %s' % (
        os.path.basename(args.model), len(x), out.shape, len(quant), args.outdir))
    rc = 0
    if args.labels:
        y = np.load(args.labels)[:len(x)]
        c = int((pred == y).sum())
        print('accuracy: %.4f (%d/%d)' % (c / len(y), c, len(y)))
    if args.compare:
        p = np.load(args.compare)[:len(x)]
        c = int((pred == p).sum())
        print('agreement with %s: %.4f (%d/%d)' % (os.path.basename(args.compare), c / len(p), c, len(p)))
    return rc


if __name__ == '__main__':
    sys.exit(main())
