#!/usr/bin/env bash
# Proves that the security core's unit tests guard their rules: each mutation below breaks one rule in the source
# for a moment, and the unit-test project that guards it must then fail (a mutation that does not compile, or no longer
# matches the source, is an error of this script, not a pass). The file is restored after each mutation and on exit,
# and the test projects are rebuilt from the restored source at the end.
#
#   scripts/check-mutations.sh            every mutation (about one build per mutation: 20-40 minutes on 2 cores)
#   scripts/check-mutations.sh lockout    only the mutations whose name contains "lockout"
#
# It edits the tree it is in: run it on a clean checkout (e.g. a scratch `git clone` of your branch) if you are editing
# this one. Not part of CI; run it after changing a rule or its tests. Prints one line per mutation and a summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

only="${1:-}"
identity=services/Identity/MedicalHub.Identity.Api
data=services/Shared/MedicalHub.Data
security=services/Shared/MedicalHub.Security
limiter=services/Shared/MedicalHub.RateLimiting

names=() projects=() files=() froms=() tos=()
# mutate <name> <test project> <file> <exact text> <replacement>: the first occurrence of the text is replaced.
mutate() {
  if [ -n "$only" ] && [[ "$1" != *"$only"* ]]; then return; fi
  names+=("$1") projects+=("$2") files+=("$3") froms+=("$4") tos+=("$5")
}

# --- Password login and lockout (MedicalHub.Identity.Tests: SignIn/PasswordLoginTests) ---
mutate "lockout after 6 failures, not 5" Identity "$identity/Accounts/AccountRules.cs" \
  'FailedAttemptsBeforeLockout = 5;' 'FailedAttemptsBeforeLockout = 6;'
mutate "lockout of 5 minutes, not 15" Identity "$identity/Accounts/AccountRules.cs" \
  'LockoutDuration = TimeSpan.FromMinutes(15);' 'LockoutDuration = TimeSpan.FromMinutes(5);'
mutate "lockout not applied to new accounts" Identity "$identity/Accounts/AccountRules.cs" \
  'options.Lockout.AllowedForNewUsers = true;' 'options.Lockout.AllowedForNewUsers = false;'
mutate "passwords of 8 characters, not 12" Identity "$identity/Accounts/AccountRules.cs" \
  'MinimumPasswordLength = 12;' 'MinimumPasswordLength = 8;'
mutate "locked account's password checked" Identity "$identity/SignIn/PasswordLogin.cs" \
  $'Task<Guid?> HomeAsync() => memberships.HomeOrganizationAsync(user.Id, ct);\n        if (await users.IsLockedOutAsync(user))' \
  $'Task<Guid?> HomeAsync() => memberships.HomeOrganizationAsync(user.Id, ct);\n        if (await users.IsLockedOutAsync(user) && user.AccessFailedCount < 0)'
mutate "wrong password told apart (enumeration)" Identity "$identity/SignIn/PasswordLogin.cs" \
  $'await FailedAttemptAsync(user, home, "wrong password", clientId, ct);\n            return new(Outcome.InvalidCredentials, user, home);' \
  $'await FailedAttemptAsync(user, home, "wrong password", clientId, ct);\n            return new(Outcome.EmailNotVerified, user, home);'
mutate "unknown account not audited" Identity "$identity/SignIn/PasswordLogin.cs" \
  'await audit.RecordAsync(new(AuditActions.LoginFailed, AuditOutcomes.Failure, null, Reason: "unknown account", ClientId: clientId), ct);' ''
mutate "failed attempts not counted" Identity "$identity/SignIn/PasswordLogin.cs" \
  'await users.AccessFailedAsync(user);' ''
mutate "lockout itself not audited" Identity "$identity/SignIn/PasswordLogin.cs" \
  'await audit.RecordAsync(new(AuditActions.LockedOut, AuditOutcomes.Success, organizationId, SubjectUserId: user.Id, Reason: "too many failed attempts", ClientId: clientId), ct);' ''
mutate "unverified e-mail let in" Identity "$identity/SignIn/PasswordLogin.cs" \
  'if (!user.EmailConfirmed)' 'if (!user.EmailConfirmed && user.AccessFailedCount < 0)'
mutate "MFA account let in on its password" Identity "$identity/SignIn/PasswordLogin.cs" \
  'if (await users.GetTwoFactorEnabledAsync(user))' 'if (await users.GetTwoFactorEnabledAsync(user) && user.AccessFailedCount < 0)'
