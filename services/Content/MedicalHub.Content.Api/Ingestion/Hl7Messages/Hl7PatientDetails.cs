using MedicalHub.Content.Api.Patients;
using MedicalHub.Content.Formats.Hl7v2.Mapping;
using Hl7Identifier = MedicalHub.Content.Formats.Hl7v2.Mapping.PatientIdentifier;

namespace MedicalHub.Content.Api.Ingestion.Hl7Messages;

/// <summary>
/// An ADT message's PID as the registry's <see cref="PatientDetails"/>: identifiers (the assigning authority as a system
/// URI), names, birth date, gender, phones and e-mail, addresses, with HL7 v2 codes translated to FHIR's as the HL7
/// v2-to-FHIR mapping does. An update keeps what the message does not send and clears what it sends as <c>""</c>.
/// </summary>
public static class Hl7PatientDetails
{
    /// <summary>The system of identifiers whose assigning authority has only a namespace ID (CX.4.1), e.g. <c>HOSP</c>.</summary>
    public const string AuthorityNamespacePrefix = "urn:medicalhub:hl7:assigning-authority:";

    private const int PidAddresses = 11, PidHomePhone = 13, PidBusinessPhone = 14, PidBirthTime = 7, PidSex = 8;

    /// <summary>
    /// The identifier's system: <c>urn:oid:</c> for an ISO universal ID, <c>urn:uuid:</c> for a UUID, the URI itself for
    /// a URI, else the namespace ID (or the assigning facility, or the sending facility) under <see cref="AuthorityNamespacePrefix"/>.
    /// </summary>
    public static string SystemOf(Hl7Identifier identifier, string? sendingFacility)
    {
        var universal = identifier.AssigningAuthorityUniversalId;
        switch (identifier.AssigningAuthorityUniversalIdType?.ToUpperInvariant())
        {
            case "ISO" when universal is not null && universal.All(c => char.IsAsciiDigit(c) || c == '.'):
                return "urn:oid:" + universal;
            case "UUID" when Guid.TryParse(universal, out var uuid):
                return "urn:uuid:" + uuid.ToString("D");
            case "URI" or "URL" when Uri.TryCreate(universal, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "urn":
                return uri.OriginalString;
        }
        var name = identifier.AssigningAuthority ?? identifier.AssigningFacility ?? sendingFacility ?? "unspecified";
        return AuthorityNamespacePrefix + Uri.EscapeDataString(name.Trim());
    }

    public static IReadOnlyList<IdentifierDetails> IdentifiersOf(PatientDemographics patient, string? sendingFacility) =>
    [
        .. patient.Identifiers.Where(i => !string.IsNullOrWhiteSpace(i.Value))
            .Select(i => new IdentifierDetails(SystemOf(i, sendingFacility), i.Value.Trim(), "official", i.IdentifierTypeCode))
            .DistinctBy(i => (i.System, i.Value)),
    ];

    /// <summary>A new patient from the message.</summary>
    public static PatientDetails ForNewPatient(PatientDemographics patient, string? sendingFacility) => new(
        Names(patient), patient.BirthDate, Gender(patient.Gender), Active: true, IdentifiersOf(patient, sendingFacility), Telecom(patient), Addresses(patient));

    /// <summary>
    /// <paramref name="current"/> updated by the message: a field it sends replaces the registry's, a field sent as
    /// <c>""</c> is cleared, a field it leaves empty is kept; its identifiers are added to the patient's.
    /// </summary>
    public static PatientDetails ForUpdate(PatientView current, PatientDemographics patient, string? sendingFacility)
    {
        var nulled = patient.ExplicitlyNulledFields.ToHashSet();
        T Pick<T>(int field, bool sent, T fromMessage, T kept, T cleared) => sent ? fromMessage : nulled.Contains(field) ? cleared : kept;

        var names = Names(patient);
        var telecom = Telecom(patient);
        var addresses = Addresses(patient);
        var phonesNulled = nulled.Contains(PidHomePhone) || nulled.Contains(PidBusinessPhone);
        var identifiers = current.Identifiers.Select(i => new IdentifierDetails(i.System, i.Value, i.Use, i.TypeCode))
            .Concat(IdentifiersOf(patient, sendingFacility)).DistinctBy(i => (i.System, i.Value)).ToList();
        return new PatientDetails(
            names.Count > 0 ? names : current.Names, // a patient keeps a name: "" in PID-5 does not remove it
            Pick(PidBirthTime, patient.BirthDate is not null, patient.BirthDate, current.BirthDate, null),
            Pick(PidSex, patient.Gender is not null, Gender(patient.Gender), current.Gender, null),
            current.Active,
            identifiers,
            telecom.Count > 0 ? telecom : phonesNulled ? [] : current.Telecom,
            Pick(PidAddresses, addresses.Count > 0, addresses, current.Addresses, []));
    }

    private static List<PatientName> Names(PatientDemographics patient) =>
    [
        .. patient.Names.Where(n => !string.IsNullOrWhiteSpace(n.Family) || !string.IsNullOrWhiteSpace(n.Given))
            .Select(n => new PatientName(
                NameUse(n.NameTypeCode),
                Blank(n.Family),
                [.. new[] { n.Given }.Concat(n.MiddleNames?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
                    .Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g!.Trim()).Take(PatientRules.MaxNameParts)],
                Blank(n.Prefix) is { } prefix ? [prefix] : [],
                new[] { n.Suffix, n.Degree }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).ToList()))
            .Take(PatientRules.MaxNames),
    ];

    /// <summary>HL7 table 0200 to FHIR name-use (the v2-to-FHIR concept map).</summary>
    private static string? NameUse(string? code) => code switch
    {
        "L" => "official",
        "D" or "A" => "usual",
        "M" => "maiden",
        "N" => "nickname",
        "S" => "anonymous",
        "T" => "temp",
        "BAD" or "NAV" => "old",
        _ => null,
    };

    private static string? Gender(AdministrativeGender? gender) => gender?.ToString().ToLowerInvariant();

    private static List<ContactPoint> Telecom(PatientDemographics patient) =>
    [
        .. patient.Phones.Select(p => p.Email is { Length: > 0 } email || p.EquipmentType == "Internet" || p.Use == "NET"
                ? new ContactPoint("email", (p.Email ?? p.Value).Trim(), p.Use == "WPN" ? "work" : "home")
                : new ContactPoint(p.EquipmentType switch { "FX" => "fax", "BP" => "pager", _ => "phone" }, p.Value.Trim(),
                    p.EquipmentType == "CP" ? "mobile" : p.Use switch { "WPN" => "work", "PRN" or "ORN" or "VHN" => "home", "EMR" => "temp", _ => null }))
            .Where(c => c.Value!.Length > 0)
            .Take(PatientRules.MaxTelecom),
    ];

    private static List<PatientAddress> Addresses(PatientDemographics patient) =>
    [
        .. patient.Addresses.Select(a => new PatientAddress(
                a.AddressType switch { "H" or "P" => "home", "B" or "O" => "work", "C" => "temp", "BA" => "old", _ => null },
                [.. new[] { a.Street, a.OtherDesignation }.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l!.Trim())],
                Blank(a.City), State: Blank(a.StateOrProvince), PostalCode: Blank(a.PostalCode), Country: Blank(a.Country)))
            .Where(a => a.Line!.Count > 0 || a.City is not null || a.PostalCode is not null)
            .Take(PatientRules.MaxAddresses),
    ];

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
