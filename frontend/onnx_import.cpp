// ONNX QDQ graph -> QNet. How it works:
//
// The nodes are visited in topological order and every ONNX value gets a
// symbolic Value:
//   Const    a folded constant (initializers, Constant nodes, and every
//            node whose inputs are all constant: Cast, Clip, QuantizeLinear
//            of float weights, Shape of a static shape, Gather, ...)
//   DQConst  DequantizeLinear of an integer constant (weights, int32 biases)
//   QInt     an integer IR tensor (the output of a QuantizeLinear)
//   QLazy    a QuantizeLinear whose op is not emitted yet: integer Clip /
//            Cast may still narrow it; it is emitted ("materialized") when
//            a DequantizeLinear or the graph output reads it
//   DQ       the float view of an integer IR tensor (DequantizeLinear);
//            MaxPool, Flatten, Reshape, Pad, Concat (same grid) on it emit
//            their host op at once and stay on the grid
//   Pending  a float result not yet quantized: Conv / Gemm / MatMul, Add,
//            AveragePool, GlobalAveragePool, Concat of different grids,
//            Relu / Clip of a DQ, the network input; Relu and Clip narrow
//            its float clamp; a QuantizeLinear turns it into a QLazy.
#include "frontend/onnx_import.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

namespace bf::fe {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// The symbolic batch size inside folded shape constants (Shape of a tensor
// whose batch the model leaves symbolic). Only Gather / Unsqueeze / Concat /
// Squeeze / Cast carry it; Reshape reads it as "the batch".
constexpr int64_t kBatchSym = std::numeric_limits<int64_t>::min() / 2 + 12345;
constexpr int kMinOpset = 13;
constexpr int64_t kMaxElements = int64_t{1} << 31;
constexpr int64_t kMaxImageElements = int64_t{1} << 28;  // per image, any IR tensor

struct ImportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
[[noreturn]] void fail(const std::string& m) { throw ImportError(m); }

std::string fmt(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.7g", v);
  return b;
}

// ONNX TensorProto data types.
enum DType : int {
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
};

const char* dtype_name(int t) {
  switch (t) {
    case kFloat: return "float";
    case kUint8: return "uint8";
    case kInt8: return "int8";
    case kUint16: return "uint16";
    case kInt16: return "int16";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kBool: return "bool";
    case kDouble: return "double";
    case kUint32: return "uint32";
    case kUint64: return "uint64";
    case 10: return "float16";
    case 16: return "bfloat16";
    case 8: return "string";
    default: return "unknown";
  }
}

bool is_int_type(int t) {
  return t == kUint8 || t == kInt8 || t == kUint16 || t == kInt16 || t == kInt32 || t == kInt64 || t == kBool ||
         t == kUint32 || t == kUint64;
}
bool is_float_type(int t) { return t == kFloat || t == kDouble; }

// Integer range of a quantized container type (QuantizeLinear output).
bool container_range(int t, int64_t& lo, int64_t& hi) {
  switch (t) {
    case kUint8: lo = 0, hi = 255; return true;
    case kInt8: lo = -128, hi = 127; return true;
    case kUint16: lo = 0, hi = 65535; return true;
    case kInt16: lo = -32768, hi = 32767; return true;
    case kInt32: lo = INT32_MIN, hi = INT32_MAX; return true;
    default: return false;
  }
}

int64_t numel(const std::vector<int64_t>& dims, const std::string& what) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) fail(what + ": negative dimension " + std::to_string(d));
    if (d > 0 && n > kMaxElements / d) fail(what + ": more than 2^31 elements");
    n *= d;
  }
  return n;
}

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i)
    s += (i ? ", " : "") + (d[i] == kBatchSym || d[i] == kSymbolicBatch ? std::string("N") : std::to_string(d[i]));
  return s + ")";
}

// ---------------------------------------------------------------- constants

struct Const {
  int dtype = kFloat;
  std::vector<int64_t> dims;
  std::vector<int64_t> i;  // integer types
  std::vector<double> f;   // float types (float32 values are kept exactly)
  bool is_int() const { return is_int_type(dtype); }
  size_t size() const { return is_int() ? i.size() : f.size(); }
  double at(size_t k) const { return is_int() ? double(i[k]) : f[k]; }
};

template <typename T>
T load_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

Const parse_tensor(const onnx::TensorProto& t, const std::string& what) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL) fail(what + ": external tensor data is not supported");
  if (t.segment().begin() != 0 || t.segment().end() != 0) fail(what + ": segmented tensors are not supported");
  Const c;
  c.dtype = t.data_type();
  for (int64_t d : t.dims()) c.dims.push_back(d);
  const int64_t n = numel(c.dims, what);
  size_t es = 0;
  switch (c.dtype) {
    case kFloat: es = 4; break;
    case kDouble: es = 8; break;
    case kUint8:
    case kInt8:
    case kBool: es = 1; break;
    case kUint16:
    case kInt16: es = 2; break;
    case kInt32:
    case kUint32: es = 4; break;
    case kInt64:
    case kUint64: es = 8; break;
    default: fail(what + ": data type " + dtype_name(c.dtype) + " is not supported");
  }
  auto count_error = [&](size_t got) {
    fail(what + ": holds " + std::to_string(got) + " values, its shape " + dims_str(c.dims) + " needs " +
         std::to_string(n) + " (truncated?)");
  };
  if (t.has_raw_data()) {
    const std::string& r = t.raw_data();
    if (r.size() != size_t(n) * es) count_error(r.size() / es);
    const char* p = r.data();
    if (c.is_int())
      c.i.resize(size_t(n));
    else
      c.f.resize(size_t(n));
    for (int64_t k = 0; k < n; ++k, p += es) {
      switch (c.dtype) {
        case kFloat: c.f[k] = load_le<float>(p); break;
        case kDouble: c.f[k] = load_le<double>(p); break;
        case kUint8:
        case kBool: c.i[k] = load_le<uint8_t>(p); break;
        case kInt8: c.i[k] = load_le<int8_t>(p); break;
        case kUint16: c.i[k] = load_le<uint16_t>(p); break;
        case kInt16: c.i[k] = load_le<int16_t>(p); break;
        case kInt32: c.i[k] = load_le<int32_t>(p); break;
        case kUint32: c.i[k] = load_le<uint32_t>(p); break;
        case kInt64: c.i[k] = load_le<int64_t>(p); break;
        case kUint64: {
          const uint64_t u = load_le<uint64_t>(p);
          if (u > uint64_t(INT64_MAX)) fail(what + ": value outside int64");
          c.i[k] = int64_t(u);
          break;
        }
      }
    }
    return c;
  }
  switch (c.dtype) {
    case kFloat:
      if (t.float_data_size() != n) count_error(size_t(t.float_data_size()));
      for (float v : t.float_data()) c.f.push_back(v);
      break;
    case kDouble:
      if (t.double_data_size() != n) count_error(size_t(t.double_data_size()));
      for (double v : t.double_data()) c.f.push_back(v);
      break;
    case kInt64:
      if (t.int64_data_size() != n) count_error(size_t(t.int64_data_size()));
      for (int64_t v : t.int64_data()) c.i.push_back(v);
      break;
    case kUint32:
    case kUint64:
      if (t.uint64_data_size() != n) count_error(size_t(t.uint64_data_size()));
      for (uint64_t v : t.uint64_data()) {
        if (v > uint64_t(INT64_MAX)) fail(what + ": value outside int64");
        c.i.push_back(int64_t(v));
      }
      break;
    default: {  // int32_data holds int32, int16, uint16, int8, uint8, bool
      if (t.int32_data_size() != n) count_error(size_t(t.int32_data_size()));
      int64_t lo = 0, hi = 1;
      if (c.dtype != kBool) container_range(c.dtype, lo, hi);
      for (int32_t v : t.int32_data()) {
        if (v < lo || v > hi) fail(what + ": value " + std::to_string(v) + " outside " + dtype_name(c.dtype));
        c.i.push_back(v);
      }
    }
  }
  return c;
}

// -------------------------------------------------------------- the values

struct Pending {
  enum Kind { Input, Conv, Fc, Add, AvgPool, Gap, Rescale, Concat } kind = Rescale;
  std::string name;  // the node (op name in the IR)
  std::string op;    // its ONNX op type, for messages
  std::vector<int64_t> shape;
  double flo = -kInf, fhi = kInf;  // float clamp from Relu / Clip
  std::vector<int> in;             // input tensors
  // Conv / Fc
  Geometry g;
  std::vector<int64_t> w;  // q_w - z_w, OIHW
  std::vector<double> sw;  // weight scales: 1 or out_c
  bool has_bias = false;
  std::vector<double> bias_f;   // a float bias, or
  std::vector<int64_t> bias_q;  // an integer bias (q_b - z_b) with its scales
  std::vector<double> bias_s;
  // Per-channel affine ops on the float output before any Relu / Clip
  // (Mul, Div, Add, Sub by constants, BatchNormalization):
  // y[c] = out[c] * post_mul[c] + post_add[c]; empty: identity.
  std::vector<double> post_mul, post_add;
  // AvgPool / Gap
  Pool pool;
  // Conv / Fc: MaxPools of the float output before its QuantizeLinear
  // (Conv -> Relu -> MaxPool -> Clip -> QuantizeLinear). Quantization is
  // monotone, so they run exactly on the integer output instead: `shape`
  // is then the pooled shape and `dev_shape` the device output's.
  struct PostPool {
    Pool pool;
    std::string name;
    std::vector<int64_t> shape;  // after this pool
  };
  std::vector<PostPool> pools;
  std::vector<int64_t> dev_shape;
};

struct Value {
  enum Kind { kConst, kDQConst, kQInt, kQLazy, kDQ, kPending } kind = kConst;
  Const c;                     // kConst; kDQConst: the integers
  std::vector<double> scale;   // kDQConst (1 or per axis), kQLazy (1)
  std::vector<int64_t> zp;     // as scale
  int axis = 0;                // kDQConst with per-axis scales
  int tensor = -1;             // kQInt, kDQ
  std::shared_ptr<Pending> p;  // kPending, kQLazy
  int64_t lo = 0, hi = 0;      // kQLazy: the integer range
  int qtype = kUint8;          // kQLazy, kQInt: the integer container type
  std::string qname, tname;    // kQLazy: QuantizeLinear node and output names
  int cached = -1;             // kQLazy: the tensor once emitted
};
using VP = std::shared_ptr<Value>;

VP make_const(Const c) {
  auto v = std::make_shared<Value>();
  v->kind = Value::kConst;
  v->c = std::move(c);
  return v;
}

// QuantizeLinear of one value in float32 arithmetic, round half to even,
// saturated to [lo, hi] (as ONNX: saturate(round(x / scale) + zero_point)).
int64_t quantize_value(double x, double scale, int64_t z, int64_t lo, int64_t hi) {
  if (x == -kInf) return lo;
  if (x == kInf) return hi;
  const float q = float(x) / float(scale);
  double r = std::nearbyint(double(q));
  if (std::isnan(r)) r = 0;
  r = std::clamp(r, -4e18, 4e18);
  return std::clamp(int64_t(r) + z, lo, hi);
}

// --------------------------------------------------------------- importer

class Importer {
 public:
  Importer(const onnx::ModelProto& m, QNet& net) : m_(m), net_(net) {}
  void run();

 private:
  const onnx::ModelProto& m_;
  QNet& net_;
  std::map<std::string, VP> vals_;
  std::map<std::string, int> consumers_;
  std::map<const Value*, std::vector<std::string>> names_;
  std::map<const Value*, int> alias_edges_;
  const onnx::NodeProto* node_ = nullptr;
  std::set<std::string> tensor_names_;

