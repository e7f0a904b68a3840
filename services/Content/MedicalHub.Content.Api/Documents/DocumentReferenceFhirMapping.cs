using System.Globalization;
using Hl7.Fhir.Model;
using MedicalHub.Content.Api.Fhir;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// Documents as FHIR R4 <c>DocumentReference</c> resources, and back: what a document keeps, element by element. The
/// content is the current version's bytes, as a <c>Binary</c> whose id is the version's.
/// </summary>
public static class DocumentReferenceFhirMapping
{
    /// <summary>The code system of <c>DocumentReference.category</c>: our categories (<see cref="DocumentCategories"/>).</summary>
    public const string CategorySystem = "urn:medicalhub:document-category";

    /// <summary>Elements a document does not keep: a resource carrying one is refused (422) rather than silently cut.</summary>
    private static readonly string[] NotKept =
    [
        "masterIdentifier", "identifier", "docStatus", "type", "date", "author", "authenticator", "custodian", "relatesTo", "securityLabel", "context",
    ];

    /// <summary>What a DocumentReference asks to file: the document's fields and its one attachment.</summary>
    public sealed record Filing(string Title, string Category, Guid? PatientId, Attachment Attachment, string? FileName);

    public static DocumentReference ToFhir(Document document, DocumentVersion current, string baseUrl) => new()
    {
        Id = document.Id.ToString(),
        Meta = new Meta { VersionId = document.Revision.ToString(CultureInfo.InvariantCulture), LastUpdated = document.UpdatedAt },
        Status = DocumentReferenceStatus.Current,
        Category = [new CodeableConcept(CategorySystem, document.Category)],
        Subject = document.PatientId is { } patient ? new ResourceReference($"Patient/{patient}") : null,
        Date = document.CreatedAt,
        Description = document.Title,
        Content =
        [
            new DocumentReference.ContentComponent
            {
                Attachment = new Attachment
                {
                    ContentType = current.MediaType,
                    Url = $"{baseUrl}/Binary/{current.Id}",
                    Size = current.SizeBytes,
                    Title = current.FileName,
                    Creation = current.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture),
                },
            },
        ],
    };

    /// <summary>
    /// What <paramref name="resource"/> asks to file; <see cref="FhirInputException"/> (400, or 422 for what a document
    /// does not keep) for what cannot be filed. The patient is only parsed here: the registry is asked by the handler.
    /// </summary>
    public static Filing ToFiling(DocumentReference resource)
    {
        if (resource.ModifierExtension.Count > 0)
        {
            throw new FhirInputException("modifierExtension is not understood here, so the resource cannot be accepted.");
        }
        var present = NotKept.Where(element => HasValue(resource, element)).ToList();
        if (present.Count > 0)
        {
            throw new FhirInputException($"MedicalHub does not keep DocumentReference.{string.Join(", DocumentReference.", present)}; send the resource without them.",
                StatusCodes.Status422UnprocessableEntity);
        }
        if (resource.Status is not (null or DocumentReferenceStatus.Current))
        {
            throw new FhirInputException("DocumentReference.status: a document filed here is current.", StatusCodes.Status422UnprocessableEntity);
        }
        if (resource.Content.Count != 1 || resource.Content[0].Attachment is not { } attachment)
        {
            throw new FhirInputException("DocumentReference.content: exactly one, with its attachment (a document here is one file).");
        }
        if (resource.Content[0].Format is not null)
        {
            throw new FhirInputException("MedicalHub does not keep DocumentReference.content.format; send the resource without it.", StatusCodes.Status422UnprocessableEntity);
        }
        if ((attachment.Data is null) == (attachment.Url is null))
        {
            throw new FhirInputException("DocumentReference.content.attachment: either the bytes (data, base64) or the url of a Binary created first.");
        }
        if (attachment.Language is not null)
        {
            throw new FhirInputException("MedicalHub does not keep DocumentReference.content.attachment.language; send the resource without it.",
                StatusCodes.Status422UnprocessableEntity);
        }

        var category = "other";
        if (resource.Category.Count > 1 || resource.Category.SelectMany(c => c.Coding).Count() > 1)
        {
            throw new FhirInputException("DocumentReference.category: one coding at most.");
        }
        if (resource.Category.SelectMany(c => c.Coding).SingleOrDefault() is { } coding)
        {
            if (coding.System is not (null or CategorySystem) || coding.Code is null || !DocumentCategories.All.Contains(coding.Code))
            {
                throw new FhirInputException(
                    $"DocumentReference.category: a code of {CategorySystem}: {string.Join(", ", DocumentCategories.All.Order(StringComparer.Ordinal))}.");
            }
            category = coding.Code;
        }

        var title = (resource.Description ?? attachment.Title)?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 500)
        {
            throw new FhirInputException("DocumentReference.description (or content.attachment.title): the document's title, 1 to 500 characters.");
        }
        if (attachment.Title is { } fileName && FileNames.Problem(fileName) is { } problem)
        {
            throw new FhirInputException($"DocumentReference.content.attachment.title (the file name): {problem}");
        }

        Guid? patient = null;
        if (resource.Subject is { } subject)
        {
            patient = PatientOf(subject.Reference)
                ?? throw new FhirInputException("DocumentReference.subject: a reference to a Patient of this server (Patient/{id}).", StatusCodes.Status422UnprocessableEntity);
        }
        return new Filing(title, category, patient, attachment, attachment.Title);
    }

    /// <summary>The patient id of <c>Patient/{id}</c> (relative, or absolute on any base); null for anything else.</summary>
    public static Guid? PatientOf(string? reference) => IdAfter(reference, "Patient/");

    /// <summary>The Binary id of <c>Binary/{id}</c> (relative, or absolute); null for anything else.</summary>
    public static Guid? BinaryOf(string? reference) => IdAfter(reference, "Binary/");

    private static Guid? IdAfter(string? reference, string type)
    {
        if (reference is null)
        {
            return null;
        }
        var at = 0;
        if (!reference.StartsWith(type, StringComparison.Ordinal))
        {
            var slash = reference.LastIndexOf("/" + type, StringComparison.Ordinal);
            if (slash < 0 || !Uri.IsWellFormedUriString(reference, UriKind.Absolute))
            {
                return null;
            }
            at = slash + 1;
        }
        return Guid.TryParse(reference.AsSpan(at + type.Length), out var id) ? id : null;
    }

    private static bool HasValue(DocumentReference resource, string element) => element switch
    {
        "masterIdentifier" => resource.MasterIdentifier is not null,
        "identifier" => resource.Identifier.Count > 0,
        "docStatus" => resource.DocStatus is not null,
        "type" => resource.Type is not null,
        "date" => resource.Date is not null,
        "author" => resource.Author.Count > 0,
        "authenticator" => resource.Authenticator is not null,
        "custodian" => resource.Custodian is not null,
        "relatesTo" => resource.RelatesTo.Count > 0,
        "securityLabel" => resource.SecurityLabel.Count > 0,
        "context" => resource.Context is not null,
        _ => false,
    };
}
