using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.Data.Outbox;
using MedicalHub.Security.ServiceClients;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// Communication's calls to Content (<c>http://content</c> by service discovery) for conversations. What a user may
/// read or write is asked with that user's own access token (relayed: Content applies its rules and records the access in
/// its PHI audit as the user's); sharing an attachment with the participants is done with this service's
/// client-credentials token (client <c>communication</c>, permission <c>documents:share</c>) on behalf of the sender.
/// </summary>
public sealed partial class ContentDocuments(IHttpClientFactory clients, ILogger<ContentDocuments> logger)
{
    public const string UserHttpClient = "MedicalHub.Communication.Content.User";
    public const string ServiceHttpClient = "MedicalHub.Communication.Content.Service";
    public const string Audience = "content";

    /// <summary>Content's document view, the fields used here.</summary>
    public sealed record DocumentView(Guid Id, Guid OrganizationId, Guid? PatientId, string Title, string MediaType);

    public abstract record Readability;

    public sealed record Readable(DocumentView Document) : Readability;

    /// <summary>The user may not read it (unknown, another organization's and not shared with them, or no permission).</summary>
    public sealed record NotReadable : Readability;

    /// <summary>Content could not be asked: nothing can be decided now (503 for the caller).</summary>
    public sealed record Unavailable : Readability;

    /// <summary>Whether the holder of <paramref name="userToken"/> reads the document, as Content decides.</summary>
    public async Task<Readability> ReadAsync(Guid documentId, string userToken, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/documents/{documentId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
            using var response = await clients.CreateClient(UserHttpClient).SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<DocumentView>(JsonSerializerOptions.Web, ct) is { } document
                    ? new Readable(document) : new Unavailable();
            }
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
            {
                return new NotReadable();
            }
            LogContentRefused(logger, (int)response.StatusCode);
            return new Unavailable();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogContentUnreachable(logger, ex);
            return new Unavailable();
        }
    }

    /// <summary>Whether the holder of <paramref name="userToken"/> finds the patient's record in their organization (Content records the read).</summary>
    public async Task<Readability> FindPatientAsync(Guid patientId, string userToken, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/patients/{patientId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
            using var response = await clients.CreateClient(UserHttpClient).SendAsync(request, ct);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new Readable(new DocumentView(patientId, Guid.Empty, patientId, "", "")),
                HttpStatusCode.NotFound or HttpStatusCode.Forbidden => new NotReadable(),
                _ => new Unavailable(),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogContentUnreachable(logger, ex);
            return new Unavailable();
        }
    }

    public abstract record Upload;

    public sealed record Uploaded(Guid DocumentId) : Upload;

    /// <summary>Content refused the upload: its status and problem, passed on to the caller.</summary>
    public sealed record Refused(int Status, string? Title, string? Detail) : Upload;

    /// <summary>Stores <paramref name="text"/> as a new document of <paramref name="patientId"/>'s record, as the holder of <paramref name="userToken"/>.</summary>
    public async Task<Upload> UploadTextAsync(string text, string title, string category, Guid patientId, string fileName, string userToken, CancellationToken ct)
    {
        try
        {
            var query = $"?title={Uri.EscapeDataString(title)}&category={Uri.EscapeDataString(category)}&patientId={patientId}&fileName={Uri.EscapeDataString(fileName)}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents" + query)
            {
                Content = new StringContent(text, System.Text.Encoding.UTF8, "text/plain"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
            using var response = await clients.CreateClient(UserHttpClient).SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var document = await response.Content.ReadFromJsonAsync<DocumentView>(JsonSerializerOptions.Web, ct);
                return new Uploaded(document!.Id);
            }
            var problem = await ProblemOf(response, ct);
            return new Refused((int)response.StatusCode >= 500 ? StatusCodes.Status503ServiceUnavailable : (int)response.StatusCode, problem.Title, problem.Detail);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogContentUnreachable(logger, ex);
            return new Refused(StatusCodes.Status503ServiceUnavailable, "Content cannot be reached.", "The conversation was not exported; try again shortly.");
        }
    }

    /// <summary>The share an attachment needs (one per recipient: a participant, or the care team's role).</summary>
    public sealed record AttachmentShare(Guid OrganizationId, Guid DocumentId, Guid SharedBy, Guid? RecipientUserId, string? RecipientRole);

    /// <summary>Shares the document through Content's sharing API with this service's token (idempotent there for a service).</summary>
    public async Task ShareAsync(AttachmentShare share, string what, CancellationToken ct)
    {
        using var response = await clients.CreateClient(ServiceHttpClient).PostAsJsonAsync("/api/shares", new
        {
            documentId = share.DocumentId,
            recipientUserId = share.RecipientUserId,
            recipientRole = share.RecipientRole,
            organizationId = share.OrganizationId,
            sharedBy = share.SharedBy,
        }, ct);
        await OutboxHttp.ThrowUnlessSuccessAsync(response, what, ct);
    }

    private sealed record Problem(string? Title, string? Detail);

    private static async Task<Problem> ProblemOf(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<Problem>(JsonSerializerOptions.Web, ct) ?? new Problem(null, null);
        }
        catch (JsonException)
        {
            return new Problem(null, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Content answered {Status} when asked about a document for a conversation")]
    private static partial void LogContentRefused(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Content could not be reached for a conversation")]
    private static partial void LogContentUnreachable(ILogger logger, Exception exception);
}

/// <summary>Delivers the outbox's attachment shares to Content (at least once; Content keeps one active share per document and recipient for a service).</summary>
public sealed class AttachmentShareHandler(ContentDocuments content) : IOutboxHandler
{
    public const string MessageType = "conversation.attachment-share";

    public string Type => MessageType;

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var share = JsonSerializer.Deserialize<ContentDocuments.AttachmentShare>(message.Payload, JsonSerializerOptions.Web)
            ?? throw new PermanentOutboxFailureException($"{MessageType} {message.MessageId} has no payload.");
        await content.ShareAsync(share, $"{MessageType} {message.MessageId}", cancellationToken);
    }
}

public static class ContentDocumentsExtensions
{
    public static IHostApplicationBuilder AddContentDocuments(this IHostApplicationBuilder builder)
    {
        // A user is waiting on these: one attempt, bounded, then a clear 503 (the default pipeline would retry for 30 s).
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(ContentDocuments.UserHttpClient, http =>
            {
                http.BaseAddress = new Uri("http://content");
                http.Timeout = TimeSpan.FromSeconds(15);
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        // The outbox relay owns retries of the shares.
        builder.Services.AddHttpClient(ContentDocuments.ServiceHttpClient, http => http.BaseAddress = new Uri("http://content"))
            .AddServiceAuthentication(ContentDocuments.Audience);
        builder.Services.AddSingleton<ContentDocuments>();
        builder.Services.AddSingleton<IOutboxHandler, AttachmentShareHandler>();
        return builder;
    }
}
