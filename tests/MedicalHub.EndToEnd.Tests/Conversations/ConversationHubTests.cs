using System.Net;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace MedicalHub.EndToEnd.Tests.Conversations;

/// <summary>
/// The conversations hub as the stock .NET SignalR client sees it through the gateway (WebSockets, the token in the
/// query as browsers send it): messages pushed once stored, presence and typing among the organization's staff, the
/// flood limit, and the Redis backplane joining Communication's two instances.
/// </summary>
public sealed class ConversationHubTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ConversationClient _client = new(stack);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_message_sent_through_the_gateway_is_pushed_over_WebSockets_to_the_other_participant_and_missed_ones_are_fetched_after_reconnecting()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var member = await _client.MemberAsync(admin);
        var conversation = await _client.DirectAsync(admin, member);
        // The token as a header (what non-browser clients send) is accepted as well as in the query.
        await using var hub = await _client.ConnectAsync(null, tokens: () => Task.FromResult<string?>(member.Token));

        var sent = await _client.PostAsync(admin, conversation, "Can you see **Mr Example** tomorrow?");
        var pushed = await hub.NextAsync("messageReceived", e => e.GetProperty("conversationId").GetGuid() == conversation);
        Assert.Equal(sent.GetProperty("id").GetGuid(), pushed.GetProperty("id").GetGuid());
        Assert.Equal(1, pushed.GetProperty("sequence").GetInt64());
        Assert.Contains("<strong>Mr Example</strong>", pushed.GetProperty("bodyHtml").GetString(), StringComparison.Ordinal);

        // Disconnected, the member misses two messages; after reconnecting (token in the query), they fetch exactly those.
        await hub.Connection.StopAsync(Ct);
        await _client.PostAsync(admin, conversation, "Second.");
        await _client.PostAsync(admin, conversation, "Third.");
        await using var again = await _client.ConnectAsync(member.Token);
        var missed = await _client.GetJsonAsync($"/api/conversations/{conversation}/messages?after=1", member.Token);
        Assert.Equal([2L, 3L], missed.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt64()).ToArray());
        Assert.Equal(3, missed.GetProperty("lastSequence").GetInt64());
        var fourth = await _client.PostAsync(admin, conversation, "Fourth.");
        Assert.Equal(4, (await again.NextAsync("messageReceived", e => e.GetProperty("conversationId").GetGuid() == conversation)).GetProperty("sequence").GetInt64());
        Assert.Equal(4, fourth.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Presence_and_typing_reach_the_organizations_staff_in_the_conversation_and_nobody_else()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var member = await _client.MemberAsync(admin);
        var bystander = await _client.MemberAsync(admin);
        var stranger = await _client.NewOrganizationAdminAsync();
        var conversation = await _client.DirectAsync(admin, member);

        await using var adminHub = await _client.ConnectAsync(admin.Token);
        await using var bystanderHub = await _client.ConnectAsync(bystander.Token);
        await using var strangerHub = await _client.ConnectAsync(stranger.Token);
        var memberId = member.Account.UserId;

        // The member comes online: their colleagues are told, another organization is not.
        var memberHub = await _client.ConnectAsync(member.Token);
        var online = await adminHub.NextAsync("presence", e => e.GetProperty("userId").GetGuid() == memberId);
        Assert.True(online.GetProperty("online").GetBoolean());
        await bystanderHub.NextAsync("presence", e => e.GetProperty("userId").GetGuid() == memberId);
        var presence = await _client.GetJsonAsync($"/api/conversations/presence?userId={memberId}", admin.Token);
        Assert.True(Assert.Single(presence.EnumerateArray()).GetProperty("online").GetBoolean());

        // Typing reaches the conversation's other participant only (not the typist, a bystander, or another organization).
        await memberHub.Connection.InvokeAsync("Typing", conversation, Ct);
        var typing = await adminHub.NextAsync("typing");
        Assert.Equal(conversation, typing.GetProperty("conversationId").GetGuid());
        Assert.Equal(memberId, typing.GetProperty("userId").GetGuid());

        // The member goes offline: their colleagues are told, and presence shows when they were last seen.
        await memberHub.DisposeAsync();
        var offline = await adminHub.NextAsync("presence", e => e.GetProperty("userId").GetGuid() == memberId);
        Assert.False(offline.GetProperty("online").GetBoolean());
        presence = await _client.GetJsonAsync($"/api/conversations/presence?userId={memberId}", admin.Token);
        var seen = Assert.Single(presence.EnumerateArray());
        Assert.False(seen.GetProperty("online").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.String, seen.GetProperty("lastSeenAt").ValueKind);

        // Pushes to one connection arrive in order: a later push shows the earlier ones would have arrived by now.
        await _client.PostAsync(admin, await _client.DirectAsync(admin, bystander), "Marker.");
        Assert.DoesNotContain(await bystanderHub.UntilAsync("messageReceived"), e => e.Method == "typing");
        await _client.PostAsync(stranger, await _client.DirectAsync(stranger, await _client.MemberAsync(stranger)), "Marker.");
        Assert.DoesNotContain(await strangerHub.UntilAsync("messageReceived"), e => e.Method is "typing" or "presence" && e.Event.GetProperty("userId").GetGuid() == memberId);
    }

    [Fact]
    public async Task A_flood_of_messages_is_refused_with_429_and_Retry_After_counted_across_both_instances_per_user()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var member = await _client.MemberAsync(admin);
        var conversation = await _client.DirectAsync(admin, member);
        // Plain clients: the suite's default HTTP pipeline retries a 429 after its Retry-After, which is what is tested here.
        using var first = new HttpClient { BaseAddress = stack.App.GetEndpoint(CommunicationUnderTest.Name, "http") };
        using var second = new HttpClient { BaseAddress = stack.App.GetEndpoint(CommunicationUnderTest.SecondInstance, "http") };
        using var gateway = new HttpClient { BaseAddress = stack.App.GetEndpoint(GatewayUnderTest.Name, "http") };
        gateway.DefaultRequestHeaders.Add("X-Forwarded-For", StackFixture.TestAddress());
        async Task<HttpResponseMessage> SendAsync(HttpClient http, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages") { Content = System.Net.Http.Json.JsonContent.Create(new { body }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin.Token);
            return await http.SendAsync(request, Ct);
        }

        // The limit counts fixed windows from the Unix epoch: start with at least 45 s of one left (the flood takes
        // seconds even on a busy machine), so that it falls inside one window.
        var window = (long)CommunicationStackSettings.FloodWindow.TotalMilliseconds;
        var intoWindow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % window;
        if (window - intoWindow < 45_000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(window - intoWindow + 100), Ct);
        }
        var started = DateTimeOffset.UtcNow;

        // The admin sends to both instances in turn: one count in the service's Redis, not one per instance.
        var accepted = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 2 * CommunicationStackSettings.FloodLimit + 1 && refused is null; i++)
        {
            var response = await SendAsync(i % 2 == 0 ? first : second, $"Message {i}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                accepted++;
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }
        Assert.True(refused is not null, $"No refusal after {accepted} messages in {DateTimeOffset.UtcNow - started}.");
        using (refused)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), CommunicationStackSettings.FloodWindow);
        }
        Assert.Equal(CommunicationStackSettings.FloodLimit, accepted);

        // Through the gateway too; the refused message was not stored; the other participant is not limited by the sender's flood.
        using (var again = await SendAsync(gateway, "One more."))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        }
        var reply = await _client.PostAsync(member, conversation, "Please slow down.");
        Assert.Equal(CommunicationStackSettings.FloodLimit + 1, reply.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_message_posted_on_one_instance_reaches_a_client_connected_to_the_other()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var member = await _client.MemberAsync(admin);
        var conversation = await _client.DirectAsync(admin, member);
        using var first = new ConversationClient(stack, CommunicationUnderTest.Name);
        using var second = new ConversationClient(stack, CommunicationUnderTest.SecondInstance);

        // Each connected straight to one instance (not through the gateway, which could put both on one).
        await using var memberOnSecond = await second.ConnectAsync(member.Token);
        await using var adminOnFirst = await first.ConnectAsync(admin.Token);

        var sentOnFirst = await first.PostAsync(admin, conversation, "Posted on the first instance.");
        var received = await memberOnSecond.NextAsync("messageReceived", e => e.GetProperty("conversationId").GetGuid() == conversation);
        Assert.Equal(sentOnFirst.GetProperty("id").GetGuid(), received.GetProperty("id").GetGuid());

        var sentOnSecond = await second.PostAsync(member, conversation, "Answered on the second.");
        var answer = await adminOnFirst.NextAsync("messageReceived", e => e.GetProperty("sequence").GetInt64() == 2);
        Assert.Equal(sentOnSecond.GetProperty("id").GetGuid(), answer.GetProperty("id").GetGuid());

        // Typing, sent by a hub method on one instance, reaches the other's connection as well.
        await memberOnSecond.Connection.InvokeAsync("Typing", conversation, Ct);
        Assert.Equal(member.Account.UserId, (await adminOnFirst.NextAsync("typing")).GetProperty("userId").GetGuid());
    }
}