  // -- messages and node access
  std::string node_name(const onnx::NodeProto& n) const {
    if (!n.name().empty()) return n.name();
    return n.output_size() ? n.op_type() + ":" + n.output(0) : n.op_type();
  }
  std::string where() const { return "node '" + node_name(*node_) + "' (" + node_->op_type() + ")"; }
  [[noreturn]] void nfail(const std::string& m) const { fail(where() + ": " + m); }

  bool has_in(int k) const { return k < node_->input_size() && !node_->input(k).empty(); }
  VP in(int k) const {
    if (!has_in(k)) nfail("input " + std::to_string(k) + " is missing");
    auto it = vals_.find(node_->input(k));
    if (it == vals_.end()) nfail("input '" + node_->input(k) + "' is not defined");
    return it->second;
  }
  const Const& const_in(int k, const std::string& what) const {
    VP v = in(k);
    if (v->kind != Value::kConst) nfail(what + " '" + node_->input(k) + "' is not a constant");
    return v->c;
  }
  void set_out(int k, VP v) {
    if (k >= node_->output_size() || node_->output(k).empty()) return;
    auto& names = names_[v.get()];
    if (!names.empty()) ++alias_edges_[v.get()];  // Identity / Cast: another name for the same value
    names.push_back(node_->output(k));
    vals_[node_->output(k)] = std::move(v);
  }
  // Nodes reading a value under any of its names, alias edges excluded.
  int real_consumers(const Value* v) {
    int n = 0;
    for (const auto& name : names_[v]) n += consumers_[name];
    return n - alias_edges_[v];
  }
  void need_inputs(int lo, int hi) const {
    if (node_->input_size() < lo || node_->input_size() > hi)
      nfail("expects " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + ".." + std::to_string(hi)) +
            " inputs, has " + std::to_string(node_->input_size()));
  }
  void single_output() const {
    for (int k = 1; k < node_->output_size(); ++k)
      if (!node_->output(k).empty()) nfail("output " + std::to_string(k) + " is not supported");
  }

  // -- attributes
  const onnx::AttributeProto* attr(const char* name) const {
    for (const auto& a : node_->attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  void allow_attrs(std::initializer_list<const char*> names) const {
    for (const auto& a : node_->attribute()) {
      bool ok = false;
      for (const char* n : names) ok = ok || a.name() == n;
      if (!ok) nfail("attribute '" + a.name() + "' is not supported");
    }
  }
  int64_t attr_i(const char* name, int64_t def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::INT) nfail(std::string("attribute '") + name + "' is not an int");
    return a->i();
  }
  double attr_f(const char* name, double def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::FLOAT) nfail(std::string("attribute '") + name + "' is not a float");
    return a->f();
  }
  std::string attr_s(const char* name, const std::string& def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::STRING) nfail(std::string("attribute '") + name + "' is not a string");
    return a->s();
  }
  std::vector<int64_t> attr_ints(const char* name, std::vector<int64_t> def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::INTS) nfail(std::string("attribute '") + name + "' is not a list of ints");
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }

  // -- shapes
  std::vector<int64_t> shape_of(const Value& v) const {
    switch (v.kind) {
      case Value::kConst:
      case Value::kDQConst: return v.c.dims;
      case Value::kQInt:
      case Value::kDQ: return net_.tensors[size_t(v.tensor)].shape;
      case Value::kQLazy:
      case Value::kPending: return v.p->shape;
    }
    return {};
  }

  // -- IR construction
  int add_tensor(std::string name, std::vector<int64_t> shape, Quant q, bool is_float = false) {
    int64_t per = 1;
    for (size_t d = 1; d < shape.size(); ++d) {
      if (shape[d] < 1 || per > kMaxImageElements / shape[d])
        fail("tensor '" + name + "' of shape " + dims_str(shape) + " is empty or has more than 2^28 values per image");
      per *= shape[d];
    }
    if (!is_float && q.type.bits != 32) {
      q.type = narrowest_operand(std::min(q.qmin, q.zero_point), std::max(q.qmax, q.zero_point));
    }
    std::string base = name;
    for (int k = 2; tensor_names_.count(name); ++k) name = base + "#" + std::to_string(k);
    tensor_names_.insert(name);
    Tensor t;
    t.name = std::move(name);
    t.shape = std::move(shape);
    t.is_float = is_float;
    t.q = std::move(q);
    net_.tensors.push_back(std::move(t));
    return int(net_.tensors.size()) - 1;
  }
  Op& add_op(OpKind kind, std::string name, std::vector<int> inputs, int output) {
    Op op;
    op.kind = kind;
    op.name = std::move(name);
    op.inputs = std::move(inputs);
    op.output = output;
    net_.ops.push_back(std::move(op));
    return net_.ops.back();
  }
  const Tensor& tensor(int t) const { return net_.tensors[size_t(t)]; }

  VP dq_value(int t) {
    auto v = std::make_shared<Value>();
    v->kind = Value::kDQ;
    v->tensor = t;
    return v;
  }
  VP qint_value(int t, int qtype) {
    auto v = std::make_shared<Value>();
    v->kind = Value::kQInt;
    v->tensor = t;
    v->qtype = qtype;
    return v;
  }
  VP pending_value(std::shared_ptr<Pending> p) {
    auto v = std::make_shared<Value>();
    v->kind = Value::kPending;
    v->p = std::move(p);
    return v;
  }
  std::shared_ptr<Pending> new_pending(Pending::Kind k, std::vector<int64_t> shape) const {
    auto p = std::make_shared<Pending>();
    p->kind = k;
    p->name = node_name(*node_);
    p->op = node_->op_type();
    p->shape = std::move(shape);
    return p;
  }

  // A scale (positive, finite) and zero-point pair of a Q/DQ node.
  struct QParams {
    std::vector<double> scale;
    std::vector<int64_t> zp;
    int zp_type = kUint8;
    int axis = 1;
  };
  QParams qparams() const {
    QParams q;
    const Const& s = const_in(1, "scale");
    if (!is_float_type(s.dtype)) nfail("scale is not a float tensor");
    if (s.dims.size() > 1) nfail("scale must be a scalar or 1-D");
    if (s.size() == 0) nfail("scale is empty");
    for (double v : s.f)
      if (!(v > 0) || !std::isfinite(v)) nfail("scale " + fmt(v) + " is not a positive finite number");
    q.scale = s.f;
    if (has_in(2)) {
      const Const& z = const_in(2, "zero point");
      if (!z.is_int()) nfail("zero point is not an integer tensor");
      if (z.size() != s.size()) nfail("zero point and scale have different sizes");
      q.zp = z.i;
      q.zp_type = z.dtype;
    } else {
      q.zp.assign(s.size(), 0);
    }
    q.axis = int(attr_i("axis", 1));
    return q;
  }

  // Per-axis parameter index of element k of a tensor with dims `dims`.
  static size_t axis_index(const std::vector<int64_t>& dims, int axis, size_t k) {
    int64_t inner = 1;
    for (size_t d = size_t(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
    return size_t((int64_t(k) / inner) % dims[size_t(axis)]);
  }
  int norm_axis(int64_t axis, size_t rank, const char* what) const {
    const int64_t r = int64_t(rank);
    if (axis < -r || axis >= r)
      nfail(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(r));
    return int(axis < 0 ? axis + r : axis);
  }

  // -- the ops
  void run_node();
  void do_constant();
  void do_quantize();
  void do_dequantize();
  void do_relu_clip(bool relu);
  void do_conv();
  void do_gemm(bool matmul);
  void do_add();
  void do_mul_div_sub(const std::string& op);
  void do_batchnorm();
  std::vector<double> channel_values(const Value& c, const Pending& p, const std::string& what);
  bool fold_affine(const VP& a, const VP& b, double sign_b, bool mul);
  void do_maxpool();
  void do_avgpool(bool global);
  void do_concat();
  void do_flatten();
  void do_reshape();
  void do_pad();
  void do_cast();
  void do_shape();
  void do_gather();
  void do_unsqueeze(bool squeeze);
  void do_constant_of_shape();
  void do_transpose();

  // Conv / Gemm / MatMul helpers
  struct Weights {
    std::vector<int64_t> w;  // q - z
    std::vector<int64_t> dims;
    std::vector<double> scale;  // 1 or per axis
    int axis = 0;
  };
  Weights weights_in(int k, int out_axis);
  void bias_in(int k, Pending& p);
  int dq_input(int k, size_t rank);

  // materialization
  int materialize(Value& v);
  int emit_device(const Pending& p, const Quant* out, const std::string& tname);
  int rescale(int tin, const Quant& target, const std::string& name, const std::string& tname);
  std::vector<int> pool_pads(const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
                             const std::vector<int64_t>& in_hw);
  void finish_output();
  void prune();
};

// ---------------------------------------------------------------- run

void Importer::run() {
  // opset
  int opset = -1;
  for (const auto& o : m_.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
  if (opset < 0) fail("the model imports no default-domain (ai.onnx) opset");
  if (opset < kMinOpset)
    fail("opset " + std::to_string(opset) + " is too old (opset " + std::to_string(kMinOpset) +
         " or newer is needed: per-channel QuantizeLinear)");
  net_.opset = opset;
  net_.producer = m_.producer_name() + (m_.producer_version().empty() ? "" : " " + m_.producer_version());
  const auto& g = m_.graph();

  // initializers
  std::set<std::string> init_names;
  for (const auto& t : g.initializer()) {
    if (t.name().empty()) fail("an initializer has no name");
    vals_[t.name()] = make_const(parse_tensor(t, "initializer '" + t.name() + "'"));
    init_names.insert(t.name());
  }
  if (g.sparse_initializer_size()) fail("sparse initializers are not supported");

  // the network input
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& i : g.input())
    if (!init_names.count(i.name())) inputs.push_back(&i);
  if (inputs.size() != 1)
    fail("the graph has " + std::to_string(inputs.size()) + " inputs (besides initializers); one is supported");
  const auto& vi = *inputs[0];
  const std::string in_what = "input '" + vi.name() + "'";
  if (!vi.type().has_tensor_type()) fail(in_what + " is not a tensor");
  const auto& tt = vi.type().tensor_type();
  if (tt.elem_type() != kFloat)
    fail(in_what + " has element type " + dtype_name(tt.elem_type()) + " (float is needed)");
  if (!tt.has_shape()) fail(in_what + " has no shape (a dynamic shape the input does not fix)");
  std::vector<int64_t> shape;
  for (int d = 0; d < tt.shape().dim_size(); ++d) {
    const auto& dim = tt.shape().dim(d);
    if (dim.has_dim_value() && dim.dim_value() > 0) {
      shape.push_back(dim.dim_value());
    } else if (d == 0) {
      shape.push_back(kSymbolicBatch);
    } else {
      fail(in_what + ": dimension " + std::to_string(d) + " is " +
           (dim.has_dim_param() ? "symbolic ('" + dim.dim_param() + "')" : std::string("unknown")) +
           "; only the batch dimension may be dynamic");
    }
  }
  if (shape.size() != 4 && shape.size() != 2)
    fail(in_what + " has rank " + std::to_string(shape.size()) + " (NCHW or (N, features) is supported)");
  net_.input = add_tensor(vi.name(), shape, Quant{}, true);
  {
    auto p = std::make_shared<Pending>();
    p->kind = Pending::Input;
    p->name = vi.name();
    p->op = "input";
    p->shape = shape;
    p->in = {net_.input};
    vals_[vi.name()] = pending_value(p);
  }

  if (g.node_size() == 0) fail("the graph has no nodes");

  // topological order
  std::set<std::string> known;
  for (const auto& kv : vals_) known.insert(kv.first);
  std::set<std::string> produced;
  for (const auto& n : g.node())
    for (const auto& o : n.output()) produced.insert(o);
  for (const auto& n : g.node())
    for (const auto& i : n.input()) {
      if (i.empty()) continue;
      ++consumers_[i];
      if (!known.count(i) && !produced.count(i)) {
        node_ = &n;
        nfail("input '" + i + "' is not defined (no initializer, graph input or node output has that name)");
      }
    }
  for (const auto& o : g.output()) ++consumers_[o.name()];
  std::vector<const onnx::NodeProto*> order;
  std::vector<bool> done(size_t(g.node_size()), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (int k = 0; k < g.node_size(); ++k) {
      if (done[size_t(k)]) continue;
      const auto& n = g.node(k);
      bool ready = true;
      for (const auto& i : n.input()) ready = ready && (i.empty() || known.count(i));
      if (!ready) continue;
      done[size_t(k)] = true;
      progress = true;
      order.push_back(&n);
      for (const auto& o : n.output()) known.insert(o);
    }
  }
  if (order.size() != size_t(g.node_size())) fail("the graph has a cycle");

  for (const auto* n : order) {
    node_ = n;
    run_node();
  }
  node_ = nullptr;
  finish_output();
  prune();
}

void Importer::run_node() {
  const std::string& op = node_->op_type();
  if (!node_->domain().empty() && node_->domain() != "ai.onnx")
    nfail("operator domain '" + node_->domain() + "' is not supported");
  if (op == "Constant") return do_constant();
  if (op == "QuantizeLinear") return do_quantize();
  if (op == "DequantizeLinear") return do_dequantize();
  if (op == "Relu") return do_relu_clip(true);
  if (op == "Clip") return do_relu_clip(false);
  if (op == "Conv") return do_conv();
  if (op == "Gemm") return do_gemm(false);
  if (op == "MatMul") return do_gemm(true);
  if (op == "Add") return do_add();
  if (op == "Sub" || op == "Mul" || op == "Div") return do_mul_div_sub(op);
  if (op == "BatchNormalization") return do_batchnorm();
  if (op == "MaxPool") return do_maxpool();
  if (op == "AveragePool") return do_avgpool(false);
  if (op == "GlobalAveragePool") return do_avgpool(true);
  if (op == "Concat") return do_concat();
  if (op == "Flatten") return do_flatten();
  if (op == "Reshape") return do_reshape();
  if (op == "Pad") return do_pad();
  if (op == "Cast") return do_cast();
  if (op == "Shape") return do_shape();
  if (op == "Gather") return do_gather();
  if (op == "Unsqueeze") return do_unsqueeze(false);
  if (op == "Squeeze") return do_unsqueeze(true);
  if (op == "ConstantOfShape") return do_constant_of_shape();
  if (op == "Transpose") return do_transpose();
  if (op == "Identity" || op == "Dropout") {
    allow_attrs({"seed"});
    need_inputs(1, op == "Dropout" ? 3 : 1);
    if (op == "Dropout" && has_in(2)) {
      const Const& t = const_in(2, "training_mode");
      if (t.size() != 1 || t.i.empty() || t.i[0] != 0) nfail("training mode is not supported");
    }
    single_output();
    return set_out(0, in(0));
  }
  nfail("operator not supported");
}

// ---------------------------------------------------------------- constants

void Importer::do_constant() {
  need_inputs(0, 0);
  if (node_->attribute_size() != 1) nfail("expects exactly one attribute");
  const auto& a = node_->attribute(0);
  Const c;
  if (a.name() == "value") {
    c = parse_tensor(a.t(), where());
  } else if (a.name() == "value_float") {
    c.dtype = kFloat, c.f = {a.f()};
  } else if (a.name() == "value_floats") {
    c.dtype = kFloat, c.dims = {a.floats_size()};
    for (float v : a.floats()) c.f.push_back(v);
  } else if (a.name() == "value_int") {
    c.dtype = kInt64, c.i = {a.i()};
  } else if (a.name() == "value_ints") {
    c.dtype = kInt64, c.dims = {a.ints_size()};
    for (int64_t v : a.ints()) c.i.push_back(v);
  } else {
    nfail("attribute '" + a.name() + "' is not supported");
  }
  set_out(0, make_const(std::move(c)));
}

void Importer::do_cast() {
  allow_attrs({"to", "saturate"});
  need_inputs(1, 1);
  const int to = int(attr_i("to", 0));
  VP v = in(0);
  switch (v->kind) {
    case Value::kConst: {
      if (!is_int_type(to) && !is_float_type(to)) nfail(std::string("cast to ") + dtype_name(to) + " is not supported");
      Const c = v->c;
      const Const& s = v->c;
      c.dtype = to;
      c.i.clear(), c.f.clear();
      for (size_t k = 0; k < s.size(); ++k) {
        if (s.is_int() && s.i[k] == kBatchSym) {
          if (!is_int_type(to)) nfail("a dynamic shape (the symbolic batch) reaches a float cast");
          c.i.push_back(kBatchSym);
          continue;
        }
        if (s.is_int() && is_int_type(to)) {
          int64_t lo = INT64_MIN, hi = INT64_MAX;
          container_range(to, lo, hi);
          c.i.push_back(to == kBool ? s.i[k] != 0 : std::clamp(s.i[k], lo, hi));
          continue;
        }
        const double x = s.at(k);
        if (is_int_type(to)) {
          int64_t lo = INT64_MIN, hi = INT64_MAX;
          container_range(to, lo, hi);
          if (to == kBool)
            c.i.push_back(x != 0);
          else
            c.i.push_back(std::clamp<int64_t>(int64_t(std::trunc(std::clamp(x, -9e18, 9e18))), lo, hi));
        } else {
          c.f.push_back(to == kFloat ? double(float(x)) : x);
        }
      }
      return set_out(0, make_const(std::move(c)));
    }
    case Value::kQInt:
    case Value::kQLazy:
      if (to != v->qtype)
        nfail(std::string("cast of a quantized ") + dtype_name(v->qtype) + " tensor to " + dtype_name(to) +
              " is not supported");
      return set_out(0, v);
    case Value::kDQ:
    case Value::kPending:
      if (to != kFloat) nfail(std::string("cast of a float tensor to ") + dtype_name(to) + " is not supported");
      return set_out(0, v);
    case Value::kDQConst: nfail("cast of a dequantized constant is not supported");
  }
}

void Importer::do_shape() {
  allow_attrs({});
  need_inputs(1, 1);
  const auto s = shape_of(*in(0));
  Const c;
  c.dtype = kInt64;
  c.dims = {int64_t(s.size())};
  for (int64_t d : s) c.i.push_back(d == kSymbolicBatch ? kBatchSym : d);
  set_out(0, make_const(std::move(c)));
}

void Importer::do_gather() {
  allow_attrs({"axis"});
  need_inputs(2, 2);
  const Const& d = const_in(0, "data (Gather of activations is not supported)");
  const Const& idx = const_in(1, "indices");
  if (!idx.is_int()) nfail("indices are not integers");
  const int axis = norm_axis(attr_i("axis", 0), d.dims.size(), "axis");
  const int64_t n = d.dims[size_t(axis)];
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < axis; ++k) outer *= d.dims[size_t(k)];
  for (size_t k = size_t(axis) + 1; k < d.dims.size(); ++k) inner *= d.dims[k];
  Const c;
  c.dtype = d.dtype;
  c.dims.assign(d.dims.begin(), d.dims.begin() + axis);
  c.dims.insert(c.dims.end(), idx.dims.begin(), idx.dims.end());
  c.dims.insert(c.dims.end(), d.dims.begin() + axis + 1, d.dims.end());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j : idx.i) {
      if (j < -n || j >= n) nfail("index " + std::to_string(j) + " is out of range");
      const int64_t jj = j < 0 ? j + n : j;
      for (int64_t k = 0; k < inner; ++k) {
        const size_t src = size_t((o * n + jj) * inner + k);
        if (d.is_int())
          c.i.push_back(d.i[src]);
        else
          c.f.push_back(d.f[src]);
      }
    }
  set_out(0, make_const(std::move(c)));
}

