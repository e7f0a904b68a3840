using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Data.Outbox;

public static class OutboxModelExtensions
{
    /// <summary>Adds the <c>outbox_messages</c> table to a service's model (call from <c>OnModelCreating</c>).</summary>
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox_messages");
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).UseIdentityAlwaysColumn();
            message.HasIndex(m => m.MessageId).IsUnique();
            message.Property(m => m.Type).HasMaxLength(200);
            message.Property(m => m.Payload).HasColumnType("jsonb");
            message.Property(m => m.TraceParent).HasMaxLength(55);
            message.Property(m => m.LastError).HasMaxLength(2000);
            // What the relay scans: only messages still to deliver, in due order.
            message.HasIndex(m => new { m.NextAttemptAt, m.Id })
                .HasFilter("dispatched_at IS NULL AND dead_lettered_at IS NULL")
                .HasDatabaseName("ix_outbox_messages_due");
        });
        return modelBuilder;
    }

    /// <summary>
    /// Queues a message in the context's current unit of work: it is committed (or rolled back) with the
    /// rest of <see cref="DbContext.SaveChanges()"/>, so a change and its side effect cannot part.
    /// </summary>
    public static OutboxMessage AddOutboxMessage<TPayload>(this DbContext db, string type, TPayload payload)
    {
        var message = new OutboxMessage
        {
            Type = type,
            Payload = JsonSerializer.Serialize(payload, JsonSerializerOptions.Web),
            TraceParent = Activity.Current?.Id is { } id && Activity.Current.IdFormat == ActivityIdFormat.W3C ? id : null,
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }
}
