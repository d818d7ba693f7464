#!/usr/bin/env bash
# Runs the README's "GNU parallel, several hosts" recipe as written, with this machine
# (`:`) and two real ssh hosts, `host1` and `host2`, built here: each is a network
# namespace with its own address (a veth pair to this machine), its own sshd (Debian's
# openssh-server, with a throwaway host key) and its own home folder (`/root`, bind-
# mounted in the host's mount namespace) holding its own `bin/herald` on the PATH its
# sshd gives. The client reaches them through an ssh config written here (Host aliases,
# a throwaway key, the hosts' keys pinned), given to GNU parallel as
# `PARALLEL_SSH="ssh -F CONFIG"`, as a user would. The merged report must be the whole
# run's, byte for byte.
#
# Installs Debian's openssh-server, openssh-client, rsync (for parallel's
# --transferfile/--return) and parallel when missing; needs root (namespaces, sshd).
# Every wait is bounded; the namespaces, links and daemons are removed on exit.
# Addresses: 198.18.K.0/30 (RFC 2544's range for test networks), only inside the
# namespaces made here. Usage: bash batch/hosts/test.sh
set -euo pipefail
# shellcheck source=batch/lib.sh
source "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || fail "run as root: network namespaces and sshd need it"
need ip iproute2
need sshd openssh-server
need ssh openssh-client
need rsync rsync
if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    command -v parallel >/dev/null && fail "\`parallel\` is not GNU parallel (moreutils?): apt-get install parallel"
    need parallel parallel
fi
herald_on_path

dir=$(scratch hosts)
net=$dir/net
mkdir -p "$net"
hosts=(host1 host2)
tag=h$$ # unique names for this run's namespaces and links
pids=()
made_ns=()
cleanup() {
    local status=$?
    stop_pids "${pids[@]}"
    # Deleting a namespace deletes its end of the veth pair, and so the pair.
    for ns in "${made_ns[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    keep_on_failure "$status" "$dir" "$net"/*.log
}
trap cleanup EXIT

# The client's throwaway key; sshd's privilege separation folder.
ssh-keygen -q -t ed25519 -N '' -C herald-batch-test -f "$net/id"
mkdir -p /run/sshd
: >"$net/known_hosts"
cat >"$net/ssh_config" <<EOF
Host *
    User root
    IdentityFile $net/id
    IdentitiesOnly yes
    UserKnownHostsFile $net/known_hosts
    StrictHostKeyChecking yes
    BatchMode yes
    ConnectTimeout 5
    ServerAliveInterval 5
    ServerAliveCountMax 3
EOF

i=0
for host in "${hosts[@]}"; do
    i=$((i + 1))
    ns=$tag-$host
    here=198.18.$i.1 there=198.18.$i.2
    ip netns add "$ns" || fail "ip netns add failed: network namespaces are not permitted here"
    made_ns+=("$ns")
    ip link add "$tag-$i" type veth peer name eth0 netns "$ns"
    ip addr add "$here/30" dev "$tag-$i"
    ip link set "$tag-$i" up
    ip -n "$ns" addr add "$there/30" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up

    # The host's own home (its /root): herald on its PATH, its authorized key.
    home=$net/$host
    mkdir -p "$home/bin" "$home/.ssh"
    ln -s "$HERALD_BIN_DIR/herald" "$home/bin/herald"
    cp "$net/id.pub" "$home/.ssh/authorized_keys"
    chmod 700 "$home" "$home/.ssh"
    ssh-keygen -q -t ed25519 -N '' -C "$host" -f "$net/$host-key"
    echo "$host,$there $(cut -d' ' -f1,2 "$net/$host-key.pub")" >>"$net/known_hosts"
    cat >"$net/$host-sshd_config" <<EOF
ListenAddress $there
HostKey $net/$host-key
PidFile $net/$host-sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
SetEnv PATH=/root/bin:/usr/local/bin:/usr/bin:/bin
Subsystem sftp internal-sftp
EOF
    printf 'Host %s\n    HostName %s\n' "$host" "$there" >>"$net/ssh_config"
    # `ip netns exec` gives the command a mount namespace of its own, where the host's
    # home is bind-mounted on /root; sshd then runs in the foreground, logging to a file.
    # shellcheck disable=SC2016 # the inner shell's arguments
    ip netns exec "$ns" sh -c 'mount --bind "$1" /root && exec /usr/sbin/sshd -D -e -f "$2"' \
        sh "$home" "$net/$host-sshd_config" >"$net/$host-sshd.log" 2>&1 &
    pids+=($!)
done
export PARALLEL_SSH="ssh -F $net/ssh_config"
ssh=(ssh -F "$net/ssh_config")
for host in "${hosts[@]}"; do
    wait_for 30 "sshd on $host" "${ssh[@]}" "$host" true
    # Each host is its own: its address, its home, its herald.
    # shellcheck disable=SC2016 # expanded on the host
    seen=$("${ssh[@]}" "$host" 'echo "$SSH_CONNECTION" | cut -d" " -f3; ls ~; command -v herald')
    say "$host: ${seen//$'\n'/ }"
done

recipe=$(recipe gnu-parallel-hosts)
say "running the README's several-hosts recipe with FILE=$FILE N=$N M=$M on :,${hosts[*]}"
(cd "$dir" && PARALLEL="--joblog $net/joblog" timeout 300 bash -euo pipefail -c "$recipe" >&2) ||
    fail "the README's several-hosts recipe failed (or took more than 300 s)"
# --cleanup: nothing is left on the hosts but what was there.
for host in "${hosts[@]}"; do
    left=$(find "$net/$host" -mindepth 1 -maxdepth 1 ! -name bin ! -name .ssh ! -name .parallel -printf '%f ')
    [ -z "$left" ] || fail "the recipe left files on $host: $left"
done
# Every host ran slices: parallel's job log (asked for through $PARALLEL, which GNU
# parallel reads as options, so the recipe is unchanged) names the host of each job.
for host in : "${hosts[@]}"; do
    awk -F'\t' -v h="$host" 'NR > 1 && $2 == h && $7 == 0 { found = 1 } END { exit !found }' "$net/joblog" ||
        fail "no slice ran on $host (parallel's job log: $net/joblog)"
done
compare_with_whole_run "$dir"
