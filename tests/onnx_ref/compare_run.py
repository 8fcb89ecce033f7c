#!/usr/bin/python3
"""The golden integer execution of `bitfusion run --onnx` against the
independent float64 QDQ reference (qdq_reference.py) on the example models.

    /usr/bin/python3 tests/onnx_ref/compare_run.py --cli build/bitfusion
        [--examples DIR] [--limit N] [--lenet-limit N] [--backend golden]
        [--config NAME] [--json OUT.json]

For every model (examples/*/<name>.json) it runs
    bitfusion run --onnx M --input X --backend golden --dump DIR
and the float reference on the same images, then compares
  * every integer tensor both produce (the QuantizeLinear outputs, by ONNX
    name): |ours - reference| <= 1 on at least 99.9 % of the elements
    (the device requantizes with a 16-bit fixed-point multiplier and rounds
    half up, ONNX divides in float and rounds half to even);
  * the top-1 class of every image: equal on at least 99 % of images.
Prints one line per model; exits 1 when a bound fails, 77 (skip) when
numpy or onnx is missing.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import onnx  # noqa: F401  (qdq_reference needs it)
except ImportError as e:  # pragma: no cover
    print('skipped: %s (install python3-numpy and python3-onnx)' % e)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qdq_reference as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))

ELEM_BOUND = 0.999
TOP1_BOUND = 0.99


def compare(cli, meta_path, limit, backend, config):
    d = os.path.dirname(meta_path)
    with open(meta_path) as f:
        meta = json.load(f)
    x = np.load(os.path.join(d, meta['test_x']))
    if limit:
        x = x[:limit]
    model = os.path.join(d, meta['onnx'])
    with tempfile.TemporaryDirectory() as tmp:
        xin = os.path.join(tmp, 'x.npy')
        np.save(xin, x.astype(np.float32))
        dump = os.path.join(tmp, 'dump')
        cmd = [cli, 'run', '--onnx', model, '--input', xin, '--backend', backend, '--config', config,
               '--batch', '32', '--dump', dump, '--quiet']
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise RuntimeError('%s failed (%d): %s' % (' '.join(cmd), p.returncode, p.stderr.strip()))
        with open(os.path.join(dump, 'index.json')) as f:
            index = json.load(f)
        ours = {t['tensor']: np.load(os.path.join(dump, t['file'])) for t in index['tensors']}
        out = np.load(os.path.join(dump, index['output']))
    ref = R.QDQReference(model)
    outs, quant = ref.run(x, batch=256, record_quantized=True)
    rout = outs[ref.outputs[0]]
    elems = within = exact = 0
    worst = ('', 0)
    tensors = 0
    for name, q in quant.items():
        if name not in ours or q.shape != ours[name].shape:
            continue
        diff = np.abs(ours[name].astype(np.int64) - q.astype(np.int64))
        tensors += 1
        elems += diff.size
        within += int((diff <= 1).sum())
        exact += int((diff == 0).sum())
        if diff.size and int(diff.max()) > worst[1]:
            worst = (name, int(diff.max()))
    agree = float((out.reshape(len(out), -1).argmax(1) == rout.reshape(len(rout), -1).argmax(1)).mean())
    return {'model': meta['name'], 'images': int(len(x)), 'tensors': tensors, 'elements': elems,
            'within_1': within / elems if elems else 1.0, 'exact': exact / elems if elems else 1.0,
            'worst_tensor': worst[0], 'worst_diff': worst[1], 'top1_agreement': agree}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cli', required=True, help='the bitfusion program')
    ap.add_argument('--examples', default=os.path.join(ROOT, 'examples'))
    ap.add_argument('--limit', type=int, default=0, help='images per model (0: the whole test set)')
    ap.add_argument('--lenet-limit', type=int, default=300, help='images of the MNIST model (0: all)')
    ap.add_argument('--backend', default='golden')
    ap.add_argument('--config', default='bf16x32')
    ap.add_argument('--json', help='write the figures here')
    a = ap.parse_args(argv)
    metas = sorted(glob.glob(os.path.join(a.examples, '*', '*.json')))
    metas = [m for m in metas if 'test_x' in open(m).read()]
    if not metas:
        print('no example models under %s' % a.examples)
        return 1
    print('%-16s %6s %8s %10s %10s %9s %9s  %s' % ('model', 'images', 'tensors', 'elements', '<=1 LSB', 'exact',
                                                'top-1', 'largest difference'))
    rows, bad = [], 0
    for m in metas:
        limit = a.lenet_limit if 'mnist' in m else a.limit
        r = compare(a.cli, m, limit, a.backend, a.config)
        ok = r['within_1'] >= ELEM_BOUND and r['top1_agreement'] >= TOP1_BOUND
        bad += not ok
        rows.append(r)
        print('%-16s %6d %8d %10d %9.4f%% %8.4f%% %8.2f%%  %s%s' % (
            r['model'], r['images'], r['tensors'], r['elements'], 100 * r['within_1'], 100 * r['exact'],
            100 * r['top1_agreement'], ('%d in %s' % (r['worst_diff'], r['worst_tensor'])) if r['worst_diff'] else '-',
            '' if ok else '   FAIL'))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(rows, f, indent=1)
    print('bounds: <=1 LSB on >= %.1f %% of elements, top-1 equal on >= %.0f %% of images: %s' % (
        100 * ELEM_BOUND, 100 * TOP1_BOUND, 'all models pass' if not bad else '%d model(s) FAIL' % bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
