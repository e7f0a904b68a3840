#!/usr/bin/env bash
# Builds the OCI image of every .NET service of the app model with the .NET SDK's container support
# (dotnet publish -t:PublishContainer): no Docker engine needed. Which images, and their names and tags, come
# from the Kubernetes output (deploy/kubernetes/images.tsv, written from the app model with the settings of
# deploy/kubernetes.settings.json: Images:Registry and Images:Tag, overridable as MedicalHub__Kubernetes__Images__Tag).
#
#   scripts/publish-images.sh            build every image into artifacts/images/<name>.oci.tar (OCI archives)
#                                        and print each one's compressed size
#   PUSH=1 scripts/publish-images.sh     also copy them to their registry (skopeo, with your registry login)
#   BASE_IMAGE=<ref> scripts/...         the runtime base (default: a minimal base built here, see below)
#
# Base image: with network access to mcr.microsoft.com, BASE_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
# (chiselled, non-root) is the one to use. Offline (our machines), the script builds the equivalent here: Debian's
# runtime libraries (libc, libstdc++, OpenSSL, ICU, zlib, tzdata, CA certificates) and this SDK's own ASP.NET Core
# runtime, with no shell and no package manager, user 1654 "app" (as in Microsoft's images); serves it from a
# local registry process on 127.0.0.1 for the SDK to build on, and stops that process at the end.
# The Postgres image with RUM (deploy/images/postgres-rum/Dockerfile) needs a Dockerfile builder (docker,
# buildah, kaniko) and Docker Hub: it is listed, not built, here.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
export MSBUILDDISABLENODEREUSE=1

for tool in skopeo umoci docker-registry; do
  command -v "$tool" >/dev/null 2>&1 || apt_install "$tool"
done

work="$medicalhub_root/artifacts/images"
mkdir -p "$work"
registry_dir="$(mktemp -d)"
registry_pid=""
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$registry_dir"
}
trap cleanup EXIT

# 1. The image list, from the app model (regenerated, so settings given in the environment apply).
say "Reading the app model's images"
scripts/publish-k8s.sh "$registry_dir/kubernetes" >/dev/null
images_tsv="$registry_dir/kubernetes/images.tsv"

# 2. A local registry for the base image and for reading back what the SDK wrote.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cat > "$registry_dir/config.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $registry_dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$registry_dir/config.yml" > "$registry_dir/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.2; done
local_registry="127.0.0.1:$port"
export DOTNET_CONTAINER_INSECURE_REGISTRIES="$local_registry"

# 3. The base image (unless one is given).
base_image="${BASE_IMAGE:-}"
if [ -z "$base_image" ]; then
  say "Building the runtime base image from Debian's libraries and the SDK's ASP.NET Core runtime"
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  aspnet_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')"
  netcore_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')"
  rootfs="$registry_dir/rootfs"
  debs="$registry_dir/debs"
  mkdir -p "$rootfs" "$debs"
  # The runtime dependencies of .NET on Debian 12 (as Microsoft's runtime-deps image lists them).
  packages=(libc6 libgcc-s1 libstdc++6 libssl3 zlib1g libicu72 tzdata ca-certificates)
  [ "$(id -u)" = 0 ] && [ "$apt_updated" = 0 ] && apt-get update -qq >/dev/null && apt_updated=1
  (cd "$debs" && apt-get download -qq "${packages[@]}" >/dev/null)
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$rootfs"; done
  # What the packages' install scripts would have made: the CA bundle, users, writable /tmp.
  mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/tmp" "$rootfs/app" "$rootfs/home/app" "$rootfs/usr/share/dotnet/shared" "$rootfs/usr/bin"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654:app:/home/app:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' > "$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  chown 1654:1654 "$rootfs/home/app"
  # Documentation, manuals and locales the runtime never reads.
  rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/info" "$rootfs/usr/share/lintian" "$rootfs/usr/share/locale"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$rootfs/usr/share/dotnet/"
  mkdir -p "$rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App" "$rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$netcore_version" "$rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet_version" "$rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
  ln -s /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"

  layout="$registry_dir/base-layout"
  umoci init --layout "$layout"
  umoci new --image "$layout:base"
  umoci unpack --rootless --image "$layout:base" "$registry_dir/bundle" >/dev/null
  cp -a "$rootfs/." "$registry_dir/bundle/rootfs/"
  umoci repack --image "$layout:base" "$registry_dir/bundle" >/dev/null
  umoci config --image "$layout:base" --tag base \
    --config.user 1654 --config.workingdir /app \
    --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "APP_UID=1654" --config.env "ASPNETCORE_HTTP_PORTS=8080" \
    --config.env "DOTNET_RUNNING_IN_CONTAINER=true" --config.env "DOTNET_VERSION=$netcore_version" \
    --config.env "ASPNET_VERSION=$aspnet_version" \
    --config.label "org.opencontainers.image.title=medicalhub aspnet runtime" \
    --config.label "org.opencontainers.image.description=Debian 12 runtime libraries and the ASP.NET Core $aspnet_version runtime; no shell, no package manager; user 1654" \
    --config.label "org.opencontainers.image.base.name=scratch" \
    --architecture amd64 --os linux >/dev/null
  umoci gc --layout "$layout"
  base_image="$local_registry/medicalhub/aspnet:$aspnet_version"
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout:base" "docker://$base_image"
fi