mutate "password success keeps earlier failures" Identity "$identity/SignIn/PasswordLogin.cs" \
  $'await users.ResetAccessFailedCountAsync(user);\n        return new(Outcome.Succeeded, user);' \
  $'return new(Outcome.Succeeded, user);'
mutate "MFA challenge clears failures" Identity "$identity/SignIn/PasswordLogin.cs" \
  $'var home = await HomeAsync();\n            await audit.RecordAsync(new(AuditActions.MfaChallenged' \
  $'var home = await HomeAsync();\n            await users.ResetAccessFailedCountAsync(user);\n            await audit.RecordAsync(new(AuditActions.MfaChallenged'

# --- The second step (MedicalHub.Identity.Tests: SignIn/SecondFactorTests) ---
mutate "authenticator code accepted twice" Identity "$identity/Mfa/AuthenticatorCodes.cs" \
  'RememberedFor, When.NotExists)' 'RememberedFor, When.Always)'
mutate "spaces in a code not ignored" Identity "$identity/Mfa/AuthenticatorCodes.cs" \
  'code.Replace(" ", "", StringComparison.Ordinal)' 'code'
mutate "locked account's code checked" Identity "$identity/SignIn/PasswordLogin.cs" \
  $'var home = await memberships.HomeOrganizationAsync(user.Id, ct);\n        if (await users.IsLockedOutAsync(user))' \
  $'var home = await memberships.HomeOrganizationAsync(user.Id, ct);\n        if (await users.IsLockedOutAsync(user) && user.AccessFailedCount < 0)'
mutate "wrong code not counted" Identity "$identity/SignIn/PasswordLogin.cs" \
  'await FailedAttemptAsync(user, home, "wrong or reused TOTP code", clientId, ct);' \
  'await audit.RecordAsync(new(AuditActions.LoginFailed, AuditOutcomes.Failure, home, SubjectUserId: user.Id, Reason: "wrong or reused TOTP code", ClientId: clientId), ct);'
mutate "any recovery code accepted" Identity "$identity/SignIn/PasswordLogin.cs" \
  '!(await users.RedeemTwoFactorRecoveryCodeAsync(user, recoveryCode.Trim())).Succeeded' 'recoveryCode.Length == 0'
mutate "recovery code use not audited" Identity "$identity/SignIn/PasswordLogin.cs" \
  'await audit.RecordAsync(new(AuditActions.RecoveryCodeUsed, AuditOutcomes.Success, home, user.Id, ClientId: clientId), ct);' ''
mutate "second step without a code counted" Identity "$identity/SignIn/PasswordLogin.cs" \
  $'else\n        {\n            return new(SecondFactorOutcome.Missing' \
  $'else\n        {\n            await users.AccessFailedAsync(user);\n            return new(SecondFactorOutcome.Missing'
mutate "ended login still open" Identity "$identity/SignIn/MfaChallenges.cs" \
  'public Task EndAsync(string token) => redis.GetDatabase().KeyDeleteAsync(Key(token));' 'public Task EndAsync(string token) => Task.CompletedTask;'
mutate "login in progress kept under its token" Identity "$identity/SignIn/MfaChallenges.cs" \
  '"medicalhub:mfa:challenge:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))' '"medicalhub:mfa:challenge:" + token'
mutate "login in progress never expires" Identity "$identity/SignIn/MfaChallenges.cs" \
  'JsonSerializer.Serialize(challenge), Lifetime)' 'JsonSerializer.Serialize(challenge))'

# --- Refresh-token reuse (MedicalHub.Identity.Tests: Tokens/RefreshTokenReuseTests) ---
mutate "replay only after the leeway's end" Identity "$identity/Tokens/RefreshTokenReuseHandler.cs" \
  'now >= redeemed + allowed' 'now > redeemed + allowed'
mutate "no leeway, no replay" Identity "$identity/Tokens/RefreshTokenReuseHandler.cs" \
  'leeway is not { } allowed || (redeemedAt' 'leeway is not { } allowed ? false : (redeemedAt'
mutate "unknown redemption date is a replay" Identity "$identity/Tokens/RefreshTokenReuseHandler.cs" \
  '(redeemedAt is { } redeemed && now >= redeemed + allowed)' '(redeemedAt is not { } redeemed || now >= redeemed + allowed)'
