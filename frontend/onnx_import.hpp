// ONNX front end: a quantized (QDQ) ONNX graph -> the QNet IR.
//
// Reads opset 13+ QDQ graphs as PyTorch 1.13 exports them, in both forms
// (docs/onnx.md): fake-quant export (float weights -> Clip -> QuantizeLinear
// -> DequantizeLinear; activations Relu -> Clip -> QuantizeLinear ->
// DequantizeLinear) and the eager-mode QAT `convert` export (integer weights
// as Constant nodes -> DequantizeLinear, int32 biases, per-tensor or
// per-output-channel scales). Constant subgraphs are folded.
//
// Every problem (not a protobuf, truncated, unsupported operator or
// attribute, missing initializer, dynamic shape, old opset, unquantized
// conv/fc operand, requantization scale out of range, ...) throws
// std::runtime_error with a one-line message starting with the source name.
#pragma once
#include <string>

#include "frontend/qnet.hpp"

namespace bf::fe {

QNet import_onnx_file(const std::string& path);
// `bytes` is a serialized onnx.ModelProto; `source` names it in messages.
QNet import_onnx_bytes(const std::string& bytes, const std::string& source = "model");

}  // namespace bf::fe
