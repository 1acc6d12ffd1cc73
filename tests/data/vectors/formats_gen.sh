#!/usr/bin/env bash
# Writes tests/data/vectors/formats.tsv: the formats of issue 14 (Dovecot 2.4's {ARGON2}, the
# .B64/.HEX encodings, yescrypt with p/t parameters, every format PostfixAdmin 3.x/4.x stores,
# $6$$ from mysql_encrypt), each made by an independent tool and re-checked by another where one
# reads it. Nothing here is computed by project code. Run as root on Debian 12 (a throwaway
# MariaDB is started for ENCRYPT()):
#   bash tests/data/vectors/formats_gen.sh > tests/data/vectors/formats.tsv
# Columns as in README.md; "$PW" in `generator` stands for the password bytes.
set -eu
export LC_ALL=C.UTF-8
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
WORK=$(mktemp -d /tmp/pmn-formats-gen.XXXXXX)
source "$REPO/tests/lib/mariadb.sh"
trap 'mdb_stop; rm -rf "$WORK"' EXIT
mdb_start "$WORK/db" >/dev/null || { echo "MariaDB did not start" >&2; exit 1; }

PY=/usr/bin/python3   # Debian's, for libxcrypt through ctypes
N=0
row() { # row SCHEME PASSWORD HASH GENERATOR CHECKED_BY LABEL NOTE
  N=$((N + 1))
  printf 'f%04d\t%s\t%s\t%s\tmatch\t%s\t%s\t%s\t%s\n' "$N" "$1" "$(printf '%s' "$2" | base64 -w0)" "$3" "$4" "$5" "$6" "$7"
}
# dovecheck HASH PW: Dovecot 2.3.19 verifies it (doveadm pw -t), or the script stops.
dovecheck() { doveadm pw -t "$1" -p "$2" 2>&1 | grep -q '(verified)$' || { echo "doveadm rejects $1" >&2; exit 1; }; }
# phpcheck HASH PW: PHP's password_verify (libxcrypt, libargon2) accepts it.
phpcheck() {
  [ "$(printf '%s\n%s' "$1" "$(printf '%s' "$2" | base64 -w0)" | php -r '$a = explode("\n", file_get_contents("php://stdin"), 2);
    echo password_verify(base64_decode($a[1]), $a[0]) ? "yes" : "no";')" = yes ] || { echo "php rejects $1" >&2; exit 1; }
}
# perlcheck HASH PW: perl's crypt() gives HASH back (the system's libxcrypt: PHP 8.2 has its own
# crypt without yescrypt, and libxcrypt is the only yescrypt here, so this re-check is not independent).
perlcheck() { [ "$(printf '%s' "$2" | perl -e 'local $/; my $p = <STDIN>; print crypt($p, $ARGV[0])' "$1")" = "$1" ] || { echo "crypt() rejects $1" >&2; exit 1; }; }
# php_fmt EXPR PW: a PostfixAdmin formula evaluated by PHP 8.2 with $pw = the password.
php_fmt() { printf '%s' "$2" | php -r '$pw = file_get_contents("php://stdin"); echo '"$1"';'; }
# unb64 PREFIXED: the value after {NAME.B64}, decoded.
unb64() { printf '%s' "${1#*\}}" | base64 -d; }

PWS=("test123" "pässwörd 密码" "Tr0ub4dor&3 horse" "$(head -c 54 /dev/urandom | base64 -w0 | tr -d '/+=' | head -c 72)")
LABELS=("postfixadmin-test" "utf8" "spaces" "len72")

printf 'id\tscheme\tpassword_b64\thash\texpected\tgenerator\tchecked_by\tpassword_label\tnote\n'

# --- Dovecot: encodings on every kind of scheme (doveadm pw 2.3.19) ---------------------------
for s in SHA1.HEX SHA.HEX SHA256.B64 SHA512.B64 SSHA512.HEX SMD5.HEX LDAP-MD5.HEX PLAIN-MD4.B64 \
         CRAM-MD5.B64 PLAIN.HEX PLAIN.B64 CLEARTEXT.B64 SHA512-CRYPT.B64 SHA256-CRYPT.B64 \
         MD5-CRYPT.B64 SHA512-CRYPT.HEX DES-CRYPT.HEX MD5.B64 MD5.HEX PBKDF2.B64 SCRAM-SHA-1.B64 \
         SCRAM-SHA-256.HEX BLF-CRYPT.B64 BLF-CRYPT.HEX CRYPT.B64; do
  for i in 0 1 2 3; do
    pw=${PWS[$i]}
    [[ $s == DES-CRYPT* && $i -gt 0 ]] && continue          # DES reads 8 bytes: one row is enough
    [[ $s == *BLF* || $s == CRYPT* ]] && [ $i -gt 1 ] && continue  # bcrypt rows are slow: two
    extra=(); [[ $s == *BLF* || $s == CRYPT* ]] && extra=(-r 5)
    h=$(doveadm pw -s "$s" "${extra[@]}" -p "$pw")
    dovecheck "$h" "$pw"
    row "dovecot-$s" "$pw" "$h" "doveadm pw -s $s ${extra[*]:+${extra[*]} }-p \"\$PW\"" "doveadm pw -t" "${LABELS[$i]}" ""
  done
done
# argon2 (slow: default m=64 MiB / 32 MiB): two rows each
for s in ARGON2I.B64 ARGON2ID.B64 ARGON2ID.HEX; do
  for i in 0 1; do
    pw=${PWS[$i]}; h=$(doveadm pw -s "$s" -p "$pw"); dovecheck "$h" "$pw"
    row "dovecot-$s" "$pw" "$h" "doveadm pw -s $s -p \"\$PW\"" "doveadm pw -t" "${LABELS[$i]}" ""
  done
done
# {ARGON2}: Dovecot 2.4's name, which writes argon2id (2.4 src/lib-auth/password-scheme-sodium.c:
# generate_argon2id). Debian 12 has Dovecot 2.3.19, which lacks the name: the value is what
# doveadm pw -s ARGON2ID (resp. ARGON2I) writes, under the 2.4 prefix, checked by PHP.
for v in ARGON2ID ARGON2I; do
  for i in 0 1; do
    pw=${PWS[$i]}; h=$(doveadm pw -s "$v" -p "$pw"); phpcheck "${h#*\}}" "$pw"
    row dovecot-ARGON2 "$pw" "{ARGON2}${h#*\}}" "doveadm pw -s $v -p \"\$PW\" | sed 's/^{$v}/{ARGON2}/'" \
      "php password_verify (value)" "${LABELS[$i]}" "Dovecot 2.4 prefix; value by 2.3.19's $v"
  done
  pw=${PWS[2]}; h=$(doveadm pw -s "$v.B64" -p "$pw"); phpcheck "$(unb64 "$h")" "$pw"
  row dovecot-ARGON2.B64 "$pw" "{ARGON2.B64}${h#*\}}" "doveadm pw -s $v.B64 -p \"\$PW\" | sed 's/^{$v.B64}/{ARGON2.B64}/'" \
    "php password_verify (decoded value)" "${LABELS[2]}" "Dovecot 2.4 prefix; value by 2.3.19's $v.B64"
done

# --- PostfixAdmin's formulas, evaluated by PHP 8.2 --------------------------------------------
# (functions.inc.php pacrypt and postfixadmin/password-hashing Crypt.php, 3.3.x and 4.0.x)
pfa() { # pfa SCHEME EXPR CHECKED_BY NOTE [INDEXES]
  local scheme=$1 expr=$2 checked=$3 note=$4 idx=${5:-0 1 2 3} i pw h
  for i in $idx; do
    pw=${PWS[$i]}; h=$(php_fmt "$expr" "$pw")
    case $checked in
      doveadm*) dovecheck "${CHECK_AS:-$h}" "$pw" ;;
      php*) phpcheck "$(eval "$CHECK_VALUE")" "$pw" ;;
    esac
    row "$scheme" "$pw" "$h" "printf %s \"\$PW\" | php -r '\$pw = file_get_contents(\"php://stdin\"); echo $expr;' (PHP 8.2)" "$checked" "${LABELS[$i]}" "$note"
  done
}
CHECK_VALUE='printf %s "$h"'
# courier:md5raw and authlib md5raw; Dovecot has no MD5RAW name: checked as {PLAIN-MD5}, the same hex
for i in 0 1 2 3; do
  pw=${PWS[$i]}; h=$(php_fmt "'{MD5RAW}' . md5(\$pw)" "$pw"); dovecheck "{PLAIN-MD5}${h#\{MD5RAW\}}" "$pw"
  row pfa-courier-MD5RAW "$pw" "$h" "printf %s \"\$PW\" | php -r '\$pw = file_get_contents(\"php://stdin\"); echo \"{MD5RAW}\" . md5(\$pw);' (PHP 8.2)" \
    "doveadm pw -t as {PLAIN-MD5}" "${LABELS[$i]}" "courier:md5raw, authlib md5raw (PostfixAdmin 3.x/4.x)"
