# Reads the named configurations in configs/*.json (the single source of
# truth shared with the C++ side, golden/config.cpp).
#
#   bf_config_read(<name> <prefix>)
#     sets <prefix>_ROWS, _COLS, _WBUF_KB, _IBUF_KB, _OBUF_KB, _DRAM_BITS,
#     _RSP_DEPTH, _DRAM_LATENCY, _FREQ_MHZ in the caller's scope.
#   bf_config_vparams(<name> <outvar> [TOP])
#     sets <outvar> to the Verilator -G arguments of the array
#     (bf_array_top), or with TOP of the whole device (bf_top: + RspDepth).
set(BF_CONFIG_KEYS rows cols wbuf_kb ibuf_kb obuf_kb dram_bits rsp_depth dram_latency freq_mhz)

function(bf_config_read name prefix)
  set(file ${BF_CONFIG_DIR}/${name}.json)
  if(NOT EXISTS ${file})
    message(FATAL_ERROR "bf_config_read: no configuration '${name}' (${file})")
  endif()
  file(READ ${file} json)
  foreach(key ${BF_CONFIG_KEYS})
    string(JSON value ERROR_VARIABLE err GET "${json}" ${key})
    if(err)
      message(FATAL_ERROR "bf_config_read: ${file}: missing key '${key}'")
    endif()
    string(TOUPPER ${key} ukey)
    set(${prefix}_${ukey} ${value} PARENT_SCOPE)
  endforeach()
endfunction()

function(bf_config_vparams name outvar)
  cmake_parse_arguments(P "TOP" "" "" ${ARGN})
  bf_config_read(${name} C)
  set(params
      -GRows=${C_ROWS} -GCols=${C_COLS}
      -GWbufKb=${C_WBUF_KB} -GIbufKb=${C_IBUF_KB} -GObufKb=${C_OBUF_KB}
      -GDramBits=${C_DRAM_BITS})
  if(P_TOP)
    list(APPEND params -GRspDepth=${C_RSP_DEPTH})
  endif()
  set(${outvar} ${params} PARENT_SCOPE)
endfunction()
