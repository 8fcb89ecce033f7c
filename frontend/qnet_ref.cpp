#include "frontend/qnet_ref.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bf::fe {

namespace {

int64_t wrap32(int64_t v) { return int64_t(int32_t(uint32_t(uint64_t(v)))); }

const Tensor& T(const QNet& n, int id) { return n.tensors[size_t(id)]; }

void check_size(size_t got, size_t want, const std::string& what) {
  if (got != want)
    throw std::runtime_error(what + ": " + std::to_string(got) + " values, expected " + std::to_string(want));
}

// Shape helpers: per-image dims of a rank-4 tensor.
struct Chw {
  int64_t c, h, w;
};
Chw chw(const Tensor& t) {
  if (t.shape.size() == 4) return {t.shape[1], t.shape[2], t.shape[3]};
  return {t.channels(), 1, 1};
}

std::vector<int64_t> quantize(const std::vector<float>& x, const Quant& q) {
  std::vector<int64_t> out(x.size());
  const float s = float(q.scale[0]);
  for (size_t i = 0; i < x.size(); ++i) {
    double r = std::nearbyint(double(x[i] / s));  // float32 division, round half to even
    if (std::isnan(r)) r = 0;
    r = std::clamp(r, -4e18, 4e18);
    out[i] = std::clamp(int64_t(r) + q.zero_point, q.qmin, q.qmax);
  }
  return out;
}

std::vector<float> dequantize(const Op& op, const std::vector<int64_t>& q, const Tensor& t, int batch) {
  std::vector<float> out(q.size());
  const int64_t per = t.per_image();
  const Chw d = chw(t);
  const int64_t plane = d.h * d.w;
  for (size_t i = 0; i < q.size(); ++i) {
    const int64_t c = (int64_t(i) % per) / plane;
    float v = float(double(q[i] - t.q.zero_point) * t.q.scale_of(c));
    if (op.has_float_clamp) v = float(std::min(std::max(double(v), op.float_lo), op.float_hi));
    out[i] = v;
  }
  (void)batch;
  return out;
}

std::vector<int64_t> maxpool(const Op& op, const std::vector<int64_t>& x, const Tensor& in, const Tensor& out,
                             int batch) {
  const Chw i = chw(in), o = chw(out);
  const Pool& p = op.pool;
  std::vector<int64_t> y(size_t(batch * o.c * o.h * o.w));
  size_t idx = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < o.c; ++c)
      for (int64_t oy = 0; oy < o.h; ++oy)
        for (int64_t ox = 0; ox < o.w; ++ox) {
          int64_t m = INT64_MIN;
          for (int ky = 0; ky < p.kernel_h; ++ky)
            for (int kx = 0; kx < p.kernel_w; ++kx) {
              const int64_t iy = oy * p.stride_h + ky - p.pad_top, ix = ox * p.stride_w + kx - p.pad_left;
              if (iy < 0 || iy >= i.h || ix < 0 || ix >= i.w) continue;
              m = std::max(m, x[size_t(((b * i.c + c) * i.h + iy) * i.w + ix)]);
            }
          y[idx++] = m;
        }
  return y;
}

std::vector<int64_t> avgpool(const Op& op, const std::vector<int64_t>& x, const Tensor& in, const Tensor& out,
                             int batch) {
  const Chw i = chw(in), o = chw(out);
  const Pool& p = op.pool;
  const int64_t zi = in.q.zero_point;
  std::vector<int64_t> y(size_t(batch * o.c * o.h * o.w));
  size_t idx = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < o.c; ++c)
      for (int64_t oy = 0; oy < o.h; ++oy)
        for (int64_t ox = 0; ox < o.w; ++ox) {
          int64_t sum = 0, n = 0;
          for (int ky = 0; ky < p.kernel_h; ++ky)
            for (int kx = 0; kx < p.kernel_w; ++kx) {
              const int64_t iy = oy * p.stride_h + ky - p.pad_top, ix = ox * p.stride_w + kx - p.pad_left;
              if (iy < 0 || iy >= i.h || ix < 0 || ix >= i.w) continue;  // padding: real value 0, q - z = 0
              sum += x[size_t(((b * i.c + c) * i.h + iy) * i.w + ix)] - zi;
              ++n;
            }
          if (p.count_include_pad) n = int64_t(p.kernel_h) * p.kernel_w;
          y[idx++] = requantize(int32_t(sum), op.by_count.at(size_t(n)), out.q.zero_point, out.q.qmin, out.q.qmax);
        }
  return y;
}

