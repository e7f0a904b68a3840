namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// What a client says about a patient, on creation and on each update (a whole replacement): the native API's body and
/// what the FHIR layer maps a Patient resource to. <see cref="Validate"/> states every rule in one place.
/// </summary>
public sealed record PatientDetails(
    IReadOnlyList<PatientName>? Names,
    DateOnly? BirthDate,
    string? Gender,
    bool? Active,
    IReadOnlyList<IdentifierDetails>? Identifiers,
    IReadOnlyList<ContactPoint>? Telecom,
    IReadOnlyList<PatientAddress>? Addresses);

/// <summary>An identifier: a system URI and a value; <c>TypeCode</c> from HL7 v2 table 0203 (MR, NI, SS, PPN, DL…).</summary>
public sealed record IdentifierDetails(string? System, string? Value, string? Use = null, string? TypeCode = null);

public static class PatientRules
{
    public const int MaxNames = 10, MaxNameParts = 5, MaxIdentifiers = 20, MaxTelecom = 20, MaxAddresses = 10, MaxAddressLines = 5;
    public const int MaxFamilyLength = 100, MaxGivenLength = 100, MaxAffixLength = 50, MaxTextLength = 300;
    public const int MaxSystemLength = 255, MaxIdentifierValueLength = 100, MaxTelecomValueLength = 255, MaxAddressPartLength = 200;

    public static readonly DateOnly EarliestBirthDate = new(1870, 1, 1);

    public static readonly IReadOnlySet<string> Genders = Set("male", "female", "other", "unknown");
    public static readonly IReadOnlySet<string> NameUses = Set("usual", "official", "temp", "nickname", "anonymous", "old", "maiden");
    public static readonly IReadOnlySet<string> IdentifierUses = Set("usual", "official", "temp", "secondary", "old");
    public static readonly IReadOnlySet<string> TelecomSystems = Set("phone", "fax", "email", "pager", "url", "sms", "other");
    public static readonly IReadOnlySet<string> TelecomUses = Set("home", "work", "temp", "old", "mobile");
    public static readonly IReadOnlySet<string> AddressUses = Set("home", "work", "temp", "old", "billing");

    private static HashSet<string> Set(params string[] codes) => new(codes, StringComparer.Ordinal);

