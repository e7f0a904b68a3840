using OpenIddict.Abstractions;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>Ends a user's sessions at the token server: their authorizations and every token issued under them (refresh tokens included).</summary>
public sealed class SessionRevocation(IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens)
{
    /// <summary>Revokes every session of the user except <paramref name="keepAuthorizationId"/>; returns how many were revoked.</summary>
    public async Task<int> RevokeAllAsync(Guid userId, string? keepAuthorizationId, CancellationToken ct)
    {
        var revoked = 0;
        var ids = new List<string>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(userId.ToString(), ct))
        {
            if (await authorizations.GetIdAsync(authorization, ct) is { } id && id != keepAuthorizationId)
            {
                ids.Add(id);
                if (await authorizations.TryRevokeAsync(authorization, ct))
                {
                    revoked++;
                }
            }
        }
        foreach (var id in ids)
        {
            await tokens.RevokeByAuthorizationIdAsync(id, ct);
        }
        return revoked;
    }
}
