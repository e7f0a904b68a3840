using System.Security.Claims;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;

namespace MedicalHub.Security.Tests;

/// <summary>Who is a patient caller (<see cref="PortalPatient.From"/>): the one reading every service's patient-facing endpoints rely on.</summary>
public sealed class PortalPatientTests
{
    private static readonly Guid User = Guid.CreateVersion7();
    private static readonly Guid Organization = Guid.CreateVersion7();
    private static readonly Guid Record = Guid.CreateVersion7();

    private static ClaimsPrincipal Token(string? role = RoleNames.Patient, string? patientId = "record", string? clientKind = null, bool authenticated = true)
    {
        var claims = new List<Claim> { new(ClaimNames.Subject, User.ToString()), new(ClaimNames.Organization, Organization.ToString()) };
        if (role is not null) { claims.Add(new(ClaimNames.Role, role)); }
        if (patientId is not null) { claims.Add(new(ClaimNames.Patient, patientId == "record" ? Record.ToString() : patientId)); }
        if (clientKind is not null) { claims.Add(new(ClaimNames.ClientKind, clientKind)); }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticated ? "test" : null));
    }

    [Fact]
    public void A_patient_token_names_its_practice_account_and_record()
    {
        Assert.Equal(new PortalPatient(Organization, User, Record), PortalPatient.From(Token()));
        Assert.True(PortalPatient.HasPatientRole(Token()));
    }

    [Theory]
    [InlineData(null, "record", null, true)]             // a staff token: no patient role
    [InlineData("Practitioner", "record", null, true)]   // a staff role with a stray record claim
    [InlineData(RoleNames.Patient, null, null, true)]    // the patient role without a record: nobody's
    [InlineData(RoleNames.Patient, "not-a-guid", null, true)]
    [InlineData(RoleNames.Patient, "00000000-0000-0000-0000-000000000000", null, true)]
    [InlineData(RoleNames.Patient, "record", ClientKinds.Service, true)]     // a client token is never a patient
    [InlineData(RoleNames.Patient, "record", ClientKinds.Integration, true)]
    [InlineData(RoleNames.Patient, "record", null, false)]                  // not authenticated
    public void Anything_else_is_not_a_patient(string? role, string? patientId, string? clientKind, bool authenticated) =>
        Assert.Null(PortalPatient.From(Token(role, patientId, clientKind, authenticated)));
}
