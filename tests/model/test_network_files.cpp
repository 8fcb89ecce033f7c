// Network files (model/network.cpp) against the defects found by fuzzing
// and probing: integers beyond 32 bits, flattening overflow, trailing
// garbage, repeated keys, wrong types, long or binary names. Every error is
// one line naming the file.
#include <gtest/gtest.h>

#include <string>

#include "model/network.hpp"

using bf::model::parse_network;

namespace {

const std::string kIn = R"("input": {"channels": 1, "height": 8, "width": 8})";

std::string error_of(const std::string& text) {
  try {
    parse_network(text, "n.json");
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_EQ(m.rfind("network file 'n.json': ", 0), 0u) << m;
    EXPECT_LT(m.size(), 300u) << m;
    return m;
  }
  return "(no error)";
}

std::string fc_net(const std::string& input) {
  return "{" + input + R"(, "layers": [{"name": "f", "type": "fc", "out_features": 2, "act_bits": 2, "wgt_bits": 2}]})";
}

bool has(const std::string& m, const std::string& n) { return m.find(n) != std::string::npos; }

}  // namespace

// Defect: an fc input of 65537x65536 became 65536 in `perf` (the flattened
// size was truncated to int); 64-bit values were read through long long and
// wrapped.
TEST(NetworkFiles, SizesAreRangeCheckedWithoutTruncation) {
  EXPECT_TRUE(has(error_of(fc_net(R"("input": {"channels": 1, "height": 65537, "width": 65536})")),
                  "input: 'height' = 65537 is outside [1, 65536]"));
  EXPECT_TRUE(has(error_of(fc_net(R"("input": {"channels": 65536, "height": 65536, "width": 2})")),
                  "flattens to 8589934592 features, more than 16777216"));
  EXPECT_TRUE(has(error_of(fc_net(R"("input": {"channels": 4294967297, "height": 1, "width": 1})")),
                  "'channels' = 4294967297 is outside"));
  EXPECT_TRUE(has(error_of(fc_net(R"("input": {"channels": 18446744073709551615, "height": 1, "width": 1})")),
                  "'channels' = 18446744073709551615 is outside"));
  EXPECT_TRUE(has(error_of(fc_net(R"("input": {"channels": 1.5, "height": 1, "width": 1})")),
                  "'channels' must be an integer, not 1.5"));
  EXPECT_TRUE(has(error_of("{" + kIn + R"(, "layers": [{"name": "c", "type": "conv", "out_channels": 4, "kernel": 3,
      "padding": 18446744073709551615, "act_bits": 2, "wgt_bits": 2}]})"),
                  "'padding' must be"));
  // Conv layers so large their MACs per image would overflow 64 bits.
  EXPECT_TRUE(has(error_of(R"({"input": {"channels": 16777216, "height": 65536, "width": 65536}, "layers": [
      {"name": "c", "type": "conv", "out_channels": 1048576, "kernel": 64, "act_bits": 2, "wgt_bits": 2}]})"),
                  "multiply-accumulates per image"));
  // Concatenations beyond the channel limit.
  std::string inputs;
  for (int i = 0; i < 3; ++i) inputs += std::string(i ? "," : "") + "\"input\"";
  EXPECT_TRUE(has(error_of(R"({"input": {"channels": 16777216, "height": 1, "width": 1}, "layers": [
      {"name": "c", "type": "concat", "inputs": [)" +
                           inputs + "]}]}"),
                  "more than 16777216 channels"));
}

// Defects: text after the JSON was ignored (configuration files), a key
// given twice kept its last value, a number where a string belongs gave
// nlohmann's type_error text.
TEST(NetworkFiles, TheJsonIsStrict) {
  EXPECT_TRUE(has(error_of(fc_net(kIn) + " trailing"), "not valid JSON"));
  EXPECT_TRUE(has(error_of("{" + kIn + ", " + kIn + R"(, "layers": []})"), "key 'input' appears twice"));
  EXPECT_TRUE(has(error_of("{" + kIn + R"(, "name": 5, "layers": []})"), "'name' must be a string, not 5"));
  EXPECT_TRUE(has(error_of("{" + kIn + R"(, "layers": [{"name": 7}]})"), "'name' must be a string, not 7"));
  EXPECT_TRUE(has(error_of("{" + kIn + R"(, "layers": [{"name": "a\nb", "type": "fc"}]})"), "invalid layer name"));
  EXPECT_TRUE(has(error_of("{" + kIn + R"(, "layers": [{"name": ")" + std::string(5000, 'x') + R"(", "type": "fc"}]})"),
                  "invalid layer name"));
  EXPECT_TRUE(has(error_of("{" + kIn + R"(, "layers": [{"name": "c", "type": ")" + std::string(5000, 'y') + R"("}]})"),
                  "unknown type 'yyyy"));
  EXPECT_TRUE(has(error_of(std::string("{\"input\": ") + std::string(3000, '[')), "not valid JSON"));
  // Defect (fuzz_network): a number beyond a double's range (1e400) gave
  // nlohmann's out_of_range text instead of a one-line JSON error.
  EXPECT_TRUE(has(error_of(R"({"input": {"channels": 1, "height": 1e400, "width": 1}, "layers": []})"),
                  "not valid JSON (number overflow"));
}
