using MedicalHub.Communication.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Communication.Api.Infrastructure.EntityConfigurations;

internal sealed class DeliveryAttemptEntityTypeConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> builder)
    {
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Provider).HasMaxLength(100);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Error).HasMaxLength(2000);
        builder.Property(a => a.ProviderMessageId).HasMaxLength(500);
        // Provider webhooks find the attempt by the provider's message id.
        builder.HasIndex(a => new { a.Provider, a.ProviderMessageId }).HasFilter("provider_message_id IS NOT NULL");
    }
}