void Importer::do_unsqueeze(bool squeeze) {
  allow_attrs({});
  need_inputs(squeeze ? 1 : 2, 2);
  VP v = in(0);
  if (v->kind != Value::kConst)
    nfail(std::string(squeeze ? "Squeeze" : "Unsqueeze") + " of activations is not supported");
  Const c = v->c;
  std::vector<int64_t> axes;
  if (has_in(1)) {
    const Const& a = const_in(1, "axes");
    if (!a.is_int()) nfail("axes are not integers");
    axes = a.i;
  }
  if (squeeze) {
    const size_t r = c.dims.size();
    std::vector<bool> drop(r, false);
    if (axes.empty())
      for (size_t k = 0; k < r; ++k) drop[k] = c.dims[k] == 1;
    for (int64_t a : axes) {
      const int k = norm_axis(a, r, "axis");
      if (c.dims[size_t(k)] != 1) nfail("cannot squeeze a dimension of size " + std::to_string(c.dims[size_t(k)]));
      drop[size_t(k)] = true;
    }
    std::vector<int64_t> nd;
    for (size_t k = 0; k < r; ++k)
      if (!drop[k]) nd.push_back(c.dims[k]);
    c.dims = nd;
  } else {
    const size_t r = c.dims.size() + axes.size();
    std::vector<bool> add(r, false);
    for (int64_t a : axes) add[size_t(norm_axis(a, r, "axis"))] = true;
    std::vector<int64_t> nd;
    size_t src = 0;
    for (size_t k = 0; k < r; ++k) nd.push_back(add[k] ? 1 : c.dims[src++]);
    c.dims = nd;
  }
  set_out(0, make_const(std::move(c)));
}

void Importer::do_constant_of_shape() {
  allow_attrs({"value"});
  need_inputs(1, 1);
  const Const& s = const_in(0, "shape");
  if (!s.is_int()) nfail("shape is not integer");
  Const c;
  c.dtype = kFloat;
  double val = 0;
  if (const auto* a = attr("value")) {
    const Const v = parse_tensor(a->t(), where() + " value");
    if (v.size() != 1) nfail("value must hold one element");
    c.dtype = v.dtype;
    val = v.at(0);
  }
  for (int64_t d : s.i) {
    if (d == kBatchSym) nfail("a dynamic shape (the symbolic batch) is not supported here");
    c.dims.push_back(d);
  }
  const int64_t n = numel(c.dims, where());
  if (n > (int64_t{1} << 24)) nfail("a constant of " + std::to_string(n) + " values is too large");
  if (c.is_int())
    c.i.assign(size_t(n), int64_t(val));
  else
    c.f.assign(size_t(n), val);
  set_out(0, make_const(std::move(c)));
}

void Importer::do_transpose() {
  allow_attrs({"perm"});
  need_inputs(1, 1);
  VP v = in(0);
  if (v->kind != Value::kConst) nfail("Transpose of activations is not supported");
  const Const& s = v->c;
  const size_t r = s.dims.size();
  std::vector<int64_t> perm = attr_ints("perm", {});
  if (perm.empty())
    for (size_t k = 0; k < r; ++k) perm.push_back(int64_t(r - 1 - k));
  if (perm.size() != r) nfail("perm has the wrong length");
  Const c;
  c.dtype = s.dtype;
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(r)) nfail("perm is invalid");
    c.dims.push_back(s.dims[size_t(p)]);
  }
  std::vector<int64_t> sstride(r, 1);
  for (size_t k = r; k-- > 1;) sstride[k - 1] = sstride[k] * s.dims[k];
  const size_t n = s.size();
  std::vector<int64_t> idx(r, 0);
  for (size_t k = 0; k < n; ++k) {
    int64_t src = 0;
    for (size_t d = 0; d < r; ++d) src += idx[d] * sstride[size_t(perm[d])];
    if (s.is_int())
      c.i.push_back(s.i[size_t(src)]);
    else
      c.f.push_back(s.f[size_t(src)]);
    for (size_t d = r; d-- > 0;) {
      if (++idx[d] < c.dims[d]) break;
      idx[d] = 0;
    }
  }
  set_out(0, make_const(std::move(c)));
}

