using System.Collections.Concurrent;
using MedicalHub.Identity.Api.Audit;

namespace MedicalHub.Identity.Tests.Support;

/// <summary>The audit entries a test's sign-ins record, in order.</summary>
public sealed class RecordingAuditTrail : IAuditTrail
{
    private readonly ConcurrentQueue<AuditEntry> _entries = new();

    public IReadOnlyList<AuditEntry> Entries => [.. _entries];

    public Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        _entries.Enqueue(entry);
        return Task.CompletedTask;
    }
}
