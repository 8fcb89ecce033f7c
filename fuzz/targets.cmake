# The fuzz targets (fuzz/fuzz_<name>.cpp, corpus in fuzz/corpus/<name>/) and
# the parser sources they test. Read by fuzz/CMakeLists.txt (the libFuzzer
# binaries) and tests/fuzz/CMakeLists.txt (corpus replay, CTest runs).
# onnx: the importer (frontend/), its IR printing and the integer reference;
# the fuzz binaries and the replay test also link onnx_proto and protobuf.
set(BF_FUZZ_TARGETS npy asm disasm network config onnx)
set(BF_FUZZ_PARSER_SOURCES
  ${CMAKE_SOURCE_DIR}/golden/npy.cpp
  ${CMAKE_SOURCE_DIR}/golden/file_io.cpp
  ${CMAKE_SOURCE_DIR}/golden/json_strict.cpp
  ${CMAKE_SOURCE_DIR}/golden/isa.cpp
  ${CMAKE_SOURCE_DIR}/golden/config.cpp
  ${CMAKE_SOURCE_DIR}/model/network.cpp
  ${CMAKE_SOURCE_DIR}/frontend/onnx_import.cpp
  ${CMAKE_SOURCE_DIR}/frontend/qnet.cpp
  ${CMAKE_SOURCE_DIR}/frontend/qnet_ref.cpp
)
