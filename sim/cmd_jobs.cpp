// `bitfusion collect DIR`: merges the results of a run handed to the job
// runner (sim/jobs.hpp), typically a `--slurm --no-wait` submission, into
// the table and files a waiting run would have produced. The work
// directory's manifest says what kind of run it was.
//
// `bitfusion _job DIR INDEX` (hidden): what a Slurm array task runs.
#include <filesystem>
#include <memory>
#include <string>

#include "sim/commands.hpp"
#include "sim/jobs.hpp"

namespace bf::cli {
namespace {

namespace fs = std::filesystem;

struct CollectOptions {
  std::string dir;
  bool wait = false;
  double timeout = 6 * 3600;
};

void collect(const CollectOptions& o) {
  // DIR may be the work directory or the output folder holding jobs/.
  std::string dir = o.dir;
  if (!fs::exists(fs::path(dir) / "manifest.json") && fs::exists(fs::path(dir) / "jobs" / "manifest.json"))
    dir = (fs::path(dir) / "jobs").string();
  jobs::Outcome out;
  try {
    out = jobs::collect(dir, o.wait, o.timeout);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  const jobs::Merger* m = jobs::find_merger(out.kind);
  if (!m) throw UserError("'" + dir + "': runs of kind '" + out.kind + "' cannot be collected by this program");
  (*m)(out);
}

const CommandRegistrar reg(51, [](CLI::App& app) {
  auto o = std::make_shared<CollectOptions>();
  auto* s =
      app.add_subcommand("collect", "Merge the results of a `--slurm --no-wait` run (sweep) from its work directory");
  s->add_option("dir", o->dir, "Work directory (or the output folder holding jobs/)")->required();
  s->add_flag("--wait", o->wait,
              "Wait until every task has ended (default: merge what is there, fail if the job still runs)");
  s->add_option("--timeout", o->timeout, "--wait: seconds")->capture_default_str()->check(CLI::PositiveNumber);
  s->callback([o] { collect(*o); });

  auto dir = std::make_shared<std::string>();
  auto index = std::make_shared<size_t>(0);
  auto* j = app.add_subcommand("_job", "Run task INDEX of the work directory DIR (a Slurm array task)");
  j->group("");  // hidden
  j->add_option("dir", *dir)->required();
  j->add_option("index", *index)->required();
  j->callback([dir, index] {
    int rc = 0;
    try {
      rc = jobs::run_one(*dir, *index);
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
    if (rc) throw CLI::RuntimeError(rc);
  });
});

}  // namespace
}  // namespace bf::cli
