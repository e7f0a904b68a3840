# Sourced by scripts/benchmark-communication.sh before it starts the stack: builds and starts the local HTTP provider
# fake (benchmarks/MedicalHub.Communication.Benchmark, a SendGrid Mail Send stand-in that answers 202 at once and
# records when each notification's call arrived) on a free port, and exports the configuration of an e-mail provider
# named `httpfake` that points at it (the AppHost's environment reaches the services it starts; nothing routes to it
# until the benchmark's HTTP step sets the demo practice's routing). The fake stops by itself when the script ends.
dotnet build benchmarks/MedicalHub.Communication.Benchmark/MedicalHub.Communication.Benchmark.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
http_fake_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
http_fake_url="http://127.0.0.1:$http_fake_port"
dotnet benchmarks/MedicalHub.Communication.Benchmark/bin/Release/net10.0/MedicalHub.Communication.Benchmark.dll \
  --urls "$http_fake_url" --ParentPid $$ >/dev/null 2>&1 &
for _ in $(seq 1 100); do curl -s -m 1 -o /dev/null -X DELETE "$http_fake_url/arrivals" && break; sleep 0.1; done
# Declared to the AppHost like any deployment's provider: settings in its configuration, the API key as the secret
# parameter the AppHost derives from it (a name with dashes, so it goes through `env` on the AppHost's command line).
export MedicalHub__Communication__Providers__httpfake__Type=sendgrid \
  MedicalHub__Communication__Providers__httpfake__BaseUrl="$http_fake_url" \
  MedicalHub__Communication__Providers__httpfake__FromEmail=no-reply@medicalhub.local
http_fake_parameters=("Parameters__communication-httpfake-api-key=benchmark-key")
