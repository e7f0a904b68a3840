using System.Text;
using System.Text.RegularExpressions;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>
/// Replaces what identifies a patient (names, identifiers, dates, phone numbers, e-mail and postal addresses) with
/// placeholders such as <c>[NAME-1]</c> before text leaves for an AI provider, and puts them back in the answer. The
/// record's own values (the Patient's names, identifiers, birth date, contacts, address) are replaced wherever they
/// appear, longest first; patterns catch the rest (other dates, e-mail addresses, phone numbers, long numbers). One value
/// always gets the same placeholder, so the model can still tell people and dates apart.
/// </summary>
public sealed partial class Deidentifier
{
    public static class Kinds
    {
        public const string Name = "NAME";
        public const string Identifier = "ID";
        public const string Date = "DATE";
        public const string Phone = "PHONE";
        public const string Email = "EMAIL";
        public const string Address = "ADDRESS";
    }

    private readonly List<(string Value, string Kind)> _known;
    private readonly Dictionary<string, string> _placeholderOf = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _valueOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public Deidentifier(IEnumerable<(string Kind, string Value)> known)
    {
        // Longest first, so "Dora Documented" is one name before "Dora" is another; values of one or two characters would
        // replace parts of ordinary words, so they are left to the patterns.
        _known = [.. known.Where(k => k.Value.Trim().Length > 2).Select(k => (k.Value.Trim(), k.Kind))
            .DistinctBy(k => k.Item1, StringComparer.OrdinalIgnoreCase).OrderByDescending(k => k.Item1.Length)];
    }

    /// <summary>The placeholders given so far and what they stand for.</summary>
    public IReadOnlyDictionary<string, string> Placeholders => _valueOf;

    public string Protect(string text)
    {
        foreach (var (value, kind) in _known)
        {
            text = Regex.Replace(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(value)}(?![\p{{L}}\p{{N}}])", _ => PlaceholderFor(kind, value),
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        text = EmailPattern().Replace(text, m => PlaceholderFor(Kinds.Email, m.Value));
        text = DatePattern().Replace(text, m => PlaceholderFor(Kinds.Date, m.Value));
        text = PhonePattern().Replace(text, m => PlaceholderFor(Kinds.Phone, m.Value));
        text = LongNumberPattern().Replace(text, m => PlaceholderFor(Kinds.Identifier, m.Value));
        return text;
    }

    /// <summary>The text with every placeholder this de-identifier gave put back; a placeholder it never gave is left as is.</summary>
    public string Restore(string text) => PlaceholderPattern().Replace(text, m => _valueOf.GetValueOrDefault(m.Value, m.Value));

    /// <summary>Restores a streamed answer piece by piece: a placeholder cut between two pieces is held back until it is whole.</summary>
    public StreamRestorer ForStream() => new(this);

    public sealed class StreamRestorer(Deidentifier owner)
    {
        private readonly StringBuilder _pending = new();

        /// <summary>The restored text that can be shown now.</summary>
        public string Push(string piece)
        {
            _pending.Append(piece);
            var text = _pending.ToString();
            var open = text.LastIndexOf('[');
            var cut = open >= 0 && text.IndexOf(']', open) < 0 && text.Length - open <= MaxPlaceholderLength ? open : text.Length;
            _pending.Clear().Append(text[cut..]);
            return owner.Restore(text[..cut]);
        }

        /// <summary>What is left at the end.</summary>
        public string Flush()
        {
            var rest = owner.Restore(_pending.ToString());
            _pending.Clear();
            return rest;
        }
    }

    private const int MaxPlaceholderLength = 16;

    private string PlaceholderFor(string kind, string value)
    {
        if (_placeholderOf.TryGetValue(value, out var existing))
        {
            return existing;
        }
        var number = _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        var placeholder = $"[{kind}-{number}]";
        _placeholderOf[value] = placeholder;
        _valueOf[placeholder] = value;
        return placeholder;
    }

    [GeneratedRegex(@"\[(NAME|ID|DATE|PHONE|EMAIL|ADDRESS)-\d{1,5}\]", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // 2024-03-12 (with an optional time), 12/03/2024, 12.03.2024, 12-03-2024, and 12 March 2024 / March 12, 2024.
    [GeneratedRegex(@"\b(\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4})\b",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DatePattern();

    // An international or grouped number of 8 to 15 digits: +33 1 23 45 67 89, 01 23 45 67 89, (555) 123-4567.
    [GeneratedRegex(@"(?<![\w\]])(\+\d{1,3}[ .-]?)?(\(\d{1,4}\)[ .-]?)?\d{1,4}([ .-]\d{2,4}){2,5}(?![\w\[])", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    // Any other run of 6 digits or more (record numbers, insurance numbers).
    [GeneratedRegex(@"(?<![\w\]-])\d{6,}(?![\w\[])", RegexOptions.CultureInvariant)]
    private static partial Regex LongNumberPattern();
}
