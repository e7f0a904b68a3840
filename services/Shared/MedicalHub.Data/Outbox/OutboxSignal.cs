using MedicalHub.Data.Work;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Data.Outbox;

/// <summary>Wakes this replica's relay of <typeparamref name="TContext"/>'s outbox after a message was committed, so it leaves now rather than at the next poll.</summary>
public sealed class OutboxSignal<TContext> : WakeSignal where TContext : DbContext;
