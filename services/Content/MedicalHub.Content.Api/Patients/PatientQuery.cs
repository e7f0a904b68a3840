using System.Globalization;
using System.Text;

namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// A patient search, as the native API and the FHIR layer parse it from their parameters (<see cref="PatientQueryParser"/>):
/// every condition must hold. Name conditions hold when each word of the value starts a word of the patient's names
/// (diacritics and case ignored); phonetic ones when each word sounds like one (double metaphone).
/// </summary>
public sealed class PatientQuery
{
    public List<string> NameWords { get; } = [];
    public List<string> FamilyWords { get; } = [];
    public List<string> GivenWords { get; } = [];
    public List<string> PhoneticWords { get; } = [];
    public List<DateCondition> BirthDate { get; } = [];
    public List<IdentifierCondition> Identifiers { get; } = [];

    /// <summary>Any of these ids (FHIR <c>_id</c>); empty: no condition.</summary>
    public List<Guid> Ids { get; } = [];

    public bool? Active { get; set; }

    /// <summary>The parameters used, by name (recorded in the access audit; their values are not).</summary>
    public SortedSet<string> ParameterNames { get; } = new(StringComparer.Ordinal);
}

/// <summary>An identifier condition: <c>system|value</c>, <c>system|</c> (any value of the system) or <c>value</c> (any system).</summary>
public sealed record IdentifierCondition(string? System, string? Value);

/// <summary>A date condition with FHIR's prefixes over the range a partial date covers: <c>ge1980</c>, <c>1980-05</c>, <c>lt1990-01-31</c>.</summary>
public sealed record DateCondition(string Prefix, DateOnly Start, DateOnly EndExclusive);

/// <summary>Turns search parameters into a <see cref="PatientQuery"/>, collecting every mistake as a validation error.</summary>
public sealed class PatientQueryParser
{
    public const int MaxValueLength = 200;

    private static readonly string[] DatePrefixes = ["eq", "ne", "lt", "gt", "le", "ge", "sa", "eb"];

    public PatientQuery Query { get; } = new();

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public void Name(string parameter, string? value, List<string> into)
    {
        if (Usable(parameter, value) is not { } text)
        {
            return;
        }
        var words = PatientNames.Words(text).ToList();
        if (words.Count == 0)
        {
            Errors[parameter] = ["A name needs at least one letter or digit."];
            return;
        }
        into.AddRange(words);
        Query.ParameterNames.Add(parameter);
    }

    public void BirthDate(string parameter, string? value)
    {
        if (Usable(parameter, value) is not { } text)
        {
            return;
        }
        var prefix = text.Length > 2 && DatePrefixes.Contains(text[..2]) ? text[..2] : "eq";
        var date = prefix == "eq" && !text.StartsWith("eq", StringComparison.Ordinal) ? text : text[2..];
        if (!TryParsePartialDate(date, out var start, out var end))
        {
            Errors[parameter] = [$"A date (YYYY, YYYY-MM or YYYY-MM-DD) with an optional prefix ({string.Join(", ", DatePrefixes)})."];
            return;
        }
        Query.BirthDate.Add(new DateCondition(prefix, start, end));
        Query.ParameterNames.Add(parameter);
    }

    public void Identifier(string parameter, string? value)
    {
        if (Usable(parameter, value) is not { } text)
        {
            return;
        }
        if (UnescapedIndex(text, ',') >= 0)
        {
            Errors[parameter] = ["One identifier per parameter (repeat the parameter for several; escape a comma in a value as \\,)."];
            return;
        }
        var bar = UnescapedIndex(text, '|');
        var condition = bar < 0
            ? new IdentifierCondition(null, Unescape(text))
            : new IdentifierCondition(Unescape(text[..bar]), bar == text.Length - 1 ? null : Unescape(text[(bar + 1)..]));
        if (condition is { System: null or "", Value: null })
        {
            Errors[parameter] = ["A system, a value, or both (system|value)."];
            return;
        }
        Query.Identifiers.Add(condition);
        Query.ParameterNames.Add(parameter);
    }

    public void Ids(string parameter, string? value)
    {
        if (Usable(parameter, value) is not { } text)
        {
            return;
        }
        foreach (var id in text.Split(','))
        {
            if (!Guid.TryParse(id, out var guid))
            {
                // An id that is not ours names no patient: it matches nothing rather than failing the search.
                guid = Guid.Empty;
            }
            Query.Ids.Add(guid);
        }
        Query.ParameterNames.Add(parameter);
    }

    public void Active(string parameter, string? value)
    {
        if (Usable(parameter, value) is not { } text)
        {
            return;
        }
        if (!bool.TryParse(text, out var active))
        {
            Errors[parameter] = ["true or false."];
            return;
        }
        Query.Active = active;
        Query.ParameterNames.Add(parameter);
    }

    /// <summary>The value, if there is one that search can use; records an error for one too long or with control characters.</summary>
    private string? Usable(string parameter, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (value.Length > MaxValueLength)
        {
            Errors[parameter] = [$"At most {MaxValueLength} characters."];
            return null;
        }
        if (PatientRules.HasControl(value))
        {
            Errors[parameter] = ["No control characters."];
            return null;
        }
        return value;
    }

    private static bool TryParsePartialDate(string text, out DateOnly start, out DateOnly endExclusive)
    {
        (start, endExclusive) = (default, default);
        var formats = new (string Format, Func<DateOnly, DateOnly> End)[]
        {
            ("yyyy-MM-dd", d => d.AddDays(1)), ("yyyy-MM", d => d.AddMonths(1)), ("yyyy", d => d.AddYears(1)),
        };
        foreach (var (format, end) in formats)
        {
            if (text.Length == format.Length && DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out start)
                && start.Year is >= 1 and < 9999)
            {
                endExclusive = end(start);
                return true;
            }
        }
        return false;
    }

    private static int UnescapedIndex(string text, char c)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == c)
            {
                return i;
            }
        }
        return -1;
    }

    private static string? Unescape(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }
            result.Append(text[i]);
        }
        return result.ToString();
    }
}