std::vector<int64_t> add(const Op& op, const std::vector<int64_t>& a, const std::vector<int64_t>& b, const Tensor& ta,
                         const Tensor& tb, const Tensor& out) {
  std::vector<int64_t> y(a.size());
  const AddParams& p = op.add;
  const int64_t r = p.shift > 0 ? int64_t{1} << (p.shift - 1) : 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int64_t v = (p.mult_a * (a[i] - ta.q.zero_point) + p.mult_b * (b[i] - tb.q.zero_point) + r) >> p.shift;
    y[i] = std::clamp(out.q.zero_point + v, out.q.qmin, out.q.qmax);
  }
  return y;
}

}  // namespace

std::vector<int64_t> device_op_ref(const Op& op, const std::vector<int64_t>& in, int batch) {
  if (!op.on_device()) throw std::runtime_error("device_op_ref: op '" + op.name + "' is not a conv / fc");
  const DeviceLayer& d = op.dev;
  const Geometry& g = d.g;
  check_size(in.size(), size_t(batch) * g.in_c * g.in_h * g.in_w, "device_op_ref: input of '" + op.name + "'");
  const int64_t z = d.in_zero_point;
  std::vector<int64_t> y(size_t(batch) * g.out_c * g.out_h * g.out_w);
  size_t idx = 0;
  for (int b = 0; b < batch; ++b)
    for (int oc = 0; oc < g.out_c; ++oc)
      for (int oy = 0; oy < g.out_h; ++oy)
        for (int ox = 0; ox < g.out_w; ++ox) {
          int64_t acc = 0;
          for (int ic = 0; ic < g.in_c; ++ic)
            for (int ky = 0; ky < g.kernel_h; ++ky)
              for (int kx = 0; kx < g.kernel_w; ++kx) {
                const int iy = oy * g.stride_h + ky - g.pad_top, ix = ox * g.stride_w + kx - g.pad_left;
                if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;  // (q - z) = 0 in the padding
                const int64_t q = in[((size_t(b) * g.in_c + ic) * g.in_h + iy) * g.in_w + ix];
                const int64_t w = d.weights[((size_t(oc) * g.in_c + ic) * g.kernel_h + ky) * g.kernel_w + kx];
                acc += w * (q - z);
              }
          const int64_t sum = wrap32(acc + d.bias_dev[size_t(oc)] + z * d.weight_sums[size_t(oc)]);
          y[idx++] = d.raw ? sum : requantize(int32_t(sum), d.requant_for(oc), d.out_zero_point, d.out_lo, d.out_hi);
        }
  return y;
}