done
pfa pfa-courier-MD5 "'{MD5}' . base64_encode(md5(\$pw, true))" "doveadm pw -t" "courier:md5, authlib md5"
pfa pfa-authlib-SHA "'{SHA}' . base64_encode(sha1(\$pw, true))" "doveadm pw -t" "authlib SHA"
pfa pfa-authlib-CRYPT "'{CRYPT}' . crypt(\$pw, substr(bin2hex(random_bytes(4)), 0, 2))" "doveadm pw -t" "authlib crypt: DES, 2 hex salt" "0"
pfa pfa-courier-SSHA "'{SSHA}' . base64_encode(sha1(\$pw . (\$s = base64_encode(random_bytes(3))), true) . \$s)" "doveadm pw -t" "courier:ssha, 4-character salt"
pfa pfa-courier-SHA256 "'{SHA256}' . base64_encode(hash('sha256', \$pw, true))" "doveadm pw -t" "courier:sha256"
pfa pfa-SHA1.HEX "'{SHA1.HEX}' . bin2hex(hash('sha1', \$pw, true))" "doveadm pw -t" "4.x SHA1.HEX"
pfa pfa-SHA512.B64 "'{SHA512.B64}' . base64_encode(hash('sha512', \$pw, true))" "doveadm pw -t" "Crypt('SHA512.B64'): a base64 SHA-512 digest, as Dovecot reads the name"
pfa pfa-PLAIN-MD5 "'{PLAIN-MD5}' . md5(\$pw)" "doveadm pw -t" "4.x PLAIN-MD5"
pfa pfa-sha512.b64 "'{SHA512-CRYPT.B64}' . base64_encode(crypt(\$pw, '\$6\$' . substr(rtrim(base64_encode(random_bytes(16)), '='), 0, 16)))" \
  "doveadm pw -t" "3.x sha512.b64 (salt may hold '+'; substr for its mb_substr(..., '8bit'), the same on ASCII)"
