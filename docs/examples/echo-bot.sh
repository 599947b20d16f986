#!/bin/sh
# A Parley bot in curl and jq: it answers every text message it receives, using long poll.
# PARLEY_TOKEN: an API token with the read and send scopes; PARLEY_SERVER: the node's URL.
set -u
node=${PARLEY_SERVER:-http://127.0.0.1:8080}
auth="Authorization: Bearer $PARLEY_TOKEN"
json='Content-Type: application/json'
me=$(curl -sf "$node/v1/me" -H "$auth" | jq .userId) || exit 1
pos=$(curl -sf -XPOST "$node/v1/sync" -H "$auth" -H "$json" -d '{}' | jq -c .positions) || exit 1
while :; do
  page=$(curl -sf -XPOST "$node/v1/sync" -H "$auth" -H "$json" -d "{\"positions\":$pos,\"wait\":25}") \
    || { sleep 2; continue; }
  echo "$page" | jq -c --argjson me "$me" '.entries[] | select(.kind == "text" and .senderId != $me)
      | {c: .conversationId, m: {clientId: "echo-\(.seq)", body: ("you said: " + .body)}}' |
  while read -r reply; do
    curl -sf -XPOST "$node/v1/conversations/$(echo "$reply" | jq .c)/messages" -H "$auth" -H "$json" \
      -d "$(echo "$reply" | jq -c .m)" > /dev/null
  done
  pos=$(echo "$page" | jq -c .positions)
done