mutate "reuse handler after OpenIddict's rejection" Identity "$identity/Tokens/RefreshTokenReuseHandler.cs" \
  'ValidateTokenEntry.Descriptor.Order - 1' 'ValidateTokenEntry.Descriptor.Order + 1'

# --- Token issuance policy and token contents (MedicalHub.Identity.Tests: Tokens/) ---
mutate "reference access tokens not stored" Identity "$identity/Tokens/TokenIssuancePolicy.cs" \
  'if (!context.IsReferenceToken && context.TokenType' 'if (context.TokenType'
mutate "identity tokens stored" Identity "$identity/Tokens/TokenIssuancePolicy.cs" \
  'TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)' 'TokenTypeIdentifiers.AccessToken)'
mutate "entry skipped after OpenIddict created it" Identity "$identity/Tokens/TokenIssuancePolicy.cs" \
  'CreateTokenEntry.Descriptor.Order - 1' 'CreateTokenEntry.Descriptor.Order + 1'
mutate "identity token on refresh" Identity "$identity/Tokens/TokenIssuancePolicy.cs" \
  'context.Request?.IsRefreshTokenGrantType() == true' 'context.Request?.IsClientCredentialsGrantType() == true'
mutate "identity token dropped too early" Identity "$identity/Tokens/TokenIssuancePolicy.cs" \
  'EvaluateGeneratedTokens.Descriptor.Order + 1' 'EvaluateGeneratedTokens.Descriptor.Order - 1'
mutate "MFA policy ignored in tokens" Identity "$identity/Tokens/PrincipalFactory.cs" \
  'roles = []; // rights only after a login with MFA' '// rights only after a login with MFA'
mutate "MFA policy blind to an MFA login" Identity "$identity/Mfa/MfaEnrollmentPolicy.cs" \
  '!authenticationMethods.Contains("mfa") && mfaRequiredRoleIds' 'mfaRequiredRoleIds'
mutate "session id left out of the identity token" Identity "$identity/Tokens/PrincipalFactory.cs" \
  'ClaimNames.Session => [Destinations.AccessToken, Destinations.IdentityToken],' 'ClaimNames.Session => [Destinations.AccessToken],'
mutate "permissions repeated across roles" Identity "$identity/Tokens/PrincipalFactory.cs" \
  'r => r.Permissions).Distinct()' 'r => r.Permissions)'

# --- Identity's permission rules (MedicalHub.Identity.Tests: Organizations/PermissionRulesTests) ---
mutate "permission outside the catalogue granted" Identity "$identity/Organizations/AdministrationResults.cs" \
  'permissions.Where(p => !PermissionNames.Catalogue.ContainsKey(p))' 'permissions.Where(p => p.Length == 0)'
mutate "permission not held granted" Identity "$identity/Organizations/AdministrationResults.cs" \
  'permissions.Where(p => !held.Contains(p))' 'permissions.Where(p => p.Length == 0)'
mutate "MFA-restricted token beyond the account API" Identity "$identity/Mfa/MfaEnrollmentPolicy.cs" \
  'StartsWithSegments("/api/account")' 'StartsWithSegments("/api")'
mutate "sign-in into an organization not a member of" Identity "$identity/Organizations/MembershipDirectory.cs" \
  'memberships.FirstOrDefault(m => m.OrganizationId == id)' 'memberships.FirstOrDefault()'

# --- Audit chain verification (MedicalHub.Identity.Tests: Audit/AuditChainTests) ---
mutate "entry out of sequence accepted" Identity "$identity/Audit/AuditTrail.cs" \
  'e.Sequence != _expectedSequence || ' ''
mutate "entry not linked to the one before accepted" Identity "$identity/Audit/AuditTrail.cs" \
  'e.PreviousHash != _previous || ' ''
mutate "changed entry accepted" Identity "$identity/Audit/AuditTrail.cs" \
  ' || ComputeHash(e) != e.Hash)' ')'
mutate "user agent left out of the hash" Identity "$identity/Audit/AuditTrail.cs" \
  'e.ClientId, e.IpAddress, e.UserAgent, e.Reason);' 'e.ClientId, e.IpAddress, e.Reason);'
mutate "hashed fields run together" Identity "$identity/Audit/AuditTrail.cs" \
  "string.Join('\u001f'," 'string.Concat('
mutate "break reported at the wrong entry" Identity "$identity/Audit/AuditTrail.cs" \
  '_firstBroken = _expectedSequence;' '_firstBroken = e.Sequence;'