// ------------------------------------------------------------- Q and DQ

void Importer::do_quantize() {
  allow_attrs({"axis"});
  need_inputs(2, 3);
  single_output();
  VP x = in(0);
  const QParams q = qparams();
  int64_t clo, chi;
  if (!container_range(q.zp_type, clo, chi) || q.zp_type == kInt32)
    nfail(std::string("zero point type ") + dtype_name(q.zp_type) + " is not supported (uint8, int8, uint16, int16)");
  for (int64_t z : q.zp)
    if (z < clo || z > chi) nfail("zero point " + std::to_string(z) + " is outside " + dtype_name(q.zp_type));

  if (x->kind == Value::kConst) {  // quantize a float constant (fake-quant weights)
    const Const& c = x->c;
    if (c.is_int()) nfail("input is not a float tensor");
    int axis = 0;
    if (q.scale.size() > 1) {
      axis = norm_axis(q.axis, c.dims.size(), "axis");
      if (c.dims[size_t(axis)] != int64_t(q.scale.size()))
        nfail("has " + std::to_string(q.scale.size()) + " scales for axis " + std::to_string(axis) + " of size " +
              std::to_string(c.dims[size_t(axis)]));
    }
    Const o;
    o.dtype = q.zp_type;
    o.dims = c.dims;
    for (size_t k = 0; k < c.f.size(); ++k) {
      const size_t j = q.scale.size() > 1 ? axis_index(c.dims, axis, k) : 0;
      o.i.push_back(quantize_value(c.f[k], q.scale[j], q.zp[j], clo, chi));
    }
    return set_out(0, make_const(std::move(o)));
  }

  std::shared_ptr<Pending> p;
  if (x->kind == Value::kPending) {
    p = x->p;
  } else if (x->kind == Value::kDQ) {  // re-quantize values already on a grid (MaxPool -> Q, DQ -> Q)
    p = new_pending(Pending::Rescale, tensor(x->tensor).shape);
    p->in = {x->tensor};
  } else {
    nfail("input '" + node_->input(0) + "' is not a float tensor");
  }
  if (q.scale.size() != 1) nfail("per-channel quantization of activations is not supported");
  auto v = std::make_shared<Value>();
  v->kind = Value::kQLazy;
  v->p = p;
  v->scale = q.scale;
  v->zp = q.zp;
  v->qtype = q.zp_type;
  v->lo = std::max(clo, quantize_value(p->flo, q.scale[0], q.zp[0], clo, chi));
  v->hi = std::min(chi, quantize_value(p->fhi, q.scale[0], q.zp[0], clo, chi));
  if (v->lo > v->hi) nfail("the clamp before it leaves an empty integer range");
  v->qname = node_name(*node_);
  v->tname = node_->output(0);
  set_out(0, v);
}

void Importer::do_dequantize() {
  allow_attrs({"axis"});
  need_inputs(2, 3);
  single_output();
  VP x = in(0);
  const QParams q = qparams();
  if (x->kind == Value::kConst) {
    const Const& c = x->c;
    if (!c.is_int()) nfail("input is not an integer tensor");
    auto v = std::make_shared<Value>();
    v->kind = Value::kDQConst;
    v->c = c;
    v->scale = q.scale;
    v->zp = q.zp;
    v->axis = 0;
    if (q.scale.size() > 1) {
      v->axis = norm_axis(q.axis, c.dims.size(), "axis");
      if (c.dims[size_t(v->axis)] != int64_t(q.scale.size()))
        nfail("has " + std::to_string(q.scale.size()) + " scales for axis " + std::to_string(v->axis) + " of size " +
              std::to_string(c.dims[size_t(v->axis)]));
    }
    return set_out(0, v);
  }
  int t = -1;
  if (x->kind == Value::kQLazy)
    t = materialize(*x);
  else if (x->kind == Value::kQInt)
    t = x->tensor;
  else
    nfail("input '" + node_->input(0) + "' is not an integer tensor");
  const Tensor& tt = tensor(t);
  if (q.scale.size() != 1) nfail("per-channel dequantization of activations is not supported");
  if (tt.q.scale.size() != 1 || tt.q.scale[0] != q.scale[0] || tt.q.zero_point != q.zp[0])
    nfail("scale " + fmt(q.scale[0]) + " / zero point " + std::to_string(q.zp[0]) +
          " differ from those of the QuantizeLinear that produced its input (" + fmt(tt.q.scale[0]) + " / " +
          std::to_string(tt.q.zero_point) + ")");
  set_out(0, dq_value(t));
}

// Relu and Clip: fold on constants, narrow the clamp of a pending float
// result, narrow the integer range of a quantized tensor.
void Importer::do_relu_clip(bool relu) {
  allow_attrs({});
  need_inputs(1, relu ? 1 : 3);
  single_output();
  VP x = in(0);
  double lo = -kInf, hi = kInf;
  if (relu) {
    lo = 0;
  } else {
    if (has_in(1)) {
      const Const& c = const_in(1, "min");
      if (c.size() != 1) nfail("min is not a scalar");
      lo = c.at(0);
    }
    if (has_in(2)) {
      const Const& c = const_in(2, "max");
      if (c.size() != 1) nfail("max is not a scalar");
      hi = c.at(0);
    }
  }
  switch (x->kind) {
    case Value::kConst: {
      Const c = x->c;
      for (auto& v : c.f) v = std::min(std::max(v, lo), hi);
      for (auto& v : c.i) {
        if (v == kBatchSym) nfail("a dynamic shape (the symbolic batch) is not supported here");
        if (double(v) < lo) v = int64_t(std::ceil(lo));
        if (double(v) > hi) v = int64_t(std::floor(hi));
      }
      return set_out(0, make_const(std::move(c)));
    }
    case Value::kPending: {
      auto p = std::make_shared<Pending>(*x->p);
      p->flo = std::max(p->flo, lo);
      p->fhi = std::min(p->fhi, hi);
      return set_out(0, pending_value(p));
    }
    case Value::kDQ: {
      auto p = new_pending(Pending::Rescale, tensor(x->tensor).shape);
      p->in = {x->tensor};
      p->flo = lo, p->fhi = hi;
      return set_out(0, pending_value(p));
    }
    case Value::kQLazy:
    case Value::kQInt: {
      if (relu) nfail("Relu of integers is not supported");
      const int64_t ilo = lo == -kInf ? INT64_MIN : int64_t(std::ceil(lo));
      const int64_t ihi = hi == kInf ? INT64_MAX : int64_t(std::floor(hi));
      if (x->kind == Value::kQLazy && x->cached < 0 && real_consumers(x.get()) == 1) {
        auto v = std::make_shared<Value>(*x);
        v->lo = std::max(v->lo, ilo);
        v->hi = std::min(v->hi, ihi);
        if (v->lo > v->hi) nfail("leaves an empty integer range");
        v->tname = node_->output(0);
        return set_out(0, v);
      }
      const int t = x->kind == Value::kQLazy ? materialize(*x) : x->tensor;
      Quant q = tensor(t).q;
      q.qmin = std::max(q.qmin, ilo);
      q.qmax = std::min(q.qmax, ihi);
      if (q.qmin > q.qmax) nfail("leaves an empty integer range");
      return set_out(0, qint_value(rescale(t, q, node_name(*node_), node_->output(0)), x->qtype));
    }
    case Value::kDQConst: nfail("Relu / Clip of a dequantized constant is not supported");
  }
}

// --------------------------------------------------------- conv, gemm

// Input k of a conv / fc: the float view of a quantized tensor of rank `rank`.
int Importer::dq_input(int k, size_t rank) {
  VP x = in(k);
  if (x->kind != Value::kDQ) {
    std::string why = x->kind == Value::kPending && x->p->kind == Pending::Input ? "the float network input"
                      : x->kind == Value::kPending ? "the float output of node '" + x->p->name + "' (" + x->p->op + ")"
                                                   : "not a dequantized tensor";
    nfail("input '" + node_->input(k) + "' is not quantized (" + why +
          "; expected QuantizeLinear -> DequantizeLinear before it)");
  }
  const auto& s = tensor(x->tensor).shape;
  if (s.size() != rank)
    nfail("input '" + node_->input(k) + "' has rank " + std::to_string(s.size()) + ", " + std::to_string(rank) +
          " is supported");
  return x->tensor;
}

// Weights (input k): the integer values q - z of a DequantizeLinear of a
// constant. `out_axis` is the axis of the output channels (per-channel
// scales must lie along it).
Importer::Weights Importer::weights_in(int k, int out_axis) {
  VP v = in(k);
  const std::string nm = "weight '" + node_->input(k) + "'";
  if (v->kind == Value::kConst)
    nfail(nm + " is not quantized (a " + std::string(dtype_name(v->c.dtype)) +
          " constant; expected QuantizeLinear -> DequantizeLinear or DequantizeLinear of integers)");
  if (v->kind != Value::kDQConst) nfail(nm + " is not a quantized constant");
  Weights w;
  w.dims = v->c.dims;
  w.scale = v->scale;
  w.axis = v->axis;
  if (w.scale.size() > 1 && w.axis != out_axis)
    nfail(nm + ": per-channel scales along axis " + std::to_string(w.axis) + " (the output channels are axis " +
          std::to_string(out_axis) + ")");
  for (size_t i = 0; i < v->c.i.size(); ++i) {
    const size_t j = v->scale.size() > 1 ? axis_index(w.dims, w.axis, i) : 0;
    w.w.push_back(v->c.i[i] - v->zp[j]);
  }
  return w;
}

void Importer::bias_in(int k, Pending& p) {
  VP v = in(k);
  const int oc = p.g.out_c;
  const std::string nm = "bias '" + node_->input(k) + "'";
  if (v->kind == Value::kConst) {
    if (v->c.is_int()) nfail(nm + " is an integer constant without a scale");
    if (int64_t(v->c.size()) != oc && v->c.size() != 1)
      nfail(nm + " has " + std::to_string(v->c.size()) + " values for " + std::to_string(oc) + " outputs");
    for (int c = 0; c < oc; ++c) p.bias_f.push_back(v->c.f[v->c.size() == 1 ? 0 : size_t(c)]);
  } else if (v->kind == Value::kDQConst) {
    if (int64_t(v->c.size()) != oc && v->c.size() != 1)
      nfail(nm + " has " + std::to_string(v->c.size()) + " values for " + std::to_string(oc) + " outputs");
    for (int c = 0; c < oc; ++c) {
      const size_t i = v->c.size() == 1 ? 0 : size_t(c);
      const size_t j = v->scale.size() > 1 ? i : 0;
      p.bias_q.push_back(v->c.i[i] - v->zp[j]);
      p.bias_s.push_back(v->scale[j]);
    }
  } else {
    nfail(nm + " is not a constant");
  }
  p.has_bias = true;
}

