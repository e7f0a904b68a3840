using System.Security.Claims;
using MedicalHub.Security.Claims;

namespace MedicalHub.Security.Authorization;

/// <summary>
/// A patient portal account's caller, as its access token says: a user token (no <c>client_kind</c>) with the role
/// <see cref="RoleNames.Patient"/>, the practice in <c>org_id</c> and the patient's record there in <c>patient_id</c>.
/// Such a token holds no permission, so every staff endpoint refuses it; the few endpoints a patient may use ask for this.
/// A token with the role but no valid record is nobody's (null): it is refused as a patient and as staff.
/// </summary>
public sealed record PortalPatient(Guid OrganizationId, Guid UserId, Guid PatientId)
{
    public static bool HasPatientRole(ClaimsPrincipal? principal) => principal?.HasClaim(ClaimNames.Role, RoleNames.Patient) == true;

    public static PortalPatient? From(ClaimsPrincipal? principal) =>
        principal?.Identity?.IsAuthenticated == true
        && principal.FindFirstValue(ClaimNames.ClientKind) is null
        && HasPatientRole(principal)
        && Guid.TryParse(principal.FindFirstValue(ClaimNames.Subject), out var userId) && userId != Guid.Empty
        && Guid.TryParse(principal.FindFirstValue(ClaimNames.Organization), out var organizationId) && organizationId != Guid.Empty
        && Guid.TryParse(principal.FindFirstValue(ClaimNames.Patient), out var patientId) && patientId != Guid.Empty
            ? new PortalPatient(organizationId, userId, patientId)
            : null;
}
