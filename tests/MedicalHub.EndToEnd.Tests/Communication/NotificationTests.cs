using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.Communication.CommunicationClient;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>Sending, following, listing and cancelling notifications, with e-mail really delivered to the SMTP sink.</summary>
public sealed class NotificationTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CommunicationClient _client = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _client.Dispose();
        _mail.Dispose();
    }

    private static string NewAddress() => $"patient.{Guid.NewGuid():N}@example.org";

    [Fact]
    public async Task A_templated_email_is_rendered_sent_over_SMTP_and_its_attempt_recorded()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var to = NewAddress();
        var userId = Guid.NewGuid();

        var id = await _client.NotifyAsync(admin, new
        {
            recipient = new { email = to },
            category = "account-security",
            template = "email.verify-address",
            data = new { userId, email = to, givenName = "Lisa", token = "tok/en+1" },
        });

        var sent = await _client.WaitForAsync(admin, id, StatusIs("sent"));
        var email = Channel(sent, "email");
        Assert.Equal("sent", email.GetProperty("status").GetString());
        Assert.Equal("smtp", email.GetProperty("provider").GetString());
        var attempt = Assert.Single(email.GetProperty("attemptLog").EnumerateArray());
        Assert.Equal("sent", attempt.GetProperty("outcome").GetString());
        Assert.Equal("smtp", attempt.GetProperty("provider").GetString());

        var message = Assert.Single(await _mail.MessagesToAsync(to));
        Assert.Equal("Verify your e-mail address", message.GetProperty("subject").GetString());
        var raw = await _mail.RawAsync(message);
        Assert.Contains("Hello Lisa", raw, StringComparison.Ordinal);
        Assert.Contains($"userId={userId}", raw, StringComparison.Ordinal);
        Assert.Contains("token=tok%2Fen%2B1", raw, StringComparison.Ordinal);
        Assert.Contains(email.GetProperty("providerMessageId").GetString()!, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_idempotency_key_never_creates_a_second_notification_and_a_different_body_under_it_is_refused()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var to = NewAddress();
        var key = Guid.NewGuid().ToString();
        var body = new { recipient = new { email = to }, category = "document-shared", subject = "A document was shared", body = "See the portal." };

        var first = await _client.NotifyAsync(admin, body, idempotencyKey: key);
        using (var replay = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, body, key))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
            Assert.Equal(first, (await replay.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
            Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        }

        // The key given as a field instead of a header is the same key.
        using (var asField = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, new
        {
            recipient = new { email = to }, category = "document-shared", subject = "A document was shared", body = "See the portal.", idempotencyKey = key,
        }))
        {
            Assert.Equal(HttpStatusCode.Accepted, asField.StatusCode);
            Assert.Equal(first, (await asField.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
        }

        using (var different = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token,
            new { recipient = new { email = to }, category = "document-shared", subject = "Another subject", body = "See the portal." }, key))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
            Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        }

        await _client.WaitForAsync(admin, first, StatusIs("sent"));
        Assert.Single(await _mail.MessagesToAsync(to));
        var listed = await ListAsync(admin, $"recipient={Uri.EscapeDataString(to)}");
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_scheduled_notification_waits_for_its_time_and_then_goes_out()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var to = NewAddress();
        var id = await _client.NotifyAsync(admin, new
        {
            recipient = new { email = to }, category = "appointment-reminder", subject = "Your appointment", body = "Tomorrow at 9.",
            sendAt = DateTimeOffset.UtcNow.AddSeconds(4),
        });

        var scheduled = await _client.GetAsync(admin, id);
        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal("scheduled", Channel(scheduled, "email").GetProperty("status").GetString());

        await _client.WaitForAsync(admin, id, StatusIs("sent"));
        Assert.Single(await _mail.MessagesToAsync(to));
    }

    [Fact]
    public async Task A_scheduled_notification_can_be_cancelled_once_and_is_never_sent()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var to = NewAddress();
        var id = await _client.NotifyAsync(admin, new
        {
            recipient = new { email = to }, category = "appointment-reminder", subject = "Your appointment", body = "Next week.",
            sendAt = DateTimeOffset.UtcNow.AddHours(1),
        });

        using (var cancel = await _client.SendAsync(HttpMethod.Post, $"/api/notifications/{id}/cancel", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            Assert.Equal("cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        }
        using (var again = await _client.SendAsync(HttpMethod.Post, $"/api/notifications/{id}/cancel", admin.Token))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        var cancelled = await _client.GetAsync(admin, id);
        Assert.Equal("cancelled", Channel(cancelled, "email").GetProperty("status").GetString());
        var listed = await ListAsync(admin, "status=cancelled");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), n => n.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task A_sent_notification_cannot_be_cancelled()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var id = await _client.NotifyAsync(admin, new { recipient = new { email = NewAddress() }, category = "document-shared", subject = "Hi", body = "Now." });
        await _client.WaitForAsync(admin, id, StatusIs("sent"));

        using var cancel = await _client.SendAsync(HttpMethod.Post, $"/api/notifications/{id}/cancel", admin.Token);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
    }

    [Fact]
    public async Task Another_organization_s_notifications_are_invisible_and_cannot_be_cancelled()
    {
        var owner = await _client.NewOrganizationAdminAsync();
        var stranger = await _client.NewOrganizationAdminAsync();
        var to = NewAddress();
        var id = await _client.NotifyAsync(owner, new
        {
            recipient = new { email = to }, category = "appointment-reminder", subject = "Private", body = "Private.", sendAt = DateTimeOffset.UtcNow.AddHours(1),
        });

        using (var get = await _client.SendAsync(HttpMethod.Get, $"/api/notifications/{id}", stranger.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
        using (var cancel = await _client.SendAsync(HttpMethod.Post, $"/api/notifications/{id}/cancel", stranger.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        }
        var strangersList = await ListAsync(stranger, $"recipient={Uri.EscapeDataString(to)}");
        Assert.Equal(0, strangersList.GetProperty("total").GetInt32());
        // A user cannot send on behalf of another organization either.
        using (var forOther = await _client.SendAsync(HttpMethod.Post, "/api/notifications", stranger.Token,
            new { recipient = new { email = to }, category = "document-shared", subject = "x", body = "y", organizationId = owner.OrganizationId }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forOther.StatusCode);
        }

        Assert.Equal("scheduled", (await _client.GetAsync(owner, id)).GetProperty("status").GetString());
        var ownersList = await ListAsync(owner, $"recipient={Uri.EscapeDataString(to)}");
        Assert.Equal(1, ownersList.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bad_requests_get_validation_problems_naming_the_fields()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        using var response = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, new
        {
            recipient = new { email = "not an address", phone = "0470" },
            category = "Bad Category",
            channels = new List<string> { "pigeon" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        foreach (var field in new[] { "recipient.email", "recipient.phone", "category", "template", "channels" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        using var unknownTemplate = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token,
            new { recipient = new { email = NewAddress() }, category = "document-shared", template = "email.does-not-exist" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownTemplate.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_without_messages_send_it_is_403()
    {
        using (var anonymous = await _client.SendAsync(HttpMethod.Get, "/api/notifications", token: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var admin = await _client.NewOrganizationAdminAsync();
        var readOnlyRole = await CreateRoleAsync(admin.OrganizationId, "documents:read");
        var reader = await _client.MemberAsync(admin, readOnlyRole);
        using (var forbidden = await _client.SendAsync(HttpMethod.Post, "/api/notifications", reader.Token,
            new { recipient = new { email = NewAddress() }, category = "document-shared", subject = "x", body = "y" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        using (var allowed = await _client.SendAsync(HttpMethod.Get, "/api/notifications", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
    }

    private async Task<JsonElement> ListAsync(Caller caller, string query)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, $"/api/notifications?{query}", caller.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>A custom role of the organization, written where Identity keeps roles (no role API is needed for this test).</summary>
    private async Task<Guid> CreateRoleAsync(Guid organizationId, params string[] permissions)
    {
        var id = Guid.NewGuid();
        await using var db = new Npgsql.NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var insert = new Npgsql.NpgsqlCommand("INSERT INTO organization_roles (id, organization_id, name, permissions) VALUES (@id, @org, @name, @permissions)", db);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("org", organizationId);
        insert.Parameters.AddWithValue("name", "Reader " + id.ToString("N")[..6]);
        insert.Parameters.AddWithValue("permissions", permissions);
        await insert.ExecuteNonQueryAsync(Ct);
        return id;
    }

    [Fact]
    public async Task A_recipient_given_by_user_id_is_reached_at_the_address_and_in_the_language_Identity_knows()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var nurse = await _client.MemberAsync(admin, IdentityClient.NurseRole);
        using (var profile = await _client.Identity.SendAsync(HttpMethod.Patch, "/api/account/profile", nurse.Token, new { locale = "fr-BE", timeZone = "Europe/Brussels" }))
        {
            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        }

        var id = await _client.NotifyAsync(admin, new
        {
            recipient = new { userId = nurse.User.UserId }, category = "document-shared", template = "email.verify-address",
            data = new { userId = nurse.User.UserId, email = nurse.User.Email, givenName = "Inès", token = "t" },
        });

        var sent = await _client.WaitForAsync(admin, id, StatusIs("sent"));
        Assert.Equal(nurse.User.Email, Channel(sent, "email").GetProperty("address").GetString());
        Assert.Equal("fr", sent.GetProperty("locale").GetString());
        // The nurse's mailbox also holds the (English) verification e-mail of their sign-up.
        var inbox = await _mail.MessagesToAsync(nurse.User.Email, atLeast: 2);
        Assert.Single(inbox, m => m.GetProperty("subject").GetString() == "Confirmez votre adresse e-mail");
    }

    [Fact]
    public async Task A_user_id_of_another_organization_or_of_nobody_is_refused_and_nothing_is_sent()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var stranger = await _client.NewOrganizationAdminAsync();

        foreach (var userId in new[] { stranger.User.UserId, Guid.NewGuid() })
        {
            using var refused = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, new
            {
                recipient = new { userId }, category = "document-shared", subject = "Not for you", body = "-",
            });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("Unknown recipient.", problem.GetProperty("title").GetString());
            Assert.Contains($"No active member of this organization has the user id {userId}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        // Not even with an address given: the user id would apply the stranger's preferences to another organization's mail.
        using (var withAddress = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, new
        {
            recipient = new { userId = stranger.User.UserId, email = NewAddress() }, category = "document-shared", subject = "Not for you", body = "-",
        }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, withAddress.StatusCode);
        }

        using var list = await _client.SendAsync(HttpMethod.Get, $"/api/notifications?recipient={stranger.User.UserId}", admin.Token);
        Assert.Equal(0, (await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("total").GetInt32());
        // The stranger's mailbox holds their sign-up's verification e-mail only.
        Assert.DoesNotContain(await _mail.MessagesToAsync(stranger.User.Email), m => m.GetProperty("subject").GetString() == "Not for you");
    }
}
