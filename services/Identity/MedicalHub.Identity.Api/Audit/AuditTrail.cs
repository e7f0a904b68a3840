using System.Security.Cryptography;
using System.Text;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Audit;

/// <summary>Appends to and verifies the tamper-evident audit chains.</summary>
public sealed class AuditTrail(IServiceScopeFactory scopeFactory, IHttpContextAccessor http, TimeProvider time)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public sealed record Entry(string Action, string Outcome, Guid? OrganizationId, Guid? ActorUserId = null, Guid? SubjectUserId = null,
        string? Reason = null, string? ClientId = null);

    public sealed record Verification(bool Valid, long Entries, long? FirstBrokenSequence);

    /// <summary>
    /// Records an event in its own transaction (so a failure is recorded even when the operation it
    /// audits is rolled back), serialized per chain by an advisory lock so sequences and hashes never fork.
    /// </summary>
    public async Task RecordAsync(Entry entry, CancellationToken ct = default)
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
        var previous = GenesisHash;
        long expectedSequence = 1, count = 0;
        await foreach (var e in db.AuditEvents.AsNoTracking().Where(e => e.ChainId == chain).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (e.Sequence != expectedSequence || e.PreviousHash != previous || ComputeHash(e) != e.Hash)
            {
                return new Verification(false, count, expectedSequence);
            }
            previous = e.Hash;
            expectedSequence++;
        }
        return new Verification(true, count, null);
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
