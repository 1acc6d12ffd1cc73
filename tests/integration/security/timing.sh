# M2 (security review, December 2026): an unknown user must cost what a wrong password costs, in
# fresh processes (su, each sshd connection, each fork helper) and warm, for the scheme and cost
# the stored rows use, not only the configured new-password scheme.
# Medians of one-shot pmn_pam_host runs, the two kinds interleaved (and alternating which goes
# first) so that drift on a shared machine cancels; then the host's warm `timing N` mode. The CPU
# time of the host is compared (the work a login does); wall time is printed beside it.

# timing_fresh LABEL SERVICE KNOWN_USER N: N one-shot pmn_pam_host runs of each kind, interleaved
# (alternating which goes first); the medians of the host process's CPU time (user + sys, from
# its rusage) must be within 10 %: that is the work a login does, which the dummy hash equalises.
# Wall time is reported next to it, not asserted: on a shared 2-core box it swings with whatever
# else runs, by more than the 10 % (and the same holds for the warm rounds below).
timing_fresh() {
  local label=$1 svc=$2 known=$3 n=$4 out wrong_wall=0 wrong_cpu=0 unknown_wall=0 unknown_cpu=0
  check "$label: codes (wrong password, unknown user)" "$PAM_AUTH_ERR $PAM_USER_UNKNOWN" \
    "$(rc "$svc" "$known" wrong-password) $(rc "$svc" nobody-here@example.test wrong-password)"
  out=$(python3 - "$HOST" "$WORK/pam.d" "$svc" "$known" nobody-here@example.test "$n" <<'PY'
import resource, statistics, subprocess, sys, time
host, confdir, svc, known, unknown, n = sys.argv[1:7]
res = {"wrong": ([], []), "unknown": ([], [])}
def one(kind, user):
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    subprocess.run([host, confdir, svc, user, "wrong-password", "-1", "auth"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1, r1 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    res[kind][0].append((t1 - t0) * 1e6)
    res[kind][1].append((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1e6)
for i in range(int(n)):
    order = [("wrong", known), ("unknown", unknown)]
    for kind, user in (order if i % 2 == 0 else order[::-1]):
        one(kind, user)
print(" ".join(f"{k}_{m}={statistics.median(res[k][j]):.0f}" for k in ("wrong", "unknown") for j, m in enumerate(("wall", "cpu"))))
PY
)
  eval "$out" 2>/dev/null || { check "$label: fresh-process measurement ran" ok "${out:-no output}"; return; }
  check_note "$label: fresh-process medians over $n runs each: CPU ${wrong_cpu} vs ${unknown_cpu} us, wall ${wrong_wall} vs ${unknown_wall} us (wrong password vs unknown user)"
  check_true "$label: fresh process, unknown user's CPU time within 10 % of a wrong password's (${wrong_cpu} vs ${unknown_cpu} us)" \
    within10 "$wrong_cpu" "$unknown_cpu"
}
within10() { awk -v w="$1" -v u="$2" 'BEGIN { d = u - w; if (d < 0) d = -d; exit !(w > 0 && d <= 0.10 * w) }'; }

# timing_warm LABEL SERVICE KNOWN_USER N: the same in one process (pmn_pam_host timing N, the two
# kinds alternating which goes first), the host's CPU time per login.
timing_warm() {
  local label=$1 svc=$2 known=$3 n=$4 out mw mu cw cu
  out=$(PMN_OTHER_USER=nobody-here@example.test "$HOST" "$WORK/pam.d" "$svc" "$known" wrong-password -1 timing "$n" 2>&1)
  field() { sed -n "s/^$1=\([0-9]*\).*/\1/p" <<<"$out"; }
  mw=$(field wrong_password_median_us) mu=$(field unknown_user_median_us)
  cw=$(field wrong_password_cpu_median_us) cu=$(field unknown_user_cpu_median_us)
  check_note "$label: warm medians over $n rounds: CPU ${cw:-?} vs ${cu:-?} us, wall ${mw:-?} vs ${mu:-?} us (wrong password vs unknown user)"
  check_true "$label: warm, unknown user's CPU time within 10 % of a wrong password's (${cw:-?} vs ${cu:-?} us)" \
    within10 "${cw:-0}" "${cu:-0}"
}

security_timing() {
  # throttle=off: the warm runs fail up to 200 times per name in one process, past the throttle's
  # 20, and a throttled answer (no query, no hash) is not the path whose timing is compared.
  local SEED="$SEED throttle=off"
  # md5crypt rows (the frame's alice, made by openssl passwd -1), crypt=1 md5=1.
  service timing-md5 "$SEED"
  timing_fresh "md5crypt rows" timing-md5 alice@example.test 15
  timing_warm "md5crypt rows" timing-md5 alice@example.test 200

  # bcrypt-10 rows (mkpasswd, an independent tool) in their own table, crypt=1 without blowfish
  # or md5: new passwords would be sha512crypt (5000 rounds, ~20x cheaper than bcrypt-10), which
  # the dummy followed before.
  mdb_sql "CREATE TABLE postfix.bcryptbox LIKE postfix.mailbox"
  on_exit mdb_sql "DROP TABLE IF EXISTS postfix.bcryptbox"
  local u h
  for u in bob@example.test carol@example.test; do
    h=$(printf '%s\n' 'B0b-pass!' | mkpasswd -m bcrypt -R 10 -s)
    mdb_sql "INSERT INTO postfix.bcryptbox (username, password, local_part, domain) VALUES ('$u', '$h', '${u%%@*}', 'example.test')"
  done
  local args=${SEED/ md5=1/}
  service timing-bcrypt "${args/table=mailbox/table=bcryptbox}"
  timing_fresh "bcrypt-10 rows, crypt=1 (new passwords sha512crypt)" timing-bcrypt bob@example.test 9
  timing_warm "bcrypt-10 rows, crypt=1 (new passwords sha512crypt)" timing-bcrypt bob@example.test 9
}