// Pads of a pooling / conv window from pads / auto_pad (top, left, bottom, right).
std::vector<int> Importer::pool_pads(const std::vector<int64_t>& k, const std::vector<int64_t>& s,
                                     const std::vector<int64_t>& in_hw) {
  const std::string ap = attr_s("auto_pad", "NOTSET");
  std::vector<int64_t> pads = attr_ints("pads", {0, 0, 0, 0});
  if (pads.size() != 4) nfail("pads must have 4 values");
  for (int64_t p : pads)
    if (p < 0) nfail("negative pads are not supported");
  if (ap == "NOTSET") {
    if (attr("pads") == nullptr) pads = {0, 0, 0, 0};
  } else if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    for (int d = 0; d < 2; ++d) {
      const int64_t out = (in_hw[size_t(d)] + s[size_t(d)] - 1) / s[size_t(d)];
      const int64_t total = std::max<int64_t>(0, (out - 1) * s[size_t(d)] + k[size_t(d)] - in_hw[size_t(d)]);
      const int64_t small = total / 2, big = total - small;
      pads[size_t(d)] = ap == "SAME_UPPER" ? small : big;
      pads[size_t(d) + 2] = ap == "SAME_UPPER" ? big : small;
    }
  } else {
    nfail("auto_pad '" + ap + "' is not supported");
  }
  for (int64_t p : pads)
    if (p > 1 << 20) nfail("pads are too large");
  return {int(pads[0]), int(pads[1]), int(pads[2]), int(pads[3])};
}

void Importer::do_conv() {
  allow_attrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  need_inputs(2, 3);
  single_output();
  if (attr_i("group", 1) != 1)
    nfail("grouped convolution (group " + std::to_string(attr_i("group", 1)) + ") is not supported");
  for (int64_t d : attr_ints("dilations", {1, 1}))
    if (d != 1) nfail("dilated convolution (dilation " + std::to_string(d) + ") is not supported");
  const int tin = dq_input(0, 4);
  const Weights w = weights_in(1, 0);
  const auto& is = tensor(tin).shape;
  if (w.dims.size() != 4) nfail("weight has rank " + std::to_string(w.dims.size()) + " (OIHW is needed)");
  if (w.dims[1] != is[1])
    nfail("weight has " + std::to_string(w.dims[1]) + " input channels, the input " + std::to_string(is[1]));
  const auto ks = attr_ints("kernel_shape", {w.dims[2], w.dims[3]});
  if (ks.size() != 2 || ks[0] != w.dims[2] || ks[1] != w.dims[3]) nfail("kernel_shape does not match the weight");
  const auto st = attr_ints("strides", {1, 1});
  if (st.size() != 2 || st[0] < 1 || st[1] < 1) nfail("strides must be 2 positive values");
  const auto pads = pool_pads(ks, st, {is[2], is[3]});
  auto p = new_pending(Pending::Conv, {});
  Geometry& g = p->g;
  g.in_c = int(is[1]), g.in_h = int(is[2]), g.in_w = int(is[3]);
  g.out_c = int(w.dims[0]);
  g.kernel_h = int(ks[0]), g.kernel_w = int(ks[1]);
  g.stride_h = int(st[0]), g.stride_w = int(st[1]);
  g.pad_top = pads[0], g.pad_left = pads[1], g.pad_bottom = pads[2], g.pad_right = pads[3];
  const int64_t oh = (g.in_h + g.pad_top + g.pad_bottom - g.kernel_h) / g.stride_h + 1;
  const int64_t ow = (g.in_w + g.pad_left + g.pad_right - g.kernel_w) / g.stride_w + 1;
  if (g.in_h + g.pad_top + g.pad_bottom < g.kernel_h || g.in_w + g.pad_left + g.pad_right < g.kernel_w)
    nfail("the kernel is larger than the padded input");
  g.out_h = int(oh), g.out_w = int(ow);
  p->shape = {is[0], g.out_c, oh, ow};
  p->in = {tin};
  p->w = w.w;
  p->sw = w.scale;
  if (has_in(2)) bias_in(2, *p);
  set_out(0, pending_value(p));
}

void Importer::do_gemm(bool matmul) {
  if (matmul) {
    allow_attrs({});
    need_inputs(2, 2);
  } else {
    allow_attrs({"alpha", "beta", "transA", "transB"});
    need_inputs(2, 3);
    if (attr_f("alpha", 1.0) != 1.0) nfail("alpha " + fmt(attr_f("alpha", 1.0)) + " is not supported (1 only)");
    if (attr_i("transA", 0) != 0) nfail("transA is not supported");
    if (has_in(2) && attr_f("beta", 1.0) != 1.0)
      nfail("beta " + fmt(attr_f("beta", 1.0)) + " is not supported (1 only)");
  }
  single_output();
  const bool trans_b = !matmul && attr_i("transB", 0) != 0;
  const int tin = dq_input(0, 2);
  const Weights w = weights_in(1, trans_b ? 0 : 1);
  if (w.dims.size() != 2) nfail("weight has rank " + std::to_string(w.dims.size()) + " (2 is needed)");
  const int64_t K = trans_b ? w.dims[1] : w.dims[0], M = trans_b ? w.dims[0] : w.dims[1];
  const auto& is = tensor(tin).shape;
  if (is[1] != K) nfail("input has " + std::to_string(is[1]) + " features, the weight " + std::to_string(K));
  auto p = new_pending(Pending::Fc, {is[0], M});
  p->g.in_c = int(K);
  p->g.out_c = int(M);
  p->in = {tin};
  p->sw = w.scale;
  p->w.resize(size_t(K * M));
  for (int64_t o = 0; o < M; ++o)
    for (int64_t k = 0; k < K; ++k) p->w[size_t(o * K + k)] = trans_b ? w.w[size_t(o * K + k)] : w.w[size_t(k * M + o)];
  if (!matmul && has_in(2)) bias_in(2, *p);
  set_out(0, pending_value(p));
}

// ---------------------------------------------------------- host ops

void Importer::do_add() {
  allow_attrs({});
  need_inputs(2, 2);
  single_output();
  VP a = in(0), b = in(1);
  if (a->kind == Value::kConst && b->kind == Value::kConst) {
    const Const &x = a->c, &y = b->c;
    if (x.is_int() != y.is_int() || (x.size() != y.size() && x.size() != 1 && y.size() != 1))
      nfail("constant Add with broadcasting is not supported");
    const Const& big = x.size() >= y.size() ? x : y;
    Const c;
    c.dtype = big.dtype, c.dims = big.dims;
    for (size_t k = 0; k < big.size(); ++k) {
      const size_t i = x.size() == 1 ? 0 : k, j = y.size() == 1 ? 0 : k;
      if (c.is_int()) {
        if (x.i[i] == kBatchSym || y.i[j] == kBatchSym)
          nfail("a dynamic shape (the symbolic batch) is not supported here");
        c.i.push_back(x.i[i] + y.i[j]);
      } else {
        c.f.push_back(c.dtype == kFloat ? double(float(x.f[i] + y.f[j])) : x.f[i] + y.f[j]);
      }
    }
    return set_out(0, make_const(std::move(c)));
  }
  // MatMul + Add(bias), or an Add of a per-channel constant to a conv / fc output
  if (fold_affine(a, b, 1.0, false)) return;
  for (int k = 0; k < 2; ++k) {
    VP v = k == 0 ? a : b;
    if (v->kind != Value::kDQ) dq_input(k, shape_of(*v).size());  // throws the "not quantized" message
  }
  const auto &sa = tensor(a->tensor).shape, &sb = tensor(b->tensor).shape;
  if (sa != sb) nfail("inputs of shapes " + dims_str(sa) + " and " + dims_str(sb) + " (broadcasting is not supported)");
  auto p = new_pending(Pending::Add, sa);
  p->in = {a->tensor, b->tensor};
  set_out(0, pending_value(p));
}

// The per-channel values of a constant operand of an affine op on the
// output of conv / fc `p`: a scalar, or out_c values along the channel
// axis (NCHW: (C,1,1), (1,C,1,1); (N, C): (C), (1,C)).
std::vector<double> Importer::channel_values(const Value& v, const Pending& p, const std::string& what) {
  std::vector<double> vals;
  if (v.kind == Value::kConst) {
    for (size_t k = 0; k < v.c.size(); ++k) {
      if (v.c.is_int() && v.c.i[k] == kBatchSym) nfail("a dynamic shape (the symbolic batch) is not supported here");
      vals.push_back(v.c.at(k));
    }
  } else {  // DequantizeLinear of integers
    for (size_t k = 0; k < v.c.size(); ++k) {
      const size_t j = v.scale.size() > 1 ? axis_index(v.c.dims, v.axis, k) : 0;
      vals.push_back(double(float(double(v.c.i[k] - v.zp[j]) * v.scale[j])));
    }
  }
  const int oc = p.g.out_c;
  if (vals.size() == 1) return std::vector<double>(size_t(oc), vals[0]);
  const auto& d = v.c.dims;
  const size_t rank = p.kind == Pending::Conv ? 4 : 2;
  const int caxis = int(d.size()) - int(rank) + 1;  // the channel axis, dims aligned to the right
  bool ok = int64_t(vals.size()) == oc && d.size() <= rank && caxis >= 0;
  for (size_t k = 0; ok && k < d.size(); ++k) ok = int(k) == caxis || d[k] == 1;
  if (!ok)
    nfail(what + " of shape " + dims_str(d) + " is not one value per output channel of node '" + p.name + "' (" +
          std::to_string(oc) + " channels)");
  return vals;
}

// y = a + sign_b * b (mul: y = a * b, or a / b with sign_b -1) where one
// side is a pending conv / fc output (no Relu / Clip yet) and the other a
// per-channel constant: folded into the layer (post_mul / post_add).
bool Importer::fold_affine(const VP& a, const VP& b, double sign_b, bool mul) {
  for (int k = 0; k < 2; ++k) {
    const VP& pv = k == 0 ? a : b;
    const VP& cv = k == 0 ? b : a;
    if (pv->kind != Value::kPending || (pv->p->kind != Pending::Conv && pv->p->kind != Pending::Fc)) continue;
    if (cv->kind != Value::kConst && cv->kind != Value::kDQConst) continue;
    if (pv->p->flo != -kInf || pv->p->fhi != kInf)
      nfail("a per-channel " + node_->op_type() + " after a Relu / Clip of node '" + pv->p->name +
            "' is not supported");
    if (!pv->p->pools.empty())
      nfail("a per-channel " + node_->op_type() + " after a MaxPool of node '" + pv->p->name + "' is not supported");
    if (mul && sign_b < 0 && k == 1) nfail("division by the output of node '" + pv->p->name + "' is not supported");
    std::vector<double> c = channel_values(*cv, *pv->p, "constant '" + node_->input(k == 0 ? 1 : 0) + "'");
    auto p = std::make_shared<Pending>(*pv->p);
    const size_t oc = size_t(p->g.out_c);
    if (p->post_mul.empty()) p->post_mul.assign(oc, 1.0);
    if (p->post_add.empty()) p->post_add.assign(oc, 0.0);
    for (size_t ch = 0; ch < oc; ++ch) {
      if (mul) {
        const double f = sign_b < 0 ? 1.0 / c[ch] : c[ch];
        p->post_mul[ch] *= f;
        p->post_add[ch] *= f;
      } else if (k == 0) {  // pending + s * const
        p->post_add[ch] += sign_b * c[ch];
      } else {  // const + s * pending
        p->post_mul[ch] *= sign_b;
        p->post_add[ch] = sign_b * p->post_add[ch] + c[ch];
      }
    }
    set_out(0, pending_value(p));
    return true;
  }
  return false;
}

