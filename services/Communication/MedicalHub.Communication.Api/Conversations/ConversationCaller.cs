using System.Security.Claims;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// Who takes part in conversations, as the access token says: a member of the organization's staff (a user token with
/// <see cref="StaffPermission"/>), or a patient (a portal account's token, <see cref="PortalPatient"/>: role <c>Patient</c> and
/// the <c>patient_id</c> claim linking it to the patient's record in that organization). Services, integrators' clients,
/// and users with neither take no part (403). Roles matter for patient conversations, which are routed to a role.
/// </summary>
public sealed class ConversationCaller
{
    /// <summary>The staff permission of messaging (every built-in staff role holds it).</summary>
    public const string StaffPermission = PermissionNames.MessagesSend;


    private ConversationCaller(Guid organizationId, Guid userId, ParticipantKind kind, Guid? patientId, IReadOnlySet<string> roles, string? sessionId, string? clientId)
    {
        OrganizationId = organizationId;
        UserId = userId;
        Kind = kind;
        PatientId = patientId;
        Roles = roles;
        SessionId = sessionId;
        ClientId = clientId;
    }

    public Guid OrganizationId { get; }

    public Guid UserId { get; }

    public ParticipantKind Kind { get; }

    public bool IsPatient => Kind == ParticipantKind.Patient;

    /// <summary>A patient's record in Content (patients only).</summary>
    public Guid? PatientId { get; }

    public IReadOnlySet<string> Roles { get; }

    public string? SessionId { get; }

    public string? ClientId { get; }

    /// <summary>The caller as a participant, or null when the token takes no part in conversations.</summary>
    public static ConversationCaller? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true
            || principal.FindFirstValue(ClaimNames.ClientKind) is not null
            || !Guid.TryParse(principal.FindFirstValue(ClaimNames.Subject), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(ClaimNames.Organization), out var organizationId)
            || organizationId == Guid.Empty)
        {
            return null;
        }
        var roles = principal.FindAll(ClaimNames.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var sessionId = principal.FindFirstValue(ClaimNames.Session);
        var clientId = principal.FindFirstValue(ClaimNames.ClientId);
        if (PortalPatient.HasPatientRole(principal))
        {
            // A patient's token is judged as a patient's only, whatever else it holds.
            return PortalPatient.From(principal) is { } patient
                ? new ConversationCaller(organizationId, userId, ParticipantKind.Patient, patient.PatientId, roles, sessionId, clientId)
                : null;
        }
        return principal.FindAll(ClaimNames.Permission).Any(p => p.Value == StaffPermission)
            ? new ConversationCaller(organizationId, userId, ParticipantKind.Staff, null, roles, sessionId, clientId)
            : null;
    }

    /// <summary>The hub groups a connection of this caller joins: their own (every conversation they are a participant of), and, for staff, each of their roles' (patient conversations routed to it) and the organization's staff (presence).</summary>
    public IEnumerable<string> Groups()
    {
        yield return ConversationGroups.User(OrganizationId, UserId);
        if (!IsPatient)
        {
            yield return ConversationGroups.Staff(OrganizationId);
            foreach (var role in Roles)
            {
                yield return ConversationGroups.Role(OrganizationId, role);
            }
        }
    }
}

/// <summary>The hub's group names. Every name carries the organization: a token for one organization never receives another's events.</summary>
public static class ConversationGroups
{
    public static string User(Guid organizationId, Guid userId) => $"u:{organizationId:N}:{userId:N}";

    public static string Role(Guid organizationId, string role) => $"r:{organizationId:N}:{role}";

    public static string Staff(Guid organizationId) => $"s:{organizationId:N}";
}
