# Proves the layer check fails the build on an include in the wrong direction (a ctest, cmake -P).
#   -DLAYERS_FILE= -DROOT= as for check-layers.cmake; -DWORK= a scratch folder
# The tree as it is passes; each copy with one bad include must fail, naming the file and why.
cmake_minimum_required(VERSION 3.25)

function(run_check root expect_ok expect_text)
  execute_process(COMMAND ${CMAKE_COMMAND} -DLAYERS_FILE=${LAYERS_FILE} -DROOT=${root}
                          -P ${CMAKE_CURRENT_LIST_DIR}/check-layers.cmake
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(expect_ok AND NOT rc EQUAL 0)
    message(FATAL_ERROR "the tree as it is fails the layer check:\n${err}")
  endif()
  if(NOT expect_ok)
    if(rc EQUAL 0)
      message(FATAL_ERROR "the layer check passed a tree with a bad include (${expect_text})")
    endif()
    string(FIND "${err}" "${expect_text}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "the layer check failed without saying '${expect_text}':\n${err}")
    endif()
    message(STATUS "refused as expected: ${expect_text}")
  endif()
endfunction()

run_check(${ROOT} TRUE "")

# Each case: the file given a bad first line | that line | what the check must say. The check
# must refuse every one of them.
set(cases
  "lib/sketch/minhash.cpp|#include \"neardup/pipeline.hpp\"|lib/sketch/minhash.cpp:1: includes neardup/pipeline.hpp of layer pipeline, but sketch may use only"
  "lib/text/normalize.cpp|#include \"corpus/posix_file.hpp\"|lib/text/normalize.cpp:1: includes corpus/posix_file.hpp of layer corpus"
  "lib/corpus/split.cpp|#include <neardup/deduplicator.hpp>|includes neardup/deduplicator.hpp of layer match, but corpus may use only"
  "include/neardup/minhash.hpp|#include \"neardup/load.hpp\"|include/neardup/minhash.hpp:1: includes neardup/load.hpp of layer corpus"
  "include/neardup/lsh.hpp|#include \"common/hash_sort.hpp\"|a public header includes common/hash_sort.hpp"
  "lib/match/verify.cpp|#include <unistd.h>|lib/match/verify.cpp:1: includes <unistd.h>, but match is part of neardup_core"
  "lib/sketch/lsh.cpp|#include <simdjson.h>|includes <simdjson.h>, but sketch is part of neardup_core"
  "lib/match/cluster.cpp|#include \"parallel.hpp\"|private headers are named by their layer")
set(copy ${WORK}/tree)
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 file)
  list(GET parts 1 line)
  list(GET parts 2 expect)
  file(REMOVE_RECURSE ${copy})
  file(COPY ${ROOT}/lib ${ROOT}/include DESTINATION ${copy})
  file(READ ${copy}/${file} text)
  file(WRITE ${copy}/${file} "${line}\n${text}")
  run_check(${copy} FALSE "${expect}")
endforeach()
file(REMOVE_RECURSE ${copy})
