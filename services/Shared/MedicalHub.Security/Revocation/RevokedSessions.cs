using System.Collections.Frozen;

namespace MedicalHub.Security.Revocation;

/// <summary>
/// The sessions whose access tokens this process refuses (claim <c>sid</c>), each until its tokens would have expired
/// anyway. Replaced as a whole by <see cref="SessionRevocationPoller"/>; read on every authenticated request.
/// </summary>
public sealed class RevokedSessions(TimeProvider time)
{
    private volatile FrozenDictionary<string, DateTimeOffset> _refuseUntil = FrozenDictionary<string, DateTimeOffset>.Empty;

    public int Count => _refuseUntil.Count;

    public bool IsRevoked(string? sessionId) =>
        sessionId is not null && _refuseUntil.TryGetValue(sessionId, out var until) && until > time.GetUtcNow();

    /// <summary>Replaces the whole set; entries already past their time are dropped, a session listed twice keeps its latest time.</summary>
    public void Replace(IEnumerable<KeyValuePair<string, DateTimeOffset>> revocations)
    {
        var now = time.GetUtcNow();
        var fresh = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var (sessionId, until) in revocations)
        {
            if (until > now && (!fresh.TryGetValue(sessionId, out var known) || until > known))
            {
                fresh[sessionId] = until;
            }
        }
        _refuseUntil = fresh.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
