#include "golden/compiler/space.hpp"

#include <algorithm>

namespace bf::compiler {

std::vector<int> tile_sizes(int d, int forced, const char* what, const LayerDesc& l) {
  if (forced) {
    if (forced < 1 || forced > d)
      layer_error(l, std::string("forced ") + what + " " + std::to_string(forced) + " is outside [1, " +
                         std::to_string(d) + "]");
    return {forced};
  }
  std::vector<int> v;
  for (int k = 1; k <= d; ++k) {
    const int t = cdiv(d, k);
    if (v.empty() || v.back() != t) v.push_back(t);
  }
  for (int t = 1; t <= d; t = t < 64 ? t + 1 : 2 * t) v.push_back(t);
  std::sort(v.rbegin(), v.rend());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<std::string> loop_orders(const Tiling& t, const CompileOptions& opt) {
  std::string present;
  for (char ch : std::string("bhwo"))
    if ((ch == 'b' && t.nb > 1) || (ch == 'h' && t.nh > 1) || (ch == 'w' && t.nw > 1) || (ch == 'o' && t.no > 1))
      present += ch;
  std::vector<std::string> orders;
  if (!opt.order.empty()) {
    std::string o;
    for (char ch : opt.order)
      if (present.find(ch) != std::string::npos) o += ch;
    std::string so = o, sp = present;
    std::sort(so.begin(), so.end()), std::sort(sp.begin(), sp.end());
    if (so == sp) orders.push_back(o);  // else the forced order does not name these loops
    return orders;
  }
  std::sort(present.begin(), present.end());
  orders.reserve(24);
  do orders.push_back(present);
  while (std::next_permutation(present.begin(), present.end()));
  return orders;
}

}  // namespace bf::compiler
