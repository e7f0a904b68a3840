using MedicalHub.Content.Formats.Hl7v2;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

public class Hl7TimestampTests
{
    [Theory]
    [InlineData("2026", Hl7TimestampPrecision.Year, "2026-01-01T00:00:00", null)]
    [InlineData("202611", Hl7TimestampPrecision.Month, "2026-11-01T00:00:00", null)]
    [InlineData("20261124", Hl7TimestampPrecision.Day, "2026-11-24T00:00:00", null)]
    [InlineData("2026112408", Hl7TimestampPrecision.Hour, "2026-11-24T08:00:00", null)]
    [InlineData("202611240830", Hl7TimestampPrecision.Minute, "2026-11-24T08:30:00", null)]
    [InlineData("20261124083015", Hl7TimestampPrecision.Second, "2026-11-24T08:30:15", null)]
    [InlineData("20261124083015.1234", Hl7TimestampPrecision.FractionOfSecond, "2026-11-24T08:30:15.1234", null)]
    [InlineData("20261124083015.5-0500", Hl7TimestampPrecision.FractionOfSecond, "2026-11-24T08:30:15.5", -300)]
    [InlineData("202611240830+0130", Hl7TimestampPrecision.Minute, "2026-11-24T08:30:00", 90)]
    public void Reads_every_precision_and_offset(string text, Hl7TimestampPrecision precision, string local, int? offsetMinutes)
    {
        Assert.True(Hl7Timestamp.TryParse(text, out var timestamp));

        Assert.Equal(precision, timestamp!.Precision);
        Assert.Equal(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture), timestamp.Local);
        Assert.Equal(offsetMinutes is null ? null : TimeSpan.FromMinutes(offsetMinutes.Value), timestamp.Offset);
        Assert.Equal(text, timestamp.ToString().Replace(".5000", ".5", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("20")]
    [InlineData("202613")]
    [InlineData("20260230")]
    [InlineData("2026022425")]
    [InlineData("202602241260")]
    [InlineData("20260224120060")]
    [InlineData("20260224.5")]
    [InlineData("20260224120000.12345")]
    [InlineData("20260224+25")]
    [InlineData("20260224+1500")]
    [InlineData("2026-02-24")]
    [InlineData("0000")]
    public void Refuses_what_is_not_a_date_time(string text)
    {
        Assert.False(Hl7Timestamp.TryParse(text, out var timestamp));
        Assert.Null(timestamp);
    }
}
