using Hl7.Fhir.Model;

namespace MedicalHub.Workflow.Api.Fhir;

/// <summary>
/// <c>GET /fhir/metadata</c>: Workflow's CapabilityStatement (FHIR 4.0.1, JSON): the types it serves and how. The
/// gateway's public <c>/fhir/metadata</c> merges it with Content's.
/// </summary>
public static class MetadataEndpoint
{
    public static IEndpointRouteBuilder MapFhirMetadata(this IEndpointRouteBuilder app)
    {
        app.MapGet("/fhir/metadata", (HttpRequest request) => new FhirResponse(Statement(FhirBase.Of(request))))
            .WithName("FhirCapabilityStatement").WithTags("FHIR").WithSummary("What this FHIR endpoint serves").AllowAnonymous();
        return app;
    }

    public static CapabilityStatement Statement(string baseUrl)
    {
        var statement = new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = "2026-12-03",
            Kind = CapabilityStatementKind.Instance,
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json", FhirResponse.MediaType],
            Software = new CapabilityStatement.SoftwareComponent { Name = "MedicalHub Workflow" },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "MedicalHub care pathways and tasks", Url = baseUrl },
        };
        var rest = new CapabilityStatement.RestComponent { Mode = CapabilityStatement.RestfulCapabilityMode.Server };
        rest.Resource.Add(Resource("PlanDefinition", [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Vread,
                CapabilityStatement.TypeRestfulInteraction.SearchType, CapabilityStatement.TypeRestfulInteraction.Create],
            [("_id", SearchParamType.Token), ("name", SearchParamType.String), ("title", SearchParamType.String), ("status", SearchParamType.Token),
             ("url", SearchParamType.Uri), ("version", SearchParamType.Token)]));
        rest.Resource[^1].Operation.Add(new CapabilityStatement.OperationComponent { Name = "apply", Definition = "http://hl7.org/fhir/OperationDefinition/PlanDefinition-apply" });
        rest.Resource.Add(Resource("ActivityDefinition", [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType],
            [("_id", SearchParamType.Token), ("name", SearchParamType.String), ("title", SearchParamType.String), ("status", SearchParamType.Token)]));
        rest.Resource.Add(Resource("Task", [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType,
                CapabilityStatement.TypeRestfulInteraction.Update],
            [("_id", SearchParamType.Token), ("patient", SearchParamType.Reference), ("owner", SearchParamType.Reference), ("status", SearchParamType.Token),
             ("_lastUpdated", SearchParamType.Date)]));
        statement.Rest.Add(rest);
        return statement;
    }

    private static CapabilityStatement.ResourceComponent Resource(string type, CapabilityStatement.TypeRestfulInteraction[] interactions, (string Name, SearchParamType Type)[] parameters)
    {
        var resource = new CapabilityStatement.ResourceComponent { Type = type, Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned, ReadHistory = type == "PlanDefinition" };
        foreach (var interaction in interactions)
        {
            resource.Interaction.Add(new CapabilityStatement.ResourceInteractionComponent { Code = interaction });
        }
        foreach (var (name, kind) in parameters)
        {
            resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent { Name = name, Type = kind });
        }
        return resource;
    }
}
