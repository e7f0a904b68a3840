using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class DemoOrganizationTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("admin@demo.medicalhub.local", "OrgAdmin")]
    [InlineData("doctor@demo.medicalhub.local", "Practitioner")]
    [InlineData("nurse@demo.medicalhub.local", "Nurse")]
    [InlineData("reception@demo.medicalhub.local", "Receptionist")]
    public async Task In_Development_the_demo_practice_has_a_user_per_role_with_the_generated_password(string email, string role)
    {
        var password = await stack.ParameterAsync("identity-demo-password");
        using var identity = new IdentityClient(stack);

        // The seeding runs beside the service's start-up: give it a few seconds on a slow machine.
        var login = await identity.PasswordGrantAsync(email, password);
        for (var attempt = 0; attempt < 20 && login.StatusCode != HttpStatusCode.OK; attempt++)
        {
            login.Dispose();
            await Task.Delay(500, Ct);
            login = await identity.PasswordGrantAsync(email, password);
        }

        using var response = login;
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var claims = IdentityClient.Payload((await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString()!);
        Assert.Equal(role, claims.GetProperty("role").GetString());
    }
}