# --- Permission evaluation in every service (MedicalHub.Security.Tests) ---
mutate "service tokens pass every permission" Security "$security/Authorization/PermissionRequirement.cs" \
  '(requirement.AllowServiceClients && caller.IsService)' 'caller.IsService'
mutate "unauthenticated caller judged on its claims" Security "$security/Authorization/PermissionRequirement.cs" \
  'if (caller.IsAuthenticated && (' 'if ((caller.IsAuthenticated || !caller.IsAuthenticated) && ('
mutate "integration clients treated as services" Security "$security/Authorization/CurrentCaller.cs" \
  'public bool IsService => ClientKind == ClientKinds.Service;' 'public bool IsService => ClientKind is not null;'

# --- Paging and organization scoping (MedicalHub.Data.Tests) ---
mutate "page 0 accepted" Data "$data/Paging.cs" 'if (page < 1)' 'if (page < 0)'
mutate "pages of 201 items accepted" Data "$data/Paging.cs" 'pageSize is < 1 or > MaxPageSize' 'pageSize is < 1 or > MaxPageSize + 1'
mutate "page beyond any offset accepted" Data "$data/Paging.cs" '(long)(page - 1) * pageSize > int.MaxValue' '(long)(page - 1) * pageSize > uint.MaxValue'
mutate "no scope sees every organization" Data "$data/Tenancy/OrganizationScopedDbContext.cs" \
  'nameof(IOrganizationOwned.OrganizationId)) == ScopedOrganizationId)' 'nameof(IOrganizationOwned.OrganizationId)) == ScopedOrganizationId || ScopedOrganizationId == null)'
mutate "owned entities left unfiltered" Data "$data/Tenancy/OrganizationScopedDbContext.cs" \
  '&& typeof(IOrganizationOwned).IsAssignableFrom(t.ClrType))' '&& typeof(IOrganizationOwned).IsAssignableFrom(t.ClrType) && t.ClrType.IsAbstract)'
mutate "filter fixed at the first query" Data "$data/Tenancy/OrganizationScopedDbContext.cs" \
  'internal void AttachScope(OrganizationScope scope) => _organizations = scope;' \
  'internal void AttachScope(OrganizationScope scope) => _organizations = new OrganizationScope(scope.OrganizationId);'
mutate "new rows not stamped" Data "$data/Tenancy/OrganizationScopedDbContext.cs" \
  'organization.CurrentValue = scoped;' '_ = scoped;'
mutate "another organization's row written" Data "$data/Tenancy/OrganizationScopedDbContext.cs" \
  'else if (organization.CurrentValue != scoped || (' 'else if (('
mutate "another organization's row taken over" Data "$data/Tenancy/OrganizationScopedDbContext.cs" \
  '(entry.State != EntityState.Added && organization.OriginalValue != scoped)' '(entry.State == EntityState.Deleted && organization.OriginalValue != scoped)'
mutate "rows written without a scope" Data "$data/Tenancy/OrganizationScopedDbContext.cs" \
  $'var scoped = ScopedOrganizationId ?? throw new OrganizationScopeViolationException(\n                $"A {entry.Metadata.ClrType.Name} of an organization was saved outside any organization\'s scope; " +\n                "call OrganizationScope.ActFor(organizationId) first.");' \
  'var scoped = ScopedOrganizationId ?? Guid.Empty;'
mutate "scope switches organizations" Data "$data/Tenancy/OrganizationScope.cs" \
  'if (OrganizationId is { } current && current != organizationId)' 'if (OrganizationId is { } current && current != organizationId && current == Guid.Empty)'
mutate "across organizations lifts every filter" Data "$data/Tenancy/OrganizationScopeQueryExtensions.cs" \
  'query.IgnoreQueryFilters([OrganizationScopedDbContext.OrganizationFilter])' 'query.IgnoreQueryFilters()'

# --- The rate limiter on a real redis-server (MedicalHub.RateLimiting.Tests) ---
mutate "refused requests counted" RateLimiting "$limiter/RedisRateLimiter.cs" \
  $'          elseif waits[i] > 0 and redis.call(\'SET\', KEYS[2 * i], 1, \'PX\', window, \'NX\') then\n            first = 1\n          end' \
  $'          else\n            redis.call(\'ZADD\', KEYS[2 * i - 1], now, ARGV[1])\n            if waits[i] > 0 and redis.call(\'SET\', KEYS[2 * i], 1, \'PX\', window, \'NX\') then\n              first = 1\n            end\n          end'
