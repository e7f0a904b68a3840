using System.Net;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;

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
        foreach (var instance in CommunicationUnderTest.Instances)
        {
            await ServiceProcesses.KillAsync(stack, instance);
        }

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
        foreach (var instance in CommunicationUnderTest.Instances)
        {
            await ServiceProcesses.StartAsync(stack, instance);
        }
    }
}