void Importer::do_mul_div_sub(const std::string& op) {
  allow_attrs({});
  need_inputs(2, 2);
  single_output();
  VP a = in(0), b = in(1);
  if (a->kind == Value::kConst && b->kind == Value::kConst && !a->c.is_int() && !b->c.is_int() &&
      (a->c.size() == b->c.size() || a->c.size() == 1 || b->c.size() == 1)) {
    const Const& big = a->c.size() >= b->c.size() ? a->c : b->c;
    Const c;
    c.dtype = big.dtype, c.dims = big.dims;
    for (size_t k = 0; k < big.size(); ++k) {
      const double x = a->c.f[a->c.size() == 1 ? 0 : k], y = b->c.f[b->c.size() == 1 ? 0 : k];
      const double r = op == "Mul" ? x * y : op == "Div" ? x / y : x - y;
      c.f.push_back(c.dtype == kFloat ? double(float(r)) : r);
    }
    return set_out(0, make_const(std::move(c)));
  }
  if (fold_affine(a, b, op == "Div" ? -1.0 : op == "Sub" ? -1.0 : 1.0, op != "Sub")) return;
  nfail(
      "only a per-channel constant applied to the output of a Conv / Gemm / MatMul before its Relu / "
      "QuantizeLinear is supported");
}

void Importer::do_batchnorm() {
  allow_attrs({"epsilon", "momentum", "training_mode"});
  need_inputs(5, 5);
  single_output();
  if (attr_i("training_mode", 0) != 0) nfail("training mode is not supported");
  const double eps = attr_f("epsilon", 1e-5);
  VP x = in(0);
  if (x->kind != Value::kPending || (x->p->kind != Pending::Conv && x->p->kind != Pending::Fc) || !x->p->pools.empty())
    nfail("only a BatchNormalization of a Conv / Gemm / MatMul output before its Relu / QuantizeLinear is supported");
  std::vector<std::vector<double>> prm;
  const char* names[] = {"scale", "B", "mean", "var"};
  const int64_t oc = x->p->g.out_c;
  for (int k = 1; k <= 4; ++k) {
    VP v = in(k);
    if (v->kind != Value::kConst && v->kind != Value::kDQConst) nfail(std::string(names[k - 1]) + " is not a constant");
    if (v->c.dims.size() != 1 || v->c.dims[0] != oc)
      nfail(std::string(names[k - 1]) + " has shape " + dims_str(v->c.dims) + " for " + std::to_string(oc) +
            " channels");
    Value t = *v;  // 1-D (C): as a per-channel constant of the layer's output
    t.c.dims = x->p->kind == Pending::Conv ? std::vector<int64_t>{oc, 1, 1} : std::vector<int64_t>{oc};
    prm.push_back(channel_values(t, *x->p, names[k - 1]));
  }
  // y = (x - mean) / sqrt(var + eps) * scale + B = x * a + (B - mean * a)
  Const a, c;
  a.dims = c.dims = {int64_t(prm[0].size())};
  for (size_t ch = 0; ch < prm[0].size(); ++ch) {
    const double f = prm[0][ch] / std::sqrt(prm[3][ch] + eps);
    a.f.push_back(f);
    c.f.push_back(prm[1][ch] - prm[2][ch] * f);
  }
  VP av = make_const(a), cv = make_const(c);
  std::vector<int64_t> dims = x->p->kind == Pending::Conv ? std::vector<int64_t>{int64_t(prm[0].size()), 1, 1}
                                                          : std::vector<int64_t>{int64_t(prm[0].size())};
  av->c.dims = cv->c.dims = dims;
  if (x->p->flo != -kInf || x->p->fhi != kInf)
    nfail("a BatchNormalization after a Relu / Clip of node '" + x->p->name + "' is not supported");
  fold_affine(x, av, 1.0, true);
  fold_affine(vals_[node_->output(0)], cv, 1.0, false);
}

