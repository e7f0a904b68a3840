using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace MedicalHub.Identity.Api.Sessions;

/// <summary>
/// Whether a session has ended, read from Identity's own <c>sessions</c> table: an active session is remembered for a
/// second, an ended one for as long as its access tokens could live. Used wherever Identity itself judges a token:
/// its own API (<see cref="EndedSessionCheck"/>) and <c>/connect/introspect</c>, which asks with <c>current: true</c>:
/// a caller that asks explicitly must not be told "active" for a second after the session ended.
/// </summary>
public sealed class EndedSessions(IMemoryCache cache)
{
    private static readonly TimeSpan ActiveFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EndedFor = TimeSpan.FromMinutes(10);

    public async ValueTask<bool> HasEndedAsync(IdentityServiceDbContext db, Guid sessionId, CancellationToken ct, bool current = false)
    {
        var key = (nameof(EndedSessions), sessionId);
        if (cache.TryGetValue(key, out bool ended) && (ended || !current))
        {
            return ended;
        }
        ended = await db.Sessions.AsNoTracking().AnyAsync(s => s.Id == sessionId && s.RevokedAt != null, ct);
        cache.Set(key, ended, ended ? EndedFor : ActiveFor);
        return ended;
    }
}
