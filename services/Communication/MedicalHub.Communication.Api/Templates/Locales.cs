using System.Globalization;

namespace MedicalHub.Communication.Api.Templates;

public static class Locales
{
    /// <summary>The canonical form of a BCP 47 tag (<c>fr-be</c> → <c>fr-BE</c>), or null when it names no known culture.</summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag.Trim(), predefinedOnly: true);
            return culture.Name.Length == 0 ? null : culture.Name;
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
    }
}
