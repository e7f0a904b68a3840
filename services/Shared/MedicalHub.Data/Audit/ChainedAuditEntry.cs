namespace MedicalHub.Data.Audit;

/// <summary>
/// One entry of a tamper-evident audit chain (<see cref="AuditChain{TContext, TEntry}"/>). A service's audit record
/// derives from it and says, in <see cref="WriteContent"/>, which of its fields the entry's hash covers; the chain
/// stamps the rest when it appends the entry: its chain, its position, when, the key it is signed with, the previous
/// entry's hash and its own. A changed field, a changed link or a missing position makes verification fail there.
/// </summary>
public abstract class ChainedAuditEntry
{
    public long Id { get; internal set; }

    /// <summary>The chain the entry belongs to (an organization, or <see cref="Guid.Empty"/> for a service-wide chain).</summary>
    public Guid ChainId { get; internal set; }

    /// <summary>Position in the chain, from 1, with no gaps.</summary>
    public long Sequence { get; internal set; }

    /// <summary>When the entry was appended (microsecond precision, as Postgres keeps it).</summary>
    public DateTimeOffset OccurredAt { get; internal set; }

    /// <summary>
    /// Which key signed <see cref="Hash"/> (<see cref="AuditChainKeys.KeyIdOf"/>), so keys can rotate; empty for an entry
    /// hashed without a key before the chain became keyed (see <see cref="AuditChainOptions{TEntry}.UnkeyedHash"/>).
    /// </summary>
    public string KeyId { get; internal set; } = "";

    /// <summary>The previous entry's <see cref="Hash"/>; <see cref="AuditChainKeys.GenesisHash"/> for the first.</summary>
    public string PreviousHash { get; internal set; } = "";

    /// <summary>HMAC-SHA256 (lower-case hex) over the chain fields and <see cref="WriteContent"/>, with the key <see cref="KeyId"/>.</summary>
    public string Hash { get; internal set; } = "";

    /// <summary>Writes every field the entry records, always in the same order (adding a field later: append it at the end).</summary>
    public abstract void WriteContent(AuditContentWriter content);

    /// <summary>What the signature covers: the chain fields (key id, chain, position, time, previous hash), then the content.</summary>
    public byte[] SignedBytes()
    {
        var writer = new AuditContentWriter().Add(KeyId).Add(ChainId).Add(Sequence).Add(OccurredAt).Add(PreviousHash);
        WriteContent(writer);
        return writer.ToArray();
    }
}
