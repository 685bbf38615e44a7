# Warnings, -Werror and sanitizers for neardup's own targets only, never for consumers
# or for dependencies.
function(neardup_developer_options target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wno-sign-conversion)
    if(NEARDUP_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(NEARDUP_SANITIZE)
      target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                               -fno-sanitize-recover=undefined)
      target_link_options(${target} PUBLIC -fsanitize=address,undefined)
    endif()
    if(NEARDUP_SANITIZE_THREAD)
      target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
      target_link_options(${target} PUBLIC -fsanitize=thread)
    endif()
  endif()
endfunction()
