using System.Security.Cryptography;
using System.Text;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.Data.Audit;

/// <summary>What verifying one chain found: valid, or the first entry that was changed, removed or signed with an unknown key.</summary>
/// <param name="Entries">How many entries were read (up to and including the first broken one).</param>
/// <param name="FirstBrokenSequence">The position where the chain stops being trustworthy; null when it is valid.</param>
/// <param name="Problem">What is wrong there, in words.</param>
public sealed record AuditChainVerification(bool Valid, long Entries, long? FirstBrokenSequence, string? Problem);

/// <summary>How a service's chain treats entries written before it was keyed (see <see cref="UnkeyedHash"/>).</summary>
public sealed class AuditChainOptions<TEntry> where TEntry : ChainedAuditEntry
{
    /// <summary>
    /// For a chain that existed before keys (Identity's SHA-256 trail): the hash of an entry whose
    /// <see cref="ChainedAuditEntry.KeyId"/> is empty, as it was computed then. Such entries are accepted only before
    /// the chain's first keyed entry; null: every entry must be keyed.
    /// </summary>
    public Func<TEntry, string>? UnkeyedHash { get; set; }
}

/// <summary>
/// Appends to and verifies the tamper-evident chains of one audit table (<typeparamref name="TEntry"/> in
/// <typeparamref name="TContext"/>): entries of a chain (e.g. one organization) are numbered from 1 without gaps, each
/// signed with HMAC-SHA256 over its content, its position, its time and the previous entry's hash. Appends to one chain
/// are serialized by a transaction-scoped advisory lock, so positions and links never fork across replicas; the unique
/// (chain, sequence) index is the backstop. Without the key a changed or forged entry cannot be given a valid hash.
/// What it cannot see alone: the removal of a chain's newest entries (an anchor kept outside the database would).
/// </summary>
public sealed class AuditChain<TContext, TEntry>(IServiceScopeFactory scopes, AuditChainKeys keys, AuditChainOptions<TEntry> options, TimeProvider time)
    where TContext : DbContext
    where TEntry : ChainedAuditEntry
{
    /// <summary>
    /// Appends <paramref name="entries"/> to <paramref name="chainId"/> in a transaction of their own, on a context of
    /// their own (so nothing else the caller's context tracks is saved with them). Returns once they are committed.
    /// The chain is the one named, whatever organization the current caller acts for (a reader of another organization's
    /// shared record is recorded in that organization's chain).
    /// </summary>
    public async Task AppendAsync(Guid chainId, IReadOnlyList<TEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScopeWithoutCaller();
        if (chainId != Guid.Empty && typeof(IOrganizationOwned).IsAssignableFrom(typeof(TEntry))
            && scope.ServiceProvider.GetService<OrganizationScope>() is { } organizations)
        {
            organizations.ActFor(chainId);
        }
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            db.Database.AutoSavepointsEnabled = false; // inserts in a transaction of our own: a savepoint adds statements and nothing else
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await StageAsync(db, chainId, entries, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    /// <summary>
    /// Adds <paramref name="entries"/> to <paramref name="db"/>'s unit of work within the transaction the caller has
    /// begun, so they commit or roll back with the change they record. The chain stays locked until that transaction
    /// ends: keep it short. The caller saves and commits.
    /// </summary>
    public async Task AppendWithinTransactionAsync(TContext db, Guid chainId, IReadOnlyList<TEntry> entries, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("AppendWithinTransactionAsync needs the caller's transaction; use AppendAsync otherwise.");
        }
        if (entries.Count > 0)
        {
            await StageAsync(db, chainId, entries, cancellationToken);
        }
    }

    private async Task StageAsync(TContext db, Guid chainId, IReadOnlyList<TEntry> entries, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey(db, chainId)})", ct);
        var last = await Chain(db, chainId).OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);

        var now = time.GetUtcNow();
        var occurredAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero); // Postgres keeps microseconds
        var (sequence, previous) = (last?.Sequence ?? 0, last?.Hash ?? AuditChainKeys.GenesisHash);
        foreach (var entry in entries)
        {
            entry.ChainId = chainId;
            entry.Sequence = ++sequence;
            entry.OccurredAt = occurredAt;
            entry.KeyId = keys.CurrentKeyId;
            entry.PreviousHash = previous;
            entry.Hash = previous = keys.Sign(entry.KeyId, entry.SignedBytes());
            db.Set<TEntry>().Add(entry);
        }
    }

    /// <summary>
    /// Reads <paramref name="chainId"/> from its start and recomputes every link and signature: the first entry that is
    /// missing, out of place, changed or signed with a key that is not configured is where the chain was tampered with.
    /// </summary>
    public async Task<AuditChainVerification> VerifyAsync(Guid chainId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var previous = AuditChainKeys.GenesisHash;
        long expected = 1, read = 0;
        var keyed = false;
        await foreach (var entry in Chain(db, chainId).AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            read++;
            var problem = ProblemOf(entry, expected, previous, ref keyed);
            if (problem is not null)
            {
                return new AuditChainVerification(false, read, expected, problem);
            }
            previous = entry.Hash;
            expected++;
        }
        return new AuditChainVerification(true, read, null, null);
    }

    private string? ProblemOf(TEntry entry, long expected, string previous, ref bool keyed)
    {
        if (entry.Sequence != expected)
        {
            return entry.Sequence > expected
                ? $"Entry {expected} is missing: the chain goes from {expected - 1} to {entry.Sequence}."
                : $"Entry {entry.Sequence} appears again after {expected - 1}.";
        }
        if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
        {
            return $"Entry {expected} does not follow entry {expected - 1}: its link to the previous hash differs.";
        }
        string computed;
        if (entry.KeyId.Length == 0)
        {
            if (keyed || options.UnkeyedHash is null)
            {
                return $"Entry {expected} carries no key id where every entry must be signed.";
            }
            computed = options.UnkeyedHash(entry);
        }
        else
        {
            if (!keys.IsKnown(entry.KeyId))
            {
                return $"Entry {expected} is signed with key '{entry.KeyId}', which is not configured.";
            }
            keyed = true;
            computed = keys.Sign(entry.KeyId, entry.SignedBytes());
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(entry.Hash))
            ? null
            : $"Entry {expected} was changed: its hash does not match its content.";
    }

    /// <summary>Every entry of one chain, whatever the context's query filters (a chain is read whole, by its id).</summary>
    private static IQueryable<TEntry> Chain(TContext db, Guid chainId) =>
        db.Set<TEntry>().IgnoreQueryFilters().Where(e => e.ChainId == chainId);

    /// <summary>One advisory lock per table and chain, so two audit tables in one database never wait for each other.</summary>
    private static long LockKey(TContext db, Guid chainId)
    {
        var table = db.Model.FindEntityType(typeof(TEntry))?.GetTableName() ?? typeof(TEntry).Name;
        var bytes = SHA256.HashData([.. Encoding.UTF8.GetBytes(table), .. chainId.ToByteArray()]);
        return BitConverter.ToInt64(bytes, 0);
    }
}
