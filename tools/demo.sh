#!/usr/bin/env bash
# The main job: installs what is missing, builds, simulates the first half
# of 2022 for a district of ~6,000 appeals a year into ./hotline-demo, and
# prints May 2022's monthly report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
hotline=build/tools/hotline/hotline
db=./hotline-demo
# Citizens' personal data is sealed under a master key (docs/personal-data.md).
key=./hotline-demo.key
[ -f "$key" ] || $hotline keygen-master --out "$key"
rm -rf "$db"
$hotline simulate --from 2022-01-01 --to 2022-06-30 --tickets-per-year 6000 --db "$db" \
  --master-key-file "$key"
echo
$hotline report --month 2022-05 --db "$db"
echo
echo "One ticket's audit trail (hotline history T20220510-0001):"
$hotline history T20220510-0001 --db "$db" --master-key-file "$key"
cat <<NEXT

Where to look next (the store stays in $db):
  $hotline history T20220510-0001 --db $db --master-key-file $key   # a ticket's audit trail
  $hotline history T20220510-0001 --db $db              # without the key: [encrypted]
  $hotline erase --phone NUMBER --reason R --db $db --master-key-file $key   # erase a citizen
  $hotline show T20220510-0001 --as-of '2022-05-11 12:00' --db $db
  $hotline sla --as-of '2022-06-30 17:00' --overdue --db $db   # the 日督催 list
  $hotline verify --db $db                               # chain and projections
  $hotline report --month 2022-05 --format html --db $db > may.html
  $hotline --help
NEXT
