using Hl7.Fhir.Model;

namespace MedicalHub.Content.Api.Fhir;

/// <summary>The resource types Content serves over FHIR, and the CapabilityStatement that lists them.</summary>
public sealed class FhirCapabilities(IEnumerable<FhirResourceCapability> capabilities)
{
    public const string SoftwareName = "MedicalHub Content";

    private readonly Dictionary<string, FhirResourceCapability> _byType = capabilities.ToDictionary(c => c.Type, StringComparer.Ordinal);
    private readonly DateTimeOffset _published = DateTimeOffset.UtcNow;

    public FhirResourceCapability? Find(string type) => _byType.GetValueOrDefault(type);

    public IEnumerable<FhirResourceCapability> All => _byType.Values.OrderBy(c => c.Type, StringComparer.Ordinal);

    public CapabilityStatement Statement(string baseUrl)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = "Organization-scoped: each caller sees its own organization's data. Every read of patient data is recorded in the PHI access audit.",
            Security = new CapabilityStatement.SecurityComponent
            {
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth")],
                Description = "Bearer access tokens from MedicalHub Identity (OpenID Connect); permissions per interaction.",
            },
        };
        foreach (var capability in All)
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = capability.Type,
                Documentation = capability.Documentation,
                Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                ReadHistory = capability.Interactions.Contains("vread"),
                UpdateCreate = false,
            };
            foreach (var interaction in capability.Interactions)
            {
                resource.Interaction.Add(new CapabilityStatement.ResourceInteractionComponent
                {
                    Code = Hl7.Fhir.Utility.EnumUtility.ParseLiteral<CapabilityStatement.TypeRestfulInteraction>(interaction),
                });
            }
            foreach (var (name, type, documentation) in capability.SearchParameters)
            {
                resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent
                {
                    Name = name,
                    Type = Hl7.Fhir.Utility.EnumUtility.ParseLiteral<SearchParamType>(type),
                    Documentation = documentation,
                });
            }
            rest.Resource.Add(resource);
        }
        return new CapabilityStatement
        {
            Id = "content",
            Url = $"{baseUrl}/metadata",
            Name = "MedicalHubContent",
            Title = "MedicalHub Content FHIR R4 endpoint",
            Status = PublicationStatus.Active,
            Date = _published.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = SoftwareName },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "MedicalHub clinical records", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest = [rest],
        };
    }
}
