using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Model;

/// <summary>A user's delivery settings: their time zone and quiet hours (nothing but critical notifications goes out then).</summary>
public sealed class RecipientSettings
{
    public required Guid UserId { get; init; }

    /// <summary>IANA time zone the quiet hours are in.</summary>
    public string? TimeZone { get; set; }

    public TimeOnly? QuietHoursStart { get; set; }

    public TimeOnly? QuietHoursEnd { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>A user's choice for one category on one channel (absent: the default, which is to receive it).</summary>
public sealed class ChannelPreference
{
    public required Guid UserId { get; init; }

    public required string Category { get; init; }

    public required Channel Channel { get; init; }

    public bool Enabled { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
