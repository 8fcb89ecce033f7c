#include "frontend/device_map.hpp"

#include <stdexcept>

namespace bf::fe {

namespace {
[[noreturn]] void refuse(const Op& op, const std::string& why) {
  throw std::runtime_error("node '" + op.name + "' (" + op_kind_name(op.kind) + "): " + why);
}
}  // namespace

DeviceMapping map_device_op(const Op& op, int batch) {
  if (!op.on_device()) refuse(op, "not a conv or fc op");
  const DeviceLayer& dv = op.dev;
  const Geometry& g = dv.g;
  DeviceMapping m;
  LayerDesc& d = m.desc;
  if (op.kind == OpKind::Fc) {
    d = make_fc(batch, g.in_c, g.out_c);
  } else {
    if (g.stride_h != g.stride_w)
      refuse(op, "strides " + std::to_string(g.stride_h) + "x" + std::to_string(g.stride_w) +
                     " differ; the device runs one stride in both directions");
    const bool even = g.pad_top == g.pad_left && g.pad_top == g.pad_bottom && g.pad_top == g.pad_right;
    if (!even) m.pre_pad = {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right};
    const int ih = g.in_h + (even ? 0 : g.pad_top + g.pad_bottom);
    const int iw = g.in_w + (even ? 0 : g.pad_left + g.pad_right);
    d = make_conv(batch, g.in_c, g.out_c, ih, iw, 1, g.stride_h, even ? g.pad_top : 0);
    d.kernel_h = g.kernel_h, d.kernel_w = g.kernel_w;
    if (d.out_h() != g.out_h || d.out_w() != g.out_w)
      refuse(op, "output " + std::to_string(g.out_h) + "x" + std::to_string(g.out_w) +
                     " does not follow from the padded input and the kernel");
  }
  d.name = op.name;
  d.act = dv.act;
  d.wgt = dv.wgt;
  if (d.act.bits > 16 || d.wgt.bits > 16) refuse(op, "operands wider than 16 bits");
  m.pad_value = dv.in_zero_point;
  for (int64_t b : dv.bias_dev) d.bias = d.bias || b != 0;
  if (dv.raw) {
    d.out_bits = 0;
    return m;
  }
  // The output tensor's width: out_lo..out_hi and the zero point fit it.
  const Operand out = narrowest_operand(std::min(dv.out_lo, dv.out_zero_point), std::max(dv.out_hi, dv.out_zero_point));
  if (out.bits > 16) refuse(op, "output range wider than 16 bits");
  d.out_bits = out.bits;
  d.relu = !out.is_signed;
  d.zero_point = int(dv.out_zero_point);
  d.clamp = true;
  d.clamp_lo = int(dv.out_lo), d.clamp_hi = int(dv.out_hi);
  if (dv.per_channel) {
    d.channel_requant = true;
  } else {
    const RequantParams& r = dv.requant.at(0);
    d.mult = r.mult, d.shift = r.shift, d.round = r.round;
  }
  return m;
}

std::vector<int64_t> device_input(const DeviceMapping& m, const Op& op, const std::vector<int64_t>& x, int batch) {
  if (!m.host_pads()) return x;
  const Geometry& g = op.dev.g;
  const int C = g.in_c, H = g.in_h, W = g.in_w;
  const int PH = H + m.pre_pad[0] + m.pre_pad[2], PW = W + m.pre_pad[1] + m.pre_pad[3];
  if (x.size() != size_t(batch) * C * H * W) throw std::runtime_error("device_input: wrong element count");
  std::vector<int64_t> y(size_t(batch) * C * PH * PW, m.pad_value);
  for (int b = 0; b < batch; ++b)
    for (int c = 0; c < C; ++c)
      for (int r = 0; r < H; ++r)
        for (int q = 0; q < W; ++q)
          y[((size_t(b) * C + c) * PH + r + m.pre_pad[0]) * PW + q + m.pre_pad[1]] =
              x[((size_t(b) * C + c) * H + r) * W + q];
  return y;
}

}  // namespace bf::fe
