#!/usr/bin/env bash
# Document upload and download of a SIZE-byte file (default 1 GiB) for docs/benchmarks.md. Starts the AppHost with
# identity, content and the gateway only (MedicalHub:Services, random ports, a throw-away data folder, Release build),
# with Content's storage backend STORAGE (Postgres, the default, or AzureBlob: Azurite), logs in as the demo
# administrator and, with curl through the gateway:
#   upload    POST /api/documents (raw body, streamed from the file: curl -T)
#   download  GET /api/documents/{id}/content to /dev/null, ROUNDS times
# sampling the Content process's resident memory (VmRSS) every 100 ms: its growth over the level before the operation
# must stay under 64 MiB (the file is never held whole). Beside each download, in the same run, curl reads the same
# bytes from nginx serving the file from this machine's disk (sendfile, loopback): the download must reach at least
# half of that. Prints both figures side by side and their ratio.
# Settings: SIZE (bytes, default 1073741824), STORAGE (Postgres|AzureBlob), ROUNDS (default 3).
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
SIZE="${SIZE:-1073741824}"
STORAGE="${STORAGE:-Postgres}"
ROUNDS="${ROUNDS:-3}"

command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

say "Building (Release)"
dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-docbench-XXXXXX)"
chmod 755 "$data"
demo_password="bench$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
apphost_pid=""
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$apphost_pid" ] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

say "Writing a $SIZE-byte file (a PDF header, then random bytes)"
mkdir -p "$data/static"
{ printf '%%PDF-1.7\n'; head -c "$((SIZE - 9))" /dev/urandom; } >"$data/static/document.pdf"
expected_sha="$(sha256sum "$data/static/document.pdf" | cut -d' ' -f1)"

say "Starting identity, content ($STORAGE) and the gateway"
env "Parameters__identity-demo-password=$demo_password" \
  MedicalHub__DataDirectory="$data/stack" MedicalHub__FixedPorts=false MedicalHub__Services=identity,content,gateway \
  MedicalHub__Content__Storage="$STORAGE" MedicalHub__Content__MaxUploadBytes="$SIZE" \
  MedicalHub__Gateway__RateLimits__User__PermitLimit=1000000 MedicalHub__Gateway__RateLimits__Token__PermitLimit=1000 \
  dotnet run --project MedicalHub.AppHost -c Release --launch-profile http --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!

descendants() { # every process below $1
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null || true); do echo "$child"; descendants "$child"; done
}
stack_processes() { # DCP runs detached, watching the AppHost (--monitor PID): the services are below the DCP watching ours
  local own pid
  own=" $apphost_pid $(descendants "$apphost_pid" | tr '\n' ' ')"
  for pid in $(pgrep -f 'dcp start-apiserver' || true); do
    local watched
    watched="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -A1 -- '--monitor' | tail -1)"
    if [ -n "$watched" ] && [[ "$own" == *" $watched "* ]]; then descendants "$pid"; fi
  done
}
find_process() { # the service process (not its 'dotnet run' wrapper) whose executable path ends in $1
  local pid
  for pid in $(stack_processes); do
    if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -1 | grep -q -- "bin/Release/net10.0/$1\$"; then echo "$pid"; return; fi
  done
}

gateway_pid="" content_pid="" gateway_url=""
for _ in $(seq 1 1800); do
  kill -0 "$apphost_pid" 2>/dev/null || { tail -30 "$data/apphost.log" >&2; die "The AppHost exited."; }
  gateway_pid="${gateway_pid:-$(find_process MedicalHub.Gateway 2>/dev/null)}"
  content_pid="${content_pid:-$(find_process MedicalHub.Content.Api 2>/dev/null)}"
  if [ -n "$gateway_pid" ] && [ -z "$gateway_url" ]; then
    port="$(tr '\0' '\n' <"/proc/$gateway_pid/environ" | grep -oE '^(ASPNETCORE_URLS|HTTP_PORTS)=.*' | grep -oE '[0-9]{4,5}' | head -1 || true)"
    [ -n "$port" ] && gateway_url="http://127.0.0.1:$port"
  fi
  if [ -n "$gateway_url" ] && [ -n "$content_pid" ] && [ "$(curl -s -m 1 "$gateway_url/health")" = Healthy ]; then break; fi
  sleep 0.2
done
[ -n "$gateway_url" ] && [ -n "$content_pid" ] || { tail -30 "$data/apphost.log" >&2; die "The gateway or Content did not start."; }

say "Logging in as the demo administrator (through the gateway at $gateway_url)"
token=""
for _ in $(seq 1 120); do
  token="$(curl -s -m 10 "$gateway_url/connect/token" \
    -d grant_type=password -d client_id=medicalhub-web -d username=admin@demo.medicalhub.local \
    --data-urlencode "password=$demo_password" -d 'scope=openid profile' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access_token",""))' 2>/dev/null || true)"
  [ -n "$token" ] && break
  sleep 0.5
