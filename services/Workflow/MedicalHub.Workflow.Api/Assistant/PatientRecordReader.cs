using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>A piece of the record the assistant may cite: <c>[S1]</c>, with what it is and where it lives.</summary>
public sealed record AssistantSource(string Key, string Reference, string Title, DateTimeOffset? Date, string Text);

/// <summary>What the assistant knows of a patient for one call: who they are (for de-identification) and the sources.</summary>
public sealed record PatientRecord(Patient Patient, IReadOnlyList<AssistantSource> Sources)
{
    /// <summary>The values that identify the patient, by kind, for <see cref="Deidentifier"/>.</summary>
    public IEnumerable<(string Kind, string Value)> Identifying()
    {
        foreach (var name in Patient.Name)
        {
            foreach (var given in name.Given)
            {
                yield return (Deidentifier.Kinds.Name, given ?? "");
            }
            if (name.Family is { } family)
            {
                yield return (Deidentifier.Kinds.Name, family);
                yield return (Deidentifier.Kinds.Name, $"{string.Join(' ', name.Given)} {family}");
            }
        }
        foreach (var identifier in Patient.Identifier.Where(i => i.Value is not null))
        {
            yield return (Deidentifier.Kinds.Identifier, identifier.Value!);
        }
        if (Patient.BirthDate is { } birthDate)
        {
            yield return (Deidentifier.Kinds.Date, birthDate);
        }
        foreach (var contact in Patient.Telecom.Where(t => t.Value is not null))
        {
            yield return (contact.System == ContactPoint.ContactPointSystem.Email ? Deidentifier.Kinds.Email : Deidentifier.Kinds.Phone, contact.Value!);
        }
        foreach (var address in Patient.Address)
        {
            foreach (var line in address.Line)
            {
                yield return (Deidentifier.Kinds.Address, line ?? "");
            }
            if (address.City is { } city)
            {
                yield return (Deidentifier.Kinds.Address, city);
            }
            if (address.PostalCode is { } postalCode)
            {
                yield return (Deidentifier.Kinds.Address, postalCode);
            }
        }
    }
}

/// <summary>
/// Reads a patient's record from Content with the caller's own token, so Content decides what the caller may see and
/// records each read in its PHI access audit: the Patient and their documents (FHIR), their observations, the text of a
/// plain-text document, and the passages of their documents that match a question (Content's search API).
/// </summary>
public sealed partial class PatientRecordReader(IHttpClientFactory http)
{
    public const string HttpClientName = "assistant-content";

    private const int MaxDocumentCharacters = 12_000;

    /// <summary>The newest documents whose text goes into a record-wide prompt (the prompt's own limit applies after).</summary>
    private const int MaxDocumentsRead = 10;

    public sealed class NotAccessibleException(HttpStatusCode status) : Exception($"Content answered {(int)status} for the patient.")
    {
        public HttpStatusCode Status { get; } = status;
    }

    public async Task<PatientRecord> ReadAsync(Guid patientId, string callerToken, Guid? documentId, string? question, CancellationToken ct)
    {
        using var client = http.CreateClient(HttpClientName);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", callerToken);

        using var patientResponse = await client.GetAsync($"/fhir/Patient/{patientId}", ct);
        if (!patientResponse.IsSuccessStatusCode)
        {
            throw new NotAccessibleException(patientResponse.StatusCode);
        }
        var patient = new FhirJsonDeserializer().Deserialize<Patient>(await patientResponse.Content.ReadAsStringAsync(ct));
        var sources = new List<AssistantSource>();
        void Add(string reference, string title, DateTimeOffset? date, string text) => sources.Add(new($"S{sources.Count + 1}", reference, title, date, text));

        var documents = await DocumentsAsync(client, patientId, ct);
        if (documentId is { } wanted)
        {
            var document = documents.FirstOrDefault(d => d.Id == wanted.ToString()) ?? throw new NotAccessibleException(HttpStatusCode.NotFound);
            Add($"DocumentReference/{document.Id}", document.Description ?? "Document", Date(document), await DocumentTextAsync(client, document, ct));
            return new PatientRecord(patient, sources);
        }

        foreach (var document in documents.OrderByDescending(Date).Take(MaxDocumentsRead))
        {
            Add($"DocumentReference/{document.Id}", document.Description ?? "Document", Date(document), await DocumentTextAsync(client, document, ct));
        }
        foreach (var observation in await ObservationsAsync(client, patientId, ct))
        {
            Add($"Observation/{observation.Id}", observation.Display ?? observation.Code, observation.EffectiveAt,
                $"{observation.Display ?? observation.Code}: {observation.ValueNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? observation.ValueText} {observation.Unit}"
                + (observation.AbnormalFlag is { Length: > 0 } flag ? $" (flag {flag}, reference {observation.ReferenceRange})" : ""));
        }
        if (question is not null)
        {
            foreach (var hit in await PassagesAsync(client, patientId, question, ct))
            {
                Add($"DocumentReference/{hit.DocumentId}", hit.Title, hit.CreatedAt, hit.Text);
            }
        }
        return new PatientRecord(patient, sources);
    }

