using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>What the assistant is asked to do, and the prompt that asks it (the record's sources numbered, to be cited).</summary>
public static partial class AssistantPrompts
{
    public static class Purposes
    {
        public const string Summary = "summary";
        public const string DocumentSummary = "document-summary";
        public const string ReferralLetter = "referral-letter";
        public const string PatientMessage = "patient-message";
        public const string Question = "question";
    }

    private const string System =
        "You are a clinical documentation assistant for a medical practice. Use only the sources given. After each statement, cite the "
        + "source it comes from as [S1], [S2]... Say so when the sources do not answer. Keep placeholders (a kind and a number in square brackets, for a name, date, identifier or contact) exactly as written.";

    public static string Instruction(string purpose, string? text) => purpose switch
    {
        Purposes.Summary => "Summarise this patient's record for a clinician: problems, results, documents, what needs attention.",
        Purposes.DocumentSummary => "Summarise this document for a clinician.",
        Purposes.ReferralLetter => "Draft a referral letter to a colleague about this patient from the record." + (text is null ? "" : $" The reason and recipient: {text}"),
        Purposes.PatientMessage => "Draft a short, plain-language message to this patient from the record." + (text is null ? "" : $" It is about: {text}"),
        _ => $"Answer this question about the patient from their documents: {text}",
    };

    /// <summary>The system and user messages: the instruction, then each source under its key, newest first, within <paramref name="maxCharacters"/>.</summary>
    public static (string System, string User) Build(string purpose, string? text, IReadOnlyList<AssistantSource> sources, int maxCharacters)
    {
        var user = new StringBuilder(Instruction(purpose, text)).Append("\n\nSources:\n");
        foreach (var source in sources)
        {
            var entry = $"[{source.Key}] {source.Title}{(source.Date is { } date ? " (" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ")" : "")}: {source.Text}\n";
            if (user.Length + entry.Length > maxCharacters)
            {
                break;
            }
            user.Append(entry);
        }
        if (sources.Count == 0)
        {
            user.Append("(none)\n");
        }
        return (System, user.ToString());
    }

    /// <summary>The sources an answer cites, in the order of their first citation.</summary>
    public static IReadOnlyList<AssistantSource> Cited(string answer, IReadOnlyList<AssistantSource> sources)
    {
        var byKey = sources.ToDictionary(s => s.Key, StringComparer.Ordinal);
        return [.. Citation().Matches(answer).Select(m => m.Groups[1].Value).Distinct().Where(byKey.ContainsKey).Select(k => byKey[k])];
    }

    [GeneratedRegex(@"\[(S\d{1,4})\]")]
    private static partial Regex Citation();
}
