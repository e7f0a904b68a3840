using System.Net;
using MedicalHub.Security.Claims;

namespace MedicalHub.Identity.Api.PatientPortal;

/// <summary>
/// Asks Content whether a patient record exists in an organization, before a portal account is linked to it: Content's
/// <c>GET /api/internal/organizations/{organizationId}/patients/{patientId}</c> with Identity's own client-credentials token
/// (audience <c>content</c>, permission <see cref="PermissionNames.PatientsCheck"/>).
/// </summary>
public sealed partial class PatientRecords(IHttpClientFactory clients, ILogger<PatientRecords> logger)
{
    public const string HttpClientName = "content-patients";

    public enum Answer { Exists, NotFound, Unavailable }

    public async Task<Answer> CheckAsync(Guid organizationId, Guid patientId, CancellationToken ct)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .GetAsync(new Uri($"/api/internal/organizations/{organizationId}/patients/{patientId}", UriKind.Relative), ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return Answer.Exists;
                case HttpStatusCode.NotFound:
                    return Answer.NotFound;
                default:
                    // 401/403 is a configuration fault (the identity client lacks the audience or the permission), not the caller's.
                    LogUnavailable(logger, null, $"Content answered {(int)response.StatusCode}");
                    return Answer.Unavailable;
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogUnavailable(logger, exception, exception.Message);
            return Answer.Unavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Content could not confirm a patient record for a portal invitation: {Reason}.")]
    private static partial void LogUnavailable(ILogger logger, Exception? exception, string reason);
}