void Importer::do_maxpool() {
  allow_attrs({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  need_inputs(1, 1);
  single_output();
  if (attr_i("ceil_mode", 0) != 0) nfail("ceil_mode 1 is not supported");
  if (attr_i("storage_order", 0) != 0) nfail("storage_order 1 is not supported");
  for (int64_t d : attr_ints("dilations", {1, 1}))
    if (d != 1) nfail("dilation " + std::to_string(d) + " is not supported");
  // The float output of a conv (before its QuantizeLinear): the pool is
  // recorded on the pending layer and runs on its integer output.
  VP x = in(0);
  const bool on_pending = x->kind == Value::kPending && x->p->kind == Pending::Conv;
  const int tin = on_pending ? -1 : dq_input(0, 4);
  const std::vector<int64_t> ishape = on_pending ? x->p->shape : tensor(tin).shape;
  const auto k = attr_ints("kernel_shape", {});
  if (k.size() != 2 || k[0] < 1 || k[1] < 1) nfail("kernel_shape must be 2 positive values");
  const auto s = attr_ints("strides", {1, 1});
  if (s.size() != 2 || s[0] < 1 || s[1] < 1) nfail("strides must be 2 positive values");
  const auto pads = pool_pads(k, s, {ishape[2], ishape[3]});
  if (pads[0] >= k[0] || pads[2] >= k[0] || pads[1] >= k[1] || pads[3] >= k[1])
    nfail("pads must be smaller than the kernel");
  Pool pl;
  pl.kernel_h = int(k[0]), pl.kernel_w = int(k[1]), pl.stride_h = int(s[0]), pl.stride_w = int(s[1]);
  pl.pad_top = pads[0], pl.pad_left = pads[1], pl.pad_bottom = pads[2], pl.pad_right = pads[3];
  const int64_t oh = (ishape[2] + pads[0] + pads[2] - k[0]) / s[0] + 1;
  const int64_t ow = (ishape[3] + pads[1] + pads[3] - k[1]) / s[1] + 1;
  if (oh < 1 || ow < 1) nfail("the kernel is larger than the padded input");
  if (on_pending) {
    auto p = std::make_shared<Pending>(*x->p);
    if (p->pools.empty()) p->dev_shape = p->shape;
    p->shape = {ishape[0], ishape[1], oh, ow};
    p->pools.push_back({pl, node_name(*node_), p->shape});
    return set_out(0, pending_value(p));
  }
  const Tensor in_t = tensor(tin);
  const int t = add_tensor(node_->output(0), {in_t.shape[0], in_t.shape[1], oh, ow}, in_t.q);
  add_op(OpKind::MaxPool, node_name(*node_), {tin}, t).pool = pl;
  set_out(0, dq_value(t));
}

void Importer::do_avgpool(bool global) {
  if (global) {
    allow_attrs({});
  } else {
    allow_attrs({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
    if (attr_i("ceil_mode", 0) != 0) nfail("ceil_mode 1 is not supported");
  }
  need_inputs(1, 1);
  single_output();
  const int tin = dq_input(0, 4);
  const auto& is = tensor(tin).shape;
  Pool pl;
  if (global) {
    pl.kernel_h = int(is[2]), pl.kernel_w = int(is[3]);
  } else {
    const auto k = attr_ints("kernel_shape", {});
    if (k.size() != 2 || k[0] < 1 || k[1] < 1) nfail("kernel_shape must be 2 positive values");
    const auto s = attr_ints("strides", {1, 1});
    if (s.size() != 2 || s[0] < 1 || s[1] < 1) nfail("strides must be 2 positive values");
    const auto pads = pool_pads(k, s, {is[2], is[3]});
    if (pads[0] >= k[0] || pads[2] >= k[0] || pads[1] >= k[1] || pads[3] >= k[1])
      nfail("pads must be smaller than the kernel");
    pl.kernel_h = int(k[0]), pl.kernel_w = int(k[1]), pl.stride_h = int(s[0]), pl.stride_w = int(s[1]);
    pl.pad_top = pads[0], pl.pad_left = pads[1], pl.pad_bottom = pads[2], pl.pad_right = pads[3];
    pl.count_include_pad = attr_i("count_include_pad", 0) != 0;
  }
  const int64_t oh = (is[2] + pl.pad_top + pl.pad_bottom - pl.kernel_h) / pl.stride_h + 1;
  const int64_t ow = (is[3] + pl.pad_left + pl.pad_right - pl.kernel_w) / pl.stride_w + 1;
  if (oh < 1 || ow < 1) nfail("the kernel is larger than the padded input");
  auto p = new_pending(global ? Pending::Gap : Pending::AvgPool, {is[0], is[1], oh, ow});
  p->in = {tin};
  p->pool = pl;
  set_out(0, pending_value(p));
}

void Importer::do_concat() {
  allow_attrs({"axis"});
  if (node_->input_size() < 1) nfail("has no inputs");
  single_output();
  bool all_const = true;
  for (int k = 0; k < node_->input_size(); ++k) all_const = all_const && in(k)->kind == Value::kConst;
  if (all_const) {
    const Const& f = in(0)->c;
    const int axis = norm_axis(attr_i("axis", 0), f.dims.size(), "axis");
    Const c;
    c.dtype = f.dtype;
    c.dims = f.dims;
    c.dims[size_t(axis)] = 0;
    for (int k = 0; k < node_->input_size(); ++k) {
      const Const& x = in(k)->c;
      if (x.dims.size() != f.dims.size() || x.dtype != f.dtype) nfail("constant inputs of different ranks or types");
      c.dims[size_t(axis)] += x.dims[size_t(axis)];
    }
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= f.dims[size_t(d)];
    for (int64_t o = 0; o < outer; ++o)
      for (int k = 0; k < node_->input_size(); ++k) {
        const Const& x = in(k)->c;
        const size_t chunk = outer ? x.size() / size_t(outer) : 0;
        for (size_t j = 0; j < chunk; ++j) {
          if (c.is_int())
            c.i.push_back(x.i[size_t(o) * chunk + j]);
          else
            c.f.push_back(x.f[size_t(o) * chunk + j]);
        }
      }
    return set_out(0, make_const(std::move(c)));
  }
  std::vector<int> ts;
  for (int k = 0; k < node_->input_size(); ++k) ts.push_back(dq_input(k, shape_of(*in(0)).size()));
  const auto& s0 = tensor(ts[0]).shape;
  const int axis = norm_axis(attr_i("axis", 0), s0.size(), "axis");
  if (axis != 1) nfail("concatenation along axis " + std::to_string(axis) + " is not supported (channels only)");
  std::vector<int64_t> os = s0;
  os[1] = 0;
  bool same = true;
  for (int t : ts) {
    const Tensor& x = tensor(t);
    for (size_t d = 0; d < s0.size(); ++d)
      if (d != 1 && x.shape[d] != s0[d]) nfail("inputs of shapes " + dims_str(s0) + " and " + dims_str(x.shape));
    os[1] += x.shape[1];
    same = same && x.q.scale == tensor(ts[0]).q.scale && x.q.zero_point == tensor(ts[0]).q.zero_point;
  }
  if (!same) {  // the QuantizeLinear after it sets the grid
    auto p = new_pending(Pending::Concat, os);
    p->in = ts;
    return set_out(0, pending_value(p));
  }
  Quant q = tensor(ts[0]).q;
  for (int t : ts) q.qmin = std::min(q.qmin, tensor(t).q.qmin), q.qmax = std::max(q.qmax, tensor(t).q.qmax);
  const int t = add_tensor(node_->output(0), os, q);
  add_op(OpKind::Concat, node_name(*node_), ts, t);
  set_out(0, dq_value(t));
}

void Importer::do_flatten() {
  allow_attrs({"axis"});
  need_inputs(1, 1);
  single_output();
  VP v = in(0);
  const auto s = shape_of(*v);
  const int axis = norm_axis(attr_i("axis", 1), s.size() + 1, "axis");
  if (v->kind == Value::kConst) {
    Const c = v->c;
    int64_t a = 1, b = 1;
    for (size_t d = 0; d < s.size(); ++d) (int(d) < axis ? a : b) *= s[d];
    c.dims = {a, b};
    return set_out(0, make_const(std::move(c)));
  }
  const int tin = dq_input(0, s.size());
  if (axis != 1) nfail("axis " + std::to_string(axis) + " is not supported (1: keep the batch)");
  const Tensor& t = tensor(tin);
  Quant q = t.q;
  const int out = add_tensor(node_->output(0), {t.shape[0], t.per_image()}, q);
  add_op(OpKind::Reshape, node_name(*node_), {tin}, out);
  set_out(0, dq_value(out));
}

void Importer::do_reshape() {
  allow_attrs({"allowzero"});
  need_inputs(2, 2);
  single_output();
  if (attr_i("allowzero", 0) != 0) nfail("allowzero 1 is not supported");
  VP v = in(0);
  const Const& tgt = const_in(1, "shape");
  if (!tgt.is_int()) nfail("shape is not integer");
  const auto s = shape_of(*v);
  if (v->kind == Value::kConst) {
    std::vector<int64_t> d;
    int infer = -1;
    int64_t known = 1;
    for (size_t k = 0; k < tgt.i.size(); ++k) {
      int64_t x = tgt.i[k];
      if (x == kBatchSym) nfail("a dynamic shape (the symbolic batch) is not supported here");
      if (x == 0) x = k < s.size() ? s[k] : 1;
      if (x == -1) {
        if (infer >= 0) nfail("more than one -1 in the shape");
        infer = int(k);
      } else if (x < 0) {
        nfail("invalid shape value " + std::to_string(x));
      } else {
        known *= x;
      }
      d.push_back(x);
    }
    const int64_t n = int64_t(v->c.size());
    if (infer >= 0) d[size_t(infer)] = known ? n / known : 0;
    if (numel(d, where()) != n) nfail("cannot reshape " + dims_str(s) + " to " + dims_str(d));
    Const c = v->c;
    c.dims = d;
    return set_out(0, make_const(std::move(c)));
  }
  const int tin = dq_input(0, s.size());
  const Tensor& t = tensor(tin);
  const int64_t per = t.per_image();
  if (tgt.i.empty()) nfail("reshape to a scalar is not supported");
  // dimension 0 must stay the batch
  const int64_t t0 = tgt.i[0];
  const bool batch_ok = t0 == kBatchSym || t0 == 0 || t0 == -1 || (t.shape[0] != kSymbolicBatch && t0 == t.shape[0]);
  if (!batch_ok) nfail("reshape " + dims_str(s) + " -> " + dims_str(tgt.i) + " changes the batch dimension");
  std::vector<int64_t> d = {t.shape[0]};
  int infer = -1;
  int64_t known = 1;
  for (size_t k = 1; k < tgt.i.size(); ++k) {
    int64_t x = tgt.i[k];
    if (x == kBatchSym) nfail("a dynamic shape (the symbolic batch) in dimension " + std::to_string(k));
    if (x == 0) {
      if (k >= s.size()) nfail("shape value 0 beyond the input's rank");
      x = s[k];
    }
    if (x == -1) {
      if (infer >= 0 || t0 == -1) nfail("more than one -1 in the shape");
      infer = int(k);
    } else if (x < 1) {
      nfail("invalid shape value " + std::to_string(x));
    } else {
      known *= x;
    }
    d.push_back(x);
  }
  if (infer >= 0) d[size_t(infer)] = per / known;
  int64_t got = 1;
  for (size_t k = 1; k < d.size(); ++k) got *= d[k];
  if (got != per) nfail("cannot reshape " + dims_str(s) + " to " + dims_str(tgt.i));
  if (d.size() != 2 && d.size() != 4)
    nfail("reshape to rank " + std::to_string(d.size()) + " is not supported (2 or 4)");
  const int out = add_tensor(node_->output(0), d, t.q);
  add_op(OpKind::Reshape, node_name(*node_), {tin}, out);
  set_out(0, dq_value(out));
}

void Importer::do_pad() {
  allow_attrs({"mode"});
  need_inputs(2, 3);
  single_output();
  if (attr_s("mode", "constant") != "constant") nfail("mode '" + attr_s("mode", "constant") + "' is not supported");
  const int tin = dq_input(0, 4);
  const Tensor in_t = tensor(tin);
  const Const& pc = const_in(1, "pads");
  if (!pc.is_int() || pc.size() != 8) nfail("pads must hold 8 integers for a rank-4 input");
  const auto& p = pc.i;
  if (p[0] || p[1] || p[4] || p[5]) nfail("padding of the batch or channel dimension is not supported");
  for (int64_t x : p)
    if (x < 0 || x > (1 << 20)) nfail("pads " + std::to_string(x) + " are not supported");
  double value = 0;
  if (has_in(2)) {
    const Const& c = const_in(2, "constant_value");
    if (c.size() != 1) nfail("constant_value is not a scalar");
    value = c.at(0);
  }
  if (!p[2] && !p[3] && !p[6] && !p[7]) return set_out(0, dq_value(tin));
  const double r = value / in_t.q.scale[0];
  if (std::fabs(r - std::nearbyint(r)) > 1e-3)
    nfail("constant_value " + fmt(value) + " is not on the input's quantization grid");
  const int64_t pv = int64_t(std::nearbyint(r)) + in_t.q.zero_point;
  Quant q = in_t.q;
  q.qmin = std::min(q.qmin, pv), q.qmax = std::max(q.qmax, pv);
  const int t = add_tensor(node_->output(0),
                           {in_t.shape[0], in_t.shape[1], in_t.shape[2] + p[2] + p[6], in_t.shape[3] + p[3] + p[7]}, q);
  Op& op = add_op(OpKind::Pad, node_name(*node_), {tin}, t);
  op.pad_value = pv;
  op.pads = {int(p[2]), int(p[3]), int(p[6]), int(p[7])};
  set_out(0, dq_value(t));
}

// ------------------------------------------------------- materialization

// The values of `tin` on the grid and range of `target` (scale, zero
// point, [qmin, qmax]): the tensor itself when it already is, else a
// Requantize op.
int Importer::rescale(int tin, const Quant& target, const std::string& name, const std::string& tname) {
  const Tensor in_t = tensor(tin);
  if (in_t.q.scale.size() != 1) fail("node '" + name + "': cannot requantize a raw int32 tensor");
  const double si = in_t.q.scale[0], so = target.scale[0];
  if (si == so && in_t.q.zero_point == target.zero_point && in_t.q.qmin >= target.qmin && in_t.q.qmax <= target.qmax)
    return tin;
  RequantParams rp;  // identity: mult 1, shift 0
  if (si != so) {
    try {
      rp = quantize_multiplier(si / so);
    } catch (const std::range_error&) {
      fail("node '" + name + "': requantization scale " + fmt(si / so) + " (" + fmt(si) + " / " + fmt(so) +
           ") is outside what a 16-bit multiplier and a shift up to 47 represent");
    }
  }
  auto f = [&](int64_t v) {
    return requantize(int32_t(v - in_t.q.zero_point), rp, target.zero_point, target.qmin, target.qmax);
  };
  Quant q = target;
  q.qmin = f(in_t.q.qmin);
  q.qmax = f(in_t.q.qmax);
  const int t = add_tensor(tname, in_t.shape, q);
  add_op(OpKind::Requantize, name, {tin}, t).by_count = {rp};
  return t;
}

int Importer::emit_device(const Pending& p, const Quant* outq, const std::string& tname) {
  const Tensor in_t = tensor(p.in[0]);
  const std::string nm = "node '" + p.name + "' (" + p.op + ")";
  const double s_in = in_t.q.scale[0];
  const int64_t z_in = in_t.q.zero_point;
  DeviceLayer d;
  d.g = p.g;
  const std::vector<int64_t>& dev_shape = p.pools.empty() ? p.shape : p.dev_shape;
  if (p.kind == Pending::Conv) {
    d.g.out_h = int(dev_shape[2]), d.g.out_w = int(dev_shape[3]);
  }
  d.act = in_t.q.type;
  d.in_zero_point = z_in;
  d.weights = p.w;
  const int oc = d.g.out_c;
  const int64_t ks = d.g.kernel_size();
  // The effective weight scale of channel c with the affine ops folded in;
  // a negative one negates the channel's weights.
  std::vector<double> sw(static_cast<size_t>(oc));
  for (int c = 0; c < oc; ++c) {
    const double mul = p.post_mul.empty() ? 1.0 : p.post_mul[size_t(c)];
    double v = p.sw[p.sw.size() == 1 ? 0 : size_t(c)] * mul;
    if (!(v != 0) || !std::isfinite(v))
      fail(nm + ": the scale " + fmt(mul) + " folded into output channel " + std::to_string(c) +
           " is zero or not finite");
    if (v < 0) {
      v = -v;
      for (int64_t k = 0; k < ks; ++k) d.weights[size_t(c * ks + k)] = -d.weights[size_t(c * ks + k)];
    }
    sw[size_t(c)] = v;
  }
  int64_t wmin = 0, wmax = 0;
  for (size_t i = 0; i < d.weights.size(); ++i) {
    wmin = i ? std::min(wmin, d.weights[i]) : d.weights[i];
    wmax = i ? std::max(wmax, d.weights[i]) : d.weights[i];
  }
  d.wgt = narrowest_operand(wmin, wmax);
  if (d.wgt.bits > 16)
    fail(nm + ": weights span [" + std::to_string(wmin) + ", " + std::to_string(wmax) + "], wider than 16 bits");
  d.weight_sums.assign(size_t(oc), 0);
  for (int c = 0; c < oc; ++c)
    for (int64_t k = 0; k < ks; ++k) d.weight_sums[size_t(c)] += d.weights[size_t(c * ks + k)];
  std::vector<double> prod(static_cast<size_t>(oc));
  for (int c = 0; c < oc; ++c) prod[size_t(c)] = s_in * sw[size_t(c)];
  d.bias.assign(size_t(oc), 0);
  const bool affine = !p.post_mul.empty() || !p.post_add.empty();
  if (p.has_bias || affine) {
    for (int c = 0; c < oc; ++c) {
      const double pc = prod[size_t(c)];
      if (!p.bias_q.empty() && !affine) {
        const double sb = p.bias_s[size_t(c)];
        if (std::fabs(sb / pc - 1.0) <= 1e-6) {  // the exporter's int32 bias on the grid s_in * s_w: exact
          d.bias[size_t(c)] = p.bias_q[size_t(c)];
          continue;
        }
      }
      double real = !p.has_bias         ? 0.0
                    : !p.bias_q.empty() ? double(p.bias_q[size_t(c)]) * p.bias_s[size_t(c)]
                                        : p.bias_f[size_t(c)];
      if (affine) {
        real = real * (p.post_mul.empty() ? 1.0 : p.post_mul[size_t(c)]) +
               (p.post_add.empty() ? 0.0 : p.post_add[size_t(c)]);
      }
      const double b = real / pc;
      if (!(std::fabs(b) < 2147483647.0))
        fail(nm + ": bias " + fmt(b) + " of output channel " + std::to_string(c) +
             " (in units of s_in * s_w) does not fit int32");
      d.bias[size_t(c)] = int64_t(std::nearbyint(b));
    }
  }
  d.bias_dev.resize(size_t(oc));
  for (int c = 0; c < oc; ++c) {
    const int64_t v = d.bias[size_t(c)] - z_in * d.weight_sums[size_t(c)];
    if (v < INT32_MIN || v > INT32_MAX)
      fail(nm + ": folded bias " + std::to_string(v) + " of output channel " + std::to_string(c) +
           " does not fit int32");
    d.bias_dev[size_t(c)] = v;
  }
  Quant q;
  if (!outq) {  // raw: int32 acc + bias, dequantized by the host with s_in * s_w[c]
    d.raw = true;
    d.real_scale = prod;
    const bool uniform = std::all_of(prod.begin(), prod.end(), [&](double v) { return v == prod[0]; });
    q.scale = uniform ? std::vector<double>{prod[0]} : prod;
    q.zero_point = 0;
    q.qmin = INT32_MIN, q.qmax = INT32_MAX;
    q.type = Operand{32, true};
    d.out_zero_point = 0, d.out_lo = INT32_MIN, d.out_hi = INT32_MAX;
  } else {
    q = *outq;
    const double s_out = q.scale[0];
    for (int c = 0; c < oc; ++c) {
      const double m = prod[size_t(c)] / s_out;
      d.real_scale.push_back(m);
      try {
        d.requant.push_back(quantize_multiplier(m));
      } catch (const std::range_error&) {
        fail(nm + ": requantization scale " + fmt(m) + " (s_in * s_w / s_out = " + fmt(s_in) + " * " +
             fmt(sw[size_t(c)]) + " / " + fmt(s_out) +
             ") is outside what a 16-bit multiplier and a shift up to 47 represent");
      }
    }
    const RequantParams& r0 = d.requant[0];
    d.per_channel = std::any_of(d.requant.begin(), d.requant.end(), [&](const RequantParams& r) {
      return r.mult != r0.mult || r.shift != r0.shift || r.round != r0.round;
    });
    if (!d.per_channel) d.requant.resize(1);
    d.out_zero_point = q.zero_point, d.out_lo = q.qmin, d.out_hi = q.qmax;
  }
  // With MaxPools recorded after it: the device output, then the pools on
  // its integers (same grid and range), the last one named `tname`.
  int t = add_tensor(p.pools.empty() ? tname : tname + ":" + p.name, dev_shape, q);
  Op& op = add_op(p.kind == Pending::Conv ? OpKind::Conv : OpKind::Fc, p.name, {p.in[0]}, t);
  op.dev = std::move(d);
  for (size_t i = 0; i < p.pools.size(); ++i) {
    const auto& pp = p.pools[i];
    const int o = add_tensor(i + 1 == p.pools.size() ? tname : tname + ":" + pp.name, pp.shape, q);
    add_op(OpKind::MaxPool, pp.name, {t}, o).pool = pp.pool;
    t = o;
  }
  return t;
}

int Importer::materialize(Value& v) {
  if (v.cached >= 0) return v.cached;
  const Pending& p = *v.p;
  Quant q;
  q.scale = {v.scale[0]};
  q.zero_point = v.zp[0];
  q.qmin = v.lo, q.qmax = v.hi;
  const std::string nm = "node '" + p.name + "' (" + p.op + ")";
  int t = -1;
  switch (p.kind) {
    case Pending::Input:
      t = add_tensor(v.tname, p.shape, q);
      add_op(OpKind::Quantize, v.qname, {p.in[0]}, t);
      break;
    case Pending::Conv:
    case Pending::Fc: t = emit_device(p, &q, v.tname); break;
    case Pending::Rescale: t = rescale(p.in[0], q, v.qname, v.tname); break;
    case Pending::Add: {
      const Tensor &a = tensor(p.in[0]), &b = tensor(p.in[1]);
      const double ma = a.q.scale[0] / q.scale[0], mb = b.q.scale[0] / q.scale[0];
      const double mx = std::max(ma, mb);
      if (!(mx < 65535.5))
        fail(nm + ": input / output scale ratio " + fmt(mx) + " is outside what a 16-bit multiplier represents");
      AddParams ap;
      ap.shift = 0;
      double v2 = mx;
      while (v2 * 2 < 65535.5 && ap.shift < kRequantMaxShift) v2 *= 2, ++ap.shift;
      ap.mult_a = std::llround(std::ldexp(ma, ap.shift));
      ap.mult_b = std::llround(std::ldexp(mb, ap.shift));
      if (ap.mult_a < 1 || ap.mult_b < 1)
        fail(nm + ": input scales " + fmt(a.q.scale[0]) + " and " + fmt(b.q.scale[0]) +
             " are too far apart for a 16-bit fixed-point add");
      t = add_tensor(v.tname, p.shape, q);
      add_op(OpKind::Add, p.name, p.in, t).add = ap;
      break;
    }
    case Pending::AvgPool:
    case Pending::Gap: {
      const Tensor& a = tensor(p.in[0]);
      const Pool& pl = p.pool;
      const int64_t h = a.shape[2], w = a.shape[3];
      const int64_t oh = p.shape[2], ow = p.shape[3];
      const int kmax = pl.kernel_h * pl.kernel_w;
      std::vector<bool> used(size_t(kmax) + 1, false);
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          if (pl.count_include_pad) {
            used[size_t(kmax)] = true;
            continue;
          }
          const int64_t y0 = y * pl.stride_h - pl.pad_top, x0 = x * pl.stride_w - pl.pad_left;
          const int64_t ny = std::min(h, y0 + pl.kernel_h) - std::max<int64_t>(0, y0);
          const int64_t nx = std::min(w, x0 + pl.kernel_w) - std::max<int64_t>(0, x0);
          used[size_t(ny * nx)] = true;
        }
      const int64_t span = std::max(std::abs(a.q.qmin - a.q.zero_point), std::abs(a.q.qmax - a.q.zero_point));
      if (span * kmax > INT32_MAX) fail(nm + ": the window sum may exceed int32");
      Op op;
      op.by_count.assign(size_t(kmax) + 1, RequantParams{});
      for (int n = 1; n <= kmax; ++n) {
        if (!used[size_t(n)]) continue;
        const double m = a.q.scale[0] / (q.scale[0] * n);
        try {
          op.by_count[size_t(n)] = quantize_multiplier(m);
        } catch (const std::range_error&) {
          fail(nm + ": requantization scale " + fmt(m) + " (s_in / (s_out * " + std::to_string(n) +
               ")) is outside what a 16-bit multiplier and a shift up to 47 represent");
        }
      }
      t = add_tensor(v.tname, p.shape, q);
      Op& o = add_op(p.kind == Pending::Gap ? OpKind::GlobalAveragePool : OpKind::AveragePool, p.name, p.in, t);
      o.pool = pl;
      o.by_count = std::move(op.by_count);
      break;
    }
    case Pending::Concat: {
      std::vector<int> ins;
      Quant oq = q;
      bool first = true;
      for (size_t k = 0; k < p.in.size(); ++k) {
        const int r =
            rescale(p.in[k], q, p.name + ":requantize" + std::to_string(k), v.tname + ":in" + std::to_string(k));
        ins.push_back(r);
        const Tensor& rt = tensor(r);
        oq.qmin = first ? rt.q.qmin : std::min(oq.qmin, rt.q.qmin);
        oq.qmax = first ? rt.q.qmax : std::max(oq.qmax, rt.q.qmax);
        first = false;
      }
      t = add_tensor(v.tname, p.shape, oq);
      add_op(OpKind::Concat, p.name, ins, t);
      break;
    }
  }
  v.cached = t;
  return t;
}

void Importer::finish_output() {
  const auto& g = m_.graph();
  if (g.output_size() != 1) fail("the graph has " + std::to_string(g.output_size()) + " outputs; one is supported");
  const std::string& name = g.output(0).name();
  auto it = vals_.find(name);
  if (it == vals_.end()) fail("the graph output '" + name + "' is not produced by any node");
  Value& v = *it->second;
  auto dequantize = [&](int t, const Pending* clamp) {
    const Tensor src = tensor(t);
    const int o = add_tensor(name + (tensor_names_.count(name) ? ":float" : ""), src.shape, Quant{}, true);
    Op& op = add_op(OpKind::Dequantize, name + ":dequantize", {t}, o);
    if (clamp && (clamp->flo != -kInf || clamp->fhi != kInf)) {
      op.has_float_clamp = true;
      op.float_lo = clamp->flo, op.float_hi = clamp->fhi;
    }
    net_.output = o;
  };
  switch (v.kind) {
    case Value::kDQ: dequantize(v.tensor, nullptr); break;
    case Value::kQLazy: net_.output = materialize(v); break;
    case Value::kQInt: net_.output = v.tensor; break;
    case Value::kPending:
      if (v.p->kind == Pending::Conv || v.p->kind == Pending::Fc) {
        const int t = emit_device(*v.p, nullptr, name + ":raw");
        dequantize(t, v.p.get());
        break;
      }
      fail("the graph output '" + name + "' is the float output of node '" + v.p->name + "' (" + v.p->op +
           "), which is not quantized");
    default: fail("the graph output '" + name + "' is a constant");
  }
}

// Drops ops and tensors the output does not depend on (dead branches).
void Importer::prune() {
  std::vector<bool> live(net_.tensors.size(), false);
  live[size_t(net_.output)] = true;
  live[size_t(net_.input)] = true;
  std::vector<bool> keep(net_.ops.size(), false);
  for (size_t k = net_.ops.size(); k-- > 0;) {
    if (!live[size_t(net_.ops[k].output)]) continue;
    keep[k] = true;
    for (int i : net_.ops[k].inputs) live[size_t(i)] = true;
  }
  std::vector<int> remap(net_.tensors.size(), -1);
  std::vector<Tensor> ts;
  for (size_t t = 0; t < net_.tensors.size(); ++t)
    if (live[t]) remap[t] = int(ts.size()), ts.push_back(std::move(net_.tensors[t]));
  std::vector<Op> ops;
  for (size_t k = 0; k < net_.ops.size(); ++k) {
    if (!keep[k]) continue;
    Op op = std::move(net_.ops[k]);
    for (int& i : op.inputs) i = remap[size_t(i)];
    op.output = remap[size_t(op.output)];
    ops.push_back(std::move(op));
  }
  net_.tensors = std::move(ts);
  net_.ops = std::move(ops);
  net_.input = remap[size_t(net_.input)];
  net_.output = remap[size_t(net_.output)];
}

// One printable line of at most 600 characters (the error contract): names
// from a damaged file may hold any bytes and be of any length. A longer one
// ends in "..." after the last whole character that leaves room for it.
std::string printable(const std::string& m) {
  constexpr size_t kMaxMessage = 600;
  std::string o;
  size_t cut = 0;
  for (unsigned char c : m) {
    if (o.size() <= kMaxMessage - 3) cut = o.size();
    if (o.size() > kMaxMessage) break;
    if (c >= 0x20 && c < 0x7f) {
      o += char(c);
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      o += b;
    }
  }
  if (o.size() > kMaxMessage) o = o.substr(0, cut) + "...";
  return o;
}

}  // namespace

QNet import_onnx_bytes(const std::string& bytes, const std::string& source) {
  QNet net;
  net.source = source;
  try {
    if (bytes.empty()) fail("empty file");
    onnx::ModelProto m;
    if (!m.ParseFromString(bytes)) fail("not an ONNX model (protobuf parse failed: not a protobuf, or truncated)");
    if (!m.has_graph()) fail("not an ONNX model (no graph)");
    Importer(m, net).run();
  } catch (const ImportError& e) {
    throw std::runtime_error(printable(source + ": " + e.what()));
  } catch (const std::bad_alloc&) {
    throw std::runtime_error(printable(source + ": out of memory (a tensor of the model is too large)"));
  } catch (const std::length_error&) {
    throw std::runtime_error(printable(source + ": out of memory (a tensor of the model is too large)"));
  }
  return net;
}

QNet import_onnx_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error(path + ": read error");
  return import_onnx_bytes(ss.str(), path);
}

}  // namespace bf::fe
