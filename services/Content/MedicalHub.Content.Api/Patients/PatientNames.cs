using System.Globalization;
using System.Text;

namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// How names are compared in search: lower case, without diacritics (é → e, ø → o, ß → ss), split into words at spaces,
/// hyphens and apostrophes. One rule for what is stored and what is searched, so "Zoë Lefèvre-Dupré" is found by
/// "zoe", "LEFEVRE" or "dupre".
/// </summary>
public static class PatientNames
{
    public const int MaxTermLength = 100;

    /// <summary>Letters that are not a base letter plus a combining mark, so decomposition alone would keep them.</summary>
    private static readonly Dictionary<char, string> Folded = new()
    {
        ['ß'] = "ss", ['æ'] = "ae", ['œ'] = "oe", ['ø'] = "o", ['đ'] = "d", ['ð'] = "d", ['ł'] = "l", ['ı'] = "i", ['þ'] = "th", ['ħ'] = "h",
    };

    /// <summary>The text in the form search compares: lower case, no diacritics, words separated by one space.</summary>
    public static string Normalize(string? text) => string.Join(' ', Words(text));

    /// <summary>The words of <paramref name="text"/>, normalized; empty for none.</summary>
    public static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant().Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                if (Folded.TryGetValue(c, out var folded))
                {
                    word.Append(folded);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (word.Length > 0)
            {
                yield return Finish(word);
            }
        }
        if (word.Length > 0)
        {
            yield return Finish(word);
        }
    }

    private static string Finish(StringBuilder word)
    {
        var text = word.ToString().Normalize(NormalizationForm.FormC);
        word.Clear();
        return text.Length <= MaxTermLength ? text : text[..MaxTermLength];
    }

    /// <summary>The search terms of a patient's names: each word once, family words marked.</summary>
    public static List<PatientNameTerm> TermsOf(Patient patient)
    {
        var family = patient.Names.SelectMany(n => Words(n.Family)).ToHashSet(StringComparer.Ordinal);
        var other = patient.Names.SelectMany(n => (n.Given ?? []).Concat(n.Prefix ?? []).Concat(n.Suffix ?? []).Append(n.Text).SelectMany(Words))
            .Where(w => !family.Contains(w)).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. family.Select(w => new PatientNameTerm { PatientId = patient.Id, Term = w, IsFamily = true }),
            .. other.Select(w => new PatientNameTerm { PatientId = patient.Id, Term = w, IsFamily = false }),
        ];
    }

    /// <summary>The order patients are listed in: the first official (else first) name as "family given".</summary>
    public static string SortNameOf(IReadOnlyList<PatientName> names)
    {
        var name = names.FirstOrDefault(n => n.Use == "official") ?? (names.Count > 0 ? names[0] : null);
        var sortName = name is null ? "" : Normalize($"{name.Family} {string.Join(' ', name.Given ?? [])}");
        return sortName.Length <= 300 ? sortName : sortName[..300];
    }

    /// <summary>
    /// The smallest string greater than every string that starts with <paramref name="prefix"/> (under the C collation
    /// the terms use): <c>term &gt;= prefix AND term &lt; UpperBound(prefix)</c> is a prefix match an index serves,
    /// whatever the plan.
    /// </summary>
    public static string UpperBound(string prefix)
    {
        var last = char.ConvertToUtf32(prefix, prefix.Length - (char.IsLowSurrogate(prefix[^1]) ? 2 : 1));
        var head = prefix[..^(last > 0xFFFF ? 2 : 1)];
        var next = last + 1;
        if (next is >= 0xD800 and <= 0xDFFF)
        {
            next = 0xE000;
        }
        return head + char.ConvertFromUtf32(next);
    }
}
