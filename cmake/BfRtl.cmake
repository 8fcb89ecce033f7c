# The RTL manifest (rtl/files.json) for the CMake side.
#
#   bf_rtl_files(<outvar> SET [SET ...])
#     sets <outvar> to the absolute paths of the named file sets, in compile
#     order (the package first), resolved by scripts/rtl_files.py: the one
#     resolver the lint, the synthesis flow and the formal scripts use too.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/rtl/files.json)

function(bf_rtl_files outvar)
  execute_process(
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/rtl_files.py --cmake --abs ${ARGN}
    OUTPUT_VARIABLE files ERROR_VARIABLE err RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bf_rtl_files(${ARGN}): ${err}")
  endif()
  set(${outvar} ${files} PARENT_SCOPE)
endfunction()
