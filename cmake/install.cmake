# Installed, relocatable CMake package (neardup::neardup) and pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS neardup EXPORT neardupTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/neardup DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_BINARY_DIR}/include/neardup/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/neardup)

set(NEARDUP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/neardup)
install(EXPORT neardupTargets NAMESPACE neardup:: DESTINATION ${NEARDUP_CMAKE_DIR})
configure_package_config_file(cmake/neardupConfig.cmake.in
  ${PROJECT_BINARY_DIR}/neardupConfig.cmake INSTALL_DESTINATION ${NEARDUP_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/neardupConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/neardupConfig.cmake ${PROJECT_BINARY_DIR}/neardupConfigVersion.cmake
        DESTINATION ${NEARDUP_CMAKE_DIR})

# The .pc file finds its prefix relative to itself, so the installed tree can move.
file(RELATIVE_PATH NEARDUP_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" NEARDUP_PC_TO_PREFIX "${NEARDUP_PC_TO_PREFIX}")
configure_file(cmake/neardup.pc.in ${PROJECT_BINARY_DIR}/neardup.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/neardup.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
