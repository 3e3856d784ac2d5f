# Strict compile settings shared by every first-party target. Generated protobuf code does not
# link this, so its warnings stay out of ours.
add_library(spanscope_settings INTERFACE)
target_compile_options(spanscope_settings INTERFACE -Wall -Wextra -pedantic)
if(SPANSCOPE_WERROR)
    target_compile_options(spanscope_settings INTERFACE -Werror)
endif()
target_compile_definitions(spanscope_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    SPANSCOPE_VERSION="${PROJECT_VERSION}")

# One test per source file: links the libraries under test, never recompiles their sources.
function(spanscope_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} Qt6::Test spanscope_settings)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" TIMEOUT 300)
endfunction()
