#!/usr/bin/python3
"""Train and export the quantized digit classifiers (scikit-learn's load_digits).

    /usr/bin/python3 examples/digits/train.py [--out DIR] [--only NAME ...]

Writes, for every model NAME, DIR/NAME.onnx (opset 13, QDQ), DIR/NAME.json
(framework accuracy, bit widths per layer, versions, seed), DIR/NAME.pred.npy
(int64 predictions of the PyTorch quantized model on the test set) and
DIR/NAME.logits.npy (float32), plus DIR/data/test_x.npy (float32, N,1,8,8,
values in [0,1]) and DIR/data/test_y.npy (int64).  No download: the 1,797
8x8 digits ship with scikit-learn.

Models (see examples/README.md for the exported node sequences):
  digits_int8      fake-quant, every layer 8-bit activations (u8) x 8-bit weights (s8)
  digits_int4      fake-quant, every layer 4 x 4 bits
  digits_int2      fake-quant, every layer 2 x 2 bits (ternary weights)
  digits_mixed     fake-quant, first layer 8 x 8 bits, the others 2 x 2 bits
  digits_residual  fake-quant, residual Add of two quantized branches, MaxPool,
                   GlobalAveragePool, a signed 8-bit branch, 4-bit layers
  digits_eager     PyTorch eager-mode QAT + convert (torch.ao.quantization),
                   8-bit, per-output-channel weight scales, int32 biases
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import bfqat  # noqa: E402
from bfqat import Quant, QConv2d, QLinear  # noqa: E402

SEED = 2018
N_TEST = 360


def load_data(seed=SEED):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    d = load_digits()
    x = (d.data.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=N_TEST, stratify=y, random_state=seed)
    return (np.ascontiguousarray(xtr), ytr.astype(np.int64),
            np.ascontiguousarray(xte), yte.astype(np.int64))


INPUT_SCALE_NOTE = (
    'The input quantizer\'s scale is 2^-bits (Clip(0, (2^bits-1)/2^bits)), not 1/(2^bits-1): '
    'the digits\' pixels are multiples of 1/16, so pixel/scale often lands exactly on .5; '
    'PyTorch\'s fake_quantize multiplies by the float32 reciprocal of the scale while ONNX '
    'QuantizeLinear divides, and with a scale like float32(1/3) the two round such ties '
    'differently (0.5 -> 2 in PyTorch, 1 in ONNX).  With a power-of-two scale both are exact.')


def random_shift(xb, rng):
    """Training augmentation: shift every image by -1, 0 or +1 pixel in x and y
    (zero fill)."""
    n, _, h, w = xb.shape
    p = np.pad(xb, ((0, 0), (0, 0), (1, 1), (1, 1)))
    dy = rng.randint(0, 3, n)
    dx = rng.randint(0, 3, n)
    rows = dy[:, None] + np.arange(h)[None, :]              # n,h
    cols = dx[:, None] + np.arange(w)[None, :]              # n,w
    out = p[np.arange(n)[:, None, None], 0, rows[:, :, None], cols[:, None, :]]
    return np.ascontiguousarray(out[:, None]).astype(np.float32)


class PlainNet(nn.Module):
    """conv 3x3 (1->16) relu | conv 3x3 (16->32) relu maxpool | fc 512->64 relu | fc 64->10.
    bits: per layer (act_bits, wgt_bits) for the layer's input and weights."""

    def __init__(self, bits):
        super().__init__()
        (a0, w0), (a1, w1), (a2, w2), (a3, w3) = bits
        # host side; scale 2^-bits, see INPUT_SCALE_NOTE
        self.q_in = Quant(a0, 'act', fixed_scale=1.0 / (1 << a0))
        self.conv0 = QConv2d(1, 16, 3, w0, padding=1).set_input_quant(self.q_in)
        self.q1 = Quant(a1, 'act')
        self.conv1 = QConv2d(16, 32, 3, w1, padding=1).set_input_quant(self.q1)
        self.q2 = Quant(a2, 'act')
        self.fc0 = QLinear(32 * 4 * 4, 64, w2).set_input_quant(self.q2)
        self.q3 = Quant(a3, 'act')
        self.fc1 = QLinear(64, 10, w3).set_input_quant(self.q3)

    def forward(self, x):
        x = self.q_in(x)
        x = F.relu(self.conv0(x))
        x = self.q1(x)
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(x, 2)
        x = self.q2(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc0(x))
        x = self.q3(x)
        return self.fc1(x)          # float logits (Gemm output)


