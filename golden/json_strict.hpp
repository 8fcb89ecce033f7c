// Strict JSON for the project's input files (configurations, networks):
// one value and nothing after it, no key twice in an object, integers
// range-checked without truncation. Messages are one line.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace bf {

// Parses `text`; throws std::runtime_error("<origin>: not valid JSON (...)")
// with the line and column, or "<origin>: key 'k' appears twice".
nlohmann::json parse_json_strict(const std::string& text, const std::string& origin);

// `v` as an integer in [lo, hi], however many digits it has (nothing is
// truncated to 32 or 64 bits first).
enum class JsonInt { Ok, NotInteger, OutOfRange };
JsonInt json_int(const nlohmann::json& v, int64_t lo, int64_t hi, int64_t& out);
// "<what> must be an integer, not <v>" / "<what> = <v> is outside [lo, hi]".
std::string json_int_error(JsonInt r, const nlohmann::json& v, int64_t lo, int64_t hi, const std::string& what);

// A JSON value as short one-line text for messages.
std::string json_brief(const nlohmann::json& v);

}  // namespace bf
