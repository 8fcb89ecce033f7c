#include "model/roofline.hpp"

#include "golden/precision.hpp"

namespace bf::model {

namespace {
Roofline make(const Design& d, double macs, int act_bits, int wgt_bits, int64_t bits) {
  Roofline r;
  r.compute_cycles = macs / d.peak_macs(act_bits, wgt_bits);
  r.compulsory_bits = bits;
  r.dram_cycles = double(bits) / d.dram_bits;
  return r;
}
}  // namespace

Roofline paper_roofline(const Design& d, const Layer& l, int batch) {
  const int64_t in = int64_t(batch) * l.in.size();
  const int64_t out = int64_t(batch) * (l.type == LayerType::Fc ? l.out_features : l.out.size());
  const int64_t wgt =
      l.type == LayerType::Fc ? int64_t(l.in.size()) * l.out_features : int64_t(l.out.c) * l.in.c * l.kernel * l.kernel;
  const int64_t bits = in * d.act_store_bits(l.act_bits) + wgt * d.wgt_store_bits(l.wgt_bits) + out * 32;
  return make(d, double(l.macs()) * batch, l.act_bits, l.wgt_bits, bits);
}

Roofline rtl_roofline(const Design& d, const LayerDesc& l) {
  const int64_t in = int64_t(l.batch) * l.in_c * l.in_h * l.in_w;
  const int64_t out = int64_t(l.batch) * l.out_c * l.out_h() * l.out_w();
  const int64_t wgt = int64_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w;
  const int out_bits = l.out_bits ? hw_bits(l.out_bits) : 32;
  int64_t bits = in * hw_bits(l.act.bits) + wgt * hw_bits(l.wgt.bits) + out * out_bits;
  if (l.bias) bits += int64_t(l.out_c) * 32;
  if (l.channel_requant) bits += int64_t(l.out_c) * 32;
  return make(d, double(l.macs()), l.act.bits, l.wgt.bits, bits);
}

}  // namespace bf::model
