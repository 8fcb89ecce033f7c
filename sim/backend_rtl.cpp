// The RTL backend: placeholder until the Verilated controller exists.
#include "sim/backend.hpp"
#include "sim/commands.hpp"

namespace bf::cli {

LayerRun run_rtl(const CompiledLayer&, const std::vector<int64_t>&, const std::vector<int64_t>&,
                 const std::vector<int64_t>&, const TraceOptions&,
                 const std::function<void(uint64_t)>&) {
  throw UserError("the rtl backend is not available in this build (no Verilated controller); use --backend golden");
}

}  // namespace bf::cli