class ResidualNet(nn.Module):
    """x1 = q1(relu(conv0(q_in(x))))            32 ch, 8x8, 4-bit unsigned
    b  = qb(conv1(x1))                          32 ch, signed 8-bit branch, no ReLU
    r  = q2(relu(b + x1))                       Add of two quantized branches, 4-bit
    p  = maxpool2x2(r)                          MaxPool on dequantized values
    c  = q3(relu(conv2(p)))                     64 ch, 4x4, 4-bit
    g  = q4(global_avg_pool(c))                 requantized to 8 bits
    logits = fc(flatten(g))                     64 -> 10, 8-bit weights"""

    def __init__(self):
        super().__init__()
        self.q_in = Quant(8, 'act', fixed_scale=1.0 / 256)
        self.conv0 = QConv2d(1, 32, 3, 4, padding=1).set_input_quant(self.q_in)
        self.q1 = Quant(4, 'act')
        self.conv1 = QConv2d(32, 32, 3, 4, padding=1).set_input_quant(self.q1)
        self.qb = Quant(8, 'sact')
        self.q2 = Quant(4, 'act')
        self.conv2 = QConv2d(32, 64, 3, 4, padding=1).set_input_quant(self.q2)
        self.q3 = Quant(4, 'act')
        self.q4 = Quant(8, 'act')
        self.fc = QLinear(64, 10, 8).set_input_quant(self.q4)

    def forward(self, x):
        x = self.q_in(x)
        x1 = self.q1(F.relu(self.conv0(x)))
        b = self.qb(self.conv1(x1))
        r = self.q2(F.relu(b + x1))
        p = F.max_pool2d(r, 2)
        c = self.q3(F.relu(self.conv2(p)))
        g = self.q4(F.adaptive_avg_pool2d(c, 1))
        return self.fc(torch.flatten(g, 1))


def residual_bits(model):
    rows = bfqat.layer_bits(model)
    rows.append({'layer': 'conv1 output (Add branch)', 'type': 'add-input',
                 'act_bits': 8, 'act_signed': True, 'act_range': [model.qb.qmin, model.qb.qmax],
                 'act_scale': float(model.qb.scale_f32())})
    rows.append({'layer': 'relu(conv2) before GlobalAveragePool', 'type': 'pool-input',
                 'act_bits': 4, 'act_signed': False, 'act_range': [model.q3.qmin, model.q3.qmax],
                 'act_scale': float(model.q3.scale_f32())})
    return rows


FAKEQUANT_MODELS = {
    'digits_int8': dict(bits=[(8, 8)] * 4, desc='every layer 8-bit unsigned activations x 8-bit signed weights'),
    'digits_int4': dict(bits=[(4, 4)] * 4, desc='every layer 4-bit unsigned activations x 4-bit signed weights'),
    'digits_int2': dict(bits=[(2, 2)] * 4, desc='every layer 2-bit unsigned activations x 2-bit signed (ternary) weights'),
    'digits_mixed': dict(bits=[(8, 8)] + [(2, 2)] * 3,
                         desc='first layer 8 x 8 bits, the other layers 2 x 2 bits (like the paper\'s QNN networks)'),
    'digits_residual': dict(bits=None, desc='residual Add of two quantized branches (4-bit unsigned + 8-bit signed), '
                                            'MaxPool, GlobalAveragePool; 8-bit input, 4-bit layers, 8-bit classifier'),
}

FLOAT_EPOCHS, QAT_EPOCHS = 30, 40


