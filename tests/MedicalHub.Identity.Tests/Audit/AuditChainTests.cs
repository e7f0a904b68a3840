using MedicalHub.Identity.Api.Audit;

namespace MedicalHub.Identity.Tests.Audit;

/// <summary>
/// The audit chain's verification (<see cref="AuditTrail.ChainVerifier"/>, over <see cref="AuditTrail.ComputeHash"/>):
/// an intact chain verifies; a changed, removed, inserted or reordered entry is found, at the first place the chain
/// no longer holds.
/// </summary>
public sealed class AuditChainTests
{
    private static readonly Guid Chain = Guid.CreateVersion7();

    /// <summary>An intact chain of <paramref name="length"/> entries, each linked to the one before.</summary>
    private static List<AuditEvent> IntactChain(int length)
    {
        var chain = new List<AuditEvent>();
        var previous = AuditTrail.GenesisHash;
        for (var sequence = 1; sequence <= length; sequence++)
        {
            var entry = Sealed(new AuditEvent
            {
                ChainId = Chain,
                Sequence = sequence,
                OccurredAt = new DateTimeOffset(2026, 12, 1, 8, 0, sequence, TimeSpan.Zero),
                Action = sequence % 2 == 0 ? AuditActions.LoginSucceeded : AuditActions.LoginFailed,
                Outcome = sequence % 2 == 0 ? AuditOutcomes.Success : AuditOutcomes.Failure,
                SubjectUserId = Guid.CreateVersion7(),
                ClientId = "medicalhub-web",
                IpAddress = "192.0.2.7",
                Reason = $"entry {sequence}",
                PreviousHash = previous,
                Hash = "",
            });
            chain.Add(entry);
            previous = entry.Hash;
        }
        return chain;
    }

    /// <summary>The entry with the hash of its own content (what <c>RecordAsync</c> stores, or what a careful forger would).</summary>
    private static AuditEvent Sealed(AuditEvent e) => With(e, hash: AuditTrail.ComputeHash(e));

    private static AuditEvent With(AuditEvent e, string? reason = null, long? sequence = null, string? previousHash = null, string? hash = null) => new()
    {
        Id = e.Id, ChainId = e.ChainId, Sequence = sequence ?? e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome,
        ActorUserId = e.ActorUserId, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, UserAgent = e.UserAgent,
        Reason = reason ?? e.Reason, PreviousHash = previousHash ?? e.PreviousHash, Hash = hash ?? e.Hash,
    };

    private static AuditTrail.Verification Verify(IEnumerable<AuditEvent> chain)
    {
        var verifier = new AuditTrail.ChainVerifier();
        foreach (var e in chain)
        {
            if (!verifier.Accept(e))
            {
                break;
            }
        }
        return verifier.Result;
    }

    [Fact]
    public void An_intact_chain_verifies()
    {
        Assert.Equal(new AuditTrail.Verification(true, 6, null), Verify(IntactChain(6)));
        Assert.Equal(new AuditTrail.Verification(true, 0, null), Verify([]));
    }

    [Fact]
    public void A_changed_entry_is_found_where_it_was_changed()
    {
        var chain = IntactChain(6);
        chain[3] = With(chain[3], reason: "nothing happened here");

        var result = Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenSequence);
    }

    [Fact]
    public void A_changed_entry_given_a_fresh_hash_breaks_the_link_of_the_entry_after_it()
    {
        var chain = IntactChain(6);
        chain[3] = Sealed(With(chain[3], reason: "nothing happened here"));

        Assert.Equal(5, Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void A_removed_entry_is_found_where_it_is_missing()
    {
        var chain = IntactChain(6);
        chain.RemoveAt(2);

        Assert.Equal(3, Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void A_removed_entry_renumbered_and_resealed_still_breaks_the_link()
    {
        var chain = IntactChain(6);
        chain.RemoveAt(2);
        chain[2] = Sealed(With(chain[2], sequence: 3));

        Assert.Equal(3, Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void A_chain_rebuilt_after_a_removal_is_found_by_its_numbering()
    {
        // Entry 3 removed, and every entry after it resealed and relinked: only the sequence gives it away.
        var chain = IntactChain(6);
        chain.RemoveAt(2);
        for (var i = 2; i < chain.Count; i++)
        {
            chain[i] = Sealed(With(chain[i], previousHash: chain[i - 1].Hash));
        }

        Assert.Equal(3, Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void Swapped_entries_are_found()
    {
        var chain = IntactChain(6);
        (chain[1], chain[2]) = (chain[2], chain[1]);

        Assert.Equal(2, Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void A_chain_must_start_from_the_genesis_hash()
    {
        var chain = IntactChain(2);
        chain[0] = Sealed(With(chain[0], previousHash: new string('1', 64)));

        Assert.Equal(1, Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void Every_recorded_field_is_in_the_hash()
    {
        var e = IntactChain(1)[0];
        var hash = AuditTrail.ComputeHash(e);
        AuditEvent[] variants =
        [
            new() { ChainId = Guid.CreateVersion7(), Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = 2, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt.AddTicks(10), Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = AuditActions.LockedOut, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = AuditOutcomes.Success, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, ActorUserId = Guid.CreateVersion7(), SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = Guid.CreateVersion7(), ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = "another-client", IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = "198.51.100.1", Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, UserAgent = "curl/8", Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = "another reason", PreviousHash = e.PreviousHash, Hash = "" },
            new() { ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId, ClientId = e.ClientId, IpAddress = e.IpAddress, Reason = e.Reason, PreviousHash = new string('2', 64), Hash = "" },
        ];

        Assert.All(variants, v => Assert.NotEqual(hash, AuditTrail.ComputeHash(v)));
    }

    [Fact]
    public void Moving_text_from_one_field_to_the_next_changes_the_hash()
    {
        var e = IntactChain(1)[0];
        var moved = new AuditEvent
        {
            ChainId = e.ChainId, Sequence = e.Sequence, OccurredAt = e.OccurredAt, Action = e.Action, Outcome = e.Outcome, SubjectUserId = e.SubjectUserId,
            ClientId = e.ClientId + e.IpAddress, IpAddress = "", Reason = e.Reason, PreviousHash = e.PreviousHash, Hash = "",
        };

        Assert.NotEqual(AuditTrail.ComputeHash(e), AuditTrail.ComputeHash(moved));
    }
}
