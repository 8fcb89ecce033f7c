// Builds small ONNX models in the tests with the onnx protobuf API, in the
// node sequences PyTorch 1.13 exports (fake-quant: float weights -> Clip ->
// QuantizeLinear -> DequantizeLinear; QAT convert: integer Constant ->
// DequantizeLinear, int32 bias with a ConstantOfShape -> Cast zero point).
#pragma once
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bft {

enum : int { F32 = 1, U8 = 2, I8 = 3, U16 = 4, I16 = 5, I32 = 6, I64 = 7 };

class GraphBuilder {
 public:
  explicit GraphBuilder(int opset = 13) {
    m_.set_ir_version(7);
    m_.set_producer_name("bf-test");
    m_.set_producer_version("1");
    auto* o = m_.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    g_ = m_.mutable_graph();
    g_->set_name("test");
  }
  onnx::ModelProto& model() { return m_; }
  onnx::GraphProto& graph() { return *g_; }
  std::string bytes() const { return m_.SerializeAsString(); }

  // A float input; a negative dimension is symbolic ("N").
  void input(const std::string& name, const std::vector<int64_t>& dims, int elem = F32) {
    auto* v = g_->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(elem);
    auto* s = t->mutable_shape();
    for (int64_t d : dims) {
      auto* dim = s->add_dim();
      if (d < 0)
        dim->set_dim_param("N");
      else
        dim->set_dim_value(d);
    }
  }
  void output(const std::string& name) {
    auto* v = g_->add_output();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(F32);
  }

  static onnx::TensorProto tensor(const std::string& name, int dtype, const std::vector<int64_t>& dims,
                                  const std::vector<double>& vals, bool raw = true) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(dtype);
    for (int64_t d : dims) t.add_dims(d);
    if (raw) {
      std::string r;
      for (double v : vals) {
        char b[8];
        size_t n = 0;
        switch (dtype) {
          case F32: {
            float f = float(v);
            std::memcpy(b, &f, 4);
            n = 4;
            break;
          }
          case U8: {
            uint8_t x = uint8_t(v);
            std::memcpy(b, &x, 1);
            n = 1;
            break;
          }
          case I8: {
            int8_t x = int8_t(v);
            std::memcpy(b, &x, 1);
            n = 1;
            break;
          }
          case U16: {
            uint16_t x = uint16_t(v);
            std::memcpy(b, &x, 2);
            n = 2;
            break;
          }
          case I16: {
            int16_t x = int16_t(v);
            std::memcpy(b, &x, 2);
            n = 2;
            break;
          }
          case I32: {
            int32_t x = int32_t(v);
            std::memcpy(b, &x, 4);
            n = 4;
            break;
          }
          case I64: {
            int64_t x = int64_t(v);
            std::memcpy(b, &x, 8);
            n = 8;
            break;
          }
        }
        r.append(b, n);
      }
      t.set_raw_data(r);
    } else {
      for (double v : vals) {
        if (dtype == F32)
          t.add_float_data(float(v));
        else if (dtype == I64)
          t.add_int64_data(int64_t(v));
        else
          t.add_int32_data(int32_t(v));
      }
    }
    return t;
  }

  std::string init(const std::string& name, int dtype, const std::vector<int64_t>& dims,
                   const std::vector<double>& vals, bool raw = true) {
    *g_->add_initializer() = tensor(name, dtype, dims, vals, raw);
    return name;
  }
  // A Constant node (PyTorch's way of passing scales, zero points and QAT weights).
  std::string constant(int dtype, const std::vector<int64_t>& dims, const std::vector<double>& vals) {
    const std::string out = "c" + std::to_string(++n_);
    auto* n = node("Constant", {}, {out});
    auto* a = n->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = tensor(out, dtype, dims, vals, (n_ % 2) == 0);  // raw and typed data alternate
    return out;
  }
  std::string scalar(int dtype, double v) { return constant(dtype, {}, {v}); }

  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& in, const std::vector<std::string>& out,
                        const std::string& name = "") {
    auto* n = g_->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + std::to_string(++n_) : name);
    for (const auto& i : in) n->add_input(i);
    for (const auto& o : out) n->add_output(o);
    return n;
  }
  // Node with one fresh output; returns the output name.
  std::string op(const std::string& op, const std::vector<std::string>& in, const std::string& name = "") {
    const std::string out = "v" + std::to_string(++n_);
    node(op, in, {out}, name);
    return out;
  }
  onnx::NodeProto* last() { return g_->mutable_node(g_->node_size() - 1); }

  static void attr_i(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr_f(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attr_s(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  static void attr_ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }

  // ---- PyTorch patterns

  // [Relu] -> [Clip(lo, hi)] -> QuantizeLinear -> DequantizeLinear (fake-quant activation).
  std::string fq_act(std::string x, double scale, int64_t zp, int zp_type, bool relu = false, double clip_lo = NAN,
                     double clip_hi = NAN) {
    if (relu) x = op("Relu", {x});
    if (!std::isnan(clip_lo)) x = op("Clip", {x, scalar(F32, clip_lo), scalar(F32, clip_hi)});
    const std::string z = scalar(zp_type, double(zp)), s = scalar(F32, scale);
    const std::string q = op("QuantizeLinear", {x, s, z});
    return op("DequantizeLinear", {q, s, z});
  }

  // Float initializer -> [Clip] -> QuantizeLinear -> DequantizeLinear (fake-quant weight),
  // per tensor (one scale) or per channel along `axis`.
  std::string fq_weight(const std::string& name, const std::vector<int64_t>& dims, const std::vector<double>& w,
                        const std::vector<double>& scales, const std::vector<int64_t>& zps, int zp_type, int axis = 0,
                        double clip_lo = NAN, double clip_hi = NAN) {
    std::string x = init(name, F32, dims, w);
    if (!std::isnan(clip_lo)) x = op("Clip", {x, scalar(F32, clip_lo), scalar(F32, clip_hi)});
    std::string s, z;
    if (scales.size() == 1) {
      s = scalar(F32, scales[0]), z = scalar(zp_type, double(zps[0]));
    } else {
      s = constant(F32, {int64_t(scales.size())}, scales);
      z = constant(zp_type, {int64_t(zps.size())}, std::vector<double>(zps.begin(), zps.end()));
    }
    const std::string q = op("QuantizeLinear", {x, s, z});
    if (scales.size() > 1) attr_i(last(), "axis", axis);
    const std::string d = op("DequantizeLinear", {q, s, z});
    if (scales.size() > 1) attr_i(last(), "axis", axis);
    return d;
  }

  // Integer Constant -> DequantizeLinear(axis 0) (QAT convert weight).
  std::string qat_weight(const std::vector<int64_t>& dims, const std::vector<double>& q, int dtype,
                         const std::vector<double>& scales, const std::vector<int64_t>& zps, int axis = 0) {
    const std::string c = constant(dtype, dims, q);
    const std::string s = scales.size() == 1 ? scalar(F32, scales[0]) : constant(F32, {int64_t(scales.size())}, scales);
    const std::string z = zps.size() == 1
                              ? scalar(dtype, double(zps[0]))
                              : constant(dtype, {int64_t(zps.size())}, std::vector<double>(zps.begin(), zps.end()));
    const std::string d = op("DequantizeLinear", {c, s, z});
    attr_i(last(), "axis", axis);
    return d;
  }

  // int32 bias Constant -> DequantizeLinear with zero point Cast(ConstantOfShape) (QAT convert bias).
  std::string qat_bias(const std::vector<double>& q, const std::vector<double>& scales) {
    const int64_t n = int64_t(q.size());
    const std::string c = constant(I32, {n}, q);
    const std::string s = constant(F32, {int64_t(scales.size())}, scales);
    const std::string shape = constant(I64, {1}, {double(n)});
    const std::string zs = op("ConstantOfShape", {shape});
    auto* a = last()->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = tensor("", I64, {1}, {0});
    const std::string z = op("Cast", {zs});
    attr_i(last(), "to", I32);
    const std::string d = op("DequantizeLinear", {c, s, z});
    attr_i(last(), "axis", 0);
    return d;
  }

  std::string conv(const std::string& x, const std::string& w, const std::string& b, std::vector<int64_t> k,
                   std::vector<int64_t> pads = {0, 0, 0, 0}, std::vector<int64_t> strides = {1, 1},
                   const std::string& name = "") {
    std::vector<std::string> in = {x, w};
    if (!b.empty()) in.push_back(b);
    const std::string y = op("Conv", in, name);
    auto* n = last();
    attr_ints(n, "dilations", {1, 1});
    attr_i(n, "group", 1);
    attr_ints(n, "kernel_shape", k);
    attr_ints(n, "pads", pads);
    attr_ints(n, "strides", strides);
    return y;
  }
  std::string gemm(const std::string& x, const std::string& w, const std::string& b, bool trans_b = true,
                   const std::string& name = "") {
    std::vector<std::string> in = {x, w};
    if (!b.empty()) in.push_back(b);
    const std::string y = op("Gemm", in, name);
    attr_f(last(), "alpha", 1.0f);
    attr_f(last(), "beta", 1.0f);
    attr_i(last(), "transB", trans_b ? 1 : 0);
    return y;
  }

  // Renames the output of the last node to `name` (to make it a graph output).
  void rename_last_output(const std::string& name) { last()->set_output(0, name); }

 private:
  onnx::ModelProto m_;
  onnx::GraphProto* g_;
  int n_ = 0;
};

}  // namespace bft
