using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using MedicalHub.Content.Api.Fhir;

namespace MedicalHub.Content.Api.Patients;

/// <summary>Patients as FHIR R4 <c>Patient</c> resources, and back: what the registry keeps, element by element.</summary>
public static class PatientFhirMapping
{
    public const string IdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203";

    /// <summary>Elements of Patient the registry does not keep: a resource carrying one is refused (422) rather than silently cut.</summary>
    private static readonly string[] NotKept = ["deceased", "multipleBirth", "maritalStatus", "photo", "contact", "communication", "generalPractitioner", "managingOrganization", "link"];

    public static Hl7.Fhir.Model.Patient ToFhir(PatientView view)
    {
        var patient = new Hl7.Fhir.Model.Patient
        {
            Id = view.Id.ToString(),
            Meta = new Meta { VersionId = view.Version.ToString(CultureInfo.InvariantCulture), LastUpdated = view.UpdatedAt },
            Active = view.Active,
            BirthDate = view.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Gender = view.Gender is { } gender ? EnumUtility.ParseLiteral<AdministrativeGender>(gender) : null,
        };
        foreach (var i in view.Identifiers)
        {
            patient.Identifier.Add(new Identifier(i.System, i.Value)
            {
                Use = i.Use is { } use ? EnumUtility.ParseLiteral<Identifier.IdentifierUse>(use) : null,
                Type = i.TypeCode is { } type ? new CodeableConcept(IdentifierTypeSystem, type) : null,
            });
        }
        foreach (var n in view.Names)
        {
            patient.Name.Add(new HumanName
            {
                Use = n.Use is { } use ? EnumUtility.ParseLiteral<HumanName.NameUse>(use) : null,
                Family = n.Family,
                Given = n.Given ?? [],
                Prefix = n.Prefix ?? [],
                Suffix = n.Suffix ?? [],
                Text = n.Text,
            });
        }
        foreach (var c in view.Telecom)
        {
            patient.Telecom.Add(new Hl7.Fhir.Model.ContactPoint
            {
                System = c.System is { } system ? EnumUtility.ParseLiteral<Hl7.Fhir.Model.ContactPoint.ContactPointSystem>(system) : null,
                Value = c.Value,
                Use = c.Use is { } use ? EnumUtility.ParseLiteral<Hl7.Fhir.Model.ContactPoint.ContactPointUse>(use) : null,
                Rank = c.Rank,
            });
        }
        foreach (var a in view.Addresses)
        {
            patient.Address.Add(new Address
            {
                Use = a.Use is { } use ? EnumUtility.ParseLiteral<Address.AddressUse>(use) : null,
                Line = a.Line ?? [],
                City = a.City,
                District = a.District,
                State = a.State,
                PostalCode = a.PostalCode,
                Country = a.Country,
            });
        }
        if (view.MergedIntoId is { } survivor)
        {
            patient.Link.Add(new Hl7.Fhir.Model.Patient.LinkComponent { Other = new ResourceReference($"Patient/{survivor}"), Type = Hl7.Fhir.Model.Patient.LinkType.ReplacedBy });
        }
        foreach (var merged in view.Replaces)
        {
            patient.Link.Add(new Hl7.Fhir.Model.Patient.LinkComponent { Other = new ResourceReference($"Patient/{merged}"), Type = Hl7.Fhir.Model.Patient.LinkType.Replaces });
        }
        return patient;
    }

    /// <summary>What the registry keeps of <paramref name="patient"/>; <see cref="FhirInputException"/> for what it cannot keep.</summary>
    public static PatientDetails ToDetails(Hl7.Fhir.Model.Patient patient)
    {
        if (patient.ModifierExtension.Count > 0)
        {
            throw new FhirInputException("modifierExtension is not understood here, so the resource cannot be accepted.");
        }
        var present = NotKept.Where(element => HasValue(patient, element)).ToList();
        if (present.Count > 0)
        {
            throw new FhirInputException($"MedicalHub does not keep Patient.{string.Join(", Patient.", present)}; send the resource without them.",
                StatusCodes.Status422UnprocessableEntity);
        }
        DateOnly? birthDate = null;
        if (patient.BirthDate is { } date)
        {
            birthDate = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var full)
                ? full
                : throw new FhirInputException("Patient.birthDate must be a full date (YYYY-MM-DD) here.");
        }
        return new PatientDetails(
            [.. patient.Name.Select(n => new PatientName(n.Use?.GetLiteral(), n.Family, [.. n.Given.OfType<string>()], [.. n.Prefix.OfType<string>()], [.. n.Suffix.OfType<string>()], n.Text))],
            birthDate,
            patient.Gender?.GetLiteral(),
            patient.Active,
            [.. patient.Identifier.Select(i => new IdentifierDetails(i.System, i.Value, i.Use?.GetLiteral(),
                i.Type?.Coding.FirstOrDefault(c => c.System == IdentifierTypeSystem)?.Code))],
            [.. patient.Telecom.Select(c => new ContactPoint(c.System?.GetLiteral(), c.Value, c.Use?.GetLiteral(), c.Rank))],
            [.. patient.Address.Select(a => new PatientAddress(a.Use?.GetLiteral(), [.. a.Line.OfType<string>()], a.City, a.District, a.State, a.PostalCode, a.Country))]);
    }

    private static bool HasValue(Hl7.Fhir.Model.Patient patient, string element) => element switch
    {
        "deceased" => patient.Deceased is not null,
        "multipleBirth" => patient.MultipleBirth is not null,
        "maritalStatus" => patient.MaritalStatus is not null,
        "photo" => patient.Photo.Count > 0,
        "contact" => patient.Contact.Count > 0,
        "communication" => patient.Communication.Count > 0,
        "generalPractitioner" => patient.GeneralPractitioner.Count > 0,
        "managingOrganization" => patient.ManagingOrganization is not null,
        "link" => patient.Link.Count > 0,
        _ => false,
    };

    /// <summary>The registry's field paths as FHIRPath on Patient (<c>names[0].family</c> → <c>Patient.name[0].family</c>).</summary>
    public static Dictionary<string, string[]> FhirPaths(Dictionary<string, string[]> errors) => errors.ToDictionary(
        e => "Patient." + e.Key.Replace("names", "name", StringComparison.Ordinal).Replace("identifiers", "identifier", StringComparison.Ordinal)
            .Replace("addresses", "address", StringComparison.Ordinal).Replace("typeCode", "type", StringComparison.Ordinal),
        e => e.Value);
}
