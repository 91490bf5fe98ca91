# lab-capture.sh, sourced by the lab's checking scripts:
#   lab_capture NAME OUT [run-lab.sh arguments...]
# runs run-lab.sh with its console in the file OUT and prints it; exits 77
# (ctest SKIP) when the lab cannot run here, 1 when the guest command failed.
lab_capture() {
  _name=$1 _out=$2
  shift 2
  _rc=0
  "$(dirname "$0")/run-lab.sh" "$@" >"$_out" 2>&1 || _rc=$?
  cat "$_out"
  [ "$_rc" != 77 ] || exit 77
  [ "$_rc" = 0 ] || { echo "$_name: the lab run failed ($_rc)" >&2; exit 1; }
}
