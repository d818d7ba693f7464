"""Runs the pods of the README's Kubernetes Indexed Job as real OCI containers.

There is no Kubernetes here (no API server, controller or kubelet can be installed from
this machine's registries), so this does what the Job controller and the kubelet would
do with the manifest, and no more: for each completion index K it starts the pod
template's one container with podman (Debian's, runtime runc), from the manifest's
image (built from this tree and tagged with that name, never pulled), with the
manifest's command, args, env and workingDir, the env var the Job controller adds to an
Indexed Job's pods (JOB_COMPLETION_INDEX=K), and the parts volume mounted where the
manifest mounts it (a host folder standing for the claim). At most `parallelism` run at
once. Then the README's merge command runs in one more container mounting the volume.

Usage: run_job.py MANIFEST MERGE_COMMAND PARTS_DIR N M
The manifest's own N and M (10^10 trials, 64 slices) are replaced by the small N and M
given; `completions` must equal the manifest's M, and is replaced by the given M.
"""

import json
import subprocess
import sys

import yaml


def fail(message):
    print(f"kubernetes/run_job.py: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def podman(*args):
    # runc: crun refuses this machine's hybrid cgroups. The limits: the container may
    # not raise its own (no CAP_SYS_RESOURCE here), so they are set low, as a pod's are.
    return [
        "podman", "--runtime", "runc", "run", "--rm", "--pull", "never", "--network", "none",
        "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", *args,
    ]


def main():
    manifest_path, merge_command, parts_dir, n, m = sys.argv[1:]
    with open(manifest_path, encoding="utf-8") as f:
        job = yaml.safe_load(f)
    spec = job["spec"]
    pod = spec["template"]["spec"]
    if job.get("kind") != "Job" or spec.get("completionMode") != "Indexed":
        fail("the manifest is not an Indexed Job")
    if pod.get("restartPolicy") != "Never":
        fail("restartPolicy is not Never: a failed slice would be retried in place")
    (container,) = pod["containers"]
    env = {e["name"]: e["value"] for e in container.get("env", [])}
    if str(spec["completions"]) != env.get("M"):
        fail(f"completions ({spec['completions']}) is not the env's M ({env.get('M')})")
    for word in container.get("command", []) + container.get("args", []):
        # Kubernetes expands $(NAME) in command and args itself, before the shell sees them.
        if "$(" in word:
            fail(f"'$(' in command or args would be expanded by Kubernetes: {word}")
    env.update(N=n, M=m)
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = []
    for mount in container.get("volumeMounts", []):
        if "persistentVolumeClaim" not in volumes[mount["name"]]:
            fail(f"volume {mount['name']} is not a claim")
        mounts += ["-v", f"{parts_dir}:{mount['mountPath']}"]
    base = [*mounts, "-w", container.get("workingDir", "/")]
    for name, value in env.items():
        base += ["-e", f"{name}={value}"]
    image = container["image"]
    run = ["--entrypoint", json.dumps(container["command"]), image, *container.get("args", [])]

    parallelism = min(int(spec.get("parallelism", 1)), int(m))
    waiting = list(range(int(m)))
    running = []
    failed = []
    while running or (waiting and not failed):
        while waiting and not failed and len(running) < parallelism:
            k = waiting.pop(0)
            cmd = podman(*base, "-e", f"JOB_COMPLETION_INDEX={k}", *run)
            running.append((k, subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)))
        k, pod_process = running.pop(0)
        try:
            _, err = pod_process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            pod_process.kill()
            _, err = pod_process.communicate()
            err = "(killed after 120 s)\n" + err
        if pod_process.returncode != 0:
            # No new pod starts; those running are waited for (a failed Job stops too).
            failed.append(f"the pod of index {k} failed ({pod_process.returncode}):\n{err}")
    if failed:
        fail("\n".join(failed))
    print(f"kubernetes/run_job.py: {m} pods of {image} succeeded", file=sys.stderr)

    # The merge, as the README says, from a pod that mounts the claim.
    merge = subprocess.run(
        podman(*base, "--entrypoint", json.dumps(["sh", "-c"]), image, merge_command),
        stderr=subprocess.PIPE, text=True, timeout=120, check=False,
    )
    if merge.returncode != 0:
        fail(f"the merge failed ({merge.returncode}):\n{merge.stderr}")


if __name__ == "__main__":
    main()