done
[ -n "$token" ] || die "No access token for the demo administrator."
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$gateway_url/api/documents")" = 200 ]; do sleep 0.5; done

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$content_pid/status"; }
sample_rss() { # writes the highest VmRSS (KiB) of Content to $1 until killed
  local peak=0 now
  while true; do
    now="$(rss_kib)"; [ "$now" -gt "$peak" ] && peak="$now" && echo "$peak" >"$1"
    sleep 0.1
  done
}
measure() { # label, then the curl command; prints "label seconds bytes/s rss-before rss-peak"
  local label="$1"; shift
  local before peak out
  before="$(rss_kib)"; echo "$before" >"$data/peak"
  sample_rss "$data/peak" & local sampler=$!
  out="$("$@")"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  peak="$(cat "$data/peak")"
  echo "$label $out $before $peak" >>"$data/results"
  echo "$out"
}

say "Warming up Content with a small upload and download"
head -c 1048576 "$data/static/document.pdf" >"$data/warm-up.pdf"
warm_id="$(curl -s -X POST -T "$data/warm-up.pdf" -H "Authorization: Bearer $token" -H 'Content-Type: application/pdf' \
  "$gateway_url/api/documents?title=warm-up&category=other" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
curl -s -o /dev/null -H "Authorization: Bearer $token" "$gateway_url/api/documents/$warm_id/content"

cat >"$data/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process off;
pid $data/nginx.pid;
error_log $data/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $data/nginx-tmp;
  proxy_temp_path $data/nginx-tmp;
  fastcgi_temp_path $data/nginx-tmp;
  uwsgi_temp_path $data/nginx-tmp;
  scgi_temp_path $data/nginx-tmp;
  server { listen 127.0.0.1:0; root $data/static; }
}
CONF
# nginx cannot listen on port 0: find a free port first.
static_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
sed -i "s/127.0.0.1:0/127.0.0.1:$static_port/" "$data/nginx.conf"
mkdir -p "$data/nginx-tmp"
"$nginx_bin" -c "$data/nginx.conf" -p "$data" >/dev/null 2>&1 &
nginx_pid=$!
until curl -s -o /dev/null "http://127.0.0.1:$static_port/document.pdf"; do sleep 0.1; done

say "Uploading $SIZE bytes through the gateway (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
upload() {
  curl -s -X POST -T "$data/static/document.pdf" -H "Authorization: Bearer $token" -H 'Content-Type: application/pdf' \
    -o "$data/upload.json" -w '%{time_total} %{speed_upload}' "$gateway_url/api/documents?title=Benchmark&category=imaging&fileName=document.pdf"
}
measure upload upload >/dev/null
document_id="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"]); assert d["sha256"] == sys.argv[2], "the stored hash differs"' "$data/upload.json" "$expected_sha")" \
  || die "The upload failed: $(head -c 500 "$data/upload.json")"

download() { curl -s -o /dev/null -H "Authorization: Bearer $token" -w '%{time_total} %{speed_download}' "$gateway_url/api/documents/$document_id/content"; }
static() { curl -s -o /dev/null -w '%{time_total} %{speed_download}' "http://127.0.0.1:$static_port/document.pdf"; }
static >/dev/null # the file in the page cache for both
say "Downloading, $ROUNDS rounds, each beside curl from nginx"
for round in $(seq 1 "$ROUNDS"); do
  measure "download" download >/dev/null
  measure "static" static >/dev/null
done
# The bytes come back intact.
got="$(curl -s -H "Authorization: Bearer $token" "$gateway_url/api/documents/$document_id/content" | sha256sum | cut -d' ' -f1)"
[ "$got" = "$expected_sha" ] || die "The downloaded bytes differ from the uploaded ones."

awk -v size="$SIZE" -v storage="$STORAGE" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
  { secs[$1] += $2; rate[$1] += $3; n[$1]++; grow = ($5 - $4) / 1024; if (grow > peak[$1]) peak[$1] = grow; if ($1 == "upload") up = $3 }
  END {
    mib = 1048576
    printf "\n%d bytes, storage %s, load average after: %s\n", size, storage, load
    printf "upload through the gateway:        %7.1f MiB/s   Content RSS growth %5.1f MiB\n", up / mib, peak["upload"]
    d = rate["download"] / n["download"]; s = rate["static"] / n["static"]
    printf "download through the gateway:      %7.1f MiB/s   Content RSS growth %5.1f MiB (mean of %d)\n", d / mib, peak["download"], n["download"]
    printf "curl from nginx (same file):       %7.1f MiB/s   (mean of %d)\n", s / mib, n["static"]
    printf "download / static:                 %7.2f   (target >= 0.50)\n", d / s
    ok = peak["upload"] < 64 && peak["download"] < 64
    printf "RSS growth < 64 MiB:               %s\n", ok ? "yes" : "NO"
  }' "$data/results"