    /// <summary>Every problem with <paramref name="details"/>, keyed by the JSON path of the field; null when there is none.</summary>
    public static Dictionary<string, string[]>? Validate(this PatientDetails details, DateOnly today)
    {
        var errors = new Errors();
        var names = details.Names ?? [];
        if (names.Count == 0 || names.All(n => n is null || (string.IsNullOrWhiteSpace(n.Family) && (n.Given ?? []).All(string.IsNullOrWhiteSpace) && string.IsNullOrWhiteSpace(n.Text))))
        {
            errors.Add("names", "At least one name with a family name, a given name or a text.");
        }
        errors.Count("names", names.Count, MaxNames);
        for (var i = 0; i < names.Count && i < MaxNames; i++)
        {
            var name = names[i];
            var at = $"names[{i}]";
            if (name is null)
            {
                errors.Add(at, "Required.");
                continue;
            }
            errors.Code($"{at}.use", name.Use, NameUses);
            errors.Text($"{at}.family", name.Family, MaxFamilyLength);
            errors.Text($"{at}.text", name.Text, MaxTextLength);
            errors.Parts($"{at}.given", name.Given, MaxNameParts, MaxGivenLength);
            errors.Parts($"{at}.prefix", name.Prefix, MaxNameParts, MaxAffixLength);
            errors.Parts($"{at}.suffix", name.Suffix, MaxNameParts, MaxAffixLength);
        }

        if (details.BirthDate is { } born && (born < EarliestBirthDate || born > today))
        {
            errors.Add("birthDate", $"Between {EarliestBirthDate:yyyy-MM-dd} and today.");
        }
        errors.Code("gender", details.Gender, Genders);

        var identifiers = details.Identifiers ?? [];
        errors.Count("identifiers", identifiers.Count, MaxIdentifiers);
        for (var i = 0; i < identifiers.Count && i < MaxIdentifiers; i++)
        {
            var identifier = identifiers[i];
            var at = $"identifiers[{i}]";
            if (identifier is null)
            {
                errors.Add(at, "Required.");
                continue;
            }
            if (!IsSystemUri(identifier.System))
            {
                errors.Add($"{at}.system", $"An absolute URI (http(s), urn:, oid:) of at most {MaxSystemLength} characters.");
            }
            errors.Required($"{at}.value", identifier.Value, MaxIdentifierValueLength);
            errors.Code($"{at}.use", identifier.Use, IdentifierUses);
            if (identifier.TypeCode is { } type && (type.Length is 0 or > 10 || !type.All(char.IsAsciiLetterOrDigit)))
            {
                errors.Add($"{at}.typeCode", "A code of HL7 v2 table 0203 (MR, NI, SS, PPN, DL…).");
            }
        }
        if (identifiers.Where(i => i is not null).GroupBy(i => (i.System, i.Value)).Any(g => g.Count() > 1))
        {
            errors.Add("identifiers", "The same system and value twice.");
        }

        var telecom = details.Telecom ?? [];
        errors.Count("telecom", telecom.Count, MaxTelecom);
        for (var i = 0; i < telecom.Count && i < MaxTelecom; i++)
        {
            var contact = telecom[i];
            var at = $"telecom[{i}]";
            if (contact is null)
            {
                errors.Add(at, "Required.");
                continue;
            }
            if (contact.System is null)
            {
                errors.Add($"{at}.system", "Required.");
            }
            errors.Code($"{at}.system", contact.System, TelecomSystems);
            errors.Required($"{at}.value", contact.Value, MaxTelecomValueLength);
            errors.Code($"{at}.use", contact.Use, TelecomUses);
            if (contact.Rank is < 1 or > 100)
            {
                errors.Add($"{at}.rank", "Between 1 and 100.");
            }
        }

        var addresses = details.Addresses ?? [];
        errors.Count("addresses", addresses.Count, MaxAddresses);
        for (var i = 0; i < addresses.Count && i < MaxAddresses; i++)
        {
            var address = addresses[i];
            var at = $"addresses[{i}]";
            if (address is null)
            {
                errors.Add(at, "Required.");
                continue;
            }
            errors.Code($"{at}.use", address.Use, AddressUses);
            errors.Parts($"{at}.line", address.Line, MaxAddressLines, MaxAddressPartLength);
            foreach (var (field, value) in new[] { ("city", address.City), ("district", address.District), ("state", address.State), ("postalCode", address.PostalCode), ("country", address.Country) })
            {
                errors.Text($"{at}.{field}", value, MaxAddressPartLength);
            }
        }
        return errors.Result;
    }

    private static bool IsSystemUri(string? system) =>
        system is { Length: > 0 and <= MaxSystemLength } && !HasControl(system)
        && Uri.TryCreate(system, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "urn" or "oid";

    public static bool HasControl(string value) => value.Any(char.IsControl);

    private sealed class Errors
    {
        private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

        public Dictionary<string, string[]>? Result => _errors.Count > 0 ? _errors : null;

        public void Add(string field, string message) =>
            _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        public void Count(string field, int count, int max)
        {
            if (count > max)
            {
                Add(field, $"At most {max}.");
            }
        }

        public void Text(string field, string? value, int max)
        {
            if (value is null)
            {
                return;
            }
            if (value.Length > max)
            {
                Add(field, $"At most {max} characters.");
            }
            else if (HasControl(value))
            {
                Add(field, "No control characters.");
            }
        }

        public void Required(string field, string? value, int max)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, "Required.");
            }
            else
            {
                Text(field, value, max);
            }
        }

        public void Parts(string field, IReadOnlyList<string>? parts, int maxParts, int maxLength)
        {
            parts ??= [];
            Count(field, parts.Count, maxParts);
            for (var i = 0; i < parts.Count && i < maxParts; i++)
            {
                Required($"{field}[{i}]", parts[i], maxLength);
            }
        }

        public void Code(string field, string? value, IReadOnlySet<string> codes)
        {
            if (value is not null && !codes.Contains(value))
            {
                Add(field, $"One of {string.Join(", ", codes)}.");
            }
        }
    }
}