pfa pfa-SHA256-CRYPT.B64 "'{SHA256-CRYPT.B64}' . base64_encode(crypt(\$pw, '\$5\$' . substr(sha1(random_bytes(8)), 0, 16)))" "doveadm pw -t" "4.x SHA256-CRYPT.B64"
pfa pfa-SHA512-CRYPT "'{SHA512-CRYPT}' . crypt(\$pw, '\$6\$rounds=5000\$' . substr(sha1(random_bytes(8)), 0, 16))" "doveadm pw -t" "php_crypt:SHA512:5000:{SHA512-CRYPT}"
pfa pfa-BLF-CRYPT.B64 "'{BLF-CRYPT.B64}' . base64_encode(password_hash(\$pw, PASSWORD_BCRYPT, ['cost' => 5]))" "doveadm pw -t" "4.x BLF-CRYPT.B64 (cost 5 here; PostfixAdmin uses PHP's default)" "0 1"
pfa pfa-CRYPT-bcrypt "'{CRYPT}' . crypt(\$pw, '\$2y\$05\$' . substr(sha1(random_bytes(8)), 0, 22))" "doveadm pw -t" "4.x CRYPT / md5crypt: bcrypt, hex salt (cost 05 here, 10 there)" "0 1"
CHECK_VALUE='unb64 "$h"'
pfa pfa-ARGON2I.B64 "'{ARGON2I.B64}' . base64_encode(password_hash(\$pw, PASSWORD_ARGON2I, ['memory_cost' => 4096, 'time_cost' => 2]))" "php password_verify (decoded value)" "4.x ARGON2I.B64 (smaller cost than PHP's default)" "0 1"
pfa pfa-ARGON2ID.B64 "'{ARGON2ID.B64}' . base64_encode(password_hash(\$pw, PASSWORD_ARGON2ID, ['memory_cost' => 4096, 'time_cost' => 2]))" "php password_verify (decoded value)" "4.x ARGON2ID.B64" "0 1"
CHECK_VALUE='printf %s "${h#*\}}"'
pfa pfa-ARGON2ID "'{ARGON2ID}' . password_hash(\$pw, PASSWORD_ARGON2ID, ['memory_cost' => 4096, 'time_cost' => 2])" "php password_verify (value)" "4.x ARGON2ID" "0 1"
CHECK_VALUE='printf %s "$h"'
pfa md5crypt "crypt(\$pw, '\$1\$' . bin2hex(random_bytes(4)))" "php password_verify" "3.x md5crypt / 4.x system: \$1\$, 8 hex salt"
pfa md5crypt "crypt(\$pw, '\$1\$' . substr(str_shuffle('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), 0, 12))" "php password_verify" "php_crypt:MD5: 12-character salt, crypt keeps 8" "0 1"
pfa sha256crypt-rounds "crypt(\$pw, '\$5\$rounds=1000\$' . substr(str_shuffle('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), 0, 16))" "php password_verify" "php_crypt:SHA256:1000" "0 1"
pfa bcrypt-2y "crypt(\$pw, '\$2y\$05\$' . substr(str_shuffle('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), 0, 22))" "php password_verify" "php_crypt:BLOWFISH (cost 05 here)" "0 1"
pfa descrypt "crypt(\$pw, substr(str_shuffle('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), 0, 2))" "php password_verify" "php_crypt:DES" "0"
pfa descrypt "crypt(\$pw, bin2hex(random_bytes(1)))" "php password_verify" "3.x/4.x system: DES, 2 hex salt" "1"

