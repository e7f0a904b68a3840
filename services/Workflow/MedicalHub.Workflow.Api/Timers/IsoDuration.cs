using System.Globalization;
using System.Text.RegularExpressions;

namespace MedicalHub.Workflow.Api.Timers;

/// <summary>
/// An ISO 8601 duration as pathways write them (<c>P3M</c>, <c>P1Y</c>, <c>P2W</c>, <c>PT5S</c>, <c>-P14D</c>). Years and
/// months are calendar units (three months after 30 November is 28 February), so they are kept apart from the fixed part.
/// </summary>
public readonly partial record struct IsoDuration(int Months, TimeSpan Fixed)
{
    /// <summary>The longest duration a pathway may use: ten years.</summary>
    public const int MaxMonths = 120;

    public static bool TryParse(string? text, out IsoDuration duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return false;
        }
        var match = Pattern().Match(text);
        if (!match.Success || text.EndsWith('P') || text.EndsWith('T'))
        {
            return false;
        }
        long Part(string name) => match.Groups[name].Success ? long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        var sign = match.Groups["neg"].Success ? -1 : 1;
        var months = Part("y") * 12 + Part("mo");
        var days = Part("w") * 7 + Part("d");
        if (months > MaxMonths || days > MaxMonths * 31 || Part("h") > MaxMonths * 31 * 24 || Part("mi") > 10_000_000 || Part("s") > 1_000_000_000)
        {
            return false;
        }
        var fixedPart = TimeSpan.FromDays(days) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("mi")) + TimeSpan.FromSeconds(Part("s"));
        if (fixedPart > TimeSpan.FromDays(MaxMonths * 31))
        {
            return false;
        }
        duration = new IsoDuration((int)months * sign, sign * fixedPart);
        return true;
    }

    public static IsoDuration Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"'{text}' is not an ISO 8601 duration.");

    public DateTimeOffset AddTo(DateTimeOffset instant) => instant.AddMonths(Months) + Fixed;

    public bool IsNegative => Months < 0 || Fixed < TimeSpan.Zero;

    [GeneratedRegex(@"^(?<neg>-)?P(?:(?<y>\d{1,3})Y)?(?:(?<mo>\d{1,4})M)?(?:(?<w>\d{1,4})W)?(?:(?<d>\d{1,5})D)?(?:T(?:(?<h>\d{1,6})H)?(?:(?<mi>\d{1,8})M)?(?:(?<s>\d{1,10})S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
