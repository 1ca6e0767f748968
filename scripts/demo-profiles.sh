#!/usr/bin/env bash
# Sets up the local demo: two profiles, "alice" and "bob", each with a Signal-mode account
# (a phone number at the local relay) and a Session ID, and each knowing the other in both
# modes. Idempotent: profiles that exist are left as they are.
#   scripts/demo-profiles.sh BIN_DIR DEMO_DIR NETWORK_JSON
set -euo pipefail
bin=$1 demo=$2 network=$3
mkdir -p "$demo"
ctl() { "$bin/tandemctl" --profile "$demo/$1" --passphrase-file "$demo/$1.pass" "${@:2}"; }
session_id() { ctl "$1" whoami --json | python3 -c 'import json,sys; print([a["session_id"] for a in json.load(sys.stdin)["accounts"] if a["mode"]=="session"][0])'; }

declare -A phone=([alice]=+4915100000001 [bob]=+4915100000002)
for who in alice bob; do
  if [ ! -f "$demo/$who.ready" ]; then
    rm -rf "${demo:?}/$who"
    printf '%s-demo-passphrase\n' "$who" > "$demo/$who.pass"
    chmod 600 "$demo/$who.pass"
    ctl "$who" create --kdf interactive > /dev/null
    ctl "$who" init signal --phone "${phone[$who]}" --network "$network" --share-phone > /dev/null
    ctl "$who" init session --network "$network" > /dev/null   # the phrase is not needed here
    touch "$demo/$who.ready"
  fi
done
if [ ! -f "$demo/contacts.ready" ]; then
  ctl alice add-contact "${phone[bob]}" --name Bob > /dev/null
  ctl bob add-contact "${phone[alice]}" --name Alice > /dev/null
  ctl alice add-contact "$(session_id bob)" --name Bob > /dev/null
  ctl bob add-contact "$(session_id alice)" --name Alice > /dev/null
  touch "$demo/contacts.ready"
fi
