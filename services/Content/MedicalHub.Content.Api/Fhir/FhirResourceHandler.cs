namespace MedicalHub.Content.Api.Fhir;

/// <summary>
/// What Content's FHIR endpoint does for one resource type, mapped from Content's own domain (the patient registry,
/// the access audit, documents…), never a generic FHIR store. Register it with
/// <see cref="FhirExtensions.AddFhirResource{THandler}"/> and a <see cref="FhirResourceCapability"/>: the endpoint routes
/// <c>/fhir/{type}…</c> to it, checks the caller's permission for the interaction, and lists it in <c>/fhir/metadata</c>.
/// An interaction the handler does not implement answers 405 (its capability should not list it either).
/// </summary>
public interface IFhirResourceHandler
{
    /// <summary><c>GET /fhir/{type}/{id}</c></summary>
    Task<FhirResult> ReadAsync(FhirRequest request, string id, CancellationToken ct) => Task.FromResult(FhirResult.NotSupported(request, "read"));

    /// <summary><c>GET /fhir/{type}/{id}/_history/{versionId}</c></summary>
    Task<FhirResult> VReadAsync(FhirRequest request, string id, string versionId, CancellationToken ct) => Task.FromResult(FhirResult.NotSupported(request, "vread"));

    /// <summary><c>GET /fhir/{type}?…</c>, with the parameters the capability declares (others are ignored, or refused under <c>Prefer: handling=strict</c>).</summary>
    Task<FhirResult> SearchAsync(FhirRequest request, FhirSearch search, CancellationToken ct) => Task.FromResult(FhirResult.NotSupported(request, "search-type"));

    /// <summary><c>POST /fhir/{type}</c>; the body is read with <see cref="FhirRequest.ReadResourceAsync{T}"/> (or raw, for Binary).</summary>
    Task<FhirResult> CreateAsync(FhirRequest request, CancellationToken ct) => Task.FromResult(FhirResult.NotSupported(request, "create"));

    /// <summary><c>PUT /fhir/{type}/{id}</c></summary>
    Task<FhirResult> UpdateAsync(FhirRequest request, string id, CancellationToken ct) => Task.FromResult(FhirResult.NotSupported(request, "update"));
}

/// <summary>
/// One resource type as Content serves it: its interactions and search parameters (for the CapabilityStatement), the
/// permissions they need, and the largest body a create or update may send.
/// </summary>
/// <param name="Type">The FHIR resource type, e.g. <c>Patient</c>.</param>
/// <param name="Interactions">FHIR's codes: read, vread, search-type, create, update.</param>
/// <param name="SearchParameters">Name and FHIR type of each search parameter, besides <c>_count</c> and <c>_page</c>.</param>
/// <param name="ReadPermission">Needed by read, vread and search.</param>
/// <param name="WritePermission">Needed by create and update.</param>
/// <param name="RawContent">
/// The type stands for content of any media type (<c>Binary</c>): the endpoint leaves <c>Accept</c> and the body's
/// <c>Content-Type</c> to the handler, which answers the bytes themselves unless FHIR JSON is asked for.
/// </param>
public sealed record FhirResourceCapability(
    string Type,
    IReadOnlyList<string> Interactions,
    IReadOnlyList<(string Name, string Type, string Documentation)> SearchParameters,
    string ReadPermission,
    string? WritePermission = null,
    long MaxBodyBytes = 256 * 1024,
    string? Documentation = null,
    bool RawContent = false);
