using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class RegistrationTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> InvalidRegistrations => new()
    {
        { """{"organizationName":"P","email":"x@example.org","password":"correct horse battery","givenName":"A","familyName":"B"}""", "OrganizationName" },
        { """{"organizationName":"Practice","email":"not-an-email","password":"correct horse battery","givenName":"A","familyName":"B"}""", "Email" },
        { """{"organizationName":"Practice","email":"x@example.org","password":"short","givenName":"A","familyName":"B"}""", "Password" },
        { """{"organizationName":"Practice","email":"x@example.org","password":"correct horse battery"}""", "GivenName" },
    };

    [Theory]
    [MemberData(nameof(InvalidRegistrations))]
    public async Task Invalid_registrations_are_refused_with_the_field_at_fault(string body, string field)
    {
        using var identity = new IdentityClient(stack);

        using var response = await identity.Http.PostAsync("/api/auth/register", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Resending_the_verification_e_mail_queues_a_new_working_link_only_for_an_unverified_account()
    {
        using var identity = new IdentityClient(stack);
        var pending = await identity.RegisterAsync();
        var verified = await identity.RegisterVerifiedAsync();

        foreach (var email in new[] { pending.Email, verified.Email, IdentityClient.NewEmail() })
        {
            using var resent = await identity.Http.PostAsJsonAsync("/api/auth/verify-email/resend", new { email }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode); // the same answer for every address: no enumeration
        }

        Assert.Equal(2, await identity.QueuedEmailCountAsync("email.verify-address", pending.UserId));
        Assert.Equal(1, await identity.QueuedEmailCountAsync("email.verify-address", verified.UserId));
        using var confirmed = await identity.VerifyEmailAsync(pending.UserId, await identity.VerificationTokenAsync(pending.UserId));
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);

        using var invalid = await identity.Http.PostAsJsonAsync("/api/auth/verify-email/resend", new { email = "not-an-email" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("")]
    [InlineData("[]")]
    public async Task Malformed_bodies_get_a_ProblemDetails_400(string body)
    {
        using var identity = new IdentityClient(stack);

        using var response = await identity.Http.PostAsync("/api/auth/register", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_password_made_of_the_email_address_or_an_address_already_registered_is_refused()
    {
        using var identity = new IdentityClient(stack);
        var existing = await identity.RegisterAsync();

        using var duplicate = await identity.RegisterAsync(new { organizationName = "Another practice", email = existing.Email, password = "another long password", givenName = "A", familyName = "B" });
        var local = $"wilson{Guid.NewGuid():N}"[..20];
        using var containsEmail = await identity.RegisterAsync(new { organizationName = "Practice", email = $"{local}@example.org", password = $"my {local} password", givenName = "A", familyName = "B" });

        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("email", (await duplicate.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.BadRequest, containsEmail.StatusCode);
        Assert.Contains("password", (await containsEmail.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Theory]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("QWERTY123456")]
    [InlineData("leavemealone")]
    public async Task A_common_password_is_refused(string password)
    {
        using var identity = new IdentityClient(stack);

        using var response = await identity.RegisterAsync(new { organizationName = "Practice", email = IdentityClient.NewEmail(), password, givenName = "A", familyName = "B" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.Contains("commonly used", errors.GetProperty("password")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_registration_leaves_no_organization_behind()
    {
        using var identity = new IdentityClient(stack);
        var existing = await identity.RegisterAsync();
        var name = "Ghost practice " + Guid.NewGuid().ToString("N")[..8];

        using var duplicate = await identity.RegisterAsync(new { organizationName = name, email = existing.Email, password = "another long password", givenName = "A", familyName = "B" });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);

        await using var db = new Npgsql.NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var query = new Npgsql.NpgsqlCommand("SELECT count(*) FROM organizations WHERE name = @name", db);
        query.Parameters.AddWithValue("name", name);
        Assert.Equal(0L, await query.ExecuteScalarAsync(Ct));
    }
}
