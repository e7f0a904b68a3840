using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>The development mailbox (smtp4dev) read over its HTTP API.</summary>
internal sealed class MailSink(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _http = new() { BaseAddress = stack.App.GetEndpoint("mail", "http") };

    /// <summary>The messages to <paramref name="to"/> (each address in the suite is unique), waiting up to ~15 s for <paramref name="atLeast"/> (0: no wait).</summary>
    public async Task<List<JsonElement>> MessagesToAsync(string to, int atLeast = 1)
    {
        var found = new List<JsonElement>();
        for (var attempt = 0; attempt < 60; attempt++)
        {
            found.Clear();
            using var page = JsonDocument.Parse(await _http.GetStringAsync("/api/messages?pageSize=1000", Ct));
            var messages = page.RootElement.ValueKind == JsonValueKind.Array ? page.RootElement : page.RootElement.GetProperty("results");
            found.AddRange(messages.EnumerateArray().Where(m => m.GetProperty("to").ToString().Contains(to, StringComparison.OrdinalIgnoreCase)).Select(m => m.Clone()));
            if (found.Count >= atLeast)
            {
                return found;
            }
            await Task.Delay(250, Ct);
        }
        return found;
    }

    /// <summary>A message's raw source (headers and body as sent).</summary>
    public async Task<string> RawAsync(JsonElement message) =>
        await _http.GetStringAsync($"/api/messages/{message.GetProperty("id").GetString()}/raw", Ct);

    public void Dispose() => _http.Dispose();
}
