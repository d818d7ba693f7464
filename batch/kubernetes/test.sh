#!/usr/bin/env bash
# The README's Kubernetes Indexed Job, as far as this machine can run it for real.
#
# Real: the manifest (`<!-- recipe: kubernetes-job -->`, as users copy it) is validated
# against Kubernetes' own API schemas, strictly (no unknown field), for the oldest and
# newest versions the PyPI package kubernetes-validate carries (1.25, 1.37); then the
# Job's pods run as real OCI containers (Debian's podman, runtime runc) from an image
# built here (this tree's herald, a shell, the scenario), one per completion index with
# the manifest's command, args, env and workingDir and JOB_COMPLETION_INDEX as the Job
# controller sets it, the parts volume mounted where the manifest says; the README's
# merge command (`<!-- recipe: kubernetes-merge -->`) runs in one more container, and the
# report must be the whole run's, byte for byte (batch/kubernetes/run_job.py).
# Not real: Kubernetes itself. No API server, Job controller or kubelet installs from
# this machine's registries (Debian has kubectl only; k3s, kind and the release binaries
# come from elsewhere), so run_job.py stands in for the controller and the kubelet.
#
# Installs podman, runc (Debian) and kubernetes-validate (PyPI, in a venv under
# target/) when missing. Usage: bash batch/kubernetes/test.sh
set -euo pipefail
# shellcheck source=batch/lib.sh
source "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || fail "run as root: podman runs rootful containers here"
need podman podman
need runc runc
need strip binutils
venv=$ROOT/target/batch-venv
if ! "$venv/bin/kubernetes-validate" --version >/dev/null 2>&1; then
    say "installing kubernetes-validate into $venv"
    # (Debian's own python3 makes venvs only with python3-venv.)
    python3 -m venv "$venv" 2>/dev/null || { need_package python3-venv && python3 -m venv "$venv"; } ||
        fail "python3 -m venv failed"
    "$venv/bin/pip" install -q kubernetes-validate==1.37.0 || fail "pip install kubernetes-validate failed"
fi
herald_on_path

dir=$(scratch kubernetes)
image=
cleanup() {
    local status=$?
    if [ -n "$image" ]; then podman rmi -f "$image" >/dev/null 2>&1 || true; fi
    keep_on_failure "$status" "$dir"
}
trap cleanup EXIT

recipe kubernetes-job >"$dir/job.yaml"
for version in 1.25.0 1.37.0; do
    "$venv/bin/kubernetes-validate" --strict --quiet -k "$version" "$dir/job.yaml" ||
        fail "the README's Job does not validate against Kubernetes $version's schema"
done
say "the README's Job validates against Kubernetes 1.25 and 1.37 (strict)"

# The image the manifest names: /bin/sh, herald and their libraries, the scenario at the
# path the manifest's FILE gives, an empty /parts. Imported under the manifest's name.
image=$("$venv/bin/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]["image"])' "$dir/job.yaml")
scenario=$("$venv/bin/python" -c 'import sys, yaml; c = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]; print({e["name"]: e["value"] for e in c["env"]}["FILE"])' "$dir/job.yaml")
rootfs=$dir/image
mkdir -p "$rootfs/bin" "$rootfs/parts" "$rootfs$(dirname "$scenario")"
cp "$ROOT/$FILE" "$rootfs$scenario"
cp /bin/dash "$rootfs/bin/sh"
strip -o "$rootfs/bin/herald" "$HERALD_BIN_DIR/herald"
for lib in $({ ldd /bin/dash; ldd "$HERALD_BIN_DIR/herald"; } | grep -o '/[^ ]*' | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
done
tar -C "$rootfs" -c . | podman import -q --change 'ENV PATH=/bin' - "$image" >/dev/null ||
    fail "podman import failed"

mkdir -p "$dir/parts"
merge=$(recipe kubernetes-merge)
say "running the Job's $M pods (N=$N) and the merge in containers of $image"
timeout 600 "$venv/bin/python" "$ROOT/batch/kubernetes/run_job.py" "$dir/job.yaml" "$merge" "$dir/parts" "$N" "$M" ||
    fail "the README's Indexed Job did not run (or took more than 600 s)"
compare_with_whole_run "$dir/parts" "$dir/image$scenario"
