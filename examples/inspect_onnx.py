#!/usr/bin/python3
"""Print an ONNX graph node by node: op type, inputs (and where each comes
from: graph input, initializer, Constant node or another node), attributes,
and the values of small constants.  Needs the onnx package only.

    /usr/bin/python3 examples/inspect_onnx.py MODEL.onnx [--ops-only] [--constants]

Use it to check that your own export has the node sequences documented in
examples/README.md.
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def fmt_array(a, limit=6):
    a = np.asarray(a)
    if a.size <= limit:
        v = a.tolist()
    else:
        v = '%s... (%d values, %d distinct)' % (a.ravel()[:limit].tolist(), a.size, len(np.unique(a)))
    return '%s%s %s' % (a.dtype, list(a.shape), v)


def describe(path, ops_only=False, show_constants=False, out=sys.stdout):
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    consts = {}
    producer = {}
    for n in g.node:
        for o in n.output:
            producer[o] = n
        if n.op_type == 'Constant' and n.attribute and n.attribute[0].name == 'value':
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    print('%s: opset %s, producer %s %s, %d nodes, %d initializers' % (
        path, ','.join('%s:%d' % (o.domain or 'ai.onnx', o.version) for o in m.opset_import),
        m.producer_name, m.producer_version, len(g.node), len(g.initializer)), file=out)
    for i in g.input:
        if i.name not in inits:
            t = i.type.tensor_type
            dims = [d.dim_param or d.dim_value for d in t.shape.dim]
            print('  input  %s %s %s' % (i.name, onnx.TensorProto.DataType.Name(t.elem_type), dims), file=out)
    if ops_only:
        print('  ' + ' '.join(n.op_type for n in g.node), file=out)
        return
    for k, n in enumerate(g.node):
        if n.op_type == 'Constant' and not show_constants:
            continue
        srcs = []
        for i in n.input:
            if not i:
                srcs.append('<absent>')
            elif i in inits:
                a = inits[i]
                srcs.append('%s=init(%s)' % (i, fmt_array(a) if a.size <= 6 else '%s%s' % (a.dtype, list(a.shape))))
            elif i in consts:
                srcs.append('%s=Constant(%s)' % (i, fmt_array(consts[i])))
            elif i in producer:
                srcs.append('%s<-%s' % (i, producer[i].op_type))
            else:
                srcs.append('%s=graph input' % i)
        attrs = []
        for a in n.attribute:
            v = onnx.helper.get_attribute_value(a)
            if isinstance(v, onnx.TensorProto):
                v = fmt_array(numpy_helper.to_array(v))
            elif isinstance(v, bytes):
                v = v.decode()
            attrs.append('%s=%s' % (a.name, v))
        print('  %3d %-17s %s' % (k, n.op_type, ', '.join(srcs)), file=out)
        if attrs:
            print('      %-17s {%s}' % ('', ', '.join(attrs)), file=out)
        print('      %-17s -> %s' % ('', ', '.join(n.output)), file=out)
    print('  output ' + ', '.join(o.name for o in g.output), file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model')
    ap.add_argument('--ops-only', action='store_true')
    ap.add_argument('--constants', action='store_true',
                    help='also list the Constant nodes (their values are shown at their consumers anyway)')
    args = ap.parse_args()
    describe(args.model, args.ops_only, args.constants)


if __name__ == '__main__':
    main()
