using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Content;
using MedicalHub.EndToEnd.Tests.Conversations;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// The in-app channel through the gateway: a share lands in its recipient's inbox and is pushed to their open hub
/// connections; only they list it or mark it read; the channel needs a user to address.
/// </summary>
public sealed class InboxTests(StackFixture stack) : IDisposable
{
    private readonly ConversationClient _client = new(stack);
    private readonly DocumentsClient _content = new(stack);

    public void Dispose()
    {
        _client.Dispose();
        _content.Dispose();
    }

    private static readonly string[] InAppOnly = ["inapp"];

    private async Task<JsonElement> InboxAsync(ServiceCaller.User user, string query = "") => await _client.GetJsonAsync($"/api/inbox{query}", user.Token);

    [Fact]
    public async Task A_share_reaches_the_recipient_s_inbox_and_open_connections_and_only_they_read_or_mark_it()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var specialist = await _client.NewOrganizationAdminAsync();
        var colleague = await _client.MemberAsync(specialist);
        await using var connection = await _client.ConnectAsync(specialist.Token);
        var document = (await _content.CreateAsync(owner)).GetProperty("id").GetGuid();

        using (var share = await _content.Caller.SendAsync(HttpMethod.Post, "/api/shares", owner.Token,
                   new { documentId = document, recipientUserId = specialist.Account.UserId, recipientOrganizationId = specialist.OrganizationId }))
        {
            Assert.Equal(HttpStatusCode.Created, share.StatusCode);
        }

        var pushed = await connection.NextAsync("inboxItem", within: TimeSpan.FromSeconds(60));
        Assert.Contains("shared a document with you", pushed.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var inbox = await InboxAsync(specialist);
        Assert.Equal(1, inbox.GetProperty("unread").GetInt32());
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(pushed.GetProperty("notificationId").GetGuid(), item.GetProperty("notificationId").GetGuid());
        Assert.Equal("document-shared", item.GetProperty("category").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("readAt").ValueKind);
        var id = item.GetProperty("id").GetGuid();

        // Nobody else lists it or marks it: a colleague of the same organization, the sharer of another.
        Assert.Equal(0, (await InboxAsync(colleague)).GetProperty("total").GetInt32());
        foreach (var other in new[] { colleague, owner })
        {
            using var notTheirs = await _client.SendAsync(HttpMethod.Post, $"/api/inbox/{id}/read", other.Token);
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        }
        Assert.Equal(1, (await InboxAsync(specialist, "?unreadOnly=true")).GetProperty("total").GetInt32());

        // Read once, and again (the first time stays); then nothing is left unread.
        for (var i = 0; i < 2; i++)
        {
            using var read = await _client.SendAsync(HttpMethod.Post, $"/api/inbox/{id}/read", specialist.Token);
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        }
        var after = await InboxAsync(specialist);
        Assert.Equal(0, after.GetProperty("unread").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, Assert.Single(after.GetProperty("items").EnumerateArray()).GetProperty("readAt").ValueKind);
        Assert.Equal(0, (await InboxAsync(specialist, "?unreadOnly=true")).GetProperty("total").GetInt32());
        using var readAll = await _client.SendAsync(HttpMethod.Post, "/api/inbox/read", specialist.Token);
        Assert.Equal(HttpStatusCode.OK, readAll.StatusCode);
        Assert.Equal(0, (await ConversationClient.JsonAsync(readAll)).GetInt32());
    }

    [Fact]
    public async Task The_in_app_channel_addresses_a_member_and_a_bad_page_or_a_service_gets_a_clear_refusal()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var nurse = await _client.MemberAsync(admin, Identity.IdentityClient.NurseRole);

        using (var sent = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, new
               {
                   recipient = new { userId = nurse.Account.UserId }, category = "team", subject = "Rota", body = "The rota for next week is out.", channels = InAppOnly,
               }))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        JsonElement inbox;
        while ((inbox = await InboxAsync(nurse)).GetProperty("total").GetInt32() == 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        Assert.Equal("The rota for next week is out.", Assert.Single(inbox.GetProperty("items").EnumerateArray()).GetProperty("body").GetString());
        Assert.Equal(0, (await InboxAsync(admin)).GetProperty("total").GetInt32());

        // An e-mail address is no inbox.
        using (var noUser = await _client.SendAsync(HttpMethod.Post, "/api/notifications", admin.Token, new
               {
                   recipient = new { email = "someone@example.org" }, category = "team", subject = "Rota", body = "x", channels = InAppOnly,
               }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noUser.StatusCode);
            Assert.True((await ConversationClient.JsonAsync(noUser)).GetProperty("errors").TryGetProperty("channels", out _));
        }
        foreach (var bad in new[] { "?pageSize=0", "?pageSize=101", "?page=0" })
        {
            using var refused = await _client.SendAsync(HttpMethod.Get, $"/api/inbox{bad}", nurse.Token);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using var direct = new ServiceCaller(stack, "communication");
        using var service = await direct.SendAsync(HttpMethod.Get, "/api/inbox", await direct.ServiceTokenAsync("content", "communication"));
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
    }
}