# 4. Every .NET service of the app model, on that base.
compressed_size() {  # the sum of an image's compressed layers and config, in bytes, read from the registry
  skopeo inspect --raw --tls-verify=false "docker://$1" \
    | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["config"]["size"] + sum(l["size"] for l in m["layers"]))'
}
# Reads an image back and checks its form: a non-root user, and an entry point whose files exist in the image.
verify_image() {
  local archive="$1" check="$registry_dir/check"
  rm -rf "$check" && mkdir -p "$check"
  skopeo copy --quiet "oci-archive:$archive" "oci:$check/layout:image" &&
  umoci unpack --rootless --image "$check/layout:image" "$check/bundle" >/dev/null &&
  python3 - "$check/bundle" <<'PY'
import json, os, sys
bundle = sys.argv[1]
config = json.load(open(os.path.join(bundle, "config.json")))
process, root = config["process"], os.path.join(bundle, "rootfs")
problems = []
if process["user"]["uid"] == 0:
    problems.append("runs as root")
args = process["args"]
for path in args[:2]:
    if path.startswith("/") or path == "dotnet":
        full = os.path.join(root, ("usr/bin/dotnet" if path == "dotnet" else path).lstrip("/"))
        if not os.path.lexists(full):
            problems.append(f"entry point file {path} is not in the image")
if os.path.exists(os.path.join(root, "bin/sh")):
    problems.append("has a shell")
if problems:
    sys.exit("; ".join(problems))
print(f"uid {process['user']['uid']}, entry point {' '.join(args)}")
PY
}

status=0
printf '%-16s %-60s %12s\n' "image" "name" "compressed" > "$work/sizes.txt"
while IFS=$'\t' read -r name image source; do
  case "$name" in '#'*|'') continue ;; esac
  if [[ "$source" != *.csproj ]]; then
    say "Not built here (needs a Dockerfile builder): $image from $source"
    printf '%-16s %-60s %12s\n' "$name" "$image" "not built" >> "$work/sizes.txt"
    continue
  fi
  repository="${image%:*}"
  tag="${image##*:}"
  say "Building $image from $source"
  log="$work/$name.build.log"
  if ! dotnet publish "$source" -c Release -nologo -v quiet -clp:ErrorsOnly -t:PublishContainer \
      -p:ContainerBaseImage="$base_image" -p:ContainerRegistry="$local_registry" \
      -p:ContainerRepository="medicalhub/$name" -p:ContainerImageTag="$tag" > "$log" 2>&1; then
    cat "$log" >&2
    status=1
    continue
  fi
  built="$local_registry/medicalhub/$name:$tag"
  rm -f "$work/$name.oci.tar"
  skopeo copy --quiet --src-tls-verify=false "docker://$built" "oci-archive:$work/$name.oci.tar:$image"
  if ! form=$(verify_image "$work/$name.oci.tar" 2>&1); then
    echo "$image is malformed: $form" >&2
    status=1
  else
    say "$image: $form"
  fi
  bytes=$(compressed_size "$built")
  printf '%-16s %-60s %9.1f MB\n' "$name" "$image" "$(echo "$bytes / 1000000" | bc -l)" >> "$work/sizes.txt"
  if [ "$bytes" -gt 150000000 ]; then
    echo "$image is $bytes bytes compressed: over the 150 MB budget." >&2
    status=1
  fi
  if [ "${PUSH:-0}" = 1 ]; then
    say "Pushing $image"
    skopeo copy --quiet --src-tls-verify=false "docker://$built" "docker://$image"
  fi
done < "$images_tsv"

cat "$work/sizes.txt"
echo "OCI archives in $work (load with: skopeo copy oci-archive:<file> docker://<registry>/<name>:<tag>)"
exit "$status"
