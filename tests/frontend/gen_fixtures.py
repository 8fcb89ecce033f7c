#!/usr/bin/python3
"""Generates the small ONNX fixtures of tests/frontend/data with PyTorch 1.13.

  fq_small.onnx   fake-quant export: float weights -> Clip -> QuantizeLinear ->
                  DequantizeLinear; activations Relu -> Clip -> Q -> DQ (the Clip
                  narrows the uint8 container to 2 / 4 bits); per-tensor and
                  per-channel weights; x.view(x.size(0), -1) with a dynamic batch
                  (Shape -> Gather -> Unsqueeze -> Concat -> Reshape); a raw fc
                  output (no output quantization)
  qat_prepared.onnx  the fake-quant export of an eager-mode QAT model before
                  `convert` (Conv + BatchNorm (+ ReLU) fused for QAT: Conv -> Div
                  -> Add -> BatchNormalization, (0, 127) activations)
  qat_small.onnx  eager-mode QAT `convert` export: integer weights as Constant ->
                  DequantizeLinear (4-bit weight observer, per-channel), int32
                  biases, fused conv-relu, residual add_relu, cat, max / avg
                  pooling, flatten, linear, DeQuantStub; fixed batch 1

Each model comes with NAME.json: an input batch and PyTorch's output for it
(the fake-quant model's float QDQ semantics; the converted model's quantized
kernels). Run: /usr/bin/python3 tests/frontend/gen_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.ao.quantization as tq

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def fq_t(x, scale, zp, qmin, qmax):
    return torch.fake_quantize_per_tensor_affine(x, scale, zp, qmin, qmax)


class FakeQuant(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.fc = nn.Linear(6 * 2 * 2, 5)

    def forward(self, x):
        x = fq_t(torch.clamp(x, 0.0, 1.0), 1.0 / 255, 0, 0, 255)            # u8 input
        w = fq_t(torch.clamp(self.c1.weight, -0.5, 0.5), 0.25, 0, -128, 127)  # s4 weights (-2..2)
        y = nn.functional.conv2d(x, w, self.c1.bias, padding=1)
        y = fq_t(torch.clamp(torch.relu(y), 0.0, 3 * 0.125), 0.125, 0, 0, 255)  # u2
        y = nn.functional.max_pool2d(y, 2)
        w2 = torch.fake_quantize_per_channel_affine(
            torch.clamp(self.c2.weight, -0.3, 0.3), torch.tensor([0.1, 0.15, 0.1, 0.3, 0.1, 0.1]),
            torch.zeros(6, dtype=torch.int32), 0, -128, 127)                  # s4 / s2 per channel
        y = nn.functional.conv2d(y, w2, self.c2.bias, stride=2, padding=1)
        y = fq_t(torch.clamp(torch.relu(y), 0.0, 15 * 0.05), 0.05, 0, 0, 255)  # u4
        y = y.view(y.size(0), -1)
        w3 = fq_t(torch.clamp(self.fc.weight, -0.2, 0.2), 0.05, 0, -128, 127)
        return nn.functional.linear(y, w3, self.fc.bias)                     # raw output


class Qat(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = tq.QuantStub()
        self.dq = tq.DeQuantStub()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.r1 = nn.ReLU()
        self.c2 = nn.Conv2d(4, 4, 3, padding=1)
        self.add = nn.quantized.FloatFunctional()
        self.cat = nn.quantized.FloatFunctional()
        self.pool = nn.MaxPool2d(2)
        self.ap = nn.AvgPool2d(2)
        self.fc = nn.Linear(8 * 2 * 2, 5)

    def forward(self, x):
        x = self.q(x)
        a = self.r1(self.c1(x))
        b = self.c2(a)
        c = self.add.add_relu(a, b)
        d = self.cat.cat([c, a], 1)
        d = self.ap(self.pool(d))
        d = torch.flatten(d, 1)
        return self.dq(self.fc(d))


class Prepared(nn.Module):
    """Eager-mode QAT, prepared (not converted): Conv+BN+ReLU fused for QAT."""

    def __init__(self):
        super().__init__()
        self.q = tq.QuantStub()
        self.dq = tq.DeQuantStub()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.b1 = nn.BatchNorm2d(4)
        self.r1 = nn.ReLU()
        self.c2 = nn.Conv2d(4, 4, 3, stride=2, padding=1)
        self.b2 = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        x = self.r1(self.b1(self.c1(self.q(x))))
        x = self.b2(self.c2(x))
        return self.dq(self.fc(torch.flatten(x, 1)))


def save(name, model, x, dynamic):
    model.eval()
    with torch.no_grad():
        y = model(x)
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, x[:1], path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}, "y": {0: "N"}} if dynamic else None)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"input_shape": list(x.shape), "input": [float(v) for v in x.flatten()],
                   "output_shape": list(y.shape), "output": [float(v) for v in y.flatten()]}, f)
        f.write("\n")
    print(path, os.path.getsize(path), "bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    x = torch.rand(3, 1, 8, 8)
    save("fq_small", FakeQuant(), x, dynamic=True)

    torch.manual_seed(8)
    m = Qat()
    w4 = tq.FakeQuantize.with_args(observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-8, quant_max=7,
                                   dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
    m.qconfig = tq.QConfig(activation=tq.default_fake_quant, weight=w4)
    tq.fuse_modules_qat(m.train(), [["c1", "r1"]], inplace=True)
    tq.prepare_qat(m, inplace=True)
    for _ in range(4):
        m(torch.rand(8, 1, 8, 8))
    qm = tq.convert(m.eval())
    save("qat_small", qm, x, dynamic=False)

    # The fake-quant export of a prepared QAT model (FakeQuantize modules,
    # version-0 qconfig: the fused observer does not export), observers off:
    # scales as initializers, (0, 127) activations as QuantizeLinear -> Clip
    # -> DequantizeLinear, Conv -> Div -> Add -> BatchNormalization -> Relu.
    torch.manual_seed(9)
    p = Prepared()
    p.qconfig = tq.get_default_qat_qconfig("fbgemm", version=0)
    tq.fuse_modules_qat(p.train(), [["c1", "b1", "r1"], ["c2", "b2"]], inplace=True)
    tq.prepare_qat(p, inplace=True)
    for _ in range(4):
        p(torch.rand(8, 1, 8, 8))
    p.apply(tq.disable_observer)
    save("qat_prepared", p, x, dynamic=True)
    # The batch-1 export of a batch-3 input: the model fixes batch 1, the
    # reference runs each image alone.
    return 0


if __name__ == "__main__":
    sys.exit(main())