# --- mysql_encrypt (PostfixAdmin 3.x): MariaDB ENCRYPT() ----------------------------------------
# _pacrypt_mysql_encrypt runs "SELECT ENCRYPT(:pw, CONCAT('$6$', '$salt'))" with $salt already
# starting with $6$ ("$6$" stays literal in PHP's double quotes), so the salt is "$6$$6$…" and
# crypt(3) reads an empty salt: the stored value is "$6$$" + 86 characters.
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
for i in 0 1 2 3; do
  pw=${PWS[$i]}; salt=$(head -c 12 /dev/urandom | base64 -w0 | tr '+' '.')
  h=$(mdb_sql "SELECT ENCRYPT($(sq "$pw"), CONCAT('\$6\$', '\$6\$$salt'))" | tail -n 1)
  phpcheck "$h" "$pw"; dovecheck "{SHA512-CRYPT}$h" "$pw"
  row sha512crypt-empty-salt "$pw" "$h" "mariadb -e \"SELECT ENCRYPT('\$PW', CONCAT('\\\$6\\\$', '\\\$6\\\$$salt'))\" (MariaDB 10.11)" \
    "php password_verify; doveadm pw -t as {SHA512-CRYPT}" "${LABELS[$i]}" "3.x mysql_encrypt: empty salt"
done
pw=${PWS[0]}; h=$(mdb_sql "SELECT ENCRYPT($(sq "$pw"), '\$5\$\$')" | tail -n 1); phpcheck "$h" "$pw"
row sha256crypt-empty-salt "$pw" "$h" "mariadb -e \"SELECT ENCRYPT('\$PW', '\\\$5\\\$\\\$')\" (MariaDB 10.11)" "php password_verify" "${LABELS[0]}" "empty salt"

# --- yescrypt with p/t parameters: libxcrypt crypt() ------------------------------------------
# Settings such as $y$jA.0./$ (yescrypt_encode_params_r: N=2^13, r=1, p=2, t=2; issue 14's
# example, which it attributes to PHP 8.5's password_hash).
# Debian 12's PHP 8.2 has no yescrypt in password_hash and libxcrypt's crypt_gensalt writes only
# the short jNr form, so the setting strings below are written by hand in yescrypt's parameter
# encoding (fields: flavour j, log2 N, r, have = 1+p|2+t, p, t) and libxcrypt's crypt() (Python
# ctypes, libcrypt.so.1 4.4.33) computes the hash; perl's crypt() re-reads each.
# ysalt: a salt from libxcrypt's own crypt_gensalt("$y$") (the part after $y$j9T$).
ysalt() { $PY -c 'import ctypes; c=ctypes.CDLL("libcrypt.so.1"); c.crypt_gensalt.restype=ctypes.c_char_p
print(c.crypt_gensalt(b"$y$", 0, None, 0).decode().split("$")[3])'; }
for setting in 'jA.0./' 'j9T/0' 'j8T.2' 'jA.0/.' 'j75/3' 'jBT/.' ; do
  for i in 0 1; do
    pw=${PWS[$i]}; salt=$(ysalt)
    h=$(printf '%s' "$pw" | $PY -c 'import ctypes,sys; c=ctypes.CDLL("libcrypt.so.1"); c.crypt.restype=ctypes.c_char_p
print(c.crypt(sys.stdin.buffer.read(), sys.argv[1].encode()).decode())' "\$y\$$setting\$$salt")
    [[ $h == '$y$'* ]] || { echo "libxcrypt refused \$y\$$setting" >&2; exit 1; }
    perlcheck "$h" "$pw"
    row yescrypt-params "$pw" "$h" "python3 -c 'crypt(\"\$PW\", \"\$y\$$setting\$<crypt_gensalt salt>\")' (libxcrypt ctypes)" \
      "perl crypt (libxcrypt)" "${LABELS[$i]}" "yescrypt parameters $setting"
  done
done
pw=${PWS[0]}; salt=$(ysalt)
h=$(printf '%s' "$pw" | $PY -c 'import ctypes,sys; c=ctypes.CDLL("libcrypt.so.1"); c.crypt.restype=ctypes.c_char_p
print(c.crypt(sys.stdin.buffer.read(), sys.argv[1].encode()).decode())' "\$gy\$jA.0./\$$salt")
perlcheck "$h" "$pw"
row gost-yescrypt-params "$pw" "$h" "python3 -c 'crypt(\"\$PW\", \"\$gy\$jA.0./\$<crypt_gensalt salt>\")' (libxcrypt ctypes)" \
  "perl crypt (libxcrypt)" "${LABELS[0]}" "gost-yescrypt parameters jA.0./"
