"""Quantization-aware training helpers for the Bit Fusion example models.

Shared by examples/digits/train.py and examples/mnist/train_lenet5.py.

The modules here train with a straight-through estimator and a learned step
size (LSQ, Esser et al. 2020) and, in eval mode, run the exact operators that
PyTorch 1.13's ONNX exporter (opset 13) turns into the "fake-quant" QDQ form:

    torch.clamp(x, lo, hi)                      -> Clip(x, Constant lo, Constant hi)
    torch.fake_quantize_per_tensor_affine(
        x, scale, zero_point, 0, 255)           -> QuantizeLinear(x, scale, zp uint8)
                                                   -> DequantizeLinear(q, scale, zp uint8)
    (..., -128, 127)                            -> the same with an int8 zero point

The exporter accepts only (quant_min, quant_max) in {(0, 255), (-128, 127),
(0, 127)}, so the narrow widths (1, 2, 4 bits) are expressed by the Clip in
front of the QuantizeLinear: Clip(qmin*scale, qmax*scale).  An importer reads
the width back as round(clip_bound / scale) + zero_point.

Eval mode (model.eval()) is the path that is exported and the path that
produces the framework's recorded predictions.
"""
import hashlib
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def set_seed(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


def _grad_scale(x, g):
    # forward: x; backward: gradient multiplied by g
    return (x - x * g).detach() + x * g


def _round_ste(x):
    # forward: round half to even (torch.round); backward: identity
    return (x.round() - x).detach() + x


class Quant(nn.Module):
    """A per-tensor quantizer with zero point 0.

    kind:
      'act'  unsigned activations: integers 0 .. 2^bits-1      (uint8 container)
      'sact' signed activations:   -2^(bits-1) .. 2^(bits-1)-1 (int8 container)
      'wgt'  signed weights, symmetric (narrow) range
             -(2^(bits-1)-1) .. 2^(bits-1)-1, so 2 bits = ternary {-1,0,1}
             (int8 container)
    scale: a learned 0-d float32 parameter (LSQ) unless fixed_scale is given
    (then it is a constant buffer, e.g. 1/(2^bits-1) for the input image).
    """

    def __init__(self, bits, kind='act', fixed_scale=None):
        super().__init__()
        assert 1 <= bits <= 8, 'opset 13 QuantizeLinear has only 8-bit containers'
        assert kind in ('act', 'sact', 'wgt')
        if kind == 'wgt':
            assert bits >= 2
        self.bits, self.kind = bits, kind
        if kind == 'act':
            self.qmin, self.qmax = 0, (1 << bits) - 1
            self.container = (0, 255)
        elif kind == 'sact':
            self.qmin, self.qmax = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
            self.container = (-128, 127)
        else:
            self.qmax = (1 << (bits - 1)) - 1
            self.qmin = -self.qmax
            self.container = (-128, 127)
        self.learned = fixed_scale is None
        if self.learned:
            self.scale = nn.Parameter(torch.tensor(1.0))
            self.register_buffer('initialized', torch.tensor(False))
        else:
            self.register_buffer('scale', torch.tensor(float(fixed_scale)))
            self.register_buffer('initialized', torch.tensor(True))
        self.register_buffer('zero_point', torch.tensor(0, dtype=torch.int32))
        self.enabled = True

    @property
    def signed(self):
        return self.kind != 'act'

    def extra_repr(self):
        return 'bits=%d, kind=%s, range=[%d, %d], learned=%s' % (
            self.bits, self.kind, self.qmin, self.qmax, self.learned)

    def scale_f32(self):
        return np.float32(self.scale.detach().item())

    def bounds(self):
        """Clip bounds as Python floats computed in float32, so that
        QuantizeLinear(bound) gives exactly qmin / qmax."""
        s = self.scale_f32()
        return float(np.float32(self.qmin) * s), float(np.float32(self.qmax) * s)

    def forward(self, x):
        if not self.enabled:
            return x
        if self.training:
            if self.learned and not bool(self.initialized):
                with torch.no_grad():
                    # LSQ initialisation
                    init = 2.0 * x.detach().abs().mean() / np.sqrt(max(self.qmax, 1))
                    self.scale.copy_(init.clamp_min(1e-4))
                    self.initialized.fill_(True)
            s = self.scale
            if self.learned:
                n = x.numel() if self.kind == 'wgt' else x[0].numel()
                s = _grad_scale(s, 1.0 / np.sqrt(n * max(self.qmax, 1)))
            q = torch.clamp(x / s, self.qmin, self.qmax)
            return _round_ste(q) * s
        # eval / export path: exactly Clip -> QuantizeLinear -> DequantizeLinear
        lo, hi = self.bounds()
        x = torch.clamp(x, lo, hi)
        return torch.fake_quantize_per_tensor_affine(
            x, self.scale.detach(), self.zero_point, self.container[0], self.container[1])

    @torch.no_grad()
    def integers(self, x):
        """The integers this quantizer produces (eval semantics)."""
        return torch.clamp(torch.round(x / self.scale), self.qmin, self.qmax)


class QConv2d(nn.Conv2d):
    """Conv2d whose weights go through Clip -> Q -> DQ (per-tensor, signed)."""

    def __init__(self, cin, cout, k, wbits, stride=1, padding=0):
        super().__init__(cin, cout, k, stride=stride, padding=padding, bias=True)
        self.w_q = Quant(wbits, 'wgt')
        self._in_q = []          # the quantizer of this layer's input (not a submodule)

    def set_input_quant(self, q):
        self._in_q = [q]
        return self

    def forward(self, x):
        return F.conv2d(x, self.w_q(self.weight), self.bias, self.stride, self.padding)


class QLinear(nn.Linear):
    """Linear (exported as Gemm transB=1) with Clip -> Q -> DQ weights.

    train_as_conv: in training mode compute the same product as a 1x1
    convolution.  This PyTorch build uses the reference BLAS for
    F.linear but oneDNN for convolutions, which makes a large layer's
    forward+backward several times faster.  Eval/export always use F.linear."""

    def __init__(self, cin, cout, wbits, train_as_conv=False):
        super().__init__(cin, cout, bias=True)
        self.w_q = Quant(wbits, 'wgt')
        self._in_q = []
        self.train_as_conv = train_as_conv

    def set_input_quant(self, q):
        self._in_q = [q]
        return self

    def forward(self, x):
        w = self.w_q(self.weight)
        if self.training and self.train_as_conv:
            return F.conv2d(x[:, :, None, None], w[:, :, None, None], self.bias).flatten(1)
        return F.linear(x, w, self.bias)


def quant_layers(model):
    return [m for m in model.modules() if isinstance(m, (QConv2d, QLinear))]


def set_quant_enabled(model, enabled):
    for m in model.modules():
        if isinstance(m, Quant):
            m.enabled = enabled


@torch.no_grad()
def init_weight_scales(model):
    """LSQ initialisation of every weight quantizer from its weights."""
    for layer in quant_layers(model):
        q = layer.w_q
        w = layer.weight
        q.scale.copy_((2.0 * w.abs().mean() / np.sqrt(q.qmax)).clamp_min(1e-6))
        q.initialized.fill_(True)


@torch.no_grad()
def snap_parameters(model):
    """Replace every float weight by its dequantized value q*scale (float32)
    and every bias by a multiple of (input scale * weight scale).

    The model computes the same function afterwards (Clip/Q/DQ of a value on
    the grid is the identity), the bias becomes exactly an int32 in units of
    the accumulator, and the .onnx files compress well in git (each weight
    tensor holds at most 2^bits distinct float values)."""
    for layer in quant_layers(model):
        q = layer.w_q
        s = q.scale_f32()
        w = layer.weight.detach().cpu().numpy().astype(np.float32)
        wi = np.clip(np.round(w / s), q.qmin, q.qmax).astype(np.float32)
        layer.weight.copy_(torch.from_numpy(wi * s))
        assert layer._in_q, 'every quantized layer needs its input quantizer'
        s_acc = np.float32(layer._in_q[0].scale_f32()) * s
        b = layer.bias.detach().cpu().numpy().astype(np.float32)
        bi = np.round(b.astype(np.float64) / np.float64(s_acc))
        assert np.all(np.abs(bi) < 2 ** 31)
        layer.bias.copy_(torch.from_numpy((bi * np.float64(s_acc)).astype(np.float32)))


def batches(n, bs, rng=None):
    idx = rng.permutation(n) if rng is not None else np.arange(n)
    for i in range(0, n, bs):
        yield idx[i:i + bs]


@torch.no_grad()
def predict(model, x, bs=500):
    model.eval()
    out = []
    for i in range(0, len(x), bs):
        out.append(model(torch.from_numpy(x[i:i + bs])))
    logits = torch.cat(out).numpy().astype(np.float32)
    return logits, logits.argmax(1).astype(np.int64)


def train_epochs(model, x, y, epochs, lr, bs=64, seed=0, augment=None, log=print,
                 lr_end_factor=0.05, weight_decay=0.0, x_val=None, y_val=None):
    """Adam with a cosine learning rate; optional augment(xb, rng) -> xb."""
    rng = np.random.RandomState(seed)
    scale_params = [p for n, p in model.named_parameters() if n.endswith('scale')]
    other = [p for n, p in model.named_parameters() if not n.endswith('scale')]
    opt = torch.optim.Adam([{'params': other, 'weight_decay': weight_decay},
                            {'params': scale_params, 'weight_decay': 0.0}], lr=lr)
    steps = epochs * ((len(x) + bs - 1) // bs)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: lr_end_factor + (1 - lr_end_factor) * 0.5 * (1 + np.cos(np.pi * t / steps)))
    for ep in range(epochs):
        model.train()
        t0 = time.time()
        tot, correct, loss_sum = 0, 0, 0.0
        for idx in batches(len(x), bs, rng):
            xb = x[idx]
            if augment is not None:
                xb = augment(xb, rng)
            xb = torch.from_numpy(xb)
            yb = torch.from_numpy(y[idx])
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            with torch.no_grad():
                for m in model.modules():
                    if isinstance(m, Quant) and m.learned:
                        m.scale.clamp_(min=1e-6)
            tot += len(idx)
            correct += int((out.argmax(1) == yb).sum())
            loss_sum += float(loss) * len(idx)
        msg = '  epoch %d: loss %.4f train acc %.4f (%.1f s)' % (
            ep + 1, loss_sum / tot, correct / tot, time.time() - t0)
        if x_val is not None:
            _, p = predict(model, x_val)
            msg += ' eval acc %.4f' % float((p == y_val).mean())
        log(msg)


def export_onnx(model, path, input_shape):
    """torch.onnx.export at opset 13 with a dynamic batch dimension."""
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with torch.no_grad():
            torch.onnx.export(model, torch.zeros(*input_shape), path, opset_version=13,
                              input_names=['input'], output_names=['logits'],
                              dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}},
                              do_constant_folding=True)


