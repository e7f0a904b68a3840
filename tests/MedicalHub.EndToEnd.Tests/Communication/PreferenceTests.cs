using MedicalHub.EndToEnd.Tests.Identity;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.Communication.CommunicationClient;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>Recipients' preferences: opt-outs versus critical categories, quiet hours, and one-click unsubscribe (RFC 8058).</summary>
public sealed partial class PreferenceTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CommunicationClient _client = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _client.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task An_opt_out_stops_its_category_on_its_channel_but_never_a_critical_category()
    {
        var sender = await _client.NewOrganizationAdminAsync();
        var recipient = await _client.MemberAsync(sender, IdentityClient.NurseRole); // a recipient by user id is a member of the sender's organization
        await SavePreferencesAsync(recipient, new { channels = new List<object> { new { category = "appointment-reminder", channel = "email", enabled = false } } });

        var to = $"optout.{Guid.NewGuid():N}@example.org";
        var reminder = await _client.NotifyAsync(sender, new
        {
            recipient = new { userId = recipient.User.UserId, email = to }, category = "appointment-reminder", subject = "Reminder", body = "Tomorrow.",
        });
        var security = await _client.NotifyAsync(sender, new
        {
            recipient = new { userId = recipient.User.UserId, email = to }, category = "account-security", subject = "New sign-in", body = "Was it you?",
        });

        var skipped = Channel(await _client.GetAsync(sender, reminder), "email");
        Assert.Equal("cancelled", skipped.GetProperty("status").GetString());
        Assert.Contains("opted out", skipped.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        await _client.WaitForAsync(sender, security, StatusIs("sent"));

        var received = Assert.Single(await _mail.MessagesToAsync(to));
        Assert.Equal("New sign-in", received.GetProperty("subject").GetString());
        // A critical message offers no way out.
        Assert.DoesNotContain("List-Unsubscribe", await _mail.RawAsync(received), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task During_quiet_hours_a_notification_waits_until_they_end_instead_of_being_dropped()
    {
        var sender = await _client.NewOrganizationAdminAsync();
        var recipient = await _client.MemberAsync(sender, IdentityClient.NurseRole); // a recipient by user id is a member of the sender's organization
        var now = TimeOnly.FromDateTime(DateTime.UtcNow);
        var end = now.AddHours(2);
        await SavePreferencesAsync(recipient, new { timeZone = "Etc/UTC", quietHoursStart = now.AddHours(-1), quietHoursEnd = end, channels = new List<object>() });

        var id = await _client.NotifyAsync(sender, new
        {
            recipient = new { userId = recipient.User.UserId, email = $"quiet.{Guid.NewGuid():N}@example.org" },
            category = "appointment-reminder", subject = "Reminder", body = "Tomorrow.",
        });

        var notification = await _client.GetAsync(sender, id);
        Assert.Equal("scheduled", notification.GetProperty("status").GetString());
        var nextAttempt = Channel(notification, "email").GetProperty("nextAttemptAt").GetDateTimeOffset();
        Assert.Equal(end.Hour, nextAttempt.UtcDateTime.Hour);
        Assert.Equal(end.Minute, nextAttempt.UtcDateTime.Minute);
        Assert.True(nextAttempt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task The_one_click_unsubscribe_link_in_an_email_opts_the_recipient_out_and_cannot_be_forged()
    {
        var sender = await _client.NewOrganizationAdminAsync();
        var recipient = await _client.MemberAsync(sender, IdentityClient.NurseRole); // a recipient by user id is a member of the sender's organization
        var to = $"unsub.{Guid.NewGuid():N}@example.org";
        var first = await _client.NotifyAsync(sender, new
        {
            recipient = new { userId = recipient.User.UserId, email = to }, category = "document-shared", subject = "Shared with you", body = "A letter.",
        });
        await _client.WaitForAsync(sender, first, StatusIs("sent"));

        var raw = await _mail.RawAsync(Assert.Single(await _mail.MessagesToAsync(to)));
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", raw, StringComparison.Ordinal);
        var link = new Uri(UnsubscribeLink().Match(Unfold(raw)).Groups["url"].Value);

        using (var forged = await _client.Http.PostAsync($"/api/notification-preferences/unsubscribe?token={Uri.EscapeDataString("eyJhIjoxfQ.AAAA")}", OneClick(), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        using (var unsubscribe = await _client.Http.PostAsync(link.PathAndQuery, OneClick(), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);
        }

        using (var preferences = await _client.SendAsync(HttpMethod.Get, "/api/notification-preferences", recipient.Token))
        {
            var choice = Assert.Single((await preferences.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("channels").EnumerateArray());
            Assert.Equal("document-shared", choice.GetProperty("category").GetString());
            Assert.False(choice.GetProperty("enabled").GetBoolean());
        }
        var second = await _client.NotifyAsync(sender, new
        {
            recipient = new { userId = recipient.User.UserId, email = to }, category = "document-shared", subject = "Shared again", body = "Another letter.",
        });
        Assert.Equal("cancelled", Channel(await _client.GetAsync(sender, second), "email").GetProperty("status").GetString());
    }

    private static FormUrlEncodedContent OneClick() => new([new("List-Unsubscribe", "One-Click")]);

    /// <summary>Long headers are folded over several lines in the raw message.</summary>
    private static string Unfold(string raw) => raw.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal).Replace("\n ", " ", StringComparison.Ordinal);

    private async Task SavePreferencesAsync(Caller caller, object preferences)
    {
        using var response = await _client.SendAsync(HttpMethod.Put, "/api/notification-preferences", caller.Token, preferences);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    [GeneratedRegex(@"List-Unsubscribe:\s*<(?<url>[^>]+)>", RegexOptions.IgnoreCase)]
    private static partial Regex UnsubscribeLink();
}
