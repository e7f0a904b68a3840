using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Data.Inbox;

public static class InboxModelExtensions
{
    /// <summary>Adds the <c>inbox_messages</c> table to a service's model (call from <c>OnModelCreating</c>).</summary>
    public static ModelBuilder AddInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxMessage>(message =>
        {
            message.ToTable("inbox_messages");
            message.HasKey(m => m.MessageId);
            message.Property(m => m.Type).HasMaxLength(100);
            message.Property(m => m.Source).HasMaxLength(100);
            message.Property(m => m.Outcome).HasMaxLength(20);
            message.HasIndex(m => m.ReceivedAt);
        });
        return modelBuilder;
    }
}
