// An independent float interpreter of ONNX QDQ graphs for the tests: the
// semantics of the ONNX operators in float32 (QuantizeLinear rounds half to
// even and saturates; DequantizeLinear is (q - z) * scale; Conv, Gemm,
// pooling and Add in float). It reads the ModelProto directly and shares
// no code with the importer or the integer executor.
//
// A hook sees every node output (name, value, and for QuantizeLinear the
// unrounded x / scale) and may replace it: the tests compare each
// quantized tensor with the integer executor's and continue from the
// executor's values, so a difference never propagates.
#pragma once
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bft {

struct FT {
  int dtype = 1;  // ONNX element type; integers are held exactly in doubles
  std::vector<int64_t> dims;
  std::vector<double> v;
  int64_t numel() const {
    int64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
  }
};

inline FT parse_ft(const onnx::TensorProto& t) {
  FT f;
  f.dtype = t.data_type();
  for (auto d : t.dims()) f.dims.push_back(d);
  const int64_t n = f.numel();
  if (t.has_raw_data()) {
    const std::string& r = t.raw_data();
    const char* p = r.data();
    for (int64_t i = 0; i < n; ++i) {
      switch (f.dtype) {
        case 1: {
          float x;
          std::memcpy(&x, p, 4);
          p += 4;
          f.v.push_back(x);
          break;
        }
        case 2: {
          uint8_t x;
          std::memcpy(&x, p, 1);
          p += 1;
          f.v.push_back(x);
          break;
        }
        case 3: {
          int8_t x;
          std::memcpy(&x, p, 1);
          p += 1;
          f.v.push_back(x);
          break;
        }
        case 4: {
          uint16_t x;
          std::memcpy(&x, p, 2);
          p += 2;
          f.v.push_back(x);
          break;
        }
        case 5: {
          int16_t x;
          std::memcpy(&x, p, 2);
          p += 2;
          f.v.push_back(x);
          break;
        }
        case 6: {
          int32_t x;
          std::memcpy(&x, p, 4);
          p += 4;
          f.v.push_back(x);
          break;
        }
        case 7: {
          int64_t x;
          std::memcpy(&x, p, 8);
          p += 8;
          f.v.push_back(double(x));
          break;
        }
        default: throw std::runtime_error("qdq_eval: dtype");
      }
    }
  } else if (f.dtype == 1) {
    for (float x : t.float_data()) f.v.push_back(x);
  } else if (f.dtype == 7) {
    for (auto x : t.int64_data()) f.v.push_back(double(x));
  } else {
    for (auto x : t.int32_data()) f.v.push_back(x);
  }
  return f;
}

inline void qrange(int dtype, double& lo, double& hi) {
  switch (dtype) {
    case 2: lo = 0, hi = 255; return;
    case 3: lo = -128, hi = 127; return;
    case 4: lo = 0, hi = 65535; return;
    case 5: lo = -32768, hi = 32767; return;
    default: lo = -2147483648.0, hi = 2147483647.0;
  }
}

class QdqEval {
 public:
  using Hook = std::function<void(const onnx::NodeProto&, const std::string&, FT&, const std::vector<double>* pre)>;
  Hook hook;
  std::map<std::string, FT> val;
  std::map<std::string, std::vector<double>> pre;  // QuantizeLinear: float32 x / scale before rounding

  explicit QdqEval(const onnx::ModelProto& m) : m_(m) {}

  FT run(const std::string& input_name, const FT& input) {
    val.clear();
    pre.clear();
    for (const auto& t : m_.graph().initializer()) val[t.name()] = parse_ft(t);
    val[input_name] = input;
    for (const auto& n : m_.graph().node()) node(n);
    return val.at(m_.graph().output(0).name());
  }

 private:
  const onnx::ModelProto& m_;

  static const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
    for (const auto& a : n.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  static int64_t ai(const onnx::NodeProto& n, const std::string& name, int64_t d) {
    const auto* a = attr(n, name);
    return a ? a->i() : d;
  }
  static std::vector<int64_t> ais(const onnx::NodeProto& n, const std::string& name, std::vector<int64_t> d) {
    const auto* a = attr(n, name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : d;
  }
  const FT& in(const onnx::NodeProto& n, int k) { return val.at(n.input(k)); }
  bool has(const onnx::NodeProto& n, int k) { return k < n.input_size() && !n.input(k).empty(); }
  static double f32(double x) { return double(float(x)); }

  void set(const onnx::NodeProto& n, FT v, const std::vector<double>* p = nullptr) {
    if (hook) hook(n, n.output(0), v, p);
    val[n.output(0)] = std::move(v);
  }

  // Per-axis parameter index.
  static size_t pidx(const FT& x, size_t nparams, int axis, size_t i) {
    if (nparams == 1) return 0;
    int64_t inner = 1;
    for (size_t d = size_t(axis) + 1; d < x.dims.size(); ++d) inner *= x.dims[d];
    return size_t((int64_t(i) / inner) % x.dims[size_t(axis)]);
  }

  // 2-D window over NCHW with pads (t, l, b, r); f(b, c, oy, ox, list of in-bounds values, window size).
  template <typename F>
  FT window(const FT& x, int kh, int kw, int sh, int sw, std::vector<int64_t> p, F f) {
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
    const int64_t oh = (H + p[0] + p[2] - kh) / sh + 1, ow = (W + p[1] + p[3] - kw) / sw + 1;
    FT y;
    y.dims = {N, C, oh, ow};
    std::vector<double> vals;
    for (int64_t b = 0; b < N; ++b)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j) {
            vals.clear();
            for (int ky = 0; ky < kh; ++ky)
              for (int kx = 0; kx < kw; ++kx) {
                const int64_t yy = i * sh + ky - p[0], xx = j * sw + kx - p[1];
                if (yy >= 0 && yy < H && xx >= 0 && xx < W)
                  vals.push_back(x.v[size_t(((b * C + c) * H + yy) * W + xx)]);
              }
            y.v.push_back(f(vals, kh * kw));
          }
    return y;
  }

  std::vector<int64_t> pads_of(const onnx::NodeProto& n, const FT& x, const std::vector<int64_t>& k,
                               const std::vector<int64_t>& s) {
    const auto* ap = attr(n, "auto_pad");
    const std::string mode = ap ? ap->s() : "NOTSET";
    if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
      std::vector<int64_t> p(4);
      for (int d = 0; d < 2; ++d) {
        const int64_t in = x.dims[size_t(2 + d)], out = (in + s[size_t(d)] - 1) / s[size_t(d)];
        const int64_t tot = std::max<int64_t>(0, (out - 1) * s[size_t(d)] + k[size_t(d)] - in);
        p[size_t(d)] = mode == "SAME_UPPER" ? tot / 2 : tot - tot / 2;
        p[size_t(d) + 2] = tot - p[size_t(d)];
      }
      return p;
    }
    if (mode == "VALID") return {0, 0, 0, 0};
    return ais(n, "pads", {0, 0, 0, 0});
  }

  void node(const onnx::NodeProto& n) {
    const std::string& op = n.op_type();
    if (op == "Constant") return set(n, parse_ft(n.attribute(0).t()));
    if (op == "Identity") return set(n, in(n, 0));
    if (op == "Cast") {
      FT y = in(n, 0);
      y.dtype = int(ai(n, "to", 1));
      if (y.dtype == 1)
        for (auto& v : y.v) v = f32(v);
      else
        for (auto& v : y.v) v = std::trunc(v);
      return set(n, y);
    }
    if (op == "QuantizeLinear" || op == "DequantizeLinear") {
      const FT& x = in(n, 0);
      const FT& s = in(n, 1);
      FT z;
      if (has(n, 2))
        z = in(n, 2);
      else
        z.dtype = 2, z.v.assign(s.v.size(), 0);
      int axis = int(ai(n, "axis", 1));
      if (axis < 0) axis += int(x.dims.size());
      FT y;
      y.dims = x.dims;
      std::vector<double> p;
      if (op == "QuantizeLinear") {
        y.dtype = z.dtype;
        double lo, hi;
        qrange(z.dtype, lo, hi);
        for (size_t i = 0; i < x.v.size(); ++i) {
          const size_t j = pidx(x, s.v.size(), axis, i);
          const float r = float(x.v[i]) / float(s.v[j]);  // float32, as ONNX
          p.push_back(r);
          y.v.push_back(std::clamp(std::nearbyint(double(r)) + z.v[j], lo, hi));  // round half to even
        }
        return set(n, y, &p);
      }
      y.dtype = 1;
      for (size_t i = 0; i < x.v.size(); ++i) {
        const size_t j = pidx(x, s.v.size(), axis, i);
        y.v.push_back(f32(float(x.v[i] - z.v[j]) * float(s.v[j])));
      }
      return set(n, y);
    }
    if (op == "Relu" || op == "Clip") {
      FT y = in(n, 0);
      double lo = op == "Relu" ? 0 : -INFINITY, hi = INFINITY;
      if (op == "Clip" && has(n, 1)) lo = in(n, 1).v[0];
      if (op == "Clip" && has(n, 2)) hi = in(n, 2).v[0];
      for (auto& v : y.v) v = std::min(std::max(v, lo), hi);
      std::vector<double> p;
      if (op == "Clip" && pre.count(n.input(0))) p = pre[n.input(0)], pre[n.output(0)] = p;
      return set(n, y, p.empty() ? nullptr : &p);
    }
    if (op == "Conv") {
      const FT &x = in(n, 0), &w = in(n, 1);
      const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
      const int64_t O = w.dims[0], KH = w.dims[2], KW = w.dims[3];
      const auto s = ais(n, "strides", {1, 1});
      const auto p = pads_of(n, x, {KH, KW}, s);
      const int64_t oh = (H + p[0] + p[2] - KH) / s[0] + 1, ow = (W + p[1] + p[3] - KW) / s[1] + 1;
      FT y;
      y.dims = {N, O, oh, ow};
      for (int64_t b = 0; b < N; ++b)
        for (int64_t o = 0; o < O; ++o)
          for (int64_t i = 0; i < oh; ++i)
            for (int64_t j = 0; j < ow; ++j) {
              double acc = has(n, 2) ? in(n, 2).v[size_t(o)] : 0.0;
              for (int64_t c = 0; c < C; ++c)
                for (int64_t ky = 0; ky < KH; ++ky)
                  for (int64_t kx = 0; kx < KW; ++kx) {
                    const int64_t yy = i * s[0] + ky - p[0], xx = j * s[1] + kx - p[1];
                    if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;  // zero padding (float 0)
                    acc +=
                        x.v[size_t(((b * C + c) * H + yy) * W + xx)] * w.v[size_t(((o * C + c) * KH + ky) * KW + kx)];
                  }
              y.v.push_back(f32(acc));
            }
      return set(n, y);
    }
    if (op == "Gemm" || op == "MatMul") {
      const FT &a = in(n, 0), &b = in(n, 1);
      const bool tb = op == "Gemm" && ai(n, "transB", 0);
      const int64_t N = a.dims[0], K = a.dims[1], M = tb ? b.dims[0] : b.dims[1];
      FT y;
      y.dims = {N, M};
      for (int64_t r = 0; r < N; ++r)
        for (int64_t o = 0; o < M; ++o) {
          double acc = 0;
          for (int64_t k = 0; k < K; ++k) acc += a.v[size_t(r * K + k)] * b.v[size_t(tb ? o * K + k : k * M + o)];
          if (op == "Gemm" && has(n, 2)) {
            const FT& c = in(n, 2);
            acc += c.v[c.v.size() == 1 ? 0 : size_t(o)];
          }
          y.v.push_back(f32(acc));
        }
      return set(n, y);
    }
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {  // numpy broadcasting
      const FT &a = in(n, 0), &b = in(n, 1);
      const size_t r = std::max(a.dims.size(), b.dims.size());
      auto dim = [r](const FT& t, size_t k) {
        return k + t.dims.size() < r ? int64_t(1) : t.dims[k + t.dims.size() - r];
      };
      FT y;
      y.dtype = a.dtype;
      for (size_t k = 0; k < r; ++k) y.dims.push_back(std::max(dim(a, k), dim(b, k)));
      std::vector<int64_t> idx(r, 0);
      for (int64_t i = 0; i < y.numel(); ++i) {
        int64_t ia = 0, ib = 0;
        for (size_t k = 0; k < r; ++k) {
          ia = ia * dim(a, k) + (dim(a, k) == 1 ? 0 : idx[k]);
          ib = ib * dim(b, k) + (dim(b, k) == 1 ? 0 : idx[k]);
        }
        const double x = a.v[size_t(ia)], z = b.v[size_t(ib)];
        const double v = op == "Add" ? x + z : op == "Sub" ? x - z : op == "Mul" ? x * z : x / z;
        y.v.push_back(a.dtype == 1 ? f32(v) : v);
        for (size_t k = r; k-- > 0;) {
          if (++idx[k] < y.dims[k]) break;
          idx[k] = 0;
        }
      }
      return set(n, y);
    }
    if (op == "BatchNormalization") {  // inference: (x - mean) / sqrt(var + eps) * scale + B per channel
      const FT& x = in(n, 0);
      const auto* e = attr(n, "epsilon");
      const double eps = e ? e->f() : 1e-5;
      FT y = x;
      const int64_t C = x.dims[1];
      int64_t inner = 1;
      for (size_t k = 2; k < x.dims.size(); ++k) inner *= x.dims[k];
      for (size_t i = 0; i < y.v.size(); ++i) {
        const size_t c = size_t((int64_t(i) / inner) % C);
        const double sd = std::sqrt(double(float(in(n, 4).v[c] + eps)));
        y.v[i] = f32((x.v[i] - in(n, 3).v[c]) / sd * in(n, 1).v[c] + in(n, 2).v[c]);
      }
      return set(n, y);
    }
    if (op == "MaxPool") {
      const auto k = ais(n, "kernel_shape", {}), s = ais(n, "strides", {1, 1});
      return set(n, window(in(n, 0), int(k[0]), int(k[1]), int(s[0]), int(s[1]), pads_of(n, in(n, 0), k, s),
                           [](const std::vector<double>& v, int) { return *std::max_element(v.begin(), v.end()); }));
    }
    if (op == "AveragePool" || op == "GlobalAveragePool") {
      const FT& x = in(n, 0);
      std::vector<int64_t> k = {x.dims[2], x.dims[3]}, s = {1, 1}, p = {0, 0, 0, 0};
      bool incl = false;
      if (op == "AveragePool") {
        k = ais(n, "kernel_shape", {}), s = ais(n, "strides", {1, 1}), p = pads_of(n, x, k, s);
        incl = ai(n, "count_include_pad", 0) != 0;
      }
      return set(
          n, window(x, int(k[0]), int(k[1]), int(s[0]), int(s[1]), p, [incl](const std::vector<double>& v, int full) {
            double sum = 0;
            for (double e : v) sum += e;
            return f32(sum / double(incl ? full : int(v.size())));
          }));
    }
    if (op == "Concat") {
      const FT& f = in(n, 0);
      int axis = int(ai(n, "axis", 0));
      if (axis < 0) axis += int(f.dims.size());
      FT y;
      y.dtype = f.dtype;
      y.dims = f.dims;
      y.dims[size_t(axis)] = 0;
      for (int k = 0; k < n.input_size(); ++k) y.dims[size_t(axis)] += in(n, k).dims[size_t(axis)];
      int64_t outer = 1;
      for (int d = 0; d < axis; ++d) outer *= f.dims[size_t(d)];
      for (int64_t o = 0; o < outer; ++o)
        for (int k = 0; k < n.input_size(); ++k) {
          const FT& x = in(n, k);
          const size_t chunk = x.v.size() / size_t(outer);
          y.v.insert(y.v.end(), x.v.begin() + long(o * chunk), x.v.begin() + long((o + 1) * chunk));
        }
      return set(n, y);
    }
    if (op == "Flatten") {
      FT y = in(n, 0);
      const int64_t n0 = y.dims[0];
      y.dims = {n0, y.numel() / n0};
      return set(n, y);
    }
    if (op == "Reshape") {
      FT y = in(n, 0);
      const FT& s = in(n, 1);
      std::vector<int64_t> d;
      int64_t known = 1;
      int inf = -1;
      for (size_t i = 0; i < s.v.size(); ++i) {
        int64_t v = int64_t(s.v[i]);
        if (v == 0) v = y.dims[i];
        if (v == -1)
          inf = int(i);
        else
          known *= v;
        d.push_back(v);
      }
      if (inf >= 0) d[size_t(inf)] = y.numel() / known;
      y.dims = d;
      return set(n, y);
    }
    if (op == "Pad") {
      const FT& x = in(n, 0);
      const FT& p = in(n, 1);
      const double cv = has(n, 2) ? in(n, 2).v[0] : 0.0;
      const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
      const int64_t t = int64_t(p.v[2]), l = int64_t(p.v[3]), b = int64_t(p.v[6]), r = int64_t(p.v[7]);
      FT y;
      y.dims = {N, C, H + t + b, W + l + r};
      y.v.assign(size_t(y.numel()), cv);
      for (int64_t q = 0; q < N * C; ++q)
        for (int64_t i = 0; i < H; ++i)
          for (int64_t j = 0; j < W; ++j)
            y.v[size_t((q * (H + t + b) + i + t) * (W + l + r) + j + l)] = x.v[size_t((q * H + i) * W + j)];
      return set(n, y);
    }
    if (op == "Shape") {
      FT y;
      y.dtype = 7;
      y.dims = {int64_t(in(n, 0).dims.size())};
      for (auto d : in(n, 0).dims) y.v.push_back(double(d));
      return set(n, y);
    }
    if (op == "Gather") {  // 1-D data, scalar or 1-D indices
      const FT &d = in(n, 0), &i = in(n, 1);
      FT y;
      y.dtype = d.dtype;
      y.dims = i.dims;
      for (double k : i.v) y.v.push_back(d.v[size_t(k < 0 ? k + double(d.v.size()) : k)]);
      return set(n, y);
    }
    if (op == "Unsqueeze") {
      FT y = in(n, 0);
      for (double a : in(n, 1).v) y.dims.insert(y.dims.begin() + long(a), 1);
      return set(n, y);
    }
    if (op == "ConstantOfShape") {
      FT y;
      for (double d : in(n, 0).v) y.dims.push_back(int64_t(d));
      const auto* a = attr(n, "value");
      FT v = a ? parse_ft(a->t()) : FT{};
      y.dtype = a ? v.dtype : 1;
      y.v.assign(size_t(y.numel()), a ? v.v[0] : 0.0);
      return set(n, y);
    }
    throw std::runtime_error("qdq_eval: operator " + op + " not implemented");
  }
};

}  // namespace bft
