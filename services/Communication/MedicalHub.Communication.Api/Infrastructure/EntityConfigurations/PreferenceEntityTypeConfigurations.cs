using MedicalHub.Communication.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Communication.Api.Infrastructure.EntityConfigurations;

internal sealed class RecipientSettingsEntityTypeConfiguration : IEntityTypeConfiguration<RecipientSettings>
{
    public void Configure(EntityTypeBuilder<RecipientSettings> builder)
    {
        builder.ToTable("recipient_settings");
        builder.HasKey(s => s.UserId);
        builder.Property(s => s.TimeZone).HasMaxLength(100);
    }
}

internal sealed class ChannelPreferenceEntityTypeConfiguration : IEntityTypeConfiguration<ChannelPreference>
{
    public void Configure(EntityTypeBuilder<ChannelPreference> builder)
    {
        builder.ToTable("channel_preferences");
        builder.HasKey(p => new { p.UserId, p.Category, p.Channel });
        builder.Property(p => p.Category).HasMaxLength(100);
        builder.Property(p => p.Channel).HasConversion<string>().HasMaxLength(10);
    }
}