mutate "window does not slide" RateLimiting "$limiter/RedisRateLimiter.cs" \
  "redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)" "redis.call('ZREMRANGEBYSCORE', log, '-inf', now - 2 * window)"
mutate "Retry-After of a whole window" RateLimiting "$limiter/RedisRateLimiter.cs" \
  "waits[i] = tonumber(leaving[2]) + window - now" "waits[i] = window"
mutate "only the first counter decides" RateLimiting "$limiter/RedisRateLimiter.cs" \
  $'for i = 1, counters do\n          local log' $'for i = 1, 1 do\n          local log'
mutate "every refusal marked first" RateLimiting "$limiter/RedisRateLimiter.cs" \
  "redis.call('SET', KEYS[2 * i], 1, 'PX', window, 'NX')" "redis.call('SET', KEYS[2 * i], 1, 'PX', window)"
mutate "remaining counted before the request" RateLimiting "$limiter/RedisRateLimiter.cs" \
  '(int)Math.Max(0, limit - before - 1)' '(int)Math.Max(0, limit - before)'
mutate "Retry-After rounded down" RateLimiting "$limiter/RateLimit.cs" \
  'Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds))' 'Math.Max(1, (int)Math.Round(RetryAfter.TotalSeconds))'
mutate "limit of no request accepted" RateLimiting "$limiter/RedisRateLimiter.cs" \
  'ThrowIfLessThan(limit.PermitLimit, 1,' 'ThrowIfLessThan(limit.PermitLimit, 0,'

[ "${#names[@]}" -gt 0 ] || { echo "No mutation matches '$only'." >&2; exit 2; }

backup="$(mktemp -d)"
current=""
restore() {
  if [ -n "$current" ]; then cp "$backup/file" "$current"; current=""; fi
}
trap 'restore; rm -rf "$backup"' EXIT
trap 'exit 130' INT TERM

test_project() { echo "tests/MedicalHub.$1.Tests"; }
build() { dotnet build "$(test_project "$1")" -nologo -v quiet -clp:ErrorsOnly >"$backup/build.log" 2>&1; }
run_tests() { dotnet test "$(test_project "$1")" --no-build -nologo --logger "console;verbosity=normal" >"$backup/test.log" 2>&1; }

mapfile -t used < <(printf '%s\n' "${projects[@]}" | sort -u)
for project in "${used[@]}"; do
  build "$project" || { cat "$backup/build.log"; echo "$(test_project "$project") does not build unmutated." >&2; exit 2; }
  run_tests "$project" || { grep -E '^\s+Failed ' "$backup/test.log" || true; echo "$(test_project "$project") fails unmutated." >&2; exit 2; }
done

killed=0 survived=0 invalid=0
for i in "${!names[@]}"; do
  name="${names[$i]}" project="${projects[$i]}" file="${files[$i]}"
  cp "$file" "$backup/file"
  current="$file"
  if ! FROM="${froms[$i]}" TO="${tos[$i]}" perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/ or die "no match\n"' "$file" 2>/dev/null; then
    restore; invalid=$((invalid + 1)); printf 'NO MATCH   %s (%s)\n' "$name" "$file"; continue
  fi
  if ! build "$project"; then
    restore; invalid=$((invalid + 1)); printf 'NO BUILD   %s\n' "$name"; grep -m3 -E 'error' "$backup/build.log" | sed 's/^/           /'; continue
  fi
  if run_tests "$project"; then
    survived=$((survived + 1)); printf 'SURVIVED   %s: %s still passes\n' "$name" "$(test_project "$project")"
  else
    failing="$(grep -oE '^\s+Failed [A-Za-z0-9_.]+' "$backup/test.log" | awk '{print $2}' | sed -E 's/.*\.([^.]+\.[^.]+)$/\1/' | sort -u | paste -sd, - || true)"
    if [ -n "$failing" ]; then
      killed=$((killed + 1)); printf 'killed     %s: %s\n' "$name" "$failing"
    else
      invalid=$((invalid + 1)); printf 'NO VERDICT %s: the test run failed without a failing test\n' "$name"; tail -5 "$backup/test.log" | sed 's/^/           /'
    fi
  fi
  restore
done

for project in "${used[@]}"; do build "$project" || true; done
echo "${#names[@]} mutations: ${killed} killed, ${survived} survived, ${invalid} did not apply or build"
[ "$survived" = 0 ] && [ "$invalid" = 0 ]
