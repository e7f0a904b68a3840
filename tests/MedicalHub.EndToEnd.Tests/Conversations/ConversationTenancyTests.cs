using System.Net;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace MedicalHub.EndToEnd.Tests.Conversations;

/// <summary>
/// A conversation is its participants' (and, for a patient conversation, its care team's) only: another organization's
/// user, and a colleague who is not in it, can neither read it, post to it, change their state in it, nor receive its
/// pushes or tell it they are typing. What they may not see is not found (404), never confirmed to exist.
/// </summary>
public sealed class ConversationTenancyTests(StackFixture stack) : IDisposable
{
    private readonly ConversationClient _client = new(stack);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Another_organizations_user_and_a_colleague_outside_the_conversation_cannot_read_join_or_post()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var member = await _client.MemberAsync(admin);
        var colleague = await _client.MemberAsync(admin);
        var stranger = await _client.NewOrganizationAdminAsync();
        var conversation = await _client.GroupAsync(admin, "Mrs Example's referral", null, member);
        var first = await _client.PostAsync(admin, conversation, "The referral letter is in.");
        var sequence = first.GetProperty("sequence").GetInt64();

        await using var memberHub = await _client.ConnectAsync(member.Token);
        await using var strangerHub = await _client.ConnectAsync(stranger.Token);
        await using var colleagueHub = await _client.ConnectAsync(colleague.Token);

        foreach (var outsider in new[] { stranger, colleague })
        {
            foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
            {
                (HttpMethod.Get, $"/api/conversations/{conversation}", null),
                (HttpMethod.Get, $"/api/conversations/{conversation}/messages", null),
                (HttpMethod.Get, $"/api/conversations/{conversation}/messages?after=0", null),
                (HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { body = "Let me in." }),
                (HttpMethod.Post, $"/api/conversations/{conversation}/read", new { sequence }),
                (HttpMethod.Patch, $"/api/conversations/{conversation}/me", new { archived = true }),
                (HttpMethod.Put, $"/api/conversations/{conversation}/messages/{sequence}/reactions/%2B1", null),
                (HttpMethod.Patch, $"/api/conversations/{conversation}/messages/{sequence}", new { body = "Changed." }),
                (HttpMethod.Delete, $"/api/conversations/{conversation}/messages/{sequence}", null),
            })
            {
                using var response = await _client.SendAsync(method, path, outsider.Token, body);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} by an outsider: {(int)response.StatusCode}");
            }
            var list = await _client.GetJsonAsync("/api/conversations", outsider.Token);
            Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == conversation);
            var found = await _client.GetJsonAsync("/api/conversations/search?q=referral", outsider.Token);
            Assert.Empty(found.GetProperty("items").EnumerateArray());

            // Telling a conversation one is not in that one is typing is refused by the hub.
            var refusal = await Assert.ThrowsAsync<HubException>(() => (outsider == stranger ? strangerHub : colleagueHub).Connection.InvokeAsync("Typing", conversation,
                TestContext.Current.CancellationToken));
            Assert.Contains("not found", refusal.Message, StringComparison.OrdinalIgnoreCase);
        }

        // Another organization's user cannot be brought into the conversation's organization either.
        using (var direct = await _client.SendAsync(HttpMethod.Post, "/api/conversations", stranger.Token, new { kind = "direct", participantIds = new[] { member.Account.UserId } }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, direct.StatusCode);
        }

        // Nothing the outsiders tried changed the conversation; its participant receives its pushes, they do not.
        var second = await _client.PostAsync(admin, conversation, "Appointment booked for Tuesday.");
        var pushed = await memberHub.NextAsync("messageReceived", e => e.GetProperty("conversationId").GetGuid() == conversation);
        Assert.Equal(second.GetProperty("sequence").GetInt64(), pushed.GetProperty("sequence").GetInt64());
        Assert.Equal(2, second.GetProperty("sequence").GetInt64());
        await memberHub.Connection.InvokeAsync("Typing", conversation, TestContext.Current.CancellationToken);
        // Pushes to one connection arrive in order: a later push to the outsiders shows the earlier ones would have come.
        var marker = await _client.DirectAsync(stranger, await _client.MemberAsync(stranger));
        await _client.PostAsync(stranger, marker, "Marker.");
        var strangerSaw = await strangerHub.UntilAsync("messageReceived", e => e.GetProperty("conversationId").GetGuid() == marker);
        var colleagueMarker = await _client.DirectAsync(admin, colleague);
        await _client.PostAsync(admin, colleagueMarker, "Marker.");
        var colleagueSaw = await colleagueHub.UntilAsync("messageReceived", e => e.GetProperty("conversationId").GetGuid() == colleagueMarker);
        foreach (var saw in new[] { strangerSaw, colleagueSaw })
        {
            Assert.DoesNotContain(saw, e => e.Event.TryGetProperty("conversationId", out var id) && id.GetGuid() == conversation);
        }
        var mine = await _client.GetJsonAsync("/api/conversations/search?q=referral", member.Token);
        Assert.Equal(conversation, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("conversationId").GetGuid());
        var messages = await _client.GetJsonAsync($"/api/conversations/{conversation}/messages", member.Token);
        Assert.Equal(["The referral letter is in.", "Appointment booked for Tuesday."],
            messages.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("body").GetString()!).ToArray());
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_token_or_with_a_forged_one()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var forged = admin.Token[..admin.Token.LastIndexOf('.')] + ".c2lnbmF0dXJlLW9mLW5vYm9keQ";
        foreach (var token in new[] { null, forged, "not-a-token" })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => _client.ConnectAsync(token));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        // The service refuses them too, when reached without the gateway.
        var direct = await Assert.ThrowsAsync<HttpRequestException>(() => _client.ConnectAsync(forged, CommunicationUnderTest.Name));
        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        await using var accepted = await _client.ConnectAsync(admin.Token);
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, accepted.Connection.State);
    }
}
