#!/usr/bin/env bash
# Makes PEM files for the event bus's mutual TLS: a development CA and one node certificate signed
# by it. Only makes files; it starts nothing and installs nothing.
#
#   deploy/make-dev-ca.sh OUT_DIR NODE_NAME [HOST_OR_IP ...]
#
#   OUT_DIR     where the files go (created if missing). The CA (ca.crt, ca.key) is made on the
#               first run and reused by later runs into the same directory, so every node
#               certificate made there is trusted by the others.
#   NODE_NAME   file name of the node's pair: NODE_NAME.crt, NODE_NAME.key
#   HOST_OR_IP  the node's names and addresses, written into the certificate's subjectAltName
#               (DNS:... or IP:...). Default: localhost 127.0.0.1
#
# Environment: DAYS (node certificate lifetime, default 825), CA_DAYS (default 3650),
#              CA_NAME (the CA's common name, default "Podium dev cluster CA").
#
# Then give every Podium process:
#   PODIUM_CLUSTER_TLS_CERT=OUT_DIR/NODE_NAME.crt
#   PODIUM_CLUSTER_TLS_KEY=OUT_DIR/NODE_NAME.key
#   PODIUM_CLUSTER_TLS_CA=OUT_DIR/ca.crt
# Keep ca.key off the nodes: it mints members. For production use your own CA (or cert-manager).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
OUT=$1
NODE=$2
shift 2
if [[ ! $NODE =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "make-dev-ca.sh: NODE_NAME must be letters, digits, '.', '_' or '-': $NODE" >&2
  exit 2
fi
NAMES=("$@")
if [[ ${#NAMES[@]} -eq 0 ]]; then
  NAMES=(localhost 127.0.0.1)
fi
command -v openssl >/dev/null || { echo "make-dev-ca.sh: openssl is needed" >&2; exit 1; }

san=""
for n in "${NAMES[@]}"; do
  if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then
    san+="${san:+,}IP:$n"
  else
    san+="${san:+,}DNS:$n"
  fi
done

mkdir -p "$OUT"
umask 077

if [[ ! -f $OUT/ca.crt || ! -f $OUT/ca.key ]]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$OUT/ca.key" -out "$OUT/ca.crt" -days "${CA_DAYS:-3650}" \
    -subj "/CN=${CA_NAME:-Podium dev cluster CA}" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  echo "made CA $OUT/ca.crt (keep $OUT/ca.key private)"
fi

ext=$(mktemp)
csr=$(mktemp)
trap 'rm -f "$ext" "$csr"' EXIT
cat >"$ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$san
EOF
# PKCS#8 key ("BEGIN PRIVATE KEY"), which Vert.x's PemKeyCertOptions reads.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$OUT/$NODE.key" -out "$csr" -subj "/CN=$NODE" 2>/dev/null
openssl x509 -req -in "$csr" -CA "$OUT/ca.crt" -CAkey "$OUT/ca.key" -CAcreateserial \
  -out "$OUT/$NODE.crt" -days "${DAYS:-825}" -extfile "$ext" 2>/dev/null
chmod 644 "$OUT/ca.crt" "$OUT/$NODE.crt"
echo "made $OUT/$NODE.crt and $OUT/$NODE.key for $san"