def train_fakequant(name, spec, data, outdir, log):
    xtr, ytr, xte, yte = data
    bfqat.set_seed(SEED)
    model = ResidualNet() if spec['bits'] is None else PlainNet(spec['bits'])
    t0 = time.time()
    log('%s: float pre-training, %d epochs' % (name, FLOAT_EPOCHS))
    bfqat.set_quant_enabled(model, False)
    bfqat.train_epochs(model, xtr, ytr, FLOAT_EPOCHS, 3e-3, bs=32, seed=SEED,
                       augment=random_shift, log=lambda m: None)
    _, p = bfqat.predict(model, xte)
    float_acc = float((p == yte).mean())
    log('  float accuracy %.4f' % float_acc)
    log('%s: quantization-aware training, %d epochs' % (name, QAT_EPOCHS))
    bfqat.set_quant_enabled(model, True)
    bfqat.init_weight_scales(model)
    bfqat.train_epochs(model, xtr, ytr, QAT_EPOCHS, 1e-3, bs=32, seed=SEED + 1,
                       augment=random_shift, log=lambda m: None)
    bfqat.snap_parameters(model)
    train_s = time.time() - t0
    logits, pred = bfqat.predict(model, xte)
    onnx_path = os.path.join(outdir, name + '.onnx')
    bfqat.export_onnx(model, onnx_path, (1, 1, 8, 8))
    layers = residual_bits(model) if spec['bits'] is None else bfqat.layer_bits(model)
    meta = {
        'description': spec['desc'],
        'form': 'fake-quant: float weights -> Clip -> QuantizeLinear -> DequantizeLinear; '
                'activations Relu -> Clip -> QuantizeLinear -> DequantizeLinear',
        'dataset': 'sklearn.datasets.load_digits, stratified test split of %d images '
                   '(train_test_split random_state=%d)' % (N_TEST, SEED),
        'input': {'shape': ['N', 1, 8, 8], 'dtype': 'float32', 'range': [0.0, 1.0],
                  'note': 'pixel/16; the first Clip+QuantizeLinear runs on the host. ' + INPUT_SCALE_NOTE},
        'output': 'float32 logits, the output of the last Gemm (not quantized)',
        'test_x': 'data/test_x.npy', 'test_y': 'data/test_y.npy',
        'seed': SEED, 'float_epochs': FLOAT_EPOCHS, 'qat_epochs': QAT_EPOCHS,
        'float_accuracy_before_qat': round(float_acc, 6),
        'train_seconds': round(train_s, 1),
        'layers': layers,
    }
    acc = bfqat.write_results(outdir, name, logits, pred, yte, meta)
    log('%s: quantized accuracy %.4f (%d/%d), %.1f s' % (name, acc, int((pred == yte).sum()),
                                                          len(yte), train_s))
    return acc


# ---------------------------------------------------------------------------
# PyTorch eager-mode quantization (QuantStub / fuse / prepare_qat / convert)

