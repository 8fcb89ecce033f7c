#!/usr/bin/python3
"""Run qdq_reference.py on every exported example model and compare it with the
framework's recorded results (examples/*/<name>.json, .pred.npy, .logits.npy).

    /usr/bin/python3 tests/onnx_ref/verify_examples.py [--examples DIR] [--min-agreement 0.99]
                                                       [--json OUT.json]

Prints, per model: the framework accuracy, the reference accuracy, the number
of test images whose top-1 prediction agrees, and the largest |logit
difference|.  Exits 1 if an agreement is below --min-agreement.
Needs numpy and onnx only.
"""
import argparse
import glob
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qdq_reference as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))


def verify(json_path, batch=250):
    d = os.path.dirname(json_path)
    with open(json_path) as f:
        meta = json.load(f)
    x = np.load(os.path.join(d, meta['test_x']))
    y = np.load(os.path.join(d, meta['test_y']))
    pred_fw = np.load(os.path.join(d, meta['predictions']))
    logits_fw = np.load(os.path.join(d, meta['logits']))
    t0 = time.time()
    ref = R.QDQReference(os.path.join(d, meta['onnx']))
    outs, _ = ref.run(x, batch=batch, record_quantized=False)
    out = outs[ref.outputs[0]]
    pred = out.argmax(axis=1)
    diff = np.abs(out - logits_fw.astype(np.float64))
    disagree = np.nonzero(pred != pred_fw)[0]
    # disagreements at an exact tie of the reference's two largest logits: the
    # integer accumulators are equal, argmax takes the lower class, while the
    # framework's float32 sums break the tie by rounding
    top2 = np.sort(out, axis=1)[:, -2:]
    ties = [int(i) for i in disagree if top2[i, 1] - top2[i, 0] <= 1e-9 * max(1.0, abs(top2[i, 1]))]
    return {
        'model': meta['name'],
        'n_test': int(len(y)),
        'framework_accuracy': float((pred_fw == y).mean()),
        'reference_accuracy': float((pred == y).mean()),
        'agree': int((pred == pred_fw).sum()),
        'agreement': float((pred == pred_fw).mean()),
        'disagreeing_images': disagree.tolist()[:50],
        'disagreements_at_exact_ties': ties,
        'max_abs_logit_diff': float(diff.max()),
        'seconds': round(time.time() - t0, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--examples', default=os.path.join(ROOT, 'examples'))
    ap.add_argument('--min-agreement', type=float, default=0.99)
    ap.add_argument('--json', help='write the results here')
    ap.add_argument('--only', nargs='*')
    args = ap.parse_args()
    rows = []
    paths = sorted(glob.glob(os.path.join(args.examples, '*', '*.json')))
    bad = 0
    print('%-16s %6s %10s %10s %14s %14s  %s' % ('model', 'n', 'framework', 'reference', 'agreement',
                                                 'max|dlogit|', 'disagreements (at exact ties)'))
    for p in paths:
        with open(p) as f:
            meta = json.load(f)
        if 'onnx' not in meta or (args.only and meta['name'] not in args.only):
            continue
        r = verify(p)
        rows.append(r)
        print('%-16s %6d %10.4f %10.4f %8d/%-5d %14.3g  %s' % (
            r['model'], r['n_test'], r['framework_accuracy'], r['reference_accuracy'],
            r['agree'], r['n_test'], r['max_abs_logit_diff'],
            '%s (%d)' % (r['disagreeing_images'], len(r['disagreements_at_exact_ties']))
            if r['disagreeing_images'] else '-'))
        if r['agreement'] < args.min_agreement:
            bad += 1
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=1)
            f.write('\n')
    if not rows:
        print('no example models found under %s' % args.examples)
        return 1
    print('%d passed, %d failed' % (len(rows) - bad, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
