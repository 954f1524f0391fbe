#!/usr/bin/env bash
# Makes the demo PKI the sample configuration's HTTPS stand-ins use, once: a CA and a server
# certificate for 127.0.0.1/localhost, in DIR (default samples/var/tls). Demo only: the keys are
# unencrypted and made on this machine; never use them for real traffic.
set -euo pipefail
dir=${1:-samples/var/tls}
[ -s "$dir/server.pem" ] && [ -s "$dir/ca.pem" ] && exit 0
mkdir -p "$dir"
cd "$dir"
cat > leaf.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[server_ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
CNF
key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 -new $key -keyout ca.key -out ca.pem -days 825 -subj '/CN=Ferry demo CA' \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new $key -keyout server.key -out server.csr -config leaf.cnf -subj '/CN=127.0.0.1' 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 825 \
  -extfile leaf.cnf -extensions server_ext 2>/dev/null
rm -f server.csr leaf.cnf ca.srl
chmod 600 ca.key server.key
echo "ferry: demo certificates in $dir" >&2
