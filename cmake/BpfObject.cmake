# BpfObject.cmake: build one BPF object and its libbpf skeleton header.
#
#   whyfail_bpf_object(NAME <name> SOURCE <x.bpf.c> [DEPENDS <headers...>])
#
# compiles <x.bpf.c> with clang -target bpf -g -O2 against a vmlinux.h generated
# from the running kernel's BTF (or WHYFAIL_VMLINUX_H), runs `bpftool gen
# skeleton` on the object, and defines the INTERFACE target <name>_skel whose
# include directory holds <name>.skel.h. Nothing here needs a BPF-capable
# kernel at build time: only its BTF file, and only to generate vmlinux.h.
include_guard(GLOBAL)

find_program(WHYFAIL_BPF_CLANG NAMES clang clang-16 clang-15 clang-14)
find_program(WHYFAIL_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin /usr/local/sbin)
if(NOT WHYFAIL_BPF_CLANG)
  message(FATAL_ERROR "WHYFAIL_BPF: clang not found (scripts/install-deps.sh installs it), "
                      "or configure with -DWHYFAIL_BPF=OFF")
endif()
if(NOT WHYFAIL_BPFTOOL)
  message(FATAL_ERROR "WHYFAIL_BPF: bpftool not found (scripts/install-deps.sh installs it), "
                      "or configure with -DWHYFAIL_BPF=OFF")
endif()

set(WHYFAIL_VMLINUX_H "" CACHE FILEPATH
    "A pre-generated vmlinux.h (default: dumped from /sys/kernel/btf/vmlinux at build time)")
set(WHYFAIL_KERNEL_BTF "/sys/kernel/btf/vmlinux" CACHE FILEPATH "Kernel BTF to generate vmlinux.h from")

set(_bpf_gen_dir ${CMAKE_BINARY_DIR}/bpf_gen)
file(MAKE_DIRECTORY ${_bpf_gen_dir})

if(WHYFAIL_VMLINUX_H)
  if(NOT EXISTS ${WHYFAIL_VMLINUX_H})
    message(FATAL_ERROR "WHYFAIL_VMLINUX_H=${WHYFAIL_VMLINUX_H} does not exist")
  endif()
  configure_file(${WHYFAIL_VMLINUX_H} ${_bpf_gen_dir}/vmlinux.h COPYONLY)
  add_custom_target(whyfail_vmlinux_h)
else()
  if(NOT EXISTS ${WHYFAIL_KERNEL_BTF})
    message(FATAL_ERROR
      "WHYFAIL_BPF: ${WHYFAIL_KERNEL_BTF} is missing, so vmlinux.h cannot be generated. "
      "Build on a kernel with CONFIG_DEBUG_INFO_BTF=y, pass -DWHYFAIL_VMLINUX_H=<file> "
      "(from `bpftool btf dump file <btf> format c`), or configure with -DWHYFAIL_BPF=OFF.")
  endif()
  add_custom_command(
    OUTPUT ${_bpf_gen_dir}/vmlinux.h
    COMMAND ${WHYFAIL_BPFTOOL} btf dump file ${WHYFAIL_KERNEL_BTF} format c > ${_bpf_gen_dir}/vmlinux.h.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${_bpf_gen_dir}/vmlinux.h.tmp ${_bpf_gen_dir}/vmlinux.h
    COMMENT "Generating vmlinux.h from ${WHYFAIL_KERNEL_BTF}"
    VERBATIM)
  add_custom_target(whyfail_vmlinux_h DEPENDS ${_bpf_gen_dir}/vmlinux.h)
endif()

# clang -target bpf does not search the host's system include directories, yet
# libbpf's headers (and asm/ types) live there. Ask clang for its own list and
# pass it back as -idirafter, so vmlinux.h still wins over any uapi header.
execute_process(COMMAND ${WHYFAIL_BPF_CLANG} -v -E -
                INPUT_FILE /dev/null OUTPUT_QUIET ERROR_VARIABLE _clang_v)
set(WHYFAIL_BPF_SYS_INCLUDES "")
string(REGEX MATCH "#include <...> search starts here:\n(.*)End of search list" _m "${_clang_v}")
string(REPLACE "\n" ";" _dirs "${CMAKE_MATCH_1}")
foreach(_d ${_dirs})
  string(STRIP "${_d}" _d)
  if(_d)
    list(APPEND WHYFAIL_BPF_SYS_INCLUDES -idirafter ${_d})
  endif()
endforeach()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(WHYFAIL_BPF_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(WHYFAIL_BPF_ARCH arm64)
else()
  message(FATAL_ERROR "WHYFAIL_BPF: unsupported architecture ${CMAKE_SYSTEM_PROCESSOR}")
endif()

function(whyfail_bpf_object)
  cmake_parse_arguments(ARG "" "NAME;SOURCE" "DEPENDS" ${ARGN})
  get_filename_component(_src ${ARG_SOURCE} ABSOLUTE)
  get_filename_component(_src_dir ${_src} DIRECTORY)
  set(_obj ${_bpf_gen_dir}/${ARG_NAME}.bpf.o)
  set(_skel ${_bpf_gen_dir}/${ARG_NAME}.skel.h)
  set(_deps)
  foreach(_h ${ARG_DEPENDS})
    get_filename_component(_ha ${_h} ABSOLUTE)
    list(APPEND _deps ${_ha})
  endforeach()
  add_custom_command(
    OUTPUT ${_obj}
    COMMAND ${WHYFAIL_BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${WHYFAIL_BPF_ARCH}
            -Wall -Wno-unused-function
            -I${_bpf_gen_dir} -I${_src_dir} ${WHYFAIL_BPF_SYS_INCLUDES}
            -c ${_src} -o ${_obj}
    DEPENDS ${_src} ${_deps} whyfail_vmlinux_h ${_bpf_gen_dir}/vmlinux.h
    COMMENT "BPF object ${ARG_NAME}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${_skel}
    COMMAND ${WHYFAIL_BPFTOOL} gen skeleton ${_obj} name ${ARG_NAME} > ${_skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${_skel}.tmp ${_skel}
    DEPENDS ${_obj}
    COMMENT "BPF skeleton ${ARG_NAME}.skel.h"
    VERBATIM)
  add_custom_target(${ARG_NAME}_skel_gen DEPENDS ${_skel})
  add_library(${ARG_NAME}_skel INTERFACE)
  add_dependencies(${ARG_NAME}_skel ${ARG_NAME}_skel_gen)
  target_include_directories(${ARG_NAME}_skel INTERFACE ${_bpf_gen_dir})
endfunction()
