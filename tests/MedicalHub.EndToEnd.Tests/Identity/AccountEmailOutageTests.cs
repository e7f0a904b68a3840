using System.Net;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>A Communication outage delays Identity's e-mails, never loses them. Runs alone: it stops the suite's Communication service.</summary>
[Collection(nameof(CommunicationRestartGroup))]
public sealed class AccountEmailOutageTests(StackFixture stack) : IDisposable
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
    public async Task A_verification_e_mail_queued_while_Communication_is_down_is_sent_once_it_is_back()
    {
        // The process is killed (Aspire's stop command is not reliable for projects here, see DeliveryRestartTests).
        var running = await stack.App.ResourceNotifications.WaitForResourceAsync("communication", e => e.Snapshot.State?.Text == KnownResourceStates.Running, Ct);
        var pid = Convert.ToInt32(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
        using (var process = System.Diagnostics.Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
        }
        await stack.App.ResourceNotifications.WaitForResourceAsync("communication", KnownResourceStates.TerminalStates, Ct);

        try
        {
            // Sign-up does not depend on Communication: the e-mail waits in the outbox, retried with backoff.
            var user = await _identity.RegisterAsync();
            var waiting = await _mailbox.WaitForRowAsync("email.verify-address", "userId", user.UserId.ToString(), r => r.Attempts >= 2);
            Assert.Null(waiting.DispatchedAt);
            Assert.Null(waiting.DeadLetteredAt);
            Assert.NotNull(waiting.LastError);
            Assert.Equal(0, await _mailbox.CountAsync(user.Email));

            await StartCommunicationAsync();

            var email = await _mailbox.WaitForAsync(user.Email, "Verify your e-mail address");
            using (var verified = await _identity.VerifyEmailAsync(user.UserId, email.Query["token"]))
            {
                Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
            }
            var delivered = await _mailbox.WaitForRowAsync("email.verify-address", "userId", user.UserId.ToString(), r => r.DispatchedAt is not null);
            Assert.True(delivered.Attempts > waiting.Attempts);
            Assert.Null(delivered.DeadLetteredAt);
            Assert.Equal(1, await _mailbox.CountAsync(user.Email));
        }
        finally
        {
            // Whatever happened, leave the suite's Communication service running.
            await StartCommunicationAsync();
        }
    }

    private async Task StartCommunicationAsync()
    {
        var notifications = stack.App.ResourceNotifications;
        if (notifications.TryGetCurrentState("communication", out var current) && current.Snapshot.State?.Text == KnownResourceStates.Running)
        {
            return;
        }
        var communication = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "communication");
        var started = await stack.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(communication, KnownResourceCommands.StartCommand, Ct);
        Assert.True(started.Success, started.Message);
        await notifications.WaitForResourceHealthyAsync("communication", Ct);
    }
}