void run_op(const QNet& net, const Op& op, RefResult& st) {
  const int batch = st.batch;
  const Tensor& out = T(net, op.output);
  auto qin = [&](size_t k) -> const std::vector<int64_t>& {
    const auto& v = st.q[size_t(op.inputs.at(k))];
    check_size(v.size(), size_t(batch * T(net, op.inputs[k]).per_image()),
               "op '" + op.name + "': input '" + T(net, op.inputs[k]).name + "'");
    return v;
  };
  std::vector<int64_t> y;
  switch (op.kind) {
    case OpKind::Quantize: {
      const auto& x = st.f[size_t(op.inputs.at(0))];
      check_size(x.size(), size_t(batch * out.per_image()), "op '" + op.name + "': float input");
      y = quantize(x, out.q);
      break;
    }
    case OpKind::Dequantize: st.f[size_t(op.output)] = dequantize(op, qin(0), T(net, op.inputs[0]), batch); return;
    case OpKind::Conv:
    case OpKind::Fc: y = device_op_ref(op, qin(0), batch); break;
    case OpKind::MaxPool: y = maxpool(op, qin(0), T(net, op.inputs[0]), out, batch); break;
    case OpKind::AveragePool:
    case OpKind::GlobalAveragePool: y = avgpool(op, qin(0), T(net, op.inputs[0]), out, batch); break;
    case OpKind::Add: y = add(op, qin(0), qin(1), T(net, op.inputs[0]), T(net, op.inputs[1]), out); break;
    case OpKind::Concat: {
      const Chw o = chw(out);
      y.reserve(size_t(batch * out.per_image()));
      for (int b = 0; b < batch; ++b)
        for (size_t k = 0; k < op.inputs.size(); ++k) {
          const auto& x = qin(k);
          const int64_t per = T(net, op.inputs[k]).per_image();
          y.insert(y.end(), x.begin() + b * per, x.begin() + (b + 1) * per);
        }
      (void)o;
      break;
    }
    case OpKind::Reshape: y = qin(0); break;
    case OpKind::Requantize: {
      const Tensor& in = T(net, op.inputs[0]);
      const auto& x = qin(0);
      y.resize(x.size());
      for (size_t i = 0; i < x.size(); ++i)
        y[i] = requantize(int32_t(x[i] - in.q.zero_point), op.by_count.at(0), out.q.zero_point, out.q.qmin, out.q.qmax);
      break;
    }
    case OpKind::Pad: {
      const Chw i = chw(T(net, op.inputs[0])), o = chw(out);
      const auto& x = qin(0);
      y.assign(size_t(batch * o.c * o.h * o.w), op.pad_value);
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t c = 0; c < i.c; ++c)
          for (int64_t r = 0; r < i.h; ++r)
            for (int64_t col = 0; col < i.w; ++col)
              y[size_t(((b * o.c + c) * o.h + r + op.pads[0]) * o.w + col + op.pads[1])] =
                  x[size_t(((b * i.c + c) * i.h + r) * i.w + col)];
      break;
    }
  }
  st.q[size_t(op.output)] = std::move(y);
}

namespace {

RefResult start_impl(const QNet& net, int batch) {
  if (batch < 1) throw std::runtime_error("run_reference: batch must be positive");
  RefResult st;
  st.batch = batch;
  st.q.resize(net.tensors.size());
  st.f.resize(net.tensors.size());
  return st;
}

void finish_impl(const QNet& net, RefResult& st) {
  const Tensor& o = T(net, net.output);
  st.output_shape = o.shape;
  st.output_shape[0] = st.batch;
  if (o.is_float) {
    st.output = st.f[size_t(net.output)];
  } else {
    Op dq;
    st.output = dequantize(dq, st.q[size_t(net.output)], o, st.batch);
  }
}

}  // namespace

RefResult start_run(const QNet& net, int batch) { return start_impl(net, batch); }
void finish_run(const QNet& net, RefResult& st) { finish_impl(net, st); }

RefResult run_reference(const QNet& net, const std::vector<float>& input, int batch) {
  RefResult st = start_run(net, batch);
  check_size(input.size(), size_t(batch * T(net, net.input).per_image()), "run_reference: input");
  st.f[size_t(net.input)] = input;
  for (const Op& op : net.ops) run_op(net, op, st);
  finish_run(net, st);
  return st;
}

RefResult run_reference_quantized(const QNet& net, const std::vector<int64_t>& q_input, int batch) {
  RefResult st = start_run(net, batch);
  const Op* first = nullptr;
  for (const Op& op : net.ops)
    if (op.kind == OpKind::Quantize) {
      if (first) throw std::runtime_error("run_reference_quantized: the network quantizes its input more than once");
      first = &op;
    }
  if (!first) throw std::runtime_error("run_reference_quantized: the network has no Quantize op");
  const Tensor& qt = T(net, first->output);
  check_size(q_input.size(), size_t(batch * qt.per_image()), "run_reference_quantized: input");
  for (int64_t v : q_input)
    if (v < qt.q.qmin || v > qt.q.qmax)
      throw std::runtime_error("run_reference_quantized: input value " + std::to_string(v) + " outside [" +
                               std::to_string(qt.q.qmin) + ", " + std::to_string(qt.q.qmax) + "]");
  st.q[size_t(first->output)] = q_input;
  for (const Op& op : net.ops)
    if (&op != first) run_op(net, op, st);
  finish_run(net, st);
  return st;
}

}  // namespace bf::fe
