using MedicalHub.Workflow.Api.Fhir;
using MedicalHub.Workflow.Api.Timers;

namespace MedicalHub.Workflow.Tests;

public sealed class IsoDurationTests
{
    private static readonly DateTimeOffset November30 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("P3M", 2027, 2, 28, 12)]
    [InlineData("P1Y", 2027, 11, 30, 12)]
    [InlineData("P2W", 2026, 12, 14, 12)]
    [InlineData("-P14D", 2026, 11, 16, 12)]
    [InlineData("PT36H", 2026, 12, 2, 0)]
    [InlineData("P1DT1H", 2026, 12, 1, 13)]
    public void Durations_add_calendar_months_and_fixed_time(string text, int year, int month, int day, int hour)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration));
        Assert.Equal(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero), duration.AddTo(November30));
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("3M")]
    [InlineData("P1.5D")]
    [InlineData("P11Y")]
    [InlineData("PT99999999999S")]
    [InlineData("P5000D")]
    [InlineData("p3m")]
    public void Malformed_or_too_long_durations_are_refused(string text)
    {
        Assert.False(IsoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("P3M", 3, "mo")]
    [InlineData("P2Y", 2, "a")]
    [InlineData("P14D", 2, "wk")]
    [InlineData("P3D", 3, "d")]
    [InlineData("PT90M", 90, "min")]
    [InlineData("PT5S", 5, "s")]
    public void Durations_map_to_FHIR_UCUM_durations_and_back(string iso, int value, string code)
    {
        var fhir = PlanDefinitionMapper.ToFhirDuration(iso)!;
        Assert.Equal(value, fhir.Value);
        Assert.Equal(code, fhir.Code);
        var issues = new List<(string, string)>();
        var back = PlanDefinitionMapper.FromFhirDuration(fhir, "x", issues)!;
        Assert.Empty(issues);
        Assert.Equal(IsoDuration.Parse(iso).AddTo(November30), IsoDuration.Parse(back).AddTo(November30));
    }
}
