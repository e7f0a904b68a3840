using System.Net.Mail;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests;

/// <summary>The development mailbox in the stack: a real SMTP server whose HTTP API shows what it received.</summary>
public sealed class MailSinkTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mail_sent_over_SMTP_can_be_read_back_through_the_sink_s_API()
    {
        var smtp = stack.App.GetEndpoint("mail", "smtp");
        var subject = $"Verify your e-mail {Guid.NewGuid():N}";
        using (var client = new SmtpClient(smtp.Host, smtp.Port))
        {
            await client.SendMailAsync(new MailMessage("no-reply@medicalhub.local", "dr.house@example.org", subject, "Follow the link."), Ct);
        }

        using var http = new HttpClient { BaseAddress = stack.App.GetEndpoint("mail", "http") };
        JsonElement? found = null;
        for (var attempt = 0; attempt < 20 && found is null; attempt++)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync("/api/messages", Ct));
            var messages = page.RootElement.ValueKind == JsonValueKind.Array ? page.RootElement : page.RootElement.GetProperty("results");
            foreach (var message in messages.EnumerateArray().Where(m => m.GetProperty("subject").GetString() == subject))
            {
                found = message.Clone();
            }
            if (found is null)
            {
                await Task.Delay(250, Ct);
            }
        }

        Assert.True(found.HasValue, "the sink never listed the message");
        Assert.Contains("dr.house@example.org", found.Value.GetProperty("to").ToString(), StringComparison.Ordinal);
    }
}
