using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MedicalHub.Content.Api.Search;

/// <summary>
/// What the user typed, made into a PostgreSQL <c>tsquery</c> expression run in both languages (English and French
/// stemming, accents ignored): words are ANDed, <c>"quoted words"</c> are phrases, <c>or</c> between words is OR and a
/// leading <c>-</c> excludes a word (<c>websearch_to_tsquery</c>'s syntax). With <see cref="Prefix"/> (as you type), the
/// last word, unless followed by a space, matches every word it begins — stemmed or not, and cut back by up to three
/// letters so that a word typed past its stem ("regurgitat…") still finds it.
/// </summary>
public sealed partial record SearchQuery(string Main, string? PrefixWord)
{
    public const int MaxLength = 500;
    private const int MinPrefixCut = 5;

    public bool Prefix => PrefixWord is not null;

    /// <summary>The query's text split into its full words and, as you type, the word being typed; null when it holds nothing to search for.</summary>
    public static SearchQuery? Parse(string text, bool prefix)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }
        if (!prefix || char.IsWhiteSpace(text[^1]) || trimmed.EndsWith('"') || QuotesOpen(trimmed))
        {
            return new SearchQuery(trimmed, null);
        }
        var lastSpace = trimmed.LastIndexOfAny([' ', '\t', '"']);
        var last = trimmed[(lastSpace + 1)..];
        var word = Normalize(last.TrimStart('-'));
        if (word.Length == 0 || last.StartsWith('-'))
        {
            return new SearchQuery(trimmed, null);
        }
        return new SearchQuery(lastSpace < 0 ? "" : trimmed[..(lastSpace + 1)].Trim(), word);
    }

    /// <summary>
    /// The SQL of the query (a <c>tsquery</c>), its values as parameters <c>@main</c> and <c>@p0…</c>: in each configuration,
    /// the main words and, as you type, any of the prefix's forms.
    /// </summary>
    public string Sql(Func<string, string> parameter)
    {
        var main = parameter(Main);
        var parts = new List<string>();
        foreach (var configuration in new[] { TextLanguages.Configuration(TextLanguages.English), TextLanguages.Configuration(TextLanguages.French) })
        {
            var expression = $"websearch_to_tsquery('{configuration}', {main})";
            if (PrefixWord is { } word)
            {
                var forms = new List<string> { $"to_tsquery('{configuration}', {parameter(word + ":*")})" };
                for (var cut = 0; cut <= 3 && word.Length - cut >= Math.Min(MinPrefixCut, word.Length); cut++)
                {
                    forms.Add($"to_tsquery('simple', {parameter(word[..^cut] + ":*")})");
                }
                expression = $"({expression} && ({string.Join(" || ", forms)}))";
            }
            parts.Add(expression);
        }
        return $"({string.Join(" || ", parts)})";
    }

    /// <summary>Lower case, no accents, letters and digits only (so it cannot be tsquery syntax).</summary>
    public static string Normalize(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(char.ToLowerInvariant(c));
            }
        }
        return kept.ToString().Normalize(NormalizationForm.FormC);
    }

    private static bool QuotesOpen(string text) => text.Count(c => c == '"') % 2 == 1;

    /// <summary>Control characters are refused by the API before a query is parsed.</summary>
    public static bool HasControlCharacters(string text) => ControlCharacters().IsMatch(text);

    [GeneratedRegex(@"\p{Cc}")]
    private static partial Regex ControlCharacters();
}
