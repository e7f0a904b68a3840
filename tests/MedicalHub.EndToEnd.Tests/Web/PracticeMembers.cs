using System.Net;
using MedicalHub.EndToEnd.Tests.Identity;

namespace MedicalHub.EndToEnd.Tests.Web;

/// <summary>Colleagues for the browser tests: invited into a practice with one role and no practice of their own, so they sign in to it.</summary>
internal static class PracticeMembers
{
    public const string Password = "a colleague's own passphrase";

    public static async Task<IdentityClient.Registered> InviteAsync(IdentityClient identity, string adminToken, Guid organizationId, Guid roleId)
    {
        var email = IdentityClient.NewEmail();
        var token = await identity.InviteAsync(adminToken, email, roleId);
        using var accepted = await identity.AcceptInvitationAsync(new { token, password = Password, givenName = "Rita", familyName = "Receveur" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var userId = (await IdentityClient.JsonAsync(accepted)).GetProperty("userId").GetGuid();
        return new IdentityClient.Registered(organizationId, userId, email, Password);
    }
}