def onnx_summary(path):
    """Op-type sequence and the operator histogram of an exported graph."""
    import onnx
    m = onnx.load(path)
    ops = [n.op_type for n in m.graph.node]
    hist = {}
    for o in ops:
        hist[o] = hist.get(o, 0) + 1
    return {'opset': [{'domain': o.domain, 'version': o.version} for o in m.opset_import],
            'producer': '%s %s' % (m.producer_name, m.producer_version),
            'ops': ops, 'op_counts': dict(sorted(hist.items())),
            'initializers': len(m.graph.initializer)}


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def write_results(outdir, name, logits, pred, y, meta):
    np.save(os.path.join(outdir, name + '.pred.npy'), pred.astype(np.int64))
    np.save(os.path.join(outdir, name + '.logits.npy'), logits.astype(np.float32))
    acc = float((pred == y).mean())
    onnx_path = os.path.join(outdir, name + '.onnx')
    rec = {
        'name': name,
        'onnx': name + '.onnx',
        'onnx_sha256': sha256(onnx_path),
        'accuracy': round(acc, 6),
        'correct': int((pred == y).sum()),
        'n_test': int(len(y)),
        'predictions': name + '.pred.npy',
        'logits': name + '.logits.npy',
    }
    rec.update(meta)
    rec['torch_version'] = torch.__version__
    rec['numpy_version'] = np.__version__
    rec['python_version'] = platform.python_version()
    rec['onnx_graph'] = onnx_summary(onnx_path)
    with open(os.path.join(outdir, name + '.json'), 'w') as f:
        json.dump(rec, f, indent=1)
        f.write('\n')
    return acc


def layer_bits(model):
    """Per-layer bit widths of a fake-quant model: input activation and weights."""
    rows = []
    for name, m in model.named_modules():
        if isinstance(m, (QConv2d, QLinear)):
            qi = m._in_q[0]
            rows.append({'layer': name,
                         'type': 'conv' if isinstance(m, QConv2d) else 'fc',
                         'act_bits': qi.bits, 'act_signed': qi.signed,
                         'act_range': [qi.qmin, qi.qmax],
                         'act_scale': float(qi.scale_f32()),
                         'wgt_bits': m.w_q.bits, 'wgt_signed': True,
                         'wgt_range': [m.w_q.qmin, m.w_q.qmax],
                         'wgt_scale': float(m.w_q.scale_f32())})
    return rows


def tee_logger(path):
    f = open(path, 'w')

    def log(msg):
        print(msg)
        sys.stdout.flush()
        f.write(msg + '\n')
        f.flush()
    return log