    private static DateTimeOffset? Date(DocumentReference document) => document.Date;

    private static string Category(DocumentReference document) => document.Category.FirstOrDefault()?.Coding.FirstOrDefault()?.Code ?? "document";

    private static async Task<List<DocumentReference>> DocumentsAsync(HttpClient client, Guid patientId, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/fhir/DocumentReference?patient={patientId}&_count=50", ct);
        if (response.StatusCode is HttpStatusCode.Forbidden)
        {
            return []; // the caller may read the patient but not their documents
        }
        response.EnsureSuccessStatusCode();
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await response.Content.ReadAsStringAsync(ct));
        return [.. bundle.Entry.Select(e => e.Resource).OfType<DocumentReference>()];
    }

    private sealed record ObservationView(Guid Id, string Code, string? Display, decimal? ValueNumber, string? ValueText, string? Unit, string? ReferenceRange,
        string? AbnormalFlag, DateTimeOffset? EffectiveAt);

    private sealed record ObservationPage(List<ObservationView> Items);

    private static async Task<List<ObservationView>> ObservationsAsync(HttpClient client, Guid patientId, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/api/patients/{patientId}/observations?pageSize=100", ct);
        if (response.StatusCode is HttpStatusCode.Forbidden)
        {
            return [];
        }
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ObservationPage>(JsonSerializerOptions.Web, ct))?.Items ?? [];
    }

    /// <summary>The text of a plain-text document (other kinds are described by their metadata only).</summary>
    private static async Task<string> DocumentTextAsync(HttpClient client, DocumentReference document, CancellationToken ct)
    {
        var attachment = document.Content.FirstOrDefault()?.Attachment;
        if (attachment?.ContentType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) != true)
        {
            return $"Document: {document.Description} ({Category(document)}, {attachment?.ContentType}); its text is not available to the assistant.";
        }
        var text = await client.GetStringAsync($"/api/documents/{document.Id}/content", ct);
        return text.Length > MaxDocumentCharacters ? text[..MaxDocumentCharacters] : text;
    }

    private sealed record SearchHit(Guid DocumentId, string Title, DateTimeOffset CreatedAt, string Snippet);

    private sealed record SearchPage(List<SearchHit> Items);

    public sealed record Passage(Guid DocumentId, string Title, DateTimeOffset CreatedAt, string Text);

    /// <summary>
    /// The passages of the patient's documents that match the question's words (any of them: Content's search ANDs words, so
    /// they are joined with <c>or</c>), best first, as Content's search ranks them, marks removed.
    /// </summary>
    private static async Task<List<Passage>> PassagesAsync(HttpClient client, Guid patientId, string question, CancellationToken ct)
    {
        var words = Words().Matches(question).Select(m => m.Value.ToLowerInvariant()).Where(w => w.Length > 3).Distinct().Take(12).ToList();
        if (words.Count == 0)
        {
            return [];
        }
        var q = Uri.EscapeDataString(string.Join(" or ", words));
        using var response = await client.GetAsync($"/api/search?q={q}&patientId={patientId}&pageSize=8", ct);
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
        {
            return [];
        }
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<SearchPage>(JsonSerializerOptions.Web, ct);
        return [.. (page?.Items ?? []).Select(h => new Passage(h.DocumentId, h.Title, h.CreatedAt, WebUtility.HtmlDecode(Marks().Replace(h.Snippet, ""))))];
    }

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}-]*")]
    private static partial Regex Words();

    [GeneratedRegex("</?mark>")]
    private static partial Regex Marks();
}
