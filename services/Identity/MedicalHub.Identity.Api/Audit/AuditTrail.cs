using System.Security.Cryptography;
using System.Text;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Audit;

/// <summary>Appends to and verifies the tamper-evident audit chains.</summary>
public sealed class AuditTrail(IServiceScopeFactory scopeFactory, IHttpContextAccessor http, TimeProvider time) : IAuditTrail
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public sealed record Verification(bool Valid, long Entries, long? FirstBrokenSequence);

    /// <summary>
    /// Records an event in its own transaction (so a failure is recorded even when the operation it
    /// audits is rolled back), serialized per chain by an advisory lock so sequences and hashes never fork.
    /// </summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        var context = http.HttpContext;
        var chain = entry.OrganizationId ?? Guid.Empty;
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            db.Database.AutoSavepointsEnabled = false; // one insert in a transaction of our own: a savepoint around it adds two statements and nothing else
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey(chain)})", ct);
            var last = await db.AuditEvents.Where(e => e.ChainId == chain).OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);

            var occurredAt = time.GetUtcNow();
            var draft = new AuditEvent
            {
                ChainId = chain,
                Sequence = (last?.Sequence ?? 0) + 1,
                OccurredAt = new DateTimeOffset(occurredAt.UtcTicks - occurredAt.UtcTicks % 10, TimeSpan.Zero), // Postgres keeps microseconds
                Action = entry.Action,
                Outcome = entry.Outcome,
                ActorUserId = entry.ActorUserId,
                SubjectUserId = entry.SubjectUserId ?? entry.ActorUserId,
                ClientId = entry.ClientId,
                IpAddress = context?.Connection.RemoteIpAddress?.ToString(),
                UserAgent = Truncate(context?.Request.Headers.UserAgent.ToString(), 500),
                Reason = Truncate(entry.Reason, 500),
                PreviousHash = last?.Hash ?? GenesisHash,
                Hash = "",
            };
            db.AuditEvents.Add(WithHash(draft));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        });
    }

    /// <summary>Recomputes a chain from its start; the first entry whose hash or link does not match is where it was tampered with.</summary>
    public async Task<Verification> VerifyAsync(Guid chain, CancellationToken ct)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        var verifier = new ChainVerifier();
        await foreach (var e in db.AuditEvents.AsNoTracking().Where(e => e.ChainId == chain).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!verifier.Accept(e))
            {
                break;
            }
        }
        return verifier.Result;
    }

    /// <summary>
    /// Walks a chain from its start, one entry at a time: an entry out of sequence, not linked to the hash of the one
    /// before, or whose hash is not that of its content, is where the chain was tampered with.
    /// </summary>
    public sealed class ChainVerifier
    {
        private string _previous = GenesisHash;
        private long _expectedSequence = 1;
        private long _count;
        private long? _firstBroken;

        /// <summary>False at the first entry that breaks the chain (and for any entry after it).</summary>
        public bool Accept(AuditEvent e)
        {
            if (_firstBroken is not null)
            {
                return false;
            }
            _count++;
            if (e.Sequence != _expectedSequence || e.PreviousHash != _previous || ComputeHash(e) != e.Hash)
            {
                _firstBroken = _expectedSequence;
                return false;
            }
            _previous = e.Hash;
            _expectedSequence++;
            return true;
        }

        public Verification Result => new(_firstBroken is null, _count, _firstBroken);
    }

    private static AuditEvent WithHash(AuditEvent e) => new()
    {
        ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome,
        ActorUserId = e.ActorUserId, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress,
        UserAgent = e.UserAgent, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = ComputeHash(e),
    };

    /// <summary>SHA-256 over every recorded field and the previous hash, in a fixed, unambiguous layout.</summary>
    public static string ComputeHash(AuditEvent e)
    {
        var canonical = string.Join('\u001f',
            e.PreviousHash, e.ChainId, e.Sequence, e.OccurredAt.UtcTicks, e.Action, e.Outcome,
            e.ActorUserId, e.SubjectUserId, e.ClientId, e.IpAddress, e.UserAgent, e.Reason);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static long LockKey(Guid chain) => BitConverter.ToInt64(SHA256.HashData(chain.ToByteArray()), 0);

    private static string? Truncate(string? value, int length) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= length ? value : value[..length];
}
