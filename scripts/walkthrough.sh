#!/usr/bin/env bash
# The five-society walk-through (README; docs/api.md), runnable: a committee posts a need,
# a volunteer finds it near them, the committee places the volunteer, the
# supervising social worker accepts, the committee confirms the plan.
#
# Start a fresh server first, with a bootstrap civil-affairs account:
#   WUSHE_DATA_DIR=$(mktemp -d) WUSHE_BOOTSTRAP_ADMIN_PHONE=13900000000 \
#   WUSHE_BOOTSTRAP_ADMIN_PASSWORD=admin-pass-1 WUSHE_PHONE_CODE_OPTIONAL=1 go run ./cmd/wushe
# then: bash scripts/walkthrough.sh   (API=http://localhost:PORT for another port)
# (WUSHE_PHONE_CODE_OPTIONAL lets the script register people without the SMS
# code the embedded server would write to its log; embedded demos only.)
# then: bash scripts/walkthrough.sh   (needs curl and jq)
set -euo pipefail
API=${API:-http://localhost:8080}

# Wait up to a minute for the server (a first `go run` compiles first).
for i in $(seq 1 600); do
  curl -fs "$API/readyz" >/dev/null 2>&1 && break
  [ "$i" = 600 ] && { echo "no server answers at $API/readyz (set API=http://host:port)" >&2; exit 1; }
  sleep 0.1
done

call() { # call METHOD PATH TOKEN [BODY] → prints the JSON answer; fails on an HTTP error
  local method=$1 path=$2 token=$3 body=${4:-}
  local args=(-sS -X "$method" "$API$path" -H 'Content-Type: application/json' -w '\n%{http_code}')
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-d "$body")
  local out; out=$(curl "${args[@]}")
  local code=${out##*$'\n'}; out=${out%$'\n'*}
  if [ "$code" -ge 400 ]; then echo "$method $path → $code $out" >&2; exit 1; fi
  echo "$out"
}
login() { call POST /v1/auth/login "" "{\"phone\":\"$1\",\"password\":\"$2\"}" | jq -r .accessToken; }
register() { call POST /v1/auth/register "" "{\"phone\":\"$1\",\"password\":\"secret-pass\",\"name\":\"$2\"}" | jq -r .id; }

# Civil affairs (the bootstrap account) appoints the committee of 碧沙岗社区 (中原区).
CITY=$(login 13900000000 admin-pass-1)
call POST /v1/accounts "$CITY" '{"phone":"13700000001","password":"secret-pass","name":"碧沙岗社区书记",
  "role":"community_admin","communityCode":"410102001002"}' >/dev/null
COMMITTEE=$(login 13700000001 secret-pass)

# 1. The committee posts a need: two volunteers, next Saturday 09:00–11:00, near 碧沙岗公园.
SAT=$(date -d 'next saturday' +%F)
NEED=$(call POST /v1/needs "$COMMITTEE" '{"communityCode":"410102001002","title":"独居老人周末探访",
  "description":"陪伴聊天、检查家中用电安全","domain":"social_welfare","tasks":["mental_care"],
  "targetGroup":"older_people","beneficiaries":8,"location":{"lat":34.7535,"lng":113.6133},
  "window":{"start":"'"$SAT"'T09:00:00+08:00","end":"'"$SAT"'T11:00:00+08:00"},"headcount":2}' | jq -r .id)
echo "need $NEED posted"

# 2. A volunteer registers, fills in a profile, and the committee verifies their real name
#    and records their background check.
VOL=$(register 13800138000 张三)
VOLTOKEN=$(login 13800138000 secret-pass)
call PUT /v1/me/volunteer-profile "$VOLTOKEN" '{"realName":"张三","idNumber":"410102199003070019",
  "skills":[{"code":"elder_care","level":2}],"home":{"lat":34.7560,"lng":113.6150},
  "communityCode":"410102001002","maxDistanceKm":5,"birthDate":"1990-03-07",
  "availability":{"sat":["08:00-12:00"],"sun":["08:00-12:00"]}}' >/dev/null
call POST "/v1/volunteers/$VOL/verification" "$COMMITTEE" '{"verified":true}' >/dev/null
# The committee records the 无犯罪记录证明 it has seen (an elderly-care need requires one).
call POST "/v1/volunteers/$VOL/background-check" "$COMMITTEE" '{"result":"passed","checkedOn":"2025-01-01",
  "expiresOn":"2027-12-31","reference":"WFZ-2025-0001"}' >/dev/null

# 3. The volunteer finds the need near home, nearest first.
call GET /v1/needs/near "$VOLTOKEN" | jq -r '.items[] | "\(.distanceKm) km  \(.title)  \(.communityName)"'

# 4. The committee places the volunteer in the need's linkage plan (same checks as matching).
call POST "/v1/needs/$NEED/plan/volunteers" "$COMMITTEE" "{\"volunteerId\":\"$VOL\"}" | jq -c '.items[0] | {placeNo, start}'

# 5. A social-work agency, its 社会工作师 verified and, with three years on the front line, in the city supervisor pool.
CC=52410102MJ0000001C   # a unified social credit code with a valid GB 32100 check character
ORG=$(call POST /v1/organisations "$CITY" '{"name":"郑州市中原区阳光社会工作服务中心","kind":"social_work_agency",
  "creditCode":"'"$CC"'","domains":["social_welfare"],"divisionCode":"410102","status":"active"}' | jq -r .id)
SW=$(register 13600000001 李社工)
call POST "/v1/organisations/$ORG/members" "$CITY" '{"phone":"13600000001","role":"social_worker"}' >/dev/null
SWTOKEN=$(login 13600000001 secret-pass)
call PUT /v1/me/social-worker-profile "$SWTOKEN" '{"certificate":{"level":"social_worker","number":"SW2021-0001",
  "issuedOn":"2021-06-01"},"post":{"level":"social_worker","grade":3},"domains":["social_welfare"]}' >/dev/null
call POST "/v1/social-workers/$SW/certificate-verification" "$CITY" '{"decision":"verified","note":"核验原件"}' >/dev/null
# Supervisors come from the front line: five years at the agency on the worker's pathway, confirmed.
call PUT /v1/me/pathway/employment "$SWTOKEN" '[{"employer":"郑州市中原区阳光社会工作服务中心","employerOrgId":"'"$ORG"'",
  "start":"2021-06-01"}]' >/dev/null
call POST "/v1/pathway/$SW/employment/0/verification" "$CITY" '{"verified":true}' >/dev/null
call POST "/v1/social-workers/$SW/supervisor-pool" "$CITY" '{"inPool":true,"caseloadCap":5}' >/dev/null

# 6. The committee asks the social worker to supervise (社会福利 is high-risk: 社会工作师 or higher);
#    the supervisor accepts; the committee confirms the plan.
call PUT "/v1/needs/$NEED/plan/supervisor" "$COMMITTEE" "{\"socialWorkerId\":\"$SW\"}" >/dev/null
call POST "/v1/needs/$NEED/plan/supervisor/response" "$SWTOKEN" '{"accept":true}' >/dev/null
call POST "/v1/needs/$NEED/plan/confirm" "$COMMITTEE" | jq -c '{confirmed, supervisorState, volunteers}'
