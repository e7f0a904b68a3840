using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>
/// Identity's e-mails travel the whole way: Identity's outbox, its relay, Communication's API (with Identity's
/// client-credentials token), the delivery engine, SMTP, the development mailbox; and their links work.
/// </summary>
public sealed class AccountEmailTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly IdentityClient _identity = new(stack);
    private readonly AccountEmailMailbox _mailbox = new(stack);

    public void Dispose()
    {
        _identity.Dispose();
        _mailbox.Dispose();
    }

    [Fact]
    public async Task The_verification_e_mail_arrives_and_its_link_verifies_the_address()
    {
        var user = await _identity.RegisterAsync();

        var email = await _mailbox.WaitForAsync(user.Email, "Verify your e-mail address");
        Assert.Contains("Hello Gregory", email.TextBody, StringComparison.Ordinal);
        Assert.Equal(AccountEmailStackSettings.PublicAppUrl + "/verify-email", email.Link.GetLeftPart(UriPartial.Path));
        Assert.Equal(user.UserId.ToString(), email.Query["userId"]);
        Assert.Contains(email.Link.AbsoluteUri.Replace("&", "&amp;", StringComparison.Ordinal), email.HtmlBody, StringComparison.Ordinal);

        using (var refused = await _identity.PasswordGrantAsync(user.Email, user.Password))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode); // not verified yet
        }
        using (var verified = await _identity.VerifyEmailAsync(Guid.Parse(email.Query["userId"]), email.Query["token"]))
        {
            Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        }
        using var login = await _identity.PasswordGrantAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        var row = await _mailbox.OutboxRowAsync("email.verify-address", "userId", user.UserId.ToString());
        Assert.NotNull(row?.DispatchedAt);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task The_reset_e_mail_arrives_and_its_token_sets_a_new_password()
    {
        var user = await _identity.RegisterVerifiedAsync();
        using (var requested = await _identity.Http.PostAsJsonAsync("/api/auth/forgot-password", new { email = user.Email }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        }

        var email = await _mailbox.WaitForAsync(user.Email, "Reset your MedicalHub password");
        Assert.Equal(AccountEmailStackSettings.PublicAppUrl + "/reset-password", email.Link.GetLeftPart(UriPartial.Path));
        Assert.Equal(user.UserId.ToString(), email.Query["userId"]);

        const string newPassword = "a brand new and long passphrase";
        using (var reset = await _identity.Http.PostAsJsonAsync("/api/auth/reset-password",
            new { userId = Guid.Parse(email.Query["userId"]), token = email.Query["token"], newPassword }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }
        using var login = await _identity.PasswordGrantAsync(user.Email, newPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task The_invitation_e_mail_arrives_and_its_link_accepts_the_invitation()
    {
        var admin = await _identity.RegisterVerifiedAsync();
        var adminToken = await _identity.AccessTokenAsync(admin);
        var invitee = IdentityClient.NewEmail();
        using (var invited = await _identity.SendAsync(HttpMethod.Post, "/api/organizations/current/invitations", adminToken,
            new { email = invitee, roleIds = new[] { IdentityClient.NurseRole } }))
        {
            Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        }
        var organizationName = (await _identity.QueuedInvitationAsync(invitee)).GetProperty("organizationName").GetString();

        var email = await _mailbox.WaitForAsync(invitee, $"Gregory House invites you to {organizationName} on MedicalHub");
        Assert.Equal(AccountEmailStackSettings.PublicAppUrl + "/accept-invitation", email.Link.GetLeftPart(UriPartial.Path));

        using var accepted = await _identity.AcceptInvitationAsync(new { token = email.Query["token"], password = "a long and uncommon passphrase", givenName = "Brenda", familyName = "Previn" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(admin.OrganizationId, (await IdentityClient.JsonAsync(accepted)).GetProperty("organizationId").GetGuid());
    }

    [Fact]
    public async Task The_same_outbox_message_relayed_twice_creates_one_notification()
    {
        var user = await _identity.RegisterAsync();
        var email = await _mailbox.WaitForAsync(user.Email, "Verify your e-mail address");
        var first = await _mailbox.WaitForRowAsync("email.verify-address", "userId", user.UserId.ToString(), r => r.DispatchedAt is not null);

        // As when a relay dies after Communication accepted the message but before it recorded the delivery.
        await _identity.ExecuteSqlAsync("UPDATE outbox_messages SET dispatched_at = NULL, next_attempt_at = now() WHERE id = @id", ("id", first.Id));
        var again = await _mailbox.WaitForRowAsync("email.verify-address", "userId", user.UserId.ToString(), r => r.DispatchedAt is not null && r.Attempts == 2);
        Assert.Equal(first.MessageId, again.MessageId);

        using (var verified = await _identity.VerifyEmailAsync(user.UserId, email.Query["token"]))
        {
            Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        }
        using var communication = new CommunicationClient(stack);
        using var listed = await communication.SendAsync(HttpMethod.Get, $"/api/notifications?recipient={Uri.EscapeDataString(user.Email)}",
            await _identity.AccessTokenAsync(user));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var page = await listed.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal("account-security", page.GetProperty("items")[0].GetProperty("category").GetString());
        Assert.Equal(1, await _mailbox.CountAsync(user.Email));
    }

    [Fact]
    public async Task A_message_Communication_refuses_is_dead_lettered_at_once()
    {
        var user = await _identity.RegisterAsync();
        await _mailbox.WaitForRowAsync("email.verify-address", "userId", user.UserId.ToString(), r => r.DispatchedAt is not null);
        var marker = Guid.NewGuid().ToString("N");

        // An address Communication rejects (400): retrying cannot help.
        await _identity.ExecuteSqlAsync(
            "INSERT INTO outbox_messages (message_id, type, payload, created_at, next_attempt_at, attempts) VALUES (gen_random_uuid(), 'email.verify-address', @payload::jsonb, now(), now(), 0)",
            ("payload", JsonSerializer.Serialize(new { userId = user.UserId, email = "not an address", givenName = "Gregory", locale = "en", token = marker, organizationId = user.OrganizationId })));

        var row = await _mailbox.WaitForRowAsync("email.verify-address", "token", marker, r => r.DeadLetteredAt is not null || r.DispatchedAt is not null);
        Assert.NotNull(row.DeadLetteredAt);
        Assert.Null(row.DispatchedAt);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("Communication answered 400", row.LastError, StringComparison.Ordinal);
    }
}
