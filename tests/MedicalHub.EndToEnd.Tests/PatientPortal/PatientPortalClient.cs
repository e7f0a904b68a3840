using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Content;
using MedicalHub.EndToEnd.Tests.Conversations;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.PatientPortal;

/// <summary>
/// Patient portal accounts as the practice and the patient see them, everything through the gateway: a patient record in
/// Content, the invitation, the acceptance through the e-mail's token, and the patient's token for that practice.
/// </summary>
internal sealed class PatientPortalClient(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public const string Password = "a patient's own passphrase 42";

    public ConversationClient Conversations { get; } = new(stack);

    public ServiceCaller Caller => Conversations.Caller;

    public IdentityClient Identity => Caller.Identity;

    /// <summary>A patient's portal account in one practice, with a token for it.</summary>
    public sealed record Patient(string Email, Guid UserId, Guid PatientId, Guid OrganizationId, string Token)
    {
        public ServiceCaller.User AsUser => new(new IdentityClient.Registered(OrganizationId, UserId, Email, Password), Token);
    }

    /// <summary>A new patient record of <paramref name="staff"/>'s organization.</summary>
    public async Task<Guid> NewRecordAsync(ServiceCaller.User staff, string family = "Portal") =>
        (await PatientClient.CreateAsync(Caller, staff, PatientClient.Details(family, "Pat"))).GetProperty("id").GetGuid();

    public Task<HttpResponseMessage> InviteAsync(ServiceCaller.User staff, string email, Guid? patientId) =>
        Caller.SendAsync(HttpMethod.Post, "/api/organizations/current/patient-invitations", staff.Token, new { email, patientId });

    /// <summary>Invites <paramref name="email"/> for <paramref name="patientId"/>, accepts with the e-mail's token (a new account, or the existing one by its password) and signs in to that practice.</summary>
    public async Task<Patient> InviteAndRegisterAsync(ServiceCaller.User staff, Guid patientId, string? email = null)
    {
        email ??= $"patient.{Guid.NewGuid():N}@example.org";
        using (var invited = await InviteAsync(staff, email, patientId))
        {
            Assert.True(invited.StatusCode == HttpStatusCode.Created, $"{(int)invited.StatusCode} {await invited.Content.ReadAsStringAsync(Ct)}");
        }
        var token = (await Identity.QueuedInvitationAsync(email)).GetProperty("token").GetString()!;
        using var accepted = await Identity.AcceptInvitationAsync(new { token, password = Password, givenName = "Pat", familyName = "Ient" });
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync(Ct)}");
        var body = await ServiceCaller.JsonAsync(accepted);
        var userId = body.GetProperty("userId").GetGuid();
        return new Patient(email, userId, patientId, staff.OrganizationId, await TokenAsync(email, staff.OrganizationId));
    }

    public async Task<string> TokenAsync(string email, Guid? organizationId = null)
    {
        using var login = organizationId is null
            ? await Identity.PasswordGrantAsync(email, Password)
            : await Identity.PasswordGrantAsync(email, Password, ("organization_id", organizationId.Value.ToString()));
        Assert.True(login.StatusCode == HttpStatusCode.OK, await login.Content.ReadAsStringAsync(Ct));
        return (await ServiceCaller.JsonAsync(login)).GetProperty("access_token").GetString()!;
    }

    /// <summary>A patient conversation the patient starts with the care team's <paramref name="role"/> (asserting 201).</summary>
    public async Task<Guid> StartAsync(Patient patient, string role, string subject = "A question")
    {
        using var created = await Caller.SendAsync(HttpMethod.Post, "/api/conversations", patient.Token, new { kind = "patient", subject, routedRole = role });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync(Ct)}");
        return (await ServiceCaller.JsonAsync(created)).GetProperty("id").GetGuid();
    }

    public static async Task<string> BodyAsync(HttpResponseMessage response) => $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}";

    public static JsonElement Payload(string token) => IdentityClient.Payload(token);

    public void Dispose() => Conversations.Dispose();
}