class EagerNet(nn.Module):
    def __init__(self):
        super().__init__()
        import torch.ao.quantization as tq
        self.quant = tq.QuantStub()
        self.conv0 = nn.Conv2d(1, 16, 3, padding=1)
        self.relu0 = nn.ReLU()
        self.conv1 = nn.Conv2d(16, 32, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc0 = nn.Linear(32 * 4 * 4, 64)
        self.relu2 = nn.ReLU()
        self.fc1 = nn.Linear(64, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.relu0(self.conv0(x))
        x = self.pool(self.relu1(self.conv1(x)))
        x = torch.flatten(x, 1)
        x = self.relu2(self.fc0(x))
        x = self.fc1(x)
        return self.dequant(x)


def train_eager(name, data, outdir, log):
    import torch.ao.quantization as tq
    xtr, ytr, xte, yte = data
    engine = 'onednn' if 'onednn' in torch.backends.quantized.supported_engines else 'fbgemm'
    torch.backends.quantized.engine = engine
    bfqat.set_seed(SEED)
    model = EagerNet()
    t0 = time.time()
    log('%s: float pre-training, %d epochs' % (name, FLOAT_EPOCHS))
    bfqat.train_epochs(model, xtr, ytr, FLOAT_EPOCHS, 3e-3, bs=32, seed=SEED,
                       augment=random_shift, log=lambda m: None)
    _, p = bfqat.predict(model, xte)
    float_acc = float((p == yte).mean())
    log('  float accuracy %.4f' % float_acc)
    model.train()
    # per-output-channel symmetric int8 weights, uint8 activations (0..255)
    model.qconfig = tq.get_default_qat_qconfig(engine)
    # fc0 + relu2 stay unfused: PyTorch 1.13 cannot export quantized::linear_relu
    # (the fused LinearReLU) to ONNX; the quantized ReLU exports as DQ -> Relu -> Q.
    tq.fuse_modules_qat(model, [['conv0', 'relu0'], ['conv1', 'relu1']], inplace=True)
    tq.prepare_qat(model, inplace=True)
    log('%s: eager-mode QAT (%s qconfig), %d epochs' % (name, engine, QAT_EPOCHS // 2))
    bfqat.train_epochs(model, xtr, ytr, QAT_EPOCHS // 2, 3e-4, bs=32, seed=SEED + 1,
                       augment=random_shift, log=lambda m: None)
    model.eval()
    qmodel = tq.convert(model)
    train_s = time.time() - t0
    logits, pred = bfqat.predict(qmodel, xte)
    onnx_path = os.path.join(outdir, name + '.onnx')
    bfqat.export_onnx(qmodel, onnx_path, (1, 1, 8, 8))
    layers = []
    for lname in ('conv0', 'conv1', 'fc0', 'fc1'):
        m = getattr(qmodel, lname)
        w = m.weight()
        layers.append({'layer': lname, 'type': 'conv' if 'conv' in lname else 'fc',
                       'module': type(m).__name__,
                       'act_bits': 8, 'act_signed': False, 'wgt_bits': 8, 'wgt_signed': True,
                       'wgt_qscheme': str(w.qscheme()),
                       'wgt_range': [int(w.int_repr().min()), int(w.int_repr().max())],
                       'out_scale': float(m.scale), 'out_zero_point': int(m.zero_point)})
    meta = {
        'description': 'PyTorch eager-mode QAT (QuantStub/DeQuantStub, fused conv+relu, '
                       'prepare_qat, convert), the same layers as digits_int8; fc0 and its '
                       'ReLU are not fused (quantized::linear_relu has no ONNX export in 1.13)',
        'form': 'eager-convert: integer weights (Constant int8) -> DequantizeLinear(axis 0), '
                'int32 bias (Constant) -> DequantizeLinear(axis 0)',
        'quantized_engine': engine,
        'qconfig': str(model.qconfig),
        'dataset': 'sklearn.datasets.load_digits, stratified test split of %d images '
                   '(train_test_split random_state=%d)' % (N_TEST, SEED),
        'input': {'shape': ['N', 1, 8, 8], 'dtype': 'float32', 'range': [0.0, 1.0],
                  'input_scale': float(qmodel.quant.scale), 'input_zero_point': int(qmodel.quant.zero_point)},
        'output': 'float32: DequantizeLinear of the uint8-quantized last Gemm output (zero point %d)'
                  % int(qmodel.fc1.zero_point),
        'test_x': 'data/test_x.npy', 'test_y': 'data/test_y.npy',
        'seed': SEED, 'float_epochs': FLOAT_EPOCHS, 'qat_epochs': QAT_EPOCHS // 2,
        'float_accuracy_before_qat': round(float_acc, 6),
        'train_seconds': round(train_s, 1),
        'layers': layers,
    }
    acc = bfqat.write_results(outdir, name, logits, pred, yte, meta)
    log('%s: quantized accuracy %.4f (%d/%d), %.1f s' % (name, acc, int((pred == yte).sum()),
                                                          len(yte), train_s))
    return acc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=HERE)
    ap.add_argument('--only', nargs='*', help='train only these models')
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(os.path.join(args.out, 'data'), exist_ok=True)
    log = bfqat.tee_logger(os.path.join(args.out, 'train.log'))
    data = load_data()
    xtr, ytr, xte, yte = data
    np.save(os.path.join(args.out, 'data', 'test_x.npy'), xte.astype(np.float32))
    np.save(os.path.join(args.out, 'data', 'test_y.npy'), yte.astype(np.int64))
    log('digits: %d training, %d test images, torch %s' % (len(xtr), len(xte), torch.__version__))
    t0 = time.time()
    results = {}
    names = list(FAKEQUANT_MODELS) + ['digits_eager']
    for name in names:
        if args.only and name not in args.only:
            continue
        if name == 'digits_eager':
            results[name] = train_eager(name, data, args.out, log)
        else:
            results[name] = train_fakequant(name, FAKEQUANT_MODELS[name], data, args.out, log)
    log('digits: total %.1f s' % (time.time() - t0))
    for k, v in results.items():
        log('  %-16s %.4f' % (k, v))


if __name__ == '__main__':
    main()
