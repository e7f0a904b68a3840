namespace MedicalHub.Content.Api.Search;

/// <summary>
/// The languages documents are indexed in, each a PostgreSQL text search configuration made by the migration: the
/// language's Snowball stemmer behind <c>unaccent</c>, so "échographie", "Echographie" and "echographies" are one term.
/// A document is indexed in the language its text looks like (<see cref="Detect"/>); a query is run in both.
/// </summary>
public static class TextLanguages
{
    public const string English = "en";
    public const string French = "fr";

    /// <summary>The text search configuration (regconfig) of a language.</summary>
    public static string Configuration(string language) => language == French ? "medicalhub_fr" : "medicalhub_en";

    private static readonly HashSet<string> FrenchWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "pour", "dans", "avec", "sur", "au", "aux", "pas", "par", "que", "qui",
        "il", "elle", "nous", "vous", "son", "sa", "ses", "ce", "cette", "été", "sont", "patient", "patiente", "examen", "à",
    };

    private static readonly HashSet<string> EnglishWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "of", "to", "in", "is", "was", "for", "with", "on", "at", "by", "an", "be", "this", "that", "are", "from", "no", "not",
        "he", "she", "his", "her", "were", "has", "have", "patient", "there",
    };

    /// <summary>English or French, by counting the common words of each in (the first 20,000 characters of) the text.</summary>
    public static string Detect(string text)
    {
        var sample = text.Length > 20_000 ? text.AsSpan(0, 20_000) : text.AsSpan();
        var frenchWords = FrenchWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var englishWords = EnglishWords.GetAlternateLookup<ReadOnlySpan<char>>();
        int french = 0, english = 0;
        foreach (var range in sample.SplitAny(" \t\r\n\f.,;:!?()[]\"'’«»-/"))
        {
            var word = sample[range];
            if (word.Length is 0 or > 8)
            {
                continue;
            }
            if (frenchWords.Contains(word))
            {
                french++;
            }
            if (englishWords.Contains(word))
            {
                english++;
            }
        }
        return french > english ? French : English;
    }
}
