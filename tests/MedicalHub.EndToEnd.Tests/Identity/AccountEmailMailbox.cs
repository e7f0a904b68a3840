using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using MimeKit;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>Identity's e-mails as they arrive in the development mailbox, and their rows in Identity's outbox.</summary>
internal sealed class AccountEmailMailbox(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly MailSink _mail = new(stack);

    public sealed record ReceivedEmail(string Subject, string TextBody, string? HtmlBody, Uri Link, Dictionary<string, string> Query);

    /// <summary>Waits (up to about a minute) for the e-mail to <paramref name="to"/> whose subject is <paramref name="subject"/>; returns it with its link.</summary>
    public async Task<ReceivedEmail> WaitForAsync(string to, string subject)
    {
        for (var i = 0; i < 240; i++)
        {
            var message = (await _mail.MessagesToAsync(to, atLeast: 0)).FirstOrDefault(m => m.GetProperty("subject").GetString() == subject);
            if (message.ValueKind == JsonValueKind.Object)
            {
                return Read(await _mail.RawAsync(message));
            }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"No e-mail '{subject}' reached {to}.");
        return null!;
    }

    /// <summary>How many e-mails reached <paramref name="to"/> (no waiting).</summary>
    public async Task<int> CountAsync(string to) => (await _mail.MessagesToAsync(to, atLeast: 0)).Count;

    private static ReceivedEmail Read(string raw)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
        var message = MimeMessage.Load(stream, Ct);
        var text = message.TextBody ?? "";
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(AccountEmailStackSettings.PublicAppUrl + "/", StringComparison.Ordinal));
        Assert.True(line is not null, $"The e-mail has no link to {AccountEmailStackSettings.PublicAppUrl}:\n{text}");
        var link = new Uri(line);
        var query = QueryHelpers.ParseQuery(link.Query).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        return new ReceivedEmail(message.Subject ?? "", text, message.HtmlBody, link, query);
    }

    public sealed record OutboxRow(long Id, Guid MessageId, int Attempts, DateTimeOffset? DispatchedAt, DateTimeOffset? DeadLetteredAt, string? LastError);

    /// <summary>The newest outbox message of <paramref name="type"/> whose payload has <paramref name="field"/> = <paramref name="value"/>.</summary>
    public async Task<OutboxRow?> OutboxRowAsync(string type, string field, string value)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var query = new NpgsqlCommand(
            "SELECT id, message_id, attempts, dispatched_at, dead_lettered_at, last_error FROM outbox_messages WHERE type = @type AND payload->>@field = @value ORDER BY id DESC LIMIT 1", db);
        query.Parameters.AddWithValue("type", type);
        query.Parameters.AddWithValue("field", field);
        query.Parameters.AddWithValue("value", value);
        await using var reader = await query.ExecuteReaderAsync(Ct);
        if (!await reader.ReadAsync(Ct))
        {
            return null;
        }
        return new OutboxRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    /// <summary>Polls the outbox row until <paramref name="done"/> holds; fails after about two minutes.</summary>
    public async Task<OutboxRow> WaitForRowAsync(string type, string field, string value, Func<OutboxRow, bool> done)
    {
        OutboxRow? last = null;
        for (var i = 0; i < 480; i++)
        {
            last = await OutboxRowAsync(type, field, value);
            if (last is not null && done(last))
            {
                return last;
            }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"The {type} outbox message never reached the expected state; last: {last}");
        return null!;
    }

    public void Dispose() => _mail.Dispose();
}
