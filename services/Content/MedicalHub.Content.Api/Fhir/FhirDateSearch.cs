using System.Globalization;
using System.Linq.Expressions;

namespace MedicalHub.Content.Api.Fhir;

/// <summary>
/// A FHIR <c>date</c> search value on an instant: a prefix (<c>eq ne lt le gt ge sa eb</c>, default <c>eq</c>) and a date
/// of any precision (<c>YYYY</c>, <c>YYYY-MM</c>, <c>YYYY-MM-DD</c>, or a dateTime to the second or finer with its
/// offset), which stands for the range it covers; dates without a time are UTC days. The condition compares that range
/// with the instant as FHIR says (<c>eq</c>: within it, <c>lt</c>: before its start, <c>le</c>: before its end…).
/// </summary>
public sealed record FhirDateSearch(string Prefix, DateTimeOffset Start, DateTimeOffset EndExclusive)
{
    private static readonly string[] Prefixes = ["eq", "ne", "lt", "gt", "le", "ge", "sa", "eb"];

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>The value of a <c>date</c> parameter; <see cref="FhirInputException"/> (400) when it is not one.</summary>
    public static FhirDateSearch Parse(string parameter, string value)
    {
        var prefix = value.Length > 2 && Prefixes.Contains(value[..2]) ? value[..2] : "eq";
        var date = value.Length > 2 && Prefixes.Contains(value[..2]) ? value[2..] : value;
        if (TryRange(date, out var start, out var end))
        {
            return new FhirDateSearch(prefix, start, end);
        }
        throw new FhirInputException(
            $"{parameter}: a date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with its offset) with an optional prefix ({string.Join(", ", Prefixes)}).");
    }

    /// <summary>The condition on the instant <paramref name="instant"/> selects.</summary>
    public Expression<Func<T, bool>> Condition<T>(Expression<Func<T, DateTimeOffset>> instant)
    {
        var (start, end) = (Start, EndExclusive);
        Expression<Func<DateTimeOffset, bool>> test = Prefix switch
        {
            "ne" => x => x < start || x >= end,
            "lt" or "eb" => x => x < start,
            "le" => x => x < end,
            "gt" or "sa" => x => x >= end,
            "ge" => x => x >= start,
            _ => x => x >= start && x < end,
        };
        var body = new ReplaceParameter(test.Parameters[0], instant.Body).Visit(test.Body);
        return Expression.Lambda<Func<T, bool>>(body, instant.Parameters);
    }

    private static bool TryRange(string text, out DateTimeOffset start, out DateTimeOffset end)
    {
        (start, end) = (default, default);
        var partial = new (string Format, Func<DateTime, DateTime> End)[]
        {
            ("yyyy-MM-dd", d => d.AddDays(1)), ("yyyy-MM", d => d.AddMonths(1)), ("yyyy", d => d.AddYears(1)),
        };
        foreach (var (format, next) in partial)
        {
            if (text.Length == format.Length
                && DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day)
                && day.Year is >= 1 and < 9999)
            {
                start = new DateTimeOffset(day, TimeSpan.Zero);
                end = new DateTimeOffset(next(day), TimeSpan.Zero);
                return true;
            }
        }
        if (text.Length <= 40 && text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && instant.Year is >= 1 and < 9999)
        {
            // A dateTime covers its last given unit: to the minute, a minute; to the second, a second; finer, that instant.
            var precision = text.Contains('.', StringComparison.Ordinal) ? TimeSpan.FromTicks(1)
                : CountTimeColons(text) == 1 ? TimeSpan.FromMinutes(1)
                : TimeSpan.FromSeconds(1);
            start = instant.ToUniversalTime();
            end = start + precision;
            return true;
        }
        return false;
    }

    /// <summary>The colons of the time part (hh:mm has one, hh:mm:ss two), not those of the offset.</summary>
    private static int CountTimeColons(string text)
    {
        var time = text[(text.IndexOf('T', StringComparison.Ordinal) + 1)..];
        var offset = time.EndsWith('Z') ? 1 : 6;
        return time[..^offset].Count(c => c == ':');
    }

    private sealed class ReplaceParameter(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
