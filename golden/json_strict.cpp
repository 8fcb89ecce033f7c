#include "golden/json_strict.hpp"

#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "golden/text.hpp"

namespace bf {

nlohmann::json parse_json_strict(const std::string& text, const std::string& origin) {
  using nlohmann::json;
  std::vector<std::set<std::string>> keys;  // one set per open object
  std::string duplicate;
  auto callback = [&](int, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start: keys.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default: break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, callback);
  } catch (const json::parse_error& e) {
    std::string msg = e.what();
    if (const auto p = msg.find("parse error"); p != std::string::npos) msg = msg.substr(p);
    throw std::runtime_error(printable(origin, 4096) + ": not valid JSON (" + printable(msg, 160) + ")");
  } catch (const json::out_of_range& e) {
    // A number beyond the range of a double (1e400): nlohmann reports it
    // as out_of_range 406, not as a parse error (found by fuzz_config and
    // fuzz_network).
    std::string msg = e.what();
    if (const auto p = msg.find("number overflow"); p != std::string::npos) msg = msg.substr(p);
    throw std::runtime_error(printable(origin, 4096) + ": not valid JSON (" + printable(msg, 160) + ")");
  }
  if (!duplicate.empty())
    throw std::runtime_error(printable(origin, 4096) + ": key " + in_quotes(duplicate) + " appears twice in an object");
  return j;
}

JsonInt json_int(const nlohmann::json& v, int64_t lo, int64_t hi, int64_t& out) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > uint64_t(std::numeric_limits<int64_t>::max()) || int64_t(u) < lo || int64_t(u) > hi)
      return JsonInt::OutOfRange;
    out = int64_t(u);
    return JsonInt::Ok;
  }
  if (v.is_number_integer()) {
    const int64_t s = v.get<int64_t>();
    if (s < lo || s > hi) return JsonInt::OutOfRange;
    out = s;
    return JsonInt::Ok;
  }
  return JsonInt::NotInteger;
}

std::string json_int_error(JsonInt r, const nlohmann::json& v, int64_t lo, int64_t hi, const std::string& what) {
  if (r == JsonInt::NotInteger) return what + " must be an integer, not " + json_brief(v);
  return what + " = " + json_brief(v) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

std::string json_brief(const nlohmann::json& v) {
  return printable(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 40);
}

}  // namespace bf
