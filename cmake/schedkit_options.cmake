# Compile options shared by every schedkit target.
add_library(schedkit_options INTERFACE)
target_compile_options(schedkit_options INTERFACE -Wall -Wextra)
if(SCHEDKIT_WERROR)
  target_compile_options(schedkit_options INTERFACE -Werror)
endif()
if(SCHEDKIT_SANITIZE)
  target_compile_options(schedkit_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                    -fno-sanitize-recover=all)
  target_link_options(schedkit_options INTERFACE -fsanitize=address,undefined)
endif()

# schedkit_module(NAME [WHOLE_ARCHIVE] [DEPS ...]): a library schedkit_NAME from every .cpp in src/NAME.
# WHOLE_ARCHIVE: for modules whose files register themselves with static objects that nothing references (the
# serving policies). The archive is schedkit_NAME_archive and schedkit_NAME links all of it into every
# executable that uses it, however indirectly; a plain static library would let the linker drop those files.
function(schedkit_module name)
  cmake_parse_arguments(ARG "WHOLE_ARCHIVE" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  set(lib schedkit_${name})
  if(ARG_WHOLE_ARCHIVE)
    set(lib schedkit_${name}_archive)
    add_library(schedkit_${name} INTERFACE)
    target_link_libraries(schedkit_${name} INTERFACE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${lib}>")
  endif()
  add_library(${lib} STATIC ${sources})
  target_include_directories(${lib} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${lib} PUBLIC schedkit_options ${ARG_DEPS})
  set_target_properties(${lib} PROPERTIES UNITY_BUILD ${SCHEDKIT_UNITY} UNITY_BUILD_BATCH_SIZE 8)
endfunction()

# schedkit_tests(NAME [DEPS ...]): one GoogleTest binary NAME_tests from every .cpp in tests/NAME.
function(schedkit_tests name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  add_executable(${name}_tests ${sources})
  target_link_libraries(${name}_tests PRIVATE ${ARG_DEPS} GTest::gtest_main schedkit_options)
  target_include_directories(${name}_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests)  # tests/common/*.h
  # GoogleTest's header is in every test file: compile it once per binary.
  target_precompile_headers(${name}_tests PRIVATE <gtest/gtest.h>)
  target_compile_definitions(${name}_tests PRIVATE SCHEDKIT_SHARED_DIR="${SCHEDKIT_SHARED_DIR}"
                                                   SCHEDKIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT
                       "SCHEDKIT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# schedkit_bench(NAME [DEPS ...]): one Google Benchmark binary (or bench program) bench_<stem> per .cpp in bench/NAME.
function(schedkit_bench name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  foreach(src ${sources})
    get_filename_component(stem ${src} NAME_WE)
    string(REGEX REPLACE "^bench_" "" stem ${stem})  # bench_foo.cpp and foo.cpp both give bench_foo
    add_executable(bench_${stem} ${src})
    target_link_libraries(bench_${stem} PRIVATE ${ARG_DEPS} benchmark::benchmark schedkit_options)
    target_compile_definitions(bench_${stem} PRIVATE SCHEDKIT_SHARED_DIR="${SCHEDKIT_SHARED_DIR}"
                                                     SCHEDKIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  endforeach()
endfunction()
