# Build settings of the built-in sampler (harness/sampler/), included by the
# top-level CMakeLists.txt. Its sources are already globbed into pbcore; here
# only pylayout.c gets the CPython headers: it is the one translation unit
# that includes them (with Py_BUILD_CORE, for the internal frame and runtime
# structs) and turns them into a table of offsets for the rest of the sampler.
#
# pkg-config's python3 comes first because it names the system interpreter's
# headers (the target pbench is measured with); FindPython3 may prefer a
# pyenv or venv interpreter found earlier on PATH.

set(PB_SAMPLER_PY_INCLUDE_DIRS "")
pkg_check_modules(PB_PYDEV QUIET python3)
if(PB_PYDEV_FOUND)
  set(PB_SAMPLER_PY_INCLUDE_DIRS ${PB_PYDEV_INCLUDE_DIRS})
else()
  find_package(Python3 QUIET COMPONENTS Development)
  if(Python3_Development_FOUND)
    set(PB_SAMPLER_PY_INCLUDE_DIRS ${Python3_INCLUDE_DIRS})
  endif()
endif()

set(PB_SAMPLER_LAYOUT_SRC ${CMAKE_SOURCE_DIR}/harness/sampler/pylayout.c)
if(PB_SAMPLER_PY_INCLUDE_DIRS)
  message(STATUS "pbench sampler: CPython headers in ${PB_SAMPLER_PY_INCLUDE_DIRS}")
  set_source_files_properties(${PB_SAMPLER_LAYOUT_SRC} PROPERTIES
    INCLUDE_DIRECTORIES "${PB_SAMPLER_PY_INCLUDE_DIRS}"
    COMPILE_DEFINITIONS "PB_HAVE_PYTHON_HEADERS;Py_BUILD_CORE")
else()
  message(WARNING "pbench sampler: no CPython development headers found "
                  "(install python3-dev); 'pbench sample' will report that "
                  "it was built without them")
endif()
